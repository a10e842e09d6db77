import { defineScenario } from 'mm2-drill';

/**
 * A consumer far behind the replication head at the kill: it processes 100 msg/s while 200 msg/s
 * are produced, and joins 10 s late. MM2 keeps only a sparse history of offset syncs per
 * partition (OffsetSyncStore, KAFKA-14666), so an old committed offset translates from an older
 * sync and the failover re-delivers more than for a consumer at the head.
 */
export default defineScenario({
  name: 'lagging-consumer',
  description: 'A consumer thousands of messages behind at the kill, per replication policy.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: { checkpointIntervalSeconds: 1, offsetLagMax: 100 },
  workload: { ratePerSecond: 200, consumer: { commit: 'batch', processingDelayMs: 10, startDelaySeconds: 10 } },
  timeline: [{ at: 30, action: 'kill-primary' }],
  failover: { drainTimeoutSeconds: 180 },
  matrix: { 'mirror.policy': ['default', 'identity'] },
});
