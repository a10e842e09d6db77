import { defineScenario } from 'mm2-drill';

/**
 * offset.lag.max quantizes offset translation. MM2 emits an offset sync (upstream, downstream)
 * once the downstream offset moved offset.lag.max past the last sync (plus a delayed sync at
 * each offset flush, KAFKA-15906); a committed offset between two syncs translates to the
 * older sync + 1 (KAFKA-14666). With a consumer committing after every batch right through
 * the kill, the duplicates after failover should grow with offset.lag.max, up to about
 * offset.lag.max per partition, and skips stay at zero.
 */
export default defineScenario({
  name: 'offset-lag-max',
  description: 'offset.lag.max 0 / 10 / 100 with a consumer committing through the kill.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: { checkpointIntervalSeconds: 1, offsetFlushIntervalMs: 60_000 },
  workload: { ratePerSecond: 200, consumer: { commit: 'batch' } },
  timeline: [{ at: 20, action: 'kill-primary' }],
  matrix: { 'mirror.offsetLagMax': [0, 10, 100] },
  repeat: 3,
});
