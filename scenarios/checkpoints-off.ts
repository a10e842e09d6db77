import { defineScenario } from 'mm2-drill';

/**
 * MM2's checkpointing breaks silently: 10 s into the drill MM2 is redeployed with
 * `emit.checkpoints.enabled=false` (a drifted config, a bad rollout) — the checkpoint connector
 * gets no tasks, so neither checkpoints nor the group offset sync are written, while data keeps
 * flowing. The alarms operators are told to set watch it (docs/alarms.md): which of them warns
 * before the kill at 40 s, and what the failover that follows costs — every message the group
 * processed on the primary after the last checkpoint is delivered again on the backup.
 */
export default defineScenario({
  name: 'checkpoints-off',
  description: 'MM2 redeployed with checkpoints off while data flows: the alarms before the kill, the failover after it.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: {
    checkpointIntervalSeconds: 1,
    syncGroupOffsetsIntervalSeconds: 1,
    offsetFlushIntervalMs: 1000,
    refreshGroupsIntervalSeconds: 1,
    refreshTopicsIntervalSeconds: 1,
    offsetLagMax: 100,
  },
  workload: { ratePerSecond: 200, messageBytes: 200, consumer: { commit: 'batch' } },
  alarms: {
    heartbeatAgeSeconds: '>5',
    replicatedHeartbeatAgeSeconds: '>5',
    checkpointAgeSeconds: '>10',
    offsetSyncAgeSeconds: '>10',
  },
  timeline: [
    { at: 10, action: { fault: 'restart', target: 'mirror', properties: { 'emit.checkpoints.enabled': false } } },
    { at: 40, action: 'kill-primary' },
  ],
  // Both read what the checkpoint task wrote last: the group sync (KIP-545) and the checkpoints topic.
  matrix: { 'failover.strategy': ['mm2-sync', 'checkpoints'] },
  thresholds: { alarmsFiredBeforeKill: '>=1', skipped: '==0' },
});
