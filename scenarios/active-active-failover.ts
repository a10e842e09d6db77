import { defineScenario } from 'mm2-drill';

/**
 * Active-active under the Default policy, with writers on both sides: MM2 in both directions, a
 * producer on each cluster, the consumer group on the primary reading its local `orders` and the
 * backup's copy `backup.orders`. The primary is killed at 20 s; its consumers fail over to the
 * backup (MM2's group sync) and its producer moves there. Which of the ids the group had read
 * does it read again on the backup — those from the primary (`primary.orders`, translated by the
 * forward mirror) and those from the backup itself (`orders`, which it had read as
 * `backup.orders`)? Eras in the report: `before-kill` (written on the primary), `backup-local`
 * (written on the backup before the kill), `outage` (after). docs/topologies.md.
 */
export default defineScenario({
  name: 'active-active-failover',
  description: 'Producers on both clusters, MM2 both ways (Default): the primary is killed and its clients fail over to the backup.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: { offsetFlushIntervalMs: 1000, checkpointIntervalSeconds: 1 },
  workload: { ratePerSecond: 100, consumer: { commit: 'interval', commitIntervalMs: 1000 } },
  mirrors: {
    forward: { source: 'primary', target: 'backup', startAt: 'setup' },
    reverse: { source: 'backup', target: 'primary', startAt: 'setup' },
  },
  playbook: [
    { name: 'backup-writers', action: 'start-producers', cluster: 'backup' },
    { name: 'kill', when: { at: 20 }, action: 'kill-cluster', cluster: 'primary' },
    { name: 'failover', when: { afterSeconds: 2 }, action: 'move-consumers', to: 'backup' },
    { name: 'producers-to-backup', action: 'move-producers', to: 'backup' },
    { when: { afterSeconds: 5 }, action: 'stop-producers' },
    { name: 'drain', action: 'drain-consumers' },
  ],
});
