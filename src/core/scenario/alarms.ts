/**
 * Alarms before the bad day: the signals operators are told to alert on, sampled once a second
 * during the drill (adapters/containers/health-monitor.ts), and the scenario's alarms over them — fired and
 * cleared as the drill runs, recorded in the history, usable as playbook conditions and as
 * thresholds. docs/alarms.md says what each signal can and cannot tell.
 *
 * Every signal but the last is an age in seconds at the sample's time, on the forward flow (primary → backup):
 *
 * - `heartbeatAgeSeconds`: the newest heartbeat the flow's MirrorHeartbeatConnector wrote to
 *   `heartbeats` on the backup (its value carries the time it was emitted, KIP-382). It says the
 *   MM2 process runs and can write to the backup — not that anything reaches it from the primary.
 * - `replicatedHeartbeatAgeSeconds`: the newest heartbeat copied from the primary's `heartbeats`
 *   to the backup (`primary.heartbeats`: heartbeats keep the prefix under every built-in policy).
 *   Only where something emits heartbeats on the primary — the drill's own single MM2 does, through
 *   the herder of the opposite pair (MirrorMakerConfig.clusterPairs) — and it crosses the flow:
 *   the end-to-end signal.
 * - `checkpointAgeSeconds`: the newest checkpoint of the cell's consumer group in
 *   `primary.checkpoints.internal` on the backup, by record time (each paired variant watches its
 *   own group, so each cell's alarms are its own). MM2 writes a
 *   checkpoint only when the group's translated offset moved (MirrorCheckpointTask), so a group
 *   that consumes nothing ages without anything being wrong.
 * - `offsetSyncAgeSeconds`: the newest offset sync of each partition of the scenario's topics
 *   (`mm2-offset-syncs.backup.internal` on the primary, or with `offset-syncs.topic.location=target`
 *   `mm2-offset-syncs.primary.internal` on the backup), by record time; the worst partition,
 *   unknown until every partition has one. MM2 syncs every `offset.lag.max` records and at each
 *   offset flush (KAFKA-15906, 3.7).
 * - `expiredUncopiedMessages`: messages the primary's retention deleted before MM2 stored them
 *   as copied — per partition of the scenario's topics, the primary's log start offset minus the
 *   next offset MM2 stored in `mm2-offsets.primary.internal` on the backup (MM2's own account,
 *   flushed every `offset.flush.interval.ms`), summed where positive; unknown until every
 *   partition has a stored offset. Above 0, MM2's next fetch there is OFFSET_OUT_OF_RANGE and its
 *   source consumer resets by auto.offset.reset (MM2 sets earliest): the backup has a gap nobody
 *   sees in the lag, which counts from where MM2 resumes. MM2's stored offset trails what it
 *   really copied by up to one flush, so a partition can read above 0 for records that were
 *   copied (never the other way): a warning, not the count (the ledger's `expiredBeforeCopy`).
 *
 * A signal the harness cannot read (no record yet, its cluster killed) is unknown: an alarm never
 * fires on unknown, and the sample says so.
 */
import { z } from 'zod';
import { comparisonSchema, holds, parseComparison } from './comparison.ts';
import { signalNames, type HealthValues, type SignalName } from '../history/health-signals.ts';
import { eventsOf, type HistoryEvents } from '../history/history.ts';

export const alarmsSchema = z.partialRecord(z.enum(signalNames), comparisonSchema).default({})
  .describe("Alarms on MM2's health (docs/alarms.md): signal → comparison, e.g. `{ checkpointAgeSeconds: '>10', heartbeatAgeSeconds: '>5' }`, an alarm per signal, fired while its comparison holds. Every signal but `expiredUncopiedMessages` (messages) is an age in seconds, sampled every second during the drill; an unknown signal fires nothing. Each firing is an event; `{ alarm: signal }` starts a playbook step; the thresholds `checkpointAlarmLeadSeconds` (one per age signal), `alarmsFired` and `alarmsFiringAtKill` gate on them.");
export type Alarms = z.output<typeof alarmsSchema>;

export interface AlarmTransition {
  signal: SignalName;
  condition: string;
  state: 'fired' | 'cleared';
  value: number | null;
}

/**
 * `expiredUncopiedMessages` of one sample: Σ over `partitions` of (the primary's log start − the
 * next offset MM2 stored as copied) where positive. Null (unknown) until every partition has both.
 */
export function expiredUncopied(partitions: readonly string[], logStarts: ReadonlyMap<string, bigint> | null, storedNext: ReadonlyMap<string, bigint>): number | null {
  if (!logStarts || !partitions.length || partitions.some((k) => !storedNext.has(k) || !logStarts.has(k))) return null;
  let n = 0n;
  for (const k of partitions) if (logStarts.get(k)! > storedNext.get(k)!) n += logStarts.get(k)! - storedNext.get(k)!;
  return Number(n);
}

