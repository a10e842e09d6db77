/**
 * The history: every fact the checker needs, as one JSON event per line (history.ndjson).
 * Events carry `cell` (the matrix cell and repetition) and `t` (epoch ms, from the adapters'
 * clock). Checkers read only this; they never talk to Kafka.
 */
import type { HealthValues, SignalName } from './health-signals.ts';
import type { Acl } from '../kafka/acl.ts';

/** Drill phases whose start times are recorded (see results.json `phases`). */
export const phaseNames = [
  'images-ready',
  // The environment's turn: at its start, or — started ahead, beside the drill before it — once that one's timing-sensitive part is over.
  'turn',
  'clusters-up',
  'mirror-ready',
  'mirror-replicating',
  'workload-started',
  'kill',
  'failover-started',
  'first-backup-delivery',
  'faults-healed',
  'drain-started',
  'drain-done',
  'verify-done',
] as const;
export type PhaseName = (typeof phaseNames)[number];
/** Records that a phase started, now or at `t` (the time of the event that started it). */
export type PhaseClock = (p: PhaseName, t?: number) => void;

export type ConsumerPhase = 'primary' | 'backup';
export type PartitionOffsets = Record<string, string>; // partition → offset (string: Kafka offsets are int64)

interface Base {
  readonly cell: string;
  readonly t: number;
}

