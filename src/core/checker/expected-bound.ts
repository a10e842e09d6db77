/**
 * The expected bound: from MM2's translation model, an upper bound on the duplicates a
 * failover strategy may cause in a cell, and whether it can skip messages at all.
 *
 * Model (docs/mm2-model.md), per MM2 release (core/kafka/kafka-release.ts):
 *  - 3.4.1 and later (KAFKA-12468, KAFKA-14666): MM2 emits an offset sync when the downstream
 *    offset moved ≥ offset.lag.max past the last one, and from 3.7.0 a delayed one at each offset
 *    flush (KAFKA-15906); a group offset between two syncs translates to the older sync + 1.
 *    Translation slack per partition ≤ the sync spacing: min(offset.lag.max, records per flush
 *    interval) + 1 from 3.7.0, offset.lag.max + 1 before. For a group behind the head, the sparse
 *    sync history (power-of-two buckets) can only offer a sync up to ~its distance from the head.
 *    Translation never goes ahead of the group, so neither MM2 strategy can skip — unless there
 *    was no checkpoint and auto.offset.reset is latest.
 *  - Up to 3.4.0: only the latest sync is kept, and a group offset past it is extrapolated.
 *    Without source gaps MM2 syncs once, at the first record, and the extrapolation is exact: no
 *    translation slack. Where the source has offsets MM2 does not copy (transaction markers,
 *    compaction) it syncs after every gap, and a group committed behind the latest sync gets no
 *    checkpoint at all, so the failover resumes from an older checkpoint, however old, or from
 *    auto.offset.reset: up to everything again; an extrapolation from a sync before a gap lands
 *    past records the group never read: skips (KAFKA-12468).
 *  - 3.4.1–3.5.1 drop too many syncs from the history (KAFKA-15202): for a group further behind
 *    the head than the sync spacing, the same "up to everything" holds.
 *  - Checkpoints are emitted every emit.checkpoints.interval.seconds; the group sync copies the
 *    latest checkpoint every sync.group.offsets.interval.seconds.
 *  - The consumer's own commit interval adds what it processed but had not committed.
 */
import type { Cause } from '../scenario/failover-causes.ts';
import { strategies, type StrategyBound } from '../scenario/failover-strategy.ts';
import { topicRates, type Scenario } from '../scenario/scenario.ts';
import { mirrorRelease, translationModel } from '../kafka/kafka-release.ts';

/** Whether the source topics hold offsets MM2 copies no record for: transaction markers, compacted records. */
export const sourceHasGaps = (s: Pick<Scenario, 'workload' | 'topics'>): boolean =>
  s.workload.transactionRecords > 0 || s.topics.some((t) => (t.config['cleanup.policy'] ?? '').includes('compact'));

export interface ExpectedBound {
  /** Upper bound on ids duplicated by the failover (`duplicatedByFailover`) for the whole cell. */
  maxDuplicates: number;
  /**
   * Each cause's own bound (attribution.ts). They cannot all be at their maximum at once, so the
   * total is tighter than their sum: the consumer commits in steps (a commit window of messages
   * at once), so a step landing just before the kill, after MM2's last checkpoint, moves up to
   * a commit window from "commit lag" to "group-sync lag".
   */
  parts: Partial<Record<Cause, number>>;
  /** Whether this strategy can skip acked messages in principle. */
  skipsPossible: boolean;
  /** The terms of the bound, in words, for the report. */
  reasoning: string;
}

export interface BoundInputs {
  readonly acked: number;
  /** How many messages the consumer's committed position trailed the primary's end at the kill (all partitions). */
  readonly consumerLagAtKill: number | null;
  /** Partitions where the strategy's offset was past the backup's end at the failover (history-index.ts `outOfRange`). */
  readonly outOfRange?: number;
  /** Messages the backup lacked at the last sample before the kill (lag.ts `atKill`; null or absent: unknown). */
  readonly replicationLagAtKill?: number | null;
}

/** Seconds between two replication samples (adapters/clients/lag-sampler.ts): production the last sample before the kill may have missed. */
const SAMPLE_SECONDS = 1;

/** Seconds of the consumer's commit window: what it may have processed and not committed at the kill. */
export const commitWindowSeconds = (c: Scenario['workload']['consumer']): number =>
  c.commit === 'auto' ? 5 : c.commit === 'interval' ? c.commitIntervalMs / 1000 : 1; // `batch`: about one fetch

const bound = (parts: Partial<Record<Cause, number>>, skipsPossible: boolean, reasoning: string, total?: number): ExpectedBound => ({
  maxDuplicates: total ?? Object.values(parts).reduce((a, b) => a + b, 0), parts, skipsPossible, reasoning,
});

