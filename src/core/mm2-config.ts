/**
 * mm2.properties for MirrorMaker 2 in dedicated mode (KIP-382), one flow per process: primary →
 * backup in the classic drill, or a playbook mirror's own flow.
 * Intervals come from the scenario; MM2's defaults (60 s checkpoints, 60 s group sync, 600 s
 * refresh) would make a drill of a few minutes meaningless.
 */
import type { PropertyValue } from './broker-config.ts';
import type { Cluster, StartFrom } from './playbook.ts';
import type { Scenario } from './scenario.ts';
import { clusterNames, nodesOf, replicationFactorFor, type ClusterName } from './topology.ts';

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

/** MM2's own topics: heartbeats (local and remote), checkpoints, offset syncs, Connect's internal topics. */
export const isMirrorInternal = (t: string): boolean => t.startsWith('__') || t.startsWith('mm2-') || t.endsWith('.internal') || t.includes('heartbeats');

/**
 * The remote topic of `topic` among a target's topics: known for built-in policies; for a custom
 * policy, the single non-internal topic whose name contains the source name.
 */
export function findRemoteTopic(policy: string, topic: string, targetTopics: readonly string[], source: string = SOURCE_ALIAS): string | undefined {
  const known = remoteTopicName(policy, topic, source);
  if (known !== null) return targetTopics.includes(known) ? known : undefined;
  const candidates = targetTopics.filter((t) => !isMirrorInternal(t) && t.includes(topic));
  return candidates.length === 1 ? candidates[0] : undefined;
}

export interface MirrorEndpoints {
  readonly primaryBootstrap: string;
  readonly backupBootstrap: string;
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
  const [source, target] = flow ? [flow.source, flow.target] : [SOURCE_ALIAS, TARGET_ALIAS];
  const name = `${source}->${target}`;
  const opposite = `${target}->${source}`;
  const own = { ...m.properties, ...flow?.properties };
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
    'sync.topic.configs.interval.seconds': m.syncTopicConfigsIntervalSeconds,
    'emit.heartbeats.interval.seconds': 1,
    // The offset flush also emits a delayed offset sync for the newest record (KAFKA-15906, 3.7+).
    // Dedicated mode builds each herder's worker config from the target-prefixed properties,
    // so the prefixed form is the one that takes effect.
    'offset.flush.interval.ms': m.offsetFlushIntervalMs,
    [`${target}.offset.flush.interval.ms`]: m.offsetFlushIntervalMs,
    ...replicationFactors(s, own),
    ...own,
  };
}

/**
 * Replication factors of the topics MM2 creates, each sized for the cluster it lands on (a
 * 3-broker primary and a 1-broker backup differ). Per pair `X->Y`: remote topics, checkpoints and
 * heartbeats on Y; offset syncs on X unless `offset-syncs.topic.location=target` (KIP-545).
 * Per herder: its Connect storage topics on its target, set with the `<cluster>.` prefix, the one
 * MirrorMakerConfig.workerConfig reads per target — a top-level `*.storage.*` would override it for
 * every herder. Both pairs, because the opposite pair's herder exists too (it emits heartbeats). A
 * property the scenario sets itself is left to it.
 */
function replicationFactors(s: Scenario, own: Readonly<Record<string, PropertyValue>>): Record<string, PropertyValue> {
  const rf = (c: ClusterName) => replicationFactorFor(nodesOf(s.kafka, c));
  const syncsOnTarget = own['offset-syncs.topic.location'] === 'target';
  const out: Record<string, PropertyValue> = {};
  for (const x of clusterNames) {
    const y = clusterNames.find((c) => c !== x)!;
    const pair = {
      'replication.factor': rf(y),
      'checkpoints.topic.replication.factor': rf(y),
      'heartbeats.topic.replication.factor': rf(y),
      'offset-syncs.topic.replication.factor': rf(syncsOnTarget ? y : x),
    };
    for (const [k, v] of Object.entries(pair)) if (!(k in own)) out[`${x}->${y}.${k}`] = v;
    for (const store of ['offset', 'status', 'config']) {
      const k = `${store}.storage.replication.factor`;
      if (!(k in own)) out[`${y}.${k}`] = rf(y);
    }
  }
  return out;
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
