import { defineScenario } from 'mm2-drill';

/**
 * Latency on the MM2 ↔ primary link for 20 s, then the kill. Every MM2 fetch from the primary
 * waits the injected delay, so replication trails further behind and more acked messages never
 * reach the backup (the RPO grows). The 1 ms cell is the baseline.
 */
export default defineScenario({
  name: 'latency-then-kill',
  description: 'Latency between MM2 and the primary, then the kill: replication lag and messages not replicated.',
  workload: { ratePerSecond: 200, consumer: { commit: 'batch' } },
  timeline: [
    { at: 10, durationSeconds: 20, action: { fault: 'latency', link: 'mm2-primary', latencyMs: 2000 } },
    { at: 28, action: 'kill-primary' },
  ],
  matrix: { 'timeline.0.action.latencyMs': [1, 2000] },
});
