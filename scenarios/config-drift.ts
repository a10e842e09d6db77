/**
 * Config drift, drilled: mid-stream, the source topic gets a shorter retention, compaction, a
 * stricter min.insync.replicas and twice the partitions; every second the harness samples the
 * remote copy on the backup, then the primary is killed and the consumers fail over. The report
 * says what reached the backup, after how long, what never did — and what the consumers' topic
 * looked like at the failover (docs/gotchas.md).
 *
 * MM2 syncs topic configs every `sync.topic.configs.interval.seconds` (600 s by default, and
 * 5 s in the second cell, so that a short drill sees it happen) and never copies `min.insync.replicas` (MM2's
 * default `config.properties.exclude`). The producer uses acks=1: min.insync.replicas=2 on this
 * one-broker primary would otherwise refuse every write — the value is what is being followed.
 */
import { defineScenario } from 'mm2-drill';

/** Shorter retention, compaction, a stricter min ISR, twice the partitions. */
export const alterSource = {
  name: 'alter-source', when: { at: 8 }, action: 'alter-topic', cluster: 'primary', topic: 'orders', partitions: 6,
  config: { 'retention.ms': '3600000', 'cleanup.policy': 'compact,delete', 'min.insync.replicas': '2' },
} as const;

export default defineScenario({
  name: 'config-drift',
  description: 'Topic configs changed on the source mid-stream: what MM2 propagated to the backup, when, and what never',
  topics: [{ name: 'orders', partitions: 3 }],
  workload: { ratePerSecond: 100, acks: 'leader', consumer: { commit: 'interval', commitIntervalMs: 1000 } },
  // MM2's default interval (600 s) against a short one.
  matrix: { 'mirror.syncTopicConfigsIntervalSeconds': [5, 600] },
  playbook: [
    alterSource,
    { name: 'kill', when: { afterSeconds: 15 }, action: 'kill-cluster', cluster: 'primary' },
    { name: 'failover', when: { afterSeconds: 2 }, action: 'move-consumers', to: 'backup' },
  ],
});
