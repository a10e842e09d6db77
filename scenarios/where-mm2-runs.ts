import { defineScenario } from 'mm2-drill';

/**
 * Where MirrorMaker 2 runs: the same WAN, once between MM2 and the primary (MM2 beside the
 * backup: it consumes across the WAN and produces locally, the usual advice) and once between MM2
 * and the backup (MM2 beside the primary: it produces across the WAN). The WAN is latency with
 * jitter for the whole drill, a 12 s partition, then 3 s of connection resets, and the primary
 * dies 6 s after them.
 *
 * Why the side matters: in dedicated mode MM2's Connect worker keeps its internal topics and its
 * group membership on the target (KIP-382, KIP-710), so only a produce-side WAN cuts the worker
 * from its group coordinator; a partition longer than the worker's `session.timeout.ms` (10 s)
 * costs a rebalance there. The source task's records are acknowledged by the target, so its offset
 * syncs (KIP-716: on the source by default, on the target with `offset-syncs.topic.location=target`)
 * stop on either side's partition — the second dimension measures where they wait.
 */
const wan = (link: 'mm2-primary' | 'mm2-backup') => [
  { at: 0, action: { fault: 'latency', link, latencyMs: 40, jitterMs: 20 } }, // RTT 80 ± 40 ms
  { at: 15, durationSeconds: 12, action: { fault: 'partition', link } },
  { at: 30, durationSeconds: 3, action: { fault: 'reset-peer', link } },
  { at: 39, action: 'kill-primary' },
] as const;

export default defineScenario({
  name: 'where-mm2-runs',
  description: 'The same WAN fault on the consume side (MM2 beside the backup) and on the produce side (MM2 beside the primary), then the kill; the offset-syncs topic on the source or the target.',
  workload: { ratePerSecond: 400, consumer: { commit: 'batch' } },
  timelines: { 'mm2-beside-backup': [...wan('mm2-primary')], 'mm2-beside-primary': [...wan('mm2-backup')] },
  // Sampled every second, so the report shows when each signal of MM2's health went stale and came back.
  alarms: { heartbeatAgeSeconds: '>5', replicatedHeartbeatAgeSeconds: '>5', checkpointAgeSeconds: '>5', offsetSyncAgeSeconds: '>5' },
  matrix: {
    timeline: ['mm2-beside-backup', 'mm2-beside-primary'],
    'mirror.properties.offset-syncs.topic.location': ['source', 'target'],
  },
});
