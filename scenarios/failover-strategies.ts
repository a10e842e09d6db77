import { defineScenario } from 'mm2-drill';

/**
 * How should the consumer resume on the backup? Six ways, under Default and Identity, three runs
 * each: MM2's group offset sync (KIP-545), MM2's checkpoints decoded by the harness (what
 * RemoteClusterUtils.translateOffsets does), the primary's offset numbers copied untranslated,
 * a seek by timestamp, and the auto.offset.reset fallbacks. Each cell's measurement is compared
 * with the bound predicted from MM2's translation model, and the harness's checkpoint decoding
 * with Kafka's own RemoteClusterUtils answer.
 */
export default defineScenario({
  name: 'failover-strategies',
  description: 'Six failover strategies × Default and Identity replication policies.',
  mirror: { checkpointIntervalSeconds: 1, offsetLagMax: 100 },
  workload: { ratePerSecond: 200, consumer: { commit: 'batch' } },
  // The kill lands anywhere in a 2 s window, so runs sample every phase of the 1 s checkpoint and sync schedules.
  timeline: [{ at: 15, jitterSeconds: 2, action: 'kill-primary' }],
  failover: { crossCheck: true, timestampMarginMs: 1000 },
  matrix: {
    'failover.strategy': ['mm2-sync', 'checkpoints', 'raw-copy', 'timestamp', 'earliest', 'latest'],
    'mirror.policy': ['default', 'identity'],
  },
  repeat: 3,
});
