import { defineScenario } from 'mm2-drill';

/**
 * Default, Identity and a custom ReplicationPolicy (compiled from Java source by the harness)
 * side by side: remote topics `primary.orders`, `orders` and `orders__from__primary`.
 */
export default defineScenario({
  name: 'custom-policy',
  description: 'Built-in and custom replication policies under the same failover.',
  mirror: {
    customPolicies: { suffix: { class: 'drill.SuffixReplicationPolicy', source: 'policies/SuffixReplicationPolicy.java' } },
  },
  timeline: [{ at: 20, action: 'kill-primary' }],
  matrix: { 'mirror.policy': ['default', 'identity', 'suffix'] },
});
