/**
 * Replication lag and sync age, derived from the history alone.
 *
 * - lag in messages: primary end − backup end (summed over partitions) at each sample;
 * - lag in ms: sample time − ack time of the newest replicated message, taking the backup's
 *   count B as "the first B acked messages arrived" (exact for one partition, close for several);
 * - group-sync age: time since the group's offsets on the backup (what MM2 synced, KIP-545) last
 *   moved — how stale the position the consumer will resume from is.
 */
import { eventsOf, type HistoryEvent } from './history.ts';

export interface LagPoint {
  t: number;
  primaryEnd: number;
  lagMessages: number;
  lagMs: number | null;
  backupGroupOffset: number;
  consumerPosition: number;
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

export function lagSeries(events: readonly HistoryEvent[]): LagPoint[] {
  const ackTimes = eventsOf(events, 'ack').map((e) => e.t).sort((a, b) => a - b);
  return eventsOf(events, 'sample').map((s) => {
    const newest = s.backupEnd > 0 ? ackTimes[Math.min(s.backupEnd, ackTimes.length) - 1] : undefined;
    return {
      t: s.t,
      primaryEnd: s.primaryEnd,
      lagMessages: Math.max(0, s.primaryEnd - s.backupEnd),
      lagMs: newest === undefined ? null : Math.max(0, s.t - newest),
      backupGroupOffset: s.backupGroupOffset,
      consumerPosition: s.consumerPosition,
    };
  });
}

export function atKill(events: readonly HistoryEvent[]): AtKill {
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
    groupSyncBehind: Math.max(0, last.consumerPosition - last.backupGroupOffset),
    consumerBehind: Math.max(0, last.primaryEnd - last.consumerPosition),
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

export function faultWindows(events: readonly HistoryEvent[]): FaultWindow[] {
  const ends = new Map(eventsOf(events, 'fault-end').map((e) => [e.step, e]));
  return eventsOf(events, 'fault-start').map((s) => {
    const end = ends.get(s.step);
    return { step: s.step, description: s.description, fault: s.fault, startT: s.t, endT: end?.t ?? null, healed: end?.healed ?? null };
  });
}
