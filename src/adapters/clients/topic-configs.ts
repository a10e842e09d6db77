/**
 * Topic snapshots for drift checks (core/kafka/topic-drift.ts): partitions, replication factor and every
 * config with where its value comes from, read with the admin API of any cluster.
 */
import type { Admin } from 'kafkajs';
import type { ConfigOrigin, TopicSnapshot } from '../../core/kafka/topic-drift.ts';
import { ConfigResourceTypes } from './kafka-client.ts';

/** DescribeConfigs' ConfigSource codes (KIP-226). */
const origins: Record<number, ConfigOrigin> = { 1: 'topic', 2: 'dynamic-broker', 3: 'dynamic-default-broker', 4: 'static-broker', 5: 'default' };

/** Snapshots of `topics` (default: every topic of the cluster); topics that vanish meanwhile are left out. */
export async function snapshotTopics(admin: Admin, topics?: readonly string[]): Promise<TopicSnapshot[]> {
  const names = topics ? [...topics] : await admin.listTopics();
  if (names.length === 0) return [];
  const meta = await admin.fetchTopicMetadata({ topics: names });
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })) });
  const configs = new Map(described.resources.filter((r) => r.errorCode === 0).map((r) => [r.resourceName, r.configEntries]));
  return meta.topics.flatMap((t) => {
    const entries = configs.get(t.name);
    if (!entries) return [];
    return [{
      name: t.name,
      partitions: t.partitions.length,
      replicationFactor: Math.max(0, ...t.partitions.map((p) => p.replicas.length)),
      configs: Object.fromEntries(entries.map((e) => [e.configName, {
        value: e.configValue ?? null,
        origin: origins[(e as { configSource?: number }).configSource ?? -1] ?? (e.isDefault ? 'default' : 'other'),
        readOnly: e.readOnly,
        sensitive: e.isSensitive,
      }])),
    }];
  });
}
