import { defineScenario } from 'mm2-drill';

/**
 * What do the replication policy and MM2's checkpoint / group-sync interval cost a failing-over
 * consumer? Default vs Identity × sync every 1, 5 or 30 s, three runs each on fresh clusters.
 *
 * MM2 translates a group's offset from the newest offset sync at or below it and writes the
 * result into the backup's __consumer_offsets every sync interval (KIP-545), so the consumer
 * resumes from where it was up to one interval before the kill: duplicates grow with the
 * interval. Translation is conservative (KAFKA-14666), so skips should stay at zero.
 */
export default defineScenario({
  name: 'policy-vs-sync-interval',
  description: 'Replication policy × checkpoint/group-sync interval: lost, skipped and duplicated messages after failover.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: { offsetLagMax: 100, offsetFlushIntervalMs: 1000 },
  // The consumer commits after every batch, so what remains is MM2's share of the duplicates.
  workload: { ratePerSecond: 200, consumer: { commit: 'batch' } },
  timeline: [{ at: 35, action: 'kill-primary' }],
  matrix: {
    'mirror.policy': ['default', 'identity'],
    'mirror.checkpointIntervalSeconds': [1, 5, 30],
  },
  repeat: 3,
});
