/**
 * Replication lag and sync age, derived from the history alone.
 *
 * - lag in messages: primary end − backup end (summed over partitions) at each sample;
 * - lag in ms: sample time − ack time of the newest replicated message, taking the backup's
 *   count B as "the first B acked messages arrived" (exact for one partition, close for several);
 * - group-sync age: time since the group's offsets on the backup (what MM2 synced, KIP-545) last
 *   moved — how stale the position the consumer will resume from is.
 *
 * Messages are records. Behind a transactional producer each commit marker occupies a source
 * offset of its own and holds no record, while MM2 copies records only (its producer writes no
 * markers: every remote offset holds a record). There a source offset is counted as the acked
 * records below it, and a remote offset as itself — offsets of the two clusters are never
 * subtracted from each other. Without transactions offsets are records, as sampled.
 *
 * An exactly-once MM2 (KIP-618) writes transactions of its own: its commit markers and the
 * copies of the transactions a kill aborted occupy remote offsets too. There a remote offset is
 * counted as the copies below it that a read_committed reader sees — the verification read's
 * `backup-record` events, each counted against the source partition its id was acked on; if
 * that read is incomplete, the lag is unknown.
 */
import { cellSettingsOf } from '../history/cell-settings.ts';
import { eachOf, eventsOf, type HistoryEvents } from '../history/history.ts';
import { tpKey } from '../history/topic-partition.ts';
import type { Checker } from './checker.ts';

/** Acked source offsets per `topic/partition`, ascending. */
export type AckedOffsets = ReadonlyMap<string, readonly number[]>;