export type HistoryEvent = Base &
  (
    | { type: 'cell-start'; values: Record<string, unknown>; settings: Record<string, unknown> }
    | { type: 'phase'; phase: PhaseName }
    /**
     * `cluster`: where the producer wrote (absent: the primary; a playbook moves producers).
     * `key`: the message's key in a keyed workload (`workload.keys: N`; absent otherwise).
     */
    | { type: 'ack'; id: string; topic: string; partition: number; offset: string; key?: string; cluster?: string }
    | { type: 'fail'; id: string; error: string }
    | { type: 'indeterminate'; id: string; error: string }
    | { type: 'deliver'; id: string; phase: ConsumerPhase; topic: string; partition: number; offset: string; ts: number }
    | { type: 'commit'; phase: ConsumerPhase; offsets: Record<string, string> } // topic/partition → next offset
    /**
     * A consumer's position when it stopped: topic/partition → the next offset after the last
     * message it processed, and how many deliveries it counted itself (checked against the
     * `deliver` events).
     */
    | { type: 'positions'; phase: ConsumerPhase; offsets: Record<string, string>; delivered: number }
    /**
     * A checkpoint record read from `<source>.checkpoints.internal`, decoded, with its raw bytes (base64).
     * `ts`: the record's timestamp (epoch ms), when MM2 emitted it (absent in histories written before it was recorded).
     */
    | { type: 'checkpoint'; group: string; topic: string; partition: number; upstreamOffset: string; downstreamOffset: string; key: string; value: string; ts?: number }
    /**
     * An offset sync of the forward flow, read live from its `mm2-offset-syncs.<target>.internal`
     * topic (core/kafka/checkpoint.ts `decodeOffsetSync`) on the ADMIN path: the SOURCE
     * `topic`/`partition`, the source record's offset (`upstreamOffset`) and its copy's on the
     * backup (`downstreamOffset`); `ts`: the record's timestamp (epoch ms), when MM2 wrote it;
     * `syncsPartition`/`syncsOffset`: where the sync sits in the syncs topic (its order).
     */
    | { type: 'offset-sync'; topic: string; partition: number; upstreamOffset: string; downstreamOffset: string; ts: number; syncsPartition: number; syncsOffset: string }
    /** The offsets a failover strategy made the consumer resume from (topic/partition → offset; absent: auto.offset.reset). */
    | { type: 'failover-offsets'; strategy: string; group: string; offsets: Record<string, string> }
    /** RemoteClusterUtils.translateOffsets, run by Kafka itself in the MM2 container (cross-check). */
    | { type: 'kafka-translation'; group: string; offsets: Record<string, string> }
    | { type: 'backup-record'; id: string; topic: string; partition: number; offset: string }
    /**
     * A record found by a playbook's verification read of a cluster (every view of the
     * scenario's topics there, end to end, on the ADMIN path).
     */
    | { type: 'copy'; cluster: string; id: string; topic: string; partition: number; offset: string }
    /** A playbook step: `start` when its condition held, then `end` (or `failed`, with the error); `target`: its cluster or mirror. */
    | { type: 'step'; index: number; label: string; action: string; target?: string; state: 'start' | 'end' | 'failed'; detail?: string }
    /**
     * A playbook changed a topic: `deleted` just before the deletion was issued, `created` as its
     * creation was issued (its partition count and config overrides), `altered` once changed.
     */
    | { type: 'topic'; cluster: string; topic: string; change: 'deleted' | 'created' | 'altered'; partitions?: number; config?: Record<string, string> }
    /**
     * A topic followed after a playbook altered or recreated it (or its remote copy): its shape
     * and config values, recorded when they changed, and at a failover (`label`).
     */
    | { type: 'topic-config'; cluster: string; topic: string; partitions: number; replicationFactor: number; configs: Record<string, string>; label?: string }
    /**
     * A warm standby member of the group on the backup (`failover.standbyOnBackup`): `joined` once it
     * had its partitions and was paused, `left` when it handed them to the failover consumer. `members`
     * and `groupState`: the group on the backup as the harness described it then; `handed`: records
     * the client gave it before the pause held (never processed, committed or counted as deliveries).
     */
    | { type: 'standby'; state: 'joined' | 'left'; group: string; groupState: string; members: number; handed: number }
    | { type: 'kill'; target: string; signal: string }
    // A producer host's clock (`workload.hosts`, core/plan/producer-hosts.ts): its segment's times were moved onto the drill's by `offsetMs`, each right within ± `boundMs`.
    | { type: 'producer-clock'; segment: string; offsetMs: number; boundMs: number; samples: number }
    /**
     * The ACLs of a secured cluster (`kafka.security`), recorded when they first read and whenever
     * they changed since the last reading (every second; a dead cluster is not read): when MM2's
     * ACL sync brought each one to the backup.
     */
    | { type: 'acls'; cluster: string; acls: Acl[] }
    /**
     * A test client refused by the authorizer (a `*_AUTHORIZATION_FAILED` error): its first refusal
     * on the cluster after it started or after it was last allowed. The producer's refused sends are
     * also `fail` events (not written); a refused consumer retries every second until allowed.
     */
    | { type: 'auth-error'; client: 'producer' | 'consumer'; cluster: string; error: string }
    | { type: 'fault-start'; step: number; description: string; fault: Record<string, unknown> }
    | { type: 'fault-end'; step: number; description: string; healed: boolean; error?: string }
    | { type: 'fault-error'; step: number; description: string; error: string }
    | { type: 'step-not-reached'; step: number; description: string }
    /** When a timed step was scheduled to start, after its jitter (seconds after the workload started). */
    | { type: 'step-scheduled'; step: number; atSeconds: number }
    /**
     * One restart of MM2 by a timeline's `restart` fault (epoch ms): the stop signal (`stoppedAt`),
     * the fresh start (`startedAt`), the backup's remote-topic end offsets read just after that start
     * (`topic/partition` → end; the new JVM copies nothing for seconds, and the old process's last
     * writes have landed), and the first time a backup end was seen beyond them (`resumedAt`; null:
     * not seen before the next restart, the kill or the cell's end).
     */
    | { type: 'mirror-restart'; step: number; restart: number; mode: 'kill' | 'clean'; stoppedAt: number; startedAt: number; resumedAt: number | null; backupEnd: Record<string, string> }
    /** Replication progress, sampled on the ADMIN paths: end offsets summed over partitions, and the group's offsets MM2 synced to the backup. */
    | {
        type: 'sample'; primaryEnd: number; backupEnd: number; backupGroupOffset: number; consumerPosition: number;
        /** When its reads began (the event's `t` is when they ended, up to a second or more later); absent in older histories. */
        readFrom?: number;
        /** Per source `topic/partition`: [its end offset on the primary, its remote partition's on the backup]. */
        ends?: Record<string, [number, number]>;
        /** Per source `topic/partition`: [the group's committed offset on the primary, the one MM2 synced to its remote partition on the backup] (-1: none). */
        groups?: Record<string, [number, number]>;
        /** Per source `topic/partition`: [its log start offset on the primary, its remote partition's on the backup] (retention deleted everything below). */
        starts?: Record<string, [number, number]>;
      }
    /** MM2's health signals (core/history/health-signals.ts), seconds; null: unknown. Sampled every second while a scenario has alarms. */
    | { type: 'health'; values: HealthValues }
    /** A scenario alarm: `armed` when sampling began, then each time it `fired` or `cleared`, with the signal's value then. */
    | { type: 'alarm'; signal: SignalName; condition: string; state: 'armed' | 'fired' | 'cleared'; value?: number | null }
    /**
     * Offsets looked up on a cluster (partition → offset), labelled as core/history/offsets-labels.ts says: `before-kill-end` / `-committed`,
     * `failover-committed`, `drain-end` / `drain-end-committed` (when the drain stopped) and
     * `verify-end` (the end offsets the verification read read up to).
     */
    | { type: 'offsets'; label: string; cluster: string; topic: string; offsets: PartitionOffsets }
    /**
     * `backup` / `drain` of the classic drill; `primary-copies` / `backup-copies` of a playbook's
     * verification; `offset-syncs`: the forward flow's offset syncs, read up to the end the syncs
     * topic had just before its cluster was killed (or at the end of the steps).
     */
    | { type: 'read-complete'; what: 'backup' | 'drain' | 'primary-copies' | 'backup-copies' | 'offset-syncs'; complete: boolean; detail: string }
    | { type: 'cell-end'; status: 'completed' | 'failed' | 'interrupted'; error?: string }
  );

