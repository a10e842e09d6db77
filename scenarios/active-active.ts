import { defineScenario } from 'mm2-drill';

/**
 * Both flows on at once: MM2 from primary to backup and from backup to primary, each its own
 * process, while producers write on the primary. Under the Default policy the prefix tells MM2
 * where a topic came from: `primary.orders` is never sent back (MirrorSourceConnector.isCycle),
 * so each record is on each cluster once. Under Identity both copies are named `orders` and MM2
 * cannot tell a copy from an original (IdentityReplicationPolicy's Javadoc: no cycle detection):
 * every record goes round the loop until the mirrors stop. The drill bounds it — the reverse
 * mirror stops once the primary holds 30 000 records, or 25 s into the workload — and counts the
 * copies of every id on each cluster (docs/topologies.md).
 */
export default defineScenario({
  name: 'active-active',
  description: 'Both flows on: Default keeps one copy of each record per cluster, Identity copies every record round the loop until stopped.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: { offsetFlushIntervalMs: 1000, refreshTopicsIntervalSeconds: 1, checkpointIntervalSeconds: 1 },
  workload: { ratePerSecond: 100, consumer: { commit: 'interval', commitIntervalMs: 1000 } },
  mirrors: {
    forward: { source: 'primary', target: 'backup', startAt: 'setup' },
    reverse: { source: 'backup', target: 'primary', startAt: 'setup' },
  },
  playbook: [
    // The loop's bound, whichever comes first.
    { name: 'bound', when: [{ cluster: 'primary', recordsAbove: 30_000 }, { at: 25 }], action: 'stop-mirror', mirror: 'reverse' },
    { action: 'stop-producers' },
    { action: 'stop-mirror', mirror: 'forward' },
  ],
  matrix: { 'mirror.policy': ['default', 'identity'] },
});