export function expectedBound(s: Scenario, inputs: BoundInputs): ExpectedBound {
  const partitions = s.topics.reduce((a, t) => a + t.partitions, 0);
  const rates = topicRates(s);
  // The busiest partition's rate bounds the spacing of offset syncs on every partition.
  const ratePerPartition = Math.max(...rates.map((t) => t.ratePerSecond / t.partitions));
  const m = s.mirror;
  const commit = commitWindowSeconds(s.workload.consumer);
  const model = translationModel(mirrorRelease(s));
  const syncSpacing = (model.syncsAtFlush ? Math.min(m.offsetLagMax, Math.ceil(ratePerPartition * (m.offsetFlushIntervalMs / 1000))) : m.offsetLagMax) + 1;
  const behindPerPartition = inputs.consumerLagAtKill === null ? 0 : Math.ceil(inputs.consumerLagAtKill / partitions);
  const gaps = sourceHasGaps(s);
  // Up to 3.4.0 without source gaps MM2 syncs once, at the first record, and extrapolates from
  // it exactly: no translation slack.
  const slack = model.extrapolates && !gaps ? 0 : Math.max(syncSpacing, behindPerPartition);
  /** Messages per cell for `seconds` of production on every partition (plus `extra` per partition). */
  const cell = (seconds: number, extra = 0) => rates.reduce((n, t) => n + t.partitions * Math.ceil(extra + (t.ratePerSecond / t.partitions) * seconds), 0);
  const noCheckpointFallback = s.failover.autoOffsetReset === 'latest';
  const syncInterval = m.syncGroupOffsetsIntervalSeconds ?? m.checkpointIntervalSeconds;
  const total = rates.reduce((n, t) => n + t.ratePerSecond, 0);
  const rate = rates.length === 1 || rates.every((t) => t.ratePerSecond / t.partitions === ratePerPartition)
    ? `${ratePerPartition.toFixed(1)} msg/s per partition × ${partitions} partitions`
    : `${total.toFixed(1)} msg/s over ${partitions} partitions (${rates.map((t) => `${t.name} ${t.ratePerSecond}/s`).join(', ')})`;
  // Where the last checkpoint may be arbitrarily old, or absent, the bound is everything.
  const extrapolatesOverGaps = model.extrapolates && gaps;
  const coarse = model.dropsSyncs && behindPerPartition > syncSpacing;
  if ((extrapolatesOverGaps || coarse) && strategies[s.failover.strategy].usesCheckpoints) {
    const why = extrapolatesOverGaps
      ? `MM2 ${model.release} keeps only the latest offset sync and extrapolates from it (KAFKA-12468, fixed in 3.4.1); it syncs after every source offset gap, so a group committed behind the newest gap gets no checkpoint`
      : `MM2 ${model.release} drops too many syncs from its history (KAFKA-15202, fixed in 3.5.2): a group ${behindPerPartition} messages per partition behind the head may translate from a much older sync, or get no checkpoint`;
    return bound(
      { 'commit-lag': cell(commit), 'sync-lag': inputs.acked, ...(noCheckpointFallback ? {} : { 'offset-reset': inputs.acked }) },
      extrapolatesOverGaps || noCheckpointFallback,
      `${why}, so the failover resumes from an older checkpoint or from auto.offset.reset — up to all ${inputs.acked} messages again${extrapolatesOverGaps ? '; an extrapolation from a sync before a gap (transaction markers, compaction) lands past unread records: skips possible' : ''}`,
      inputs.acked,
    );
  }
  // A standby member kept the group active on the backup: MM2 never synced its offsets there
  // (KIP-545 syncs only a group with no active member), so every partition resumes by auto.offset.reset.
  if (s.failover.standbyOnBackup && strategies[s.failover.strategy].syncedGroup) {
    const lag = inputs.replicationLagAtKill;
    const late = lag === undefined || lag === null ? inputs.acked : lag + cell(SAMPLE_SECONDS);
    return noCheckpointFallback
      ? bound({ 'offset-reset': late }, true, `a standby member kept group ${s.workload.consumer.groupId} active on the backup, so MM2 never synced its offsets there: it resumes at the backup's end (auto.offset.reset=latest), skipping what it had not processed; re-delivered only what MM2 copied after the consumer looked up the end`)
      : bound({ 'offset-reset': inputs.acked }, false, `a standby member kept group ${s.workload.consumer.groupId} active on the backup, so MM2 never synced its offsets there: it resumes at the backup's start (auto.offset.reset=earliest) — up to all ${inputs.acked} messages again`);
  }
  // The strategy's own terms (failover-strategy.ts).
  const own: StrategyBound = strategies[s.failover.strategy].bound({
    acked: inputs.acked, cell, rate, commit, checkpointSeconds: m.checkpointIntervalSeconds, groupSyncSeconds: syncInterval, slack, noCheckpointFallback,
    timestampMarginMs: s.failover.timestampMarginMs, outOfRange: inputs.outOfRange ?? 0, replicationLagAtKill: inputs.replicationLagAtKill, sampleSeconds: SAMPLE_SECONDS,
  });
  return bound(own.parts, own.skipsPossible, own.reasoning, own.total);
}
