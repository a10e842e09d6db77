/**
 * The expected bound: from MM2's translation model, an upper bound on the duplicates a
 * failover strategy may cause in a cell, and whether it can skip messages at all.
 *
 * Model (DESIGN §4, Kafka 3.5+ translation, KAFKA-14666):
 *  - MM2 emits an offset sync when the downstream offset moved ≥ offset.lag.max past the last one,
 *    and a delayed one at each offset flush (KAFKA-15906); a group offset between two syncs
 *    translates to the older sync + 1. Translation slack per partition ≤ the sync spacing
 *    min(offset.lag.max, records per flush interval) + 1. For a group behind the head, the sparse
 *    sync history (power-of-two buckets) can only offer a sync up to ~its distance from the head.
 *  - Checkpoints are emitted every emit.checkpoints.interval.seconds; the group sync copies the
 *    latest checkpoint every sync.group.offsets.interval.seconds.
 *  - The consumer's own commit interval adds what it processed but had not committed.
 * Translation never goes ahead of the group, so neither MM2 strategy can skip — unless there
 * was no checkpoint and auto.offset.reset is latest.
 */
import type { Scenario } from './scenario.ts';

export interface ExpectedBound {
  /** Upper bound on duplicated messages (ids delivered twice or more) for the whole cell. */
  maxDuplicates: number;
  /** Whether this strategy can skip acked messages in principle. */
  skipsPossible: boolean;
  /** The terms of the bound, in words, for the report. */
  reasoning: string;
}

export interface BoundInputs {
  readonly acked: number;
  /** How many messages the consumer's committed position trailed the primary's end at the kill (all partitions). */
  readonly consumerLagAtKill: number | null;
}

const commitWindowSeconds = (c: Scenario['workload']['consumer']): number =>
  c.commit === 'auto' ? 5 : c.commit === 'interval' ? c.commitIntervalMs / 1000 : 1; // `batch`: about one fetch

export function expectedBound(s: Scenario, inputs: BoundInputs): ExpectedBound {
  const partitions = s.topics.reduce((a, t) => a + t.partitions, 0);
  const ratePerPartition = s.workload.ratePerSecond / partitions;
  const m = s.mirror;
  const commit = commitWindowSeconds(s.workload.consumer);
  const syncSpacing = Math.min(m.offsetLagMax, Math.ceil(ratePerPartition * (m.offsetFlushIntervalMs / 1000))) + 1;
  const behindPerPartition = inputs.consumerLagAtKill === null ? 0 : Math.ceil(inputs.consumerLagAtKill / partitions);
  const slack = Math.max(syncSpacing, behindPerPartition);
  const perPartition = (seconds: number, extra = 0) => Math.ceil(extra + ratePerPartition * seconds);
  const noCheckpointFallback = s.failover.autoOffsetReset === 'latest';
  const syncInterval = m.syncGroupOffsetsIntervalSeconds ?? m.checkpointIntervalSeconds;
  switch (s.failover.strategy) {
    case 'mm2-sync': {
      const seconds = m.checkpointIntervalSeconds + syncInterval + commit;
      return {
        maxDuplicates: partitions * perPartition(seconds, slack),
        skipsPossible: noCheckpointFallback,
        reasoning: `per partition: translation slack ${slack} + ${ratePerPartition.toFixed(1)} msg/s × (checkpoint ${m.checkpointIntervalSeconds}s + group sync ${syncInterval}s + commit ${commit}s), × ${partitions} partitions`,
      };
    }
    case 'checkpoints': {
      const seconds = m.checkpointIntervalSeconds + commit;
      return {
        maxDuplicates: partitions * perPartition(seconds, slack),
        skipsPossible: noCheckpointFallback,
        reasoning: `per partition: translation slack ${slack} + ${ratePerPartition.toFixed(1)} msg/s × (checkpoint ${m.checkpointIntervalSeconds}s + commit ${commit}s), × ${partitions} partitions`,
      };
    }
    case 'raw-copy':
      return {
        maxDuplicates: partitions * perPartition(commit, 1),
        skipsPossible: true,
        reasoning: `untranslated offsets are only right while the remote topic's offsets equal the source's (true for a fresh drill topic; false after retention, compaction, transactions or an MM2 restart from an older position); ${ratePerPartition.toFixed(1)} msg/s × commit ${commit}s per partition`,
      };
    case 'timestamp':
      return {
        maxDuplicates: partitions * perPartition(s.failover.timestampMarginMs / 1000 + commit, 1),
        skipsPossible: true,
        reasoning: `${ratePerPartition.toFixed(1)} msg/s × (margin ${s.failover.timestampMarginMs / 1000}s + commit ${commit}s) per partition; skips if timestamps run backwards by more than the margin`,
      };
    case 'earliest':
      return { maxDuplicates: inputs.acked, skipsPossible: false, reasoning: 'everything is delivered again' };
    case 'latest':
      return { maxDuplicates: 0, skipsPossible: true, reasoning: 'nothing is re-delivered; everything not yet processed at the kill is skipped' };
  }
}
