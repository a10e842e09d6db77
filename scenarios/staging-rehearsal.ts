import { defineScenario } from 'mm2-drill';

/**
 * Realistic clusters at rehearsal scale: 3 brokers a cluster (replication factor 3,
 * min.insync.replicas 2 — the drill sets both for a 3-broker cluster), 1,000 partitions,
 * 10,000 msg/s for 5 minutes, then the primary killed: a 10-minute rehearsal with the kill in
 * the middle. Before anything starts, the run checks that this machine holds what it records
 * (docs/scale.md says what it costs); `--set` scales it down or up.
 */
export default defineScenario({
  name: 'staging-rehearsal',
  description: 'Realistic clusters (3 brokers, RF 3, min ISR 2), 1,000 partitions, 10,000 msg/s, the primary killed after 5 minutes.',
  kafka: { nodes: 3 },
  topics: [{ name: 'orders', partitions: 1000 }],
  mirror: { tasksMax: 4 },
  workload: { ratePerSecond: 10_000, messageBytes: 512, consumer: { commit: 'interval', commitIntervalMs: 1000 } },
  timeline: [{ at: 300, action: 'kill-primary' }],
  failover: { strategy: 'mm2-sync', delaySeconds: 5, drainTimeoutSeconds: 600 },
});
