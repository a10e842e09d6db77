import { defineScenario } from 'mm2-drill';

/**
 * MM2 frozen (`docker pause`, i.e. SIGSTOP of its processes) 10 s before the kill and through
 * it: like a partition, but MM2's connections stay open and its in-flight work is simply stuck.
 */
export default defineScenario({
  name: 'mirror-paused',
  description: 'MM2 paused through the kill of the primary.',
  workload: { ratePerSecond: 200, consumer: { commit: 'batch' } },
  timeline: [
    { at: 12, action: { fault: 'pause', target: 'mirror' } },
    { at: 22, action: 'kill-primary' },
  ],
});
