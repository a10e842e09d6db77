/**
 * Measured vs predicted: applies the expected bound to a cell and, when the measurement breaks
 * it, gathers the evidence that says whether MM2 or the harness is at fault.
 *
 * - Harness evidence: on each partition the failed-over consumer must start exactly at the
 *   offset the strategy chose (first backup delivery = chosen offset). If not, the harness (or
 *   the client) did not do what it recorded.
 * - MM2 evidence: a translated offset (`mm2-sync`, `checkpoints`) must not be ahead of the
 *   group's last committed position on the primary — remote offsets equal source offsets in a
 *   fresh drill topic — or MM2 translated past what the group had processed (skips).
 * - Cross-check: RemoteClusterUtils' answer vs the harness's own decoding of the checkpoints.
 */
import { expectedBound, type ExpectedBound } from './expected-bound.ts';
import { eventsOf, type HistoryEvent } from './history.ts';
import type { LedgerCounts } from './ledger.ts';
import type { Scenario } from './scenario.ts';

export interface BoundCheck extends ExpectedBound {
  strategy: string;
  measuredDuplicates: number;
  measuredSkipped: number | 'unknown';
  /** false when the measurement breaks the bound (more duplicates, or skips where none are possible). */
  holds: boolean;
  /** Findings that point at the harness or at MM2, and the cross-check; each a sentence. */
  evidence: string[];
  /** Kafka's RemoteClusterUtils and the harness's checkpoint decoding give the same offsets (null: not cross-checked). */
  translationAgrees: boolean | null;
}

const lastCommitted = (events: readonly HistoryEvent[]): Map<string, bigint> => {
  const m = new Map<string, bigint>();
  for (const c of eventsOf(events, 'commit')) if (c.phase === 'primary') for (const [tp, o] of Object.entries(c.offsets)) m.set(tp, BigInt(o));
  return m;
};

const partitionOf = (tp: string) => tp.slice(tp.lastIndexOf('/') + 1);

export function checkBound(s: Scenario, remoteTopics: readonly string[], counts: LedgerCounts, events: readonly HistoryEvent[], consumerLagAtKill: number | null): BoundCheck {
  const expected = expectedBound(s, { acked: counts.acked, consumerLagAtKill });
  const evidence: string[] = [];
  const chosen = eventsOf(events, 'failover-offsets')[0];
  const partitions = s.topics.reduce((a, t) => a + t.partitions, 0);
  const chose = Object.keys(chosen?.offsets ?? {}).length;
  if (chosen && chose < partitions) {
    evidence.push(`harness or MM2: the ${chosen.strategy} strategy had offsets for ${chose} of ${partitions} partitions; the others resumed from auto.offset.reset=${s.failover.autoOffsetReset}`);
  }
  const firstOnBackup = new Map<string, string>();
  for (const d of eventsOf(events, 'deliver')) if (d.phase === 'backup' && !firstOnBackup.has(`${d.topic}/${d.partition}`)) firstOnBackup.set(`${d.topic}/${d.partition}`, d.offset);
  for (const [tp, offset] of Object.entries(chosen?.offsets ?? {})) {
    const first = firstOnBackup.get(tp);
    if (first !== undefined && first !== offset) evidence.push(`harness: the consumer started ${tp} at ${first}, not at the chosen offset ${offset}`);
  }
  if (chosen && (chosen.strategy === 'mm2-sync' || chosen.strategy === 'checkpoints')) {
    const committed = lastCommitted(events);
    const sourceOf = new Map(remoteTopics.map((r, i) => [r, s.topics[i]?.name]));
    for (const [tp, offset] of Object.entries(chosen.offsets)) {
      const position = committed.get(`${sourceOf.get(tp.slice(0, tp.lastIndexOf('/')))}/${partitionOf(tp)}`);
      if (position !== undefined && BigInt(offset) > position) evidence.push(`MM2: ${tp} translated to ${offset}, ahead of the group's last committed position ${position} on the primary`);
    }
  }
  let translationAgrees: boolean | null = null;
  const kafka = eventsOf(events, 'kafka-translation')[0];
  if (kafka) {
    const ours = new Map<string, string>();
    for (const c of eventsOf(events, 'checkpoint')) if (c.group === kafka.group) ours.set(c.partition.toString(), c.downstreamOffset);
    const theirs = Object.entries(kafka.offsets).map(([tp, o]) => [partitionOf(tp), o] as const);
    translationAgrees = theirs.length > 0 && theirs.every(([p, o]) => ours.get(p) === o) && theirs.length === ours.size;
    evidence.push(translationAgrees
      ? `cross-check: Kafka's RemoteClusterUtils.translateOffsets and the harness's checkpoint decoding agree on ${theirs.length} partition(s)`
      : `cross-check: Kafka says ${JSON.stringify(kafka.offsets)}, the harness decoded ${JSON.stringify(Object.fromEntries(ours))}`);
  }
  const skipped = counts.skipped;
  const holds = counts.duplicated <= expected.maxDuplicates && (expected.skipsPossible || skipped === 0);
  if (!holds && evidence.every((e) => e.startsWith('cross-check'))) {
    // Nothing recorded contradicts the model's inputs: the bound itself is the suspect.
    evidence.push('no harness or MM2 inconsistency found in the recorded offsets: the model may be too tight for this cell (see reasoning)');
  }
  return { ...expected, strategy: s.failover.strategy, measuredDuplicates: counts.duplicated, measuredSkipped: skipped, holds, evidence, translationAgrees };
}
