/**
 * MirrorMaker 2's names, independent of any scenario: the topics it creates (checkpoints, offset
 * syncs, heartbeats, a dedicated-mode herder's storage), which topics are its own, where a topic's
 * remote copy is, and the key format of its stored source offsets. Each name takes plain values —
 * a flow's properties, a separator, a cluster alias — so that any layer can ask it; a cell's
 * mm2.properties, built from the scenario, is core/plan/mm2-settings.ts.
 */
import type { PropertyValue } from './property-value.ts';
import { FORWARD, flowValue } from './mm2-properties-file.ts';
import { remoteTopicName, SOURCE_ALIAS, TARGET_ALIAS } from './replication-policy.ts';

/** The forward flow's `replication.policy.separator` in `properties` (DefaultReplicationPolicy's default "."). */
export const policySeparator = (properties: Readonly<Record<string, PropertyValue>>): string =>
  flowValue(properties, FORWARD, 'replication.policy.separator')?.value ?? '.';

/**
 * The separator of MM2's internal topic names. Since KIP-690 (3.1) they use the policy's separator
 * — `primary_checkpoints_internal` — unless `replication.policy.internal.topic.separator.enabled`
 * is false (DefaultReplicationPolicy).
 */
function internalSeparator(properties: Readonly<Record<string, PropertyValue>>): string {
  const internal = flowValue(properties, FORWARD, 'replication.policy.internal.topic.separator.enabled')?.value;
  return internal !== undefined && internal.trim().toLowerCase() !== 'true' ? '.' : policySeparator(properties);
}

/** MM2's checkpoints topic of `source` on the target, under the forward flow's `properties`. */
export function checkpointsTopic(properties: Readonly<Record<string, PropertyValue>>, source: string = SOURCE_ALIAS): string {
  const sep = internalSeparator(properties);
  return `${source}${sep}checkpoints${sep}internal`;
}

/**
 * Where the forward flow writes its offset syncs: on the primary, named after the other cluster,
 * `mm2-offset-syncs.backup.internal`; with `offset-syncs.topic.location=target` (KIP-716) on the
 * backup, `mm2-offset-syncs.primary.internal` (MirrorSourceConfig.offsetSyncsTopic).
 */
export function offsetSyncsTopic(properties: Readonly<Record<string, PropertyValue>>): { cluster: 'primary' | 'backup'; topic: string } {
  const sep = internalSeparator(properties);
  const onTarget = flowValue(properties, FORWARD, 'offset-syncs.topic.location')?.value.trim() === 'target';
  const [cluster, other] = onTarget ? ([TARGET_ALIAS, SOURCE_ALIAS] as const) : ([SOURCE_ALIAS, TARGET_ALIAS] as const);
  return { cluster, topic: `mm2-offset-syncs${sep}${other}${sep}internal` };
}

/**
 * The heartbeats topics of the forward flow on the backup: `local`, where its MirrorHeartbeatConnector
 * writes (keyed by the `source` alias and the target's), and `replicated`, the copy of the primary's — heartbeats keep the source prefix under
 * Identity too (IdentityReplicationPolicy.formatRemoteTopic).
 */
export const heartbeatsTopics = (separator: string, source: string = SOURCE_ALIAS): { source: string; local: string; replicated: string } => ({
  source,
  local: 'heartbeats',
  replicated: `${source}${separator}heartbeats`,
});

/** MM2's own topics: heartbeats (local and remote), checkpoints, offset syncs, Connect's internal topics. */
export const isMirrorInternal = (t: string): boolean => t.startsWith('__') || t.startsWith('mm2-') || t.endsWith('.internal') || t.includes('heartbeats');

/**
 * The remote topic of `topic` among a target's topics: known for built-in policies; for a custom
 * policy, the single non-internal topic whose name contains the source name.
 */
export function findRemoteTopic(policy: string, topic: string, targetTopics: readonly string[], source: string = SOURCE_ALIAS, separator = '.'): string | undefined {
  const known = remoteTopicName(policy, topic, source, separator);
  if (known !== null) return targetTopics.includes(known) ? known : undefined;
  const candidates = targetTopics.filter((t) => !isMirrorInternal(t) && t.includes(topic));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * Two MM2 processes of the same flow would join one Connect cluster: dedicated mode names a
 * herder's group `<source>-mm2` and its storage topics `mm2-{offsets,configs,status}.<source>.internal`
 * on the target (MirrorMakerConfig.workerConfig), and the second process would share the first's
 * connectors, configs and stored offsets. A namespaced mirror gets its own, read by the herder from
 * the target-prefixed keys; the names end in `.internal`, so no policy replicates them.
 */
export function herderStorage(source: string, target: string, namespace: string | undefined): Record<string, string> {
  if (namespace === undefined) return {};
  return {
    [`${target}.group.id`]: `${source}-mm2-${namespace}`,
    [`${target}.offset.storage.topic`]: sourceOffsetsTopic(source, namespace),
    [`${target}.config.storage.topic`]: `mm2-configs.${source}.${namespace}.internal`,
    [`${target}.status.storage.topic`]: `mm2-status.${source}.${namespace}.internal`,
  };
}

/**
 * Where a dedicated-mode herder stores its source offsets: `mm2-offsets.<source>.internal` on
 * the target (MirrorMakerConfig.workerConfig), or a namespaced mirror's own (`herderStorage`).
 * Records are written by Connect's JsonConverter (schemas off): key `["MirrorSourceConnector",{"cluster":…,"partition":…,"topic":…}]` — the
 * fields in that order, the order of the HashMap MM2 builds — value `{"offset":N}`, N being the
 * last source offset copied (the task resumes at N + 1; a negative N means none). The store
 * looks offsets up by the key's bytes, so the harness writes exactly these bytes when it seeds.
 */
export const sourceOffsetsTopic = (source: string, namespace?: string): string =>
  namespace === undefined ? `mm2-offsets.${source}.internal` : `mm2-offsets.${source}.${namespace}.internal`;
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