/** Follows the alarms over successive samples: a transition when one starts or stops holding. */
export class AlarmTracker {
  private readonly alarms: [SignalName, string][];
  private readonly on = new Set<SignalName>();

  constructor(alarms: Alarms) {
    this.alarms = Object.entries(alarms) as [SignalName, string][];
  }

  observe(sample: HealthValues): AlarmTransition[] {
    const out: AlarmTransition[] = [];
    for (const [signal, condition] of this.alarms) {
      const value = sample[signal];
      // Unknown neither fires nor clears: a killed cluster's signal keeps the state it had.
      if (value === null) continue;
      const firing = holds(value, condition);
      if (firing === this.on.has(signal)) continue;
      if (firing) this.on.add(signal);
      else this.on.delete(signal);
      out.push({ signal, condition, state: firing ? 'fired' : 'cleared', value });
    }
    return out;
  }

  firing(signal: SignalName): boolean {
    return this.on.has(signal);
  }
}

/** What one alarm did in a cell run (results.json `alarms`). Times are ms from the cell start. */
export interface AlarmResult {
  signal: SignalName;
  condition: string;
  /** How many times it fired. */
  fired: number;
  firstFiredMs: number | null;
  /**
   * How long it had been firing, without clearing, when the primary was killed (ms): the warning
   * that stood at the kill. Null when it was not firing then (or there was no kill) — an alarm that
   * fired and cleared before the kill had stopped warning.
   */
  leadMs: number | null;
  /** Whether it was firing when the primary was killed (null without a kill). */
  firingAtKill: boolean | null;
  /** The signal at the last sample before the kill, seconds (null: unknown, or no kill). */
  valueAtKill: number | null;
  /** The highest value sampled (null: never known). */
  peak: number | null;
}

/** The alarms of a cell run, from its history: `armed` names each, `fired` / `cleared` its transitions, `health` its samples. */
export function alarmsOf(events: HistoryEvents, cellStart: number): AlarmResult[] {
  const kill = eventsOf(events, 'kill')[0]?.t ?? null;
  const samples = eventsOf(events, 'health');
  const beforeKill = kill === null ? [] : samples.filter((x) => x.t <= kill);
  const alarms = eventsOf(events, 'alarm');
  return alarms.filter((a) => a.state === 'armed').map((armed) => {
    const mine = alarms.filter((a) => a.signal === armed.signal);
    const fires = mine.filter((a) => a.state === 'fired');
    const last = kill === null ? undefined : mine.filter((a) => a.state !== 'armed' && a.t <= kill).at(-1);
    const values = samples.map((x) => x.values[armed.signal]).filter((v): v is number => v !== null);
    const first = fires[0]?.t;
    const firingAtKill = last?.state === 'fired';
    return {
      signal: armed.signal,
      condition: armed.condition,
      fired: fires.length,
      firstFiredMs: first === undefined ? null : first - cellStart,
      leadMs: kill !== null && firingAtKill ? kill - last.t : null,
      firingAtKill: kill === null ? null : firingAtKill,
      valueAtKill: beforeKill.at(-1)?.values[armed.signal] ?? null,
      peak: values.length ? Math.max(...values) : null,
    };
  });
}

/** Alarms that fired at least once; those firing when the primary was killed (null without a kill). */
export function alarmCounts(alarms: readonly AlarmResult[]): { fired: number; firingAtKill: number | null } {
  const killed = alarms.some((a) => a.firingAtKill !== null);
  return { fired: alarms.filter((a) => a.fired > 0).length, firingAtKill: killed ? alarms.filter((a) => a.firingAtKill).length : null };
}

/**
 * Threshold figures, one per signal: how long its alarm had been firing when the primary was
 * killed — `checkpointAlarmLeadSeconds: '>=5'` gates on "the checkpoint alarm was warning, for at
 * least 5 s, when the primary died". Unknown when that alarm is not declared or was not firing then.
 */
export const alarmLeadFigures = ['heartbeatAlarmLeadSeconds', 'replicatedHeartbeatAlarmLeadSeconds', 'checkpointAlarmLeadSeconds', 'offsetSyncAlarmLeadSeconds'] as const;
export type AlarmLeadFigure = (typeof alarmLeadFigures)[number];
export const leadSignal = (f: AlarmLeadFigure): SignalName => f.replace('AlarmLeadSeconds', 'AgeSeconds') as SignalName;

/** "checkpointAgeSeconds > 10" */
export function alarmLabel(a: Pick<AlarmResult, 'signal' | 'condition'>): string {
  const c = parseComparison(a.condition);
  return `${a.signal} ${c ? `${c.operator} ${c.bound}` : a.condition.trim()}`;
}
