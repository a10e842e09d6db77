import { defineScenario } from 'mm2-drill';

/**
 * The two-cell drill: the same workload, kill and failover under MM2's Default and Identity
 * replication policies, each on fresh clusters.
 */
export default defineScenario({
  name: 'quickstart',
  description: 'Kill the primary mid-stream and fail a consumer group over to the backup, per replication policy.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: {
    checkpointIntervalSeconds: 1,
    syncGroupOffsetsIntervalSeconds: 1,
    offsetFlushIntervalMs: 1000,
    refreshGroupsIntervalSeconds: 1,
    refreshTopicsIntervalSeconds: 1,
    offsetLagMax: 100,
  },
  workload: { ratePerSecond: 200, messageBytes: 200 },
  timeline: [{ at: 20, action: 'kill-primary' }],
  failover: { strategy: 'mm2-sync', autoOffsetReset: 'earliest', delaySeconds: 2 },
  matrix: { 'mirror.policy': ['default', 'identity'] },
  // The first drill: each policy on clusters of its own. (Paired, the two would share the
  // primary and its kill, each with its own backup and MM2: docs/pairing-and-shards.md.)
  pairing: false,
});
