import type { Scenario } from './scenario.ts';
import type { PlaybookStep, When } from './playbook.ts';

/**
 * Today's fixed drill as a playbook — what a scenario without `playbook` runs: the timeline's
 * kill, the failover after `failover.delaySeconds` with `failover.strategy`, the drain on the
 * backup; without a kill, the producer stops after `workload.durationSeconds` and the consumer
 * drains the primary. The timeline's faults run beside it, as they always did.
 */
export function defaultPlaybook(s: Pick<Scenario, 'timeline' | 'failover' | 'workload'>): PlaybookStep[] {
  const kill = s.timeline.find((x) => x.action === 'kill-primary');
  const drainStep = { name: 'drain', action: 'drain-consumers', timeoutSeconds: 3600 } as const;
  if (!kill) return [{ name: 'workload-end', when: { at: s.workload.durationSeconds ?? 0 }, action: 'stop-producers', timeoutSeconds: 3600 }, drainStep];
  const when: When = typeof kill.at === 'number' ? { at: kill.at, ...(kill.jitterSeconds ? { jitterSeconds: kill.jitterSeconds } : {}) } : kill.at;
  return [
    { name: 'kill', when, action: 'kill-cluster', cluster: 'primary', timeoutSeconds: 3600 },
    { name: 'failover', when: { afterSeconds: s.failover.delaySeconds }, action: 'move-consumers', to: 'backup', strategy: s.failover.strategy, timeoutSeconds: 3600 },
    drainStep,
  ];
}
