import { defineScenario } from 'mm2-drill';

/**
 * MM2's checkpointing breaks silently: 12 s into the drill MM2 is redeployed with a drifted
 * `groups.exclude` that now matches the drill's consumer group. MirrorCheckpointConnector finds
 * no group to checkpoint and asks for no tasks, so neither checkpoints nor the group offset sync
 * (KIP-545, the same task) are written, while MirrorSourceConnector keeps copying. (Turning
 * `emit.checkpoints.enabled` off does not do it: since 3.9 MM2 refuses that connector config,
 * KAFKA-16254, and keeps the stored one.) The alarms operators are told to set watch it
 * (docs/alarms.md): which of them warns before the kill at 50 s, and what the failover that
 * follows costs — every message the group processed on the primary after its last checkpoint
 * is delivered again on the backup.
 */
export default defineScenario({
  name: 'checkpoints-off',
  description: 'MM2 redeployed with a groups.exclude that drops the group: checkpoints stop while data flows — the alarms before the kill, the failover after it.',
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
    { at: 12, action: { fault: 'restart', target: 'mirror', properties: { 'groups.exclude': 'console-consumer-.*, connect-.*, __.*, drill-.*' } } },
    { at: 50, action: 'kill-primary' },
  ],
  // Both read what the checkpoint task wrote last: the group sync (KIP-545) and the checkpoints topic.
  matrix: { 'failover.strategy': ['mm2-sync', 'checkpoints'] },
  // The drill passes when the checkpoint alarm had been firing for 5 s when the primary died.
  thresholds: { checkpointAlarmLeadSeconds: '>=5', skipped: '==0' },
});
