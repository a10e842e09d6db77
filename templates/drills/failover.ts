import { defineScenario } from 'mm2-drill';

/**
 * The DR drill this project gates on: kill the primary mid-stream, fail the consumer group over to
 * the backup through MirrorMaker 2's synced offsets, count every message.
 *
 * Run it:            npx mm2-drill run drills/failover.ts
 * Try your settings:  edit `mirror` (or point `mirror.propertiesFile` at your mm2.properties) and
 *                     the thresholds below; `npx mm2-drill validate drills/failover.ts` checks the file.
 */
export default defineScenario({
  name: 'failover',
  description: 'Kill the primary mid-stream; the consumer group resumes on the backup from MM2-synced offsets.',
  topics: [{ name: 'orders', partitions: 3 }],
  mirror: {
    policy: 'default',
    // MM2's defaults are 60 s (checkpoints, group sync) and 600 s (refresh): set yours here. Short
    // intervals keep a CI drill to about a minute; duplicates grow with the sync interval.
    checkpointIntervalSeconds: 5,
    syncGroupOffsetsIntervalSeconds: 5,
  },
  workload: { ratePerSecond: 100, messageBytes: 200 },
  timeline: [{ at: 20, action: 'kill-primary' }],
  failover: { strategy: 'mm2-sync' },
  // The gate: a failed or unmeasurable check fails the run (exit code 1) and the CI job.
  thresholds: {
    // A skipped message was acked, replicated, and jumped over by the consumer after failover.
    skipped: '==0',
    // Acked on the primary and never delivered: the RPO of asynchronous replication, in messages.
    lost: '<=100',
    // Re-delivered after failover: about rate × age of the last group sync at the kill.
    duplicated: '<=2000',
    // From the kill to the consumer's first message on the backup.
    failoverGapSeconds: '<60',
  },
});
