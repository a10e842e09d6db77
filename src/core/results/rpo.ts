/**
 * The RPO of a cell run in messages and in seconds, and the workload's measured produce rate —
 * from results.json's fields alone, so `report` and every reporter agree with the drill.
 *
 * Two ways to put the RPO in seconds were open: messages divided by the produce rate, or the
 * acks' own timestamps. The timestamps are measured per record, so they are used: the kill's time
 * minus the ack of the oldest acked record missing on the backup (per topic,
 * core/checker/topic-replication.ts `rpoSeconds`; a cell's RPO is its worst topic's). Where the
 * results do not hold them (written before per-topic replication existed), the seconds are
 * unknown, never estimated.
 */
import type { Count } from '../checker/ledger.ts';
import type { CellResult } from './results.ts';

export interface Rpo {
  /** Acked on the primary, never on the backup (`counts.notReplicated`); unknown when the cell did not finish. */
  messages: Count;
  /** The window of writes the backup lacks; 0 when nothing is missing. */
  seconds: number | 'unknown';
}

/** How the RPO's seconds are measured, in words (shown beside them). */
export const rpoSecondsMethod = "the kill's time minus the ack of the oldest acked record missing on the backup";

type RpoInput = Pick<CellResult, 'counts' | 'topics'>;

export function rpoOf(c: RpoInput): Rpo {
  const messages = c.counts?.notReplicated ?? 'unknown';
  if (messages === 'unknown') return { messages, seconds: 'unknown' };
  if (messages === 0) return { messages, seconds: 0 };
  const perTopic = (c.topics ?? []).map((t) => t.rpoSeconds);
  if (!perTopic.length || perTopic.some((s) => s === 'unknown')) return { messages, seconds: 'unknown' };
  const known = perTopic.filter((s): s is number => typeof s === 'number');
  return { messages, seconds: known.length ? Math.max(...known) : 'unknown' };
}

/**
 * Messages per second the producer had acked from the workload's start to the kill (null: no
 * kill, no workload start or no per-topic counts in the results): the rate that turns a count of
 * messages into seconds of traffic.
 */
export function produceRate(c: Pick<CellResult, 'phases' | 'topics'>): number | null {
  const from = c.phases['workload-started'];
  const to = c.phases.kill;
  if (from === undefined || to === undefined || to <= from || !c.topics?.length) return null;
  const acked = c.topics.reduce((sum, t) => sum + t.acked, 0);
  return acked / ((to - from) / 1000);
}
