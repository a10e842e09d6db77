import { defineScenario } from 'mm2-drill';

/**
 * A warm standby on the DR cluster stops MM2's group offset sync. Teams that want a fast failover
 * keep their consumer application deployed on the backup, subscribed with the production group
 * id, paused until the switch. MirrorCheckpointTask writes a group's offsets on the target only
 * while the group has no active member there (KIP-545, `sync.group.offsets.enabled`; MSK
 * Replicator documents the same rule): the standby's membership is enough to keep every sync
 * out, for the whole life of the group. Checkpoints are still emitted into the checkpoints topic
 * — only the group's committed offsets on the backup never come.
 *
 * Two paired variants face one kill: the group on the backup left empty (MM2 syncs it: the
 * failover resumes near where the primary consumer stood) or held by a standby member (its
 * failover resumes by auto.offset.reset: earliest, the default, re-reads everything the primary
 * consumer had processed). `--set failover.autoOffsetReset=earliest,latest` adds latest, which
 * skips everything MM2 copied that the primary consumer had not processed — a position the harness
 * cannot prove (the consumer neither delivers nor commits on the backup), so skips read "unknown"
 * there. The standby joins before the workload starts, processes and commits nothing, and leaves
 * once the failover consumer joined the group beside it — the group never empties, as with a
 * standby that is simply resumed (docs/gotchas.md, "A warm standby on the backup").
 */
export default defineScenario({
  name: 'standby-group',
  description: 'A paused standby member of the group on the backup vs the group left empty: MM2 syncs only the empty one; the standby\'s failover resumes by auto.offset.reset.',
  topics: [{ name: 'orders', partitions: 3 }],
  // A consumer a little slower than the producer: at the kill MM2 has copied records the group
  // had not processed yet (what auto.offset.reset=latest would skip).
  workload: { ratePerSecond: 100, consumer: { commit: 'batch', processingDelayMs: 12 } },
  timeline: [{ at: 15, action: 'kill-primary' }],
  matrix: { 'failover.standbyOnBackup': [false, true] },
});
