/**
 * A source topic deleted and recreated mid-stream (to change its partition count, or to clean
 * bad data), then a failover. MM2 matches topics by name, keeps the remote topic, and resumes the
 * new topic at the offsets it stored for the old one (docs/gotchas.md):
 *  - `mm2-running`: MM2 fetches the new topic while it is still shorter than the stored offsets:
 *    out of range, its consumer resets to earliest, and the new incarnation is appended after the
 *    old one in the remote topic;
 *  - `mm2-paused`: MM2 is stopped while the new topic grows past the stored offsets, then started:
 *    it resumes there, and the head of the new incarnation is never replicated;
 *  - `recovered`: the damage of `mm2-paused`, then the documented recovery — stop MM2, delete the
 *    remote topic, reset MM2's stored offsets for the topic, start MM2, let it resync — and a
 *    planned failover: the remote topic must hold the new incarnation exactly, once each.
 */
import { defineScenario } from 'mm2-drill';

/** The new incarnation: twice the partitions, its own retention. */
const recreate = [
  { action: 'delete-topic', cluster: 'primary', topic: 'orders' },
  { action: 'create-topic', cluster: 'primary', topic: 'orders', partitions: 6, config: { 'retention.ms': '86400000' } },
] as const;

/** MM2 is stopped over the recreation and started once the new partitions passed its stored offsets. */
const paused = [
  { when: { at: 8 }, action: 'stop-mirror', mirror: 'forward' },
  ...recreate,
  { when: { afterSeconds: 25 }, action: 'start-mirror', mirror: 'forward' },
] as const;

/** An unplanned failover: the primary is killed and the consumers move to the backup. */
const kill = [
  { when: { afterSeconds: 10 }, action: 'kill-cluster', cluster: 'primary' },
  { when: { afterSeconds: 2 }, action: 'move-consumers', to: 'backup' },
] as const;

export default defineScenario({
  name: 'topic-recreation',
  description: 'A source topic deleted and recreated with MM2 running or paused, the damage at failover, and the recovery',
  topics: [{ name: 'orders', partitions: 3 }],
  workload: { ratePerSecond: 120, consumer: { commit: 'interval', commitIntervalMs: 1000 } },
  playbooks: {
    'mm2-running': [{ when: { at: 8 }, ...recreate[0] }, recreate[1], ...kill],
    'mm2-paused': [...paused, ...kill],
    recovered: [
      ...paused,
      { when: { afterSeconds: 5 }, action: 'stop-mirror', mirror: 'forward' },
      { action: 'delete-topic', cluster: 'backup', topic: 'primary.orders' },
      { action: 'reset-mirror-offsets', mirror: 'forward', topic: 'orders' },
      { action: 'start-mirror', mirror: 'forward' },
      { when: { afterSeconds: 10 }, action: 'stop-producers' },
      { action: 'wait-mirror-drained', mirror: 'forward' },
      // MM2's translation trails by up to offset.lag.max (100) per partition.
      { action: 'wait-group-synced', mirror: 'forward', withinMessages: 200 },
      { action: 'move-consumers', to: 'backup' },
    ],
  },
  matrix: { playbook: ['mm2-running', 'mm2-paused', 'recovered'] },
});
