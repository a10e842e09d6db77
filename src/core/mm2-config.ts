/**
 * mm2.properties for MirrorMaker 2 in dedicated mode (KIP-382), one flow per process: primary →
 * backup in the classic drill, or a playbook mirror's own flow.
 * Intervals come from the scenario; MM2's defaults (60 s checkpoints, 60 s group sync, 600 s
 * refresh) would make a drill of a few minutes meaningless.
 */
import type { PropertyValue } from './broker-config.ts';
import type { Cluster, StartFrom } from './playbook.ts';
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
 * The name a topic of `source` gets on the other cluster under a built-in policy; null for a custom policy,
 * whose remote names the harness discovers on the backup instead.
 */
export const remoteTopicName = (policy: string, topic: string, source: string = SOURCE_ALIAS): string | null =>
  policy === 'identity' ? topic : policy === 'default' ? `${source}.${topic}` : null;

export interface MirrorEndpoints {
  readonly primaryBootstrap: string;
  readonly backupBootstrap: string;
  /** Replication factor for MM2's own topics and remote topics (≤ brokers of the backup). */
  readonly replicationFactor: number;
}

/** One mirror's flow (core/playbook.ts); absent: the classic primary → backup drill. */
export interface FlowSpec {
  readonly source: Cluster;
  readonly target: Cluster;
  readonly policy: string;
  readonly startFrom: StartFrom;
  readonly properties: Readonly<Record<string, PropertyValue>>;
}

export function mirrorProperties(s: Scenario, ep: MirrorEndpoints, flow?: FlowSpec): Record<string, PropertyValue> {
  const m = s.mirror;
  const rf = ep.replicationFactor;
  const [source, target] = flow ? [flow.source, flow.target] : [SOURCE_ALIAS, TARGET_ALIAS];
  const name = `${source}->${target}`;
  const opposite = `${target}->${source}`;
  return {
    clusters: `${SOURCE_ALIAS},${TARGET_ALIAS}`,
    [`${SOURCE_ALIAS}.bootstrap.servers`]: ep.primaryBootstrap,
    [`${TARGET_ALIAS}.bootstrap.servers`]: ep.backupBootstrap,
    [`${name}.enabled`]: true,
    [`${name}.topics`]: s.topics.map((t) => t.name.replace(/\./g, '\\.')).join(','),
    [`${opposite}.enabled`]: false,
    // A herder for the opposite pair exists unless its heartbeats are off too (MirrorMakerConfig
    // .clusterPairs). Two mirror processes of a playbook would then share that herder's Connect
    // group and configs topic: each mirror runs only its own flow.
    ...(flow ? { [`${opposite}.emit.heartbeats.enabled`]: false } : {}),
    // Without a stored offset, a source task follows its consumer's auto.offset.reset (KAFKA-13988,
    // 3.6.2 / 3.7); `seeded` offsets are written by the harness before the mirror starts.
    ...(flow?.startFrom === 'latest' ? { [`${name}.source.consumer.auto.offset.reset`]: 'latest' } : {}),
    'replication.policy.class': flow ? policyClass({ ...m, policy: flow.policy }) : policyClass(m),
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
    [`${target}.offset.flush.interval.ms`]: m.offsetFlushIntervalMs,
    'replication.factor': rf,
    'checkpoints.topic.replication.factor': rf,
    'heartbeats.topic.replication.factor': rf,
    'offset-syncs.topic.replication.factor': rf,
    'offset.storage.replication.factor': rf,
    'status.storage.replication.factor': rf,
    'config.storage.replication.factor': rf,
    ...m.properties,
    ...flow?.properties,
  };
}

/**
 * Where a dedicated-mode herder stores its source offsets: `mm2-offsets.<source>.internal` on
 * the target (MirrorMakerConfig.workerConfig). Records are written by Connect's JsonConverter
 * (schemas off): key `["MirrorSourceConnector",{"cluster":…,"partition":…,"topic":…}]` — the
 * fields in that order, the order of the HashMap MM2 builds — value `{"offset":N}`, N being the
 * last source offset copied (the task resumes at N + 1; a negative N means none). The store
 * looks offsets up by the key's bytes, so the harness writes exactly these bytes when it seeds.
 */
export const sourceOffsetsTopic = (source: string): string => `mm2-offsets.${source}.internal`;
export const sourceOffsetKey = (source: string, topic: string, partition: number): string =>
  `["MirrorSourceConnector",{"cluster":${JSON.stringify(source)},"partition":${partition},"topic":${JSON.stringify(topic)}}]`;
/** The source partition a stored-offset key names, or null for another connector's key. */
export function parseSourceOffsetKey(key: string): { cluster: string; topic: string; partition: number } | null {
  try {
    const [connector, p] = JSON.parse(key) as [unknown, { cluster?: unknown; topic?: unknown; partition?: unknown }];
    if (connector !== 'MirrorSourceConnector' || typeof p?.topic !== 'string' || typeof p.partition !== 'number' || typeof p.cluster !== 'string') return null;
    return { cluster: p.cluster, topic: p.topic, partition: p.partition };
  } catch {
    return null;
  }
}
