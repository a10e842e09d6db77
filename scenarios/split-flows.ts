import { defineScenario } from 'mm2-drill';

/**
 * Head-of-line blocking: a hot topic (large messages, a high rate) and a cold one (a few small
 * messages a second) behind one MM2 flow, against a flow per topic (two MM2 processes on the same
 * pair of clusters, each with its own `topics` list and Connect group), each with `tasks.max` 1
 * or 4. The MM2 → backup link is slowed to 512 KB/s from 5 s until the kill at 30 s: the hot
 * topic's copies (2.4 MB/s) pile up in the producer of the task that carries them. Does the cold
 * topic wait behind them? Its lag in seconds over time, and what it lacks when the primary is
 * killed, answer "should we split?" (docs/topologies.md).
 */
const flow = { source: 'primary', target: 'backup', startAt: 'setup' } as const;

export default defineScenario({
  name: 'split-flows',
  description: 'A hot and a cold topic: one MM2 flow vs a flow per topic, tasks.max 1 vs 4, under a slow MM2 link.',
  topics: [
    { name: 'hot', partitions: 3, ratePerSecond: 300, messageBytes: 8192 },
    { name: 'cold', partitions: 1, ratePerSecond: 5 },
  ],
  workload: { consumer: { commit: 'interval', commitIntervalMs: 1000 } },
  topologies: {
    'one-flow': { all: flow },
    split: {
      hot: { ...flow, properties: { 'primary->backup.topics': 'hot' } },
      cold: { ...flow, properties: { 'primary->backup.topics': 'cold' } },
    },
  },
  mirrors: 'one-flow',
  playbook: [
    // Toxiproxy caps each connection: every MM2 task's producer gets its own 512 KB/s.
    { name: 'slow-link', when: { at: 5 }, action: 'fault', fault: { fault: 'bandwidth', link: 'mm2-backup', direction: 'upstream', rateKBps: 512 }, durationSeconds: 25 },
    { name: 'kill', when: { at: 30 }, action: 'kill-cluster', cluster: 'primary' },
    { name: 'failover', when: { afterSeconds: 2 }, action: 'move-consumers', to: 'backup' },
    { name: 'drain', action: 'drain-consumers', timeoutSeconds: 600 },
  ],
  matrix: { mirrors: ['one-flow', 'split'], 'mirror.tasksMax': [1, 4] },
});
