import { defineScenario } from 'mm2-drill';

/**
 * One broker of a 3-node primary SIGKILLed mid-stream, no failover: with replication factor 3,
 * min.insync.replicas 2 and acks=all, the remaining brokers take over the partitions it led and
 * nothing acked is lost, skipped or left unreplicated.
 */
export default defineScenario({
  name: 'broker-loss',
  description: 'A 3-node primary loses one broker; the drill shows what RF 3 / min ISR 2 guarantees.',
  kafka: { nodes: 3, backupNodes: 1 },
  workload: { ratePerSecond: 200, durationSeconds: 25, consumer: { commit: 'batch' } },
  timeline: [{ at: 10, action: { fault: 'kill-broker', cluster: 'primary', broker: 1 } }],
});
