/**
 * mm2.properties for MirrorMaker 2 in dedicated mode (KIP-382), primary → backup only.
 * Intervals come from the scenario; MM2's defaults (60 s checkpoints, 60 s group sync, 600 s
 * refresh) would make a drill of a few minutes meaningless.
 */
import type { PropertyValue } from './broker-config.ts';
import type { Scenario } from './scenario.ts';

export const SOURCE_ALIAS = 'primary';
export const TARGET_ALIAS = 'backup';

const builtInPolicies: Record<string, string> = {
  default: 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
  identity: 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
};

/** The ReplicationPolicy class of the cell's policy (built-in or custom). */
export const policyClass = (m: Scenario['mirror']): string => builtInPolicies[m.policy] ?? m.customPolicies[m.policy]?.class ?? m.policy;

/**
 * The name a source topic gets on the backup under a built-in policy; null for a custom policy,
 * whose remote names the harness discovers on the backup instead.
 */
export const remoteTopicName = (policy: string, topic: string): string | null =>
  policy === 'identity' ? topic : policy === 'default' ? `${SOURCE_ALIAS}.${topic}` : null;

export interface MirrorEndpoints {
  readonly primaryBootstrap: string;
  readonly backupBootstrap: string;
  /** Replication factor for MM2's own topics and remote topics (≤ brokers of the backup). */
  readonly replicationFactor: number;
}

export function mirrorProperties(s: Scenario, ep: MirrorEndpoints): Record<string, PropertyValue> {
  const m = s.mirror;
  const rf = ep.replicationFactor;
  const flow = `${SOURCE_ALIAS}->${TARGET_ALIAS}`;
  return {
    clusters: `${SOURCE_ALIAS},${TARGET_ALIAS}`,
    [`${SOURCE_ALIAS}.bootstrap.servers`]: ep.primaryBootstrap,
    [`${TARGET_ALIAS}.bootstrap.servers`]: ep.backupBootstrap,
    [`${flow}.enabled`]: true,
    [`${flow}.topics`]: s.topics.map((t) => t.name.replace(/\./g, '\\.')).join(','),
    [`${TARGET_ALIAS}->${SOURCE_ALIAS}.enabled`]: false,
    'replication.policy.class': policyClass(m),
    'tasks.max': m.tasksMax,
    'emit.checkpoints.enabled': true,
    'emit.checkpoints.interval.seconds': m.checkpointIntervalSeconds,
    'sync.group.offsets.enabled': m.syncGroupOffsets,
    'sync.group.offsets.interval.seconds': m.syncGroupOffsetsIntervalSeconds ?? m.checkpointIntervalSeconds,
    'offset.lag.max': m.offsetLagMax,
    'refresh.topics.interval.seconds': m.refreshTopicsIntervalSeconds,
    'refresh.groups.interval.seconds': m.refreshGroupsIntervalSeconds,
    'emit.heartbeats.interval.seconds': 1,
    // The offset flush also emits a delayed offset sync for the newest record (KAFKA-15906, 3.7+).
    // Dedicated mode builds each herder's worker config from the target-prefixed properties,
    // so the prefixed form is the one that takes effect.
    'offset.flush.interval.ms': m.offsetFlushIntervalMs,
    [`${TARGET_ALIAS}.offset.flush.interval.ms`]: m.offsetFlushIntervalMs,
    'replication.factor': rf,
    'checkpoints.topic.replication.factor': rf,
    'heartbeats.topic.replication.factor': rf,
    'offset-syncs.topic.replication.factor': rf,
    'offset.storage.replication.factor': rf,
    'status.storage.replication.factor': rf,
    'config.storage.replication.factor': rf,
    ...m.properties,
  };
}