export type EventType = HistoryEvent['type'];

/** Every event type, for documentation and readers (checked complete at compile time). */
export const eventTypes = [
  'cell-start', 'phase', 'ack', 'fail', 'indeterminate', 'deliver', 'commit', 'positions', 'checkpoint', 'offset-sync', 'failover-offsets',
  'kafka-translation', 'backup-record', 'copy', 'step', 'topic', 'topic-config', 'standby', 'kill', 'producer-clock', 'acls', 'auth-error', 'fault-start', 'fault-end', 'fault-error', 'step-not-reached', 'step-scheduled',
  'mirror-restart',
  'sample', 'health', 'alarm', 'offsets', 'read-complete', 'cell-end',
] as const satisfies readonly EventType[];
type Missing = Exclude<EventType, (typeof eventTypes)[number]>;
/** Fails to compile, naming the type, when an event type is missing from `eventTypes`. */
export const eventTypesComplete: [Missing] extends [never] ? true : Missing = true;
export type EventOf<T extends EventType> = Extract<HistoryEvent, { type: T }>;
/** An event before the recorder stamps `cell` and `t`. */
export type EventBody = HistoryEvent extends infer E ? (E extends HistoryEvent ? Omit<E, 'cell' | 't'> : never) : never;

/** The per-message event types: a history holds one or more of each a message (core/history/compact-history.ts). */
export type MessageEventType = 'ack' | 'deliver' | 'backup-record' | 'copy';

/**
 * A history kept in columns as it is recorded (core/history/event-log.ts): its events in order,
 * each built as it is read, by position and by type.
 */
export interface EventColumns extends Iterable<HistoryEvent> {
  readonly length: number;
  at(i: number): HistoryEvent | undefined;
  /** The events of one type in order, each built as it is reached. */
  ofType<T extends EventType>(type: T): Iterable<EventOf<T>>;
}

/** A history as checkers read it: an array (read back from its file, or a unit test's), or in columns. */
export type HistoryEvents = readonly HistoryEvent[] | EventColumns;

const inColumns = (events: HistoryEvents): events is EventColumns => !Array.isArray(events);

/**
 * The events of one type, as an array. Of a history in columns, for the types it holds few of: the
 * per-message ones (`MessageEventType`) are walked with `eachOf` instead, never gathered (an object
 * each, some 200 B a message).
 */
export function eventsOf<T extends Exclude<EventType, MessageEventType>>(events: HistoryEvents, type: T): EventOf<T>[];
export function eventsOf<T extends EventType>(events: HistoryEvents, type: T): EventOf<T>[];
export function eventsOf<T extends EventType>(events: HistoryEvents, type: T): EventOf<T>[] {
  if (inColumns(events)) return [...events.ofType(type)];
  return events.filter((e): e is EventOf<T> => e.type === type);
}

/** The events of one type in order, without gathering them where the history is in columns. */
export function eachOf<T extends EventType>(events: HistoryEvents, type: T): Iterable<EventOf<T>> {
  return inColumns(events) ? events.ofType(type) : events.filter((e): e is EventOf<T> => e.type === type);
}

/** A run's history as each cell run's events (a report's, a re-derivation's). */
export type HistoryByCell = ReadonlyMap<string, HistoryEvents>;

/** A run's history by cell run: as it is when read by cell, else grouped. */
export const byCell = (history: readonly HistoryEvent[] | HistoryByCell): HistoryByCell => (history instanceof Map ? history : Map.groupBy(history as readonly HistoryEvent[], (e) => e.cell));

/** The event at a position of a history. */
export const eventAt = (events: HistoryEvents, i: number): HistoryEvent | undefined => (inColumns(events) ? events.at(i) : events[i]);
