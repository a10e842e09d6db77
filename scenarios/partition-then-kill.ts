import { defineScenario } from 'mm2-drill';

/**
 * MM2 cut off from the primary (a black hole: Toxiproxy `timeout` 0) 10 s before the kill.
 * Every message acked after the cut stays on the primary only: it is "not replicated", and lost
 * unless the consumer saw it before the kill. The group's synced offset is frozen at the cut,
 * so nothing can be skipped.
 */
export default defineScenario({
  name: 'partition-then-kill',
  description: 'MM2 partitioned from the primary, then the primary dies.',
  workload: { ratePerSecond: 200, consumer: { commit: 'batch', processingDelayMs: 6 } },
  timeline: [
    { at: 12, action: { fault: 'partition', link: 'mm2-primary' } },
    { at: 22, action: 'kill-primary' },
  ],
});
