import { defineScenario } from 'mm2-drill';

/**
 * What a Kafka upgrade changes at failover. The same drill on each release (brokers and
 * MirrorMaker 2 alike; `mirror.version` drills a mixed pair), with a plain and a transactional
 * producer (transactions of 10 records: each commit marker takes a source offset MM2 never
 * copies, so remote offsets fall behind the source's), and a consumer at the head beside one
 * that processes half the production rate (thousands of messages behind at the kill). The two
 * consumers share each environment (paired: they differ only on the consumer side).
 *
 * The releases bracket every change of MM2's offset translation (core/kafka/kafka-release.ts): 3.3.2
 * and 3.4.0 extrapolate from the latest sync only (KAFKA-12468); 3.4.1 translates conservatively
 * with a sync history (KAFKA-14666) that drops too many syncs until 3.5.2 (KAFKA-15202); 3.7
 * adds offset syncs at each flush (KAFKA-15906); 3.9 makes offset syncs optional (KAFKA-16254).
 * `npx mm2-drill setup scenarios/kafka-versions.ts` builds the images of all of them.
 */
export default defineScenario({
  name: 'kafka-versions',
  description: 'Kill and fail over on each Kafka release, plain and transactional producer, a consumer at the head and a lagging one.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: { checkpointIntervalSeconds: 1, offsetLagMax: 100, offsetFlushIntervalMs: 1000 },
  workload: { ratePerSecond: 200, consumer: { commit: 'interval', commitIntervalMs: 1000 } },
  timeline: [{ at: 20, action: 'kill-primary' }],
  failover: { strategy: 'mm2-sync', autoOffsetReset: 'earliest', delaySeconds: 2, drainTimeoutSeconds: 180 },
  matrix: {
    'kafka.version': ['3.3.2', '3.4.0', '3.4.1', '3.5.1', '3.6.1', '3.7.1', '3.9.1', '4.3.1'],
    'workload.transactionRecords': [0, 10],
    // 0: at the head; 10 ms a message: 100 msg/s of the 200 produced, ~2 000 behind at the kill.
    'workload.consumer.processingDelayMs': [0, 10],
  },
});
