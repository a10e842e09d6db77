/**
 * Measured vs predicted: applies the expected bound to a cell and, when the measurement breaks
 * it, gathers the evidence that says whether MM2 or the harness is at fault.
 *
 * - Harness evidence: the consistency checks (consistency.ts), e.g. the failed-over consumer
 *   started exactly at the offsets the strategy chose; a failed check is named here too.
 * - MM2 evidence: a translated offset (`mm2-sync`, `checkpoints`) must not pass a record the
 *   group had not committed on the primary, or MM2 translated past what the group had processed
 *   (skips). The translated offset is a remote offset and the commit a source one: they are
 *   compared through the records the verification read found below the translated offset (an
 *   MM2 restart that re-copies records, transactions or compaction shift remote offsets from
 *   source ones), never as numbers. A record copied again at or after the translated offset is
 *   not passed.
 * - Cross-check: RemoteClusterUtils' answer vs the harness's own decoding of the checkpoints.
 */
import { expectedBound, type ExpectedBound } from './expected-bound.ts';
import { eventsOf, type HistoryEvents } from '../history/history.ts';
import { indexHistory, type HistoryIndex } from '../history/history-index.ts';
import { atKill } from './lag.ts';
import type { Ledger } from './ledger.ts';
import { parseTp, tpKey } from '../history/topic-partition.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { usesCheckpoints } from '../scenario/failover-strategy.ts';

export interface BoundCheck extends ExpectedBound {
  strategy: string;
  /** Ids the failover duplicated (`duplicatedByFailover`): re-deliveries before the kill are not the strategy's. */
  measuredDuplicates: number;
  measuredSkipped: number | 'unknown';
  /**
   * false when the measurement breaks the bound (more duplicates, or skips where none are
   * possible); 'unknown' when the duplicates are within it but the skips the bound rules out could
   * not be counted (`skipped` unknown: an incomplete backup read, or a partition without a final position).
   */
  holds: boolean | 'unknown';
  /** Findings that point at the harness or at MM2, and the cross-check; each a sentence. */
  evidence: string[];
  /** Kafka's RemoteClusterUtils and the harness's checkpoint decoding give the same offsets (null: not cross-checked). */
  translationAgrees: boolean | null;
}

/** Each remote partition's ids with their copies there, in one pass over the verification read. */
function copiesByPartition(ix: HistoryIndex): Map<string, { id: string; offsets: bigint[] }[]> {
  const out = new Map<string, { id: string; offsets: bigint[] }[]>();
  for (const [id, copies] of ix.backupCopies) {
    for (const c of copies) {
      const key = tpKey(c.topic, c.partition);
      let here = out.get(key);
      if (!here) out.set(key, (here = []));
      const last = here.at(-1);
      if (last?.id === id) last.offsets.push(c.offset);
      else here.push({ id, offsets: [c.offset] });
    }
  }
  return out;
}

/**
 * The acked ids the verification read found on a remote partition (`here`: its ids and their
 * copies there) below `resume` only (no copy at or after it), whose source offset is at or past
 * the group's commit: passed, never committed. Per partition its own records only: scanning every
 * copy for each partition took a minute at 500,000 messages over 120 partitions.
 */
function passedUncommitted(ix: HistoryIndex, here: readonly { id: string; offsets: readonly bigint[] }[], resume: bigint, commit: bigint): { id: string; offset: bigint }[] {
  const out: { id: string; offset: bigint }[] = [];
  for (const { id, offsets } of here) {
    const acked = ix.acked.get(id);
    if (!acked || acked.offset < commit || !offsets.some((o) => o < resume) || offsets.some((o) => o >= resume)) continue;
    out.push({ id, offset: acked.offset });
  }
  return out.sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
}

export function checkBound(s: Scenario, remoteTopics: readonly string[], ledger: Pick<Ledger, 'counts' | 'consistency'>, events: HistoryEvents, consumerLagAtKill: number | null, ix: HistoryIndex = indexHistory(events)): BoundCheck {
  const counts = ledger.counts;
  const expected = expectedBound(s, { acked: counts.acked, consumerLagAtKill, outOfRange: ix.chosen?.outOfRange.size ?? 0, replicationLagAtKill: atKill(events).lagMessages });
  const evidence: string[] = [];
  const chosen = eventsOf(events, 'failover-offsets')[0];
  const partitions = s.topics.reduce((a, t) => a + t.partitions, 0);
  const chose = Object.keys(chosen?.offsets ?? {}).length;
  if (chosen && chose < partitions) {
    evidence.push(`harness or MM2: the ${chosen.strategy} strategy had offsets for ${chose} of ${partitions} partitions; the others resumed from auto.offset.reset=${s.failover.autoOffsetReset}`);
  }
  for (const c of ledger.consistency.checks) if (c.verdict === 'fail') evidence.push(`harness: ${c.name} failed: ${c.detail}`);
  if (chosen && usesCheckpoints(chosen.strategy)) {
    const committed = ix.lastCommit;
    const sourceOf = new Map(remoteTopics.map((r, i) => [r, s.topics[i]?.name]));
    const byPartition = copiesByPartition(ix);
    for (const [tp, offset] of Object.entries(chosen.offsets)) {
      const remote = parseTp(tp);
      const position = committed.get(tpKey(sourceOf.get(remote.topic) ?? '', remote.partition));
      if (position === undefined) continue;
      const passed = passedUncommitted(ix, byPartition.get(tpKey(remote.topic, remote.partition)) ?? [], BigInt(offset), position);
      const first = passed[0];
      if (first) evidence.push(`MM2: ${tp} translated to ${offset}, past ${passed.length} record(s) the group had not committed (e.g. ${first.id} at source offset ${first.offset}; its last committed position ${position} on the primary)`);
    }
  }
  let translationAgrees: boolean | null = null;
  const kafka = eventsOf(events, 'kafka-translation')[0];
  if (kafka) {
    // Both name remote topic partitions (checkpoints are written renamed); the newest checkpoint wins.
    const ours = new Map<string, string>();
    for (const c of eventsOf(events, 'checkpoint')) if (c.group === kafka.group) ours.set(tpKey(c.topic, c.partition), c.downstreamOffset);
    const theirs = Object.entries(kafka.offsets);
    translationAgrees = theirs.length > 0 && theirs.every(([p, o]) => ours.get(p) === o) && theirs.length === ours.size;
    evidence.push(translationAgrees
      ? `cross-check: Kafka's RemoteClusterUtils.translateOffsets and the harness's checkpoint decoding agree on ${theirs.length} partition(s)`
      : `cross-check: Kafka says ${JSON.stringify(kafka.offsets)}, the harness decoded ${JSON.stringify(Object.fromEntries(ours))}`);
  }
  const skipped = counts.skipped;
  const measured = counts.duplicatedByFailover;
  const holds = measured > expected.maxDuplicates ? false
    : expected.skipsPossible || skipped === 0 ? true
      : skipped === 'unknown' ? 'unknown' : false;
  if (holds === false && evidence.every((e) => e.startsWith('cross-check'))) {
    // Nothing recorded contradicts the model's inputs: the bound itself is the suspect.
    evidence.push('no harness or MM2 inconsistency found in the recorded offsets: the model may be too tight for this cell (see reasoning)');
  }
  return { ...expected, strategy: s.failover.strategy, measuredDuplicates: measured, measuredSkipped: skipped, holds, evidence, translationAgrees };
}
