import { defineScenario } from 'mm2-drill';

/**
 * Your own MM2 configuration, drilled: MM2 runs with scenarios/mm2.example.properties (put your
 * file in its place), its cluster dc1 being the primary the drill kills and dc2 the backup. The
 * drill changes only what it must, and the report lists each change with the file's value and why.
 */
export default defineScenario({
  name: 'your-mm2-properties',
  description: "Kill the primary and fail over with the team's own MM2 properties file.",
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: {
    propertiesFile: './mm2.example.properties',
    clusterAliases: { dc1: 'primary', dc2: 'backup' },
  },
  workload: { ratePerSecond: 200, consumer: { commit: 'batch' } },
  // The file checkpoints and syncs the group every 5 s: kill anywhere within one interval.
  timeline: [{ at: 30, jitterSeconds: 5, action: 'kill-primary' }],
  failover: { strategy: 'mm2-sync' },
});