/** The acked records' source offsets per `topic/partition` (acks on the primary only). */
export function ackedOffsets(events: HistoryEvents): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of eachOf(events, 'ack')) {
    if ((e.cluster ?? 'primary') !== 'primary') continue;
    const tp = tpKey(e.topic, e.partition);
    const list = out.get(tp) ?? [];
    list.push(Number(e.offset));
    out.set(tp, list);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

/**
 * Behind an exactly-once MM2: per source `topic/partition`, the remote offsets of its copies that
 * the verification read saw, ascending; null when it did not read the backup to the end.
 */
export function copiedOffsets(events: HistoryEvents): Map<string, number[]> | null {
  if (!eventsOf(events, 'read-complete').some((e) => e.what === 'backup' && e.complete)) return null;
  const sourceOf = new Map<string, string>();
  for (const e of eachOf(events, 'ack')) if ((e.cluster ?? 'primary') === 'primary') sourceOf.set(e.id, tpKey(e.topic, e.partition));
  const out = new Map<string, number[]>();
  for (const e of eachOf(events, 'backup-record')) {
    const tp = sourceOf.get(e.id);
    if (tp === undefined) continue;
    const list = out.get(tp) ?? [];
    list.push(Number(e.offset));
    out.set(tp, list);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

/** Acked records of `tp` at source offsets below `end` (or, given copied offsets, copies below a remote `end`). */
function recordsBelow(acked: AckedOffsets, tp: string, end: number): number {
  const list = acked.get(tp) ?? [];
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < end) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The records below offset `o` of `tp`: a source offset counts the acked records below it (when
 * `acked` is given), a remote one the copies below it (when `copies` is given); -1 (none) counts 0.
 */
const records = (acked: AckedOffsets | null, tp: string, o: number, source: boolean, copies: AckedOffsets | null = null): number =>
  Math.max(0, acked && source ? recordsBelow(acked, tp, o) : copies && !source ? recordsBelow(copies, tp, o) : o);

/** Σ over source partitions of max(0, a − b) in records: `a` a source offset, `b` a remote one (or a source one: `bSource`). */
function behind(pairs: Record<string, [number, number]>, acked: AckedOffsets | null, bSource: boolean, copies: AckedOffsets | null = null): number {
  return Object.entries(pairs).reduce((n, [tp, [a, b]]) => n + Math.max(0, records(acked, tp, a, true) - records(acked, tp, b, bSource, copies)), 0);
}

/**
 * Replication lag in messages of one sample's per-partition ends ([primary end, backup end]):
 * records on the primary the backup does not hold. `acked`: a transactional producer's acked
 * offsets (null: offsets are records).
 */
export const recordLag = (ends: Record<string, [number, number]>, acked: AckedOffsets | null): number => behind(ends, acked, false);

export interface LagPoint {
  t: number;
  primaryEnd: number;
  /** Null: unknown (an exactly-once MM2's backup not read to the end). */
  lagMessages: number | null;
  lagMs: number | null;
  backupGroupOffset: number;
  consumerPosition: number;
  /** Messages the synced group offset trailed the consumer's committed position (null: not comparable). */
  groupSyncBehind: number | null;
  /** Messages the consumer's committed position trailed the primary's end (null: not comparable). */
  consumerBehind: number | null;
}

export interface AtKill {
  /** Messages the backup trailed the primary by at the last sample before the kill. */
  lagMessages: number | null;
  lagMs: number | null;
  /** Ms between the last change of the MM2-synced group offset and the kill. */
  groupSyncAgeMs: number | null;
  /** How far (messages) the synced group offset trailed the consumer's committed position. */
  groupSyncBehind: number | null;
  /** How far (messages) the consumer's committed position trailed the primary's end. */
  consumerBehind: number | null;
}

/** Whether the cell's producer was transactional (its commit markers occupy source offsets). */
function transactional(events: HistoryEvents): boolean {
  const n = cellSettingsOf(events).workload?.transactionRecords;
  return n !== undefined && n > 0;
}

export function lagSeries(events: HistoryEvents): LagPoint[] {
  const ackTimes = Array.from(eachOf(events, 'ack'), (e) => e.t).sort((a, b) => a - b);
  const eos = cellSettingsOf(events).mirror?.exactlyOnce === true;
  const copies = eos ? copiedOffsets(events) : null;
  // Behind an exactly-once MM2 the sums (and an unread backup) count markers: source offsets must be counted as records too.
  const acked = transactional(events) || eos ? ackedOffsets(events) : null;
  return eventsOf(events, 'sample').map((s) => {
    const held = !eos ? s.backupEnd : copies && s.ends ? Object.entries(s.ends).reduce((n, [tp, [, b]]) => n + records(null, tp, b, false, copies), 0) : null;
    const newest = held !== null && held > 0 ? ackTimes[Math.min(held, ackTimes.length) - 1] : undefined;
    // Per partition: [committed on the primary, synced on the backup] and [primary end, committed].
    const groups = s.groups ? Object.entries(s.groups) : null;
    const synced = groups && Object.fromEntries(groups.map(([tp, [c, b]]) => [tp, [c, b]] as [string, [number, number]]));
    const committed = groups && s.ends && Object.fromEntries(groups.map(([tp, [c]]) => [tp, [s.ends![tp]?.[0] ?? 0, c]] as [string, [number, number]]));
    // Behind transactions the sums mix markers in: only per-partition offsets can be counted in records.
    const sums = !acked;
    const unknown = eos && (!copies || !s.ends);
    return {
      t: s.t,
      primaryEnd: s.primaryEnd,
      lagMessages: unknown ? null : acked && s.ends ? behind(s.ends, acked, false, copies) : Math.max(0, s.primaryEnd - s.backupEnd),
      lagMs: unknown || newest === undefined ? null : Math.max(0, s.t - newest),
      backupGroupOffset: s.backupGroupOffset,
      consumerPosition: s.consumerPosition,
      groupSyncBehind: synced && !(eos && !copies) ? behind(synced, acked, false, copies) : sums ? Math.max(0, s.consumerPosition - s.backupGroupOffset) : null,
      consumerBehind: committed ? behind(committed, acked, true) : sums ? Math.max(0, s.primaryEnd - s.consumerPosition) : null,
    };
  });
}

export const atKillChecker: Checker<AtKill> = { name: 'at-kill', run: ({ events }) => atKill(events) };

export function atKill(events: HistoryEvents): AtKill {
  const kill = eventsOf(events, 'kill')[0];
  const series = lagSeries(events).filter((p) => !kill || p.t <= kill.t);
  const last = series[series.length - 1];
  if (!kill || !last) return { lagMessages: null, lagMs: null, groupSyncAgeMs: null, groupSyncBehind: null, consumerBehind: null };
  let changedAt: number | null = null;
  for (let i = series.length - 1; i > 0; i--) {
    if (series[i]!.backupGroupOffset !== series[i - 1]!.backupGroupOffset) {
      changedAt = series[i]!.t;
      break;
    }
  }
  return {
    lagMessages: last.lagMessages,
    lagMs: last.lagMs,
    groupSyncAgeMs: changedAt === null ? null : kill.t - changedAt,
    groupSyncBehind: last.groupSyncBehind,
    consumerBehind: last.consumerBehind,
  };
}

export interface FaultWindow {
  step: number;
  description: string;
  fault: Record<string, unknown>;
  startT: number;
  endT: number | null;
  healed: boolean | null;
}

export function faultWindows(events: HistoryEvents): FaultWindow[] {
  const ends = new Map(eventsOf(events, 'fault-end').map((e) => [e.step, e]));
  return eventsOf(events, 'fault-start').map((s) => {
    const end = ends.get(s.step);
    return { step: s.step, description: s.description, fault: s.fault, startT: s.t, endT: end?.t ?? null, healed: end?.healed ?? null };
  });
}

/** A fault window with its start and end in ms from the cell's start (end null: healed at cleanup or never). */
export type TimedFaultWindow = FaultWindow & { startMs: number; endMs: number | null };

export const faultsChecker: Checker<TimedFaultWindow[]> = {
  name: 'faults',
  run: ({ events, cellStart }) => faultWindows(events).map((f) => ({ ...f, startMs: f.startT - cellStart, endMs: f.endT === null ? null : f.endT - cellStart })),
};
