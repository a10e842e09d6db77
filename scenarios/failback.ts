/**
 * The whole DR round trip: the primary is killed mid-stream, consumers then producers fail over
 * to the backup, the primary comes back with its data, the reverse mirror copies what was written
 * on the backup during the outage, and everything moves back. Compares replication policies,
 * where the reverse mirror starts, and three ways to cut back over (docs/playbooks.md).
 */
import { defineScenario } from 'mm2-drill';

/** Kill, fail over, restore the primary and start the reverse flow: common to every playbook. */
const outage = [
  { action: 'check-health', cluster: 'primary' },
  { when: { at: 15 }, action: 'kill-cluster', cluster: 'primary' },
  { when: { afterSeconds: 2 }, action: 'move-consumers', to: 'backup' },
  { action: 'move-producers', to: 'backup' },
  // The forward flow has nothing left to read; stopped now, it cannot copy the primary's
  // unreplicated tail to the backup when the primary returns.
  { action: 'stop-mirror', mirror: 'forward' },
  { when: { afterSeconds: 5 }, action: 'restore-cluster', cluster: 'primary' },
  { action: 'check-health', cluster: 'primary' },
  { action: 'start-mirror', mirror: 'reverse' },
] as const;

/** Once the reverse flow has caught up with the outage's backlog, the consumers go home. */
const consumersBack = [{ name: 'consumers-back', when: { mirror: 'reverse', lagBelow: 400 }, action: 'move-consumers', to: 'primary' }] as const;
/** The reverse flow is stopped, the producers go home and write 5 s more; the consumers drain. */
const producersBack = [
  { action: 'stop-mirror', mirror: 'reverse' },
  { action: 'move-producers', to: 'primary' },
  { when: { afterSeconds: 5 }, action: 'stop-producers' },
] as const;

export default defineScenario({
  name: 'failback',
  description: 'Failover and failback after a kill of the primary: policy × reverse start × cutover',
  topics: [{ name: 'orders', partitions: 3 }],
  workload: { ratePerSecond: 200, consumer: { commit: 'interval', commitIntervalMs: 1000 } },
  mirrors: {
    forward: { source: 'primary', target: 'backup', startAt: 'setup' },
    reverse: { source: 'backup', target: 'primary', startFrom: 'earliest' },
  },
  playbooks: {
    // The playbook: consumers back first — once MM2 synced their offsets to the primary, to within
    // 500 messages of the end (about 2.5 s of writes per partition) — then
    // stop producers, drain the reverse flow to zero, and only then move the producers and stop it.
    'drain-to-zero': [
      ...outage,
      { action: 'wait-group-synced', mirror: 'reverse', withinMessages: 500 },
      ...consumersBack,
      { action: 'stop-producers' },
      { action: 'wait-mirror-drained', mirror: 'reverse' },
      ...producersBack,
    ],
    // The same, without waiting for the group sync: the consumers find no translated offsets.
    'drain-to-zero-unsynced': [
      ...outage,
      ...consumersBack,
      { action: 'stop-producers' },
      { action: 'wait-mirror-drained', mirror: 'reverse' },
      ...producersBack,
    ],
    // A premature cut: the reverse flow is stopped while producers still write on the backup for 3 s.
    'cut-3s-early': [
      ...outage,
      { action: 'wait-group-synced', mirror: 'reverse', withinMessages: 500 },
      ...consumersBack,
      { name: 'cut', action: 'stop-mirror', mirror: 'reverse' },
      { when: { afterSeconds: 3 }, action: 'stop-producers' },
      { action: 'move-producers', to: 'primary' },
      { when: { afterSeconds: 5 }, action: 'stop-producers' },
    ],
    // Producers back first, consumers last.
    'producers-first': [
      ...outage,
      { name: 'producers-back', when: { mirror: 'reverse', lagBelow: 400 }, action: 'move-producers', to: 'primary' },
      { action: 'wait-mirror-drained', mirror: 'reverse' },
      { action: 'wait-group-synced', mirror: 'reverse', withinMessages: 500 },
      { action: 'stop-mirror', mirror: 'reverse' },
      { name: 'consumers-back', action: 'move-consumers', to: 'primary' },
      { when: { afterSeconds: 5 }, action: 'stop-producers' },
    ],
  },
  playbook: 'drain-to-zero',
  matrix: {
    'mirror.policy': ['default', 'identity'],
    'mirrors.reverse.startFrom': ['earliest', 'seeded', 'latest'],
    playbook: ['drain-to-zero', 'drain-to-zero-unsynced', 'cut-3s-early', 'producers-first'],
  },
});
