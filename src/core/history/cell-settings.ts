/**
 * A cell's settings: what a cell run records at its start (the `cell-start` event's `settings`)
 * and what the checkers read back from a history — one schema for both, and one reader.
 *
 * The writer (`recordedSettings`) records the scenario's `mirror`, `workload` and `failover`
 * blocks whole, and the playbook and its mirrors (a playbook cell) or the classic timeline; the
 * file keeps every field of them for whoever reads it. The schema names the fields the checkers
 * use, and the writer's parts must fit it at compile time: a field renamed or retyped in the
 * scenario breaks the build here, not a reading of old runs.
 *
 * The reader (`cellSettingsOf`) is lenient, because it reads histories written by earlier
 * versions of the drill: a field absent or of another type reads as absent (undefined), never
 * as an error, and each checker says what absence means (e.g. `autoOffsetReset`: earliest, the
 * scenario's default). The shape on disk is unchanged by this module.
 */
import { z } from 'zod';
import { eventsOf, type HistoryEvents } from './history.ts';
import { clusterNames } from '../kafka/network-layout.ts';

/** A field as recorded, or undefined when absent or not of its type (an older or hand-made history). */
const field = <T extends z.ZodType>(t: T) => t.optional().catch(undefined);
const block = <S extends z.ZodRawShape>(shape: S) => field(z.object(shape));
const properties = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const cellSettingsSchema = z.object({
  mirror: block({
    policy: field(z.string()),
    properties: field(properties),
    /** A team's imported properties file (core/kafka/mm2-properties-file.ts); null: none. */
    file: field(z.object({ properties: field(properties) }).nullable()),
    refreshTopicsIntervalSeconds: field(z.number()),
    syncTopicConfigsIntervalSeconds: field(z.number()),
    exactlyOnce: field(z.boolean()),
    /** offset.lag.max as the drill resolved it (a raw `properties` entry still wins). */
    offsetLagMax: field(z.number()),
  }),
  workload: block({
    idempotent: field(z.boolean()),
    transactionRecords: field(z.number()),
    consumer: block({ groupId: field(z.string()) }),
  }),
  failover: block({
    delaySeconds: field(z.number()),
    autoOffsetReset: field(z.enum(['earliest', 'latest'])),
  }),
  /** A playbook cell's mirrors (core/scenario/playbook.ts `MirrorSpec`), by name. */
  mirrors: field(z.record(z.string(), z.object({
    source: z.enum(clusterNames),
    target: z.enum(clusterNames),
    policy: field(z.string()),
    properties: field(properties),
  }))),
  /** A playbook cell's steps: present only in a playbook cell. */
  playbook: field(z.array(z.unknown())),
  /** A classic cell's timeline. */
  timeline: field(z.array(z.unknown())),
  /** Each topic's partitions, asked rate (messages per second) and message size, as the producer was given them. */
  workloadRates: field(z.array(z.object({ name: z.string(), partitions: z.number(), ratePerSecond: z.number(), messageBytes: z.number() }))),
});

/** The settings of a cell as the checkers read them back (every field may be absent). */
export type CellSettings = z.output<typeof cellSettingsSchema>;
/** Every field present, at every depth (lists and records of values as they are). */
type Full<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]-?: Full<Exclude<T[K], undefined>> } : T;
type RecordedMirror = NonNullable<CellSettings['mirrors']>[string];
/** What a cell must record: every field the schema reads, in its type (a mirror's own policy may be left to `mirror.policy`). */
type Recordable = Full<Omit<CellSettings, 'mirrors' | 'workloadRates'>> & Pick<Full<CellSettings>, 'workloadRates'> & { mirrors: Record<string, Full<Omit<RecordedMirror, 'policy'>> & Pick<RecordedMirror, 'policy'>> };

/** A scenario's parts that a cell records (structural: the scenario's own types fit it). */
export interface SettingsSource {
  readonly mirror: Recordable['mirror'];
  readonly workload: Recordable['workload'];
  readonly failover: Recordable['failover'];
  readonly mirrors: Recordable['mirrors'];
  readonly timeline: Recordable['timeline'];
}

/** The `cell-start` settings of a cell: its playbook and mirrors when it runs one (null: the classic timeline). */
export function recordedSettings<S extends SettingsSource>(s: S, playbook: Recordable['playbook'] | null, workloadRates: Recordable['workloadRates']) {
  return { mirror: s.mirror, workload: s.workload, failover: s.failover, ...(playbook ? { mirrors: s.mirrors, playbook } : { timeline: s.timeline }), workloadRates };
}

/** The settings recorded at the cell's start (all absent when it recorded none). */
export function cellSettingsOf(events: HistoryEvents): CellSettings {
  const start = eventsOf(events, 'cell-start')[0];
  const read = cellSettingsSchema.safeParse(start ? start.settings : {});
  return read.success ? read.data : {};
}

/** A playbook cell's history (its settings carry the playbook). */
export const isPlaybookCell = (settings: CellSettings): boolean => settings.playbook !== undefined;
