import { defineScenario } from 'mm2-drill';

/**
 * Two mirrors for one flow: an Identity MM2 for the data (`orders` → `orders`, no consumer
 * groups), and beside it a Default MM2 run for the offsets — its checkpoints and group sync. Does
 * the consumer that fails over to `orders` on the backup find translated offsets there? Compare
 * with `custom-policy.ts` (Default, Identity, a custom policy, each alone, the same kill). The
 * offsets mirror translates only topics its own source connector copies, so it copies `orders`
 * to `primary.orders` too (docs/topologies.md).
 */
export default defineScenario({
  name: 'two-mirrors',
  description: 'Identity MM2 for the data, Default MM2 for the offsets: what the consumer finds on the identity-named topic at failover.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirrors: {
    data: { source: 'primary', target: 'backup', startAt: 'setup', policy: 'identity', properties: { 'groups.exclude': '.*' } },
    offsets: { source: 'primary', target: 'backup', startAt: 'setup', policy: 'default', role: 'offsets' },
  },
  playbook: [
    { name: 'kill', when: { at: 20 }, action: 'kill-cluster', cluster: 'primary' },
    { name: 'failover', when: { afterSeconds: 2 }, action: 'move-consumers', to: 'backup' },
    { name: 'drain', action: 'drain-consumers' },
  ],
});
