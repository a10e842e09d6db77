/**
 * Three ways to move a team from the primary to the backup, as the playbooks a team can copy —
 * the modes Cloudera's replication manager names (docs/playbooks.md, "Planned failover modes"):
 *
 *  - `controlled`: stop the producers, wait until MM2 copied everything and synced the consumer
 *    group's offsets (to within offset.lag.max of the end: MM2's translation granularity),
 *    move the consumers, then the producers. Nothing is left behind; the price is the write gap.
 *  - `cutoff`: the same, each wait with a deadline that moves on (`onTimeout: 'continue'`), and the
 *    forward mirror stopped at the cut. A bandwidth cap on MM2's link to the primary keeps MM2
 *    behind, so the deadline wins: what MM2 had not copied stays on the primary only.
 *  - `disaster`: no warning — the primary is killed, the consumers then the producers move.
 */
import { defineScenario } from 'mm2-drill';

/** After the waits: consumers first (they resume from MM2's synced offsets), then the producers, which write 3 s more on the backup. */
const cutover = [
  { name: 'consumers-over', action: 'move-consumers', to: 'backup' },
  { name: 'producers-over', action: 'move-producers', to: 'backup' },
  { name: 'writes-end', when: { afterSeconds: 3 }, action: 'stop-producers' },
] as const;

/** MM2's translation granularity: a synced offset closer than this to the end is as good as MM2 gets (KAFKA-14666). */
const offsetLagMax = 20;

export default defineScenario({
  name: 'planned-failover',
  description: 'Planned failover modes: controlled, controlled with a cutoff, and on disaster.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: {
    checkpointIntervalSeconds: 1,
    syncGroupOffsetsIntervalSeconds: 1,
    offsetFlushIntervalMs: 1000,
    refreshGroupsIntervalSeconds: 1,
    refreshTopicsIntervalSeconds: 1,
    offsetLagMax,
  },
  // 30 msg/s per partition: more than offset.lag.max per flush interval, so MM2's syncs are offset.lag.max apart.
  workload: { ratePerSecond: 90, messageBytes: 200, consumer: { commit: 'batch' } },
  failover: { strategy: 'mm2-sync', autoOffsetReset: 'earliest' },
  playbooks: {
    controlled: [
      { name: 'writes-stop', when: { at: 8 }, action: 'stop-producers' },
      { name: 'drained', action: 'wait-mirror-drained', mirror: 'forward' },
      { name: 'synced', action: 'wait-group-synced', mirror: 'forward', withinMessages: offsetLagMax },
      ...cutover,
    ],
    cutoff: [
      // 4 KB/s from the primary to MM2, under a fifth of what the producer writes (in practice MM2 copies about nothing).
      { name: 'slow-link', when: { at: 2 }, action: 'fault', fault: { fault: 'bandwidth', link: 'mm2-primary', direction: 'downstream', rateKBps: 4 } },
      { name: 'writes-stop', when: { at: 8 }, action: 'stop-producers' },
      { name: 'drained', action: 'wait-mirror-drained', mirror: 'forward', timeoutSeconds: 3, onTimeout: 'continue' },
      { name: 'synced', action: 'wait-group-synced', mirror: 'forward', withinMessages: offsetLagMax, timeoutSeconds: 3, onTimeout: 'continue' },
      // The cut: MM2 stops where it got to; the rest is on the primary only.
      { name: 'cut', action: 'stop-mirror', mirror: 'forward' },
      ...cutover,
    ],
    disaster: [
      { name: 'kill', when: { at: 8 }, action: 'kill-cluster', cluster: 'primary' },
      { ...cutover[0], when: { afterSeconds: 2 } },
      ...cutover.slice(1),
    ],
  },
  playbook: 'controlled',
  matrix: { playbook: ['controlled', 'cutoff', 'disaster'] },
});
