/**
 * A cell's mm2.properties, built from its scenario: MirrorMaker 2 in dedicated mode (KIP-382), one
 * flow per process: primary → backup in the classic drill, or a playbook mirror's own flow. MM2's
 * names (internal topics, herder storage, source offsets) are core/kafka/mm2-names.ts.
 *
 * Without a properties file the drill writes them all. Intervals come from the scenario; MM2's
 * defaults (60 s checkpoints, 60 s group sync, 600 s refresh) would make a drill of a few minutes
 * meaningless. With a team's file (`mirror.propertiesFile`, core/kafka/mm2-properties-file.ts) the file is the
 * configuration: the drill writes only what it must — its clusters, what the scenario sets itself,
 * replication factors its brokers can hold, one flow per process — and says why for each change.
 */
import type { PropertyValue } from '../kafka/property-value.ts';
import {
  fieldProperty, flowEnabled, flowValue, narrowerKeys, overlay, ownProperties,
  type ImportedFile, type MirrorField, type PropertyChange, type Reason,
} from '../kafka/mm2-properties-file.ts';
import type { Cluster, StartFrom } from '../scenario/playbook.ts';
import { maxMessageBytes, type Scenario } from '../scenario/scenario.ts';
import { largeMessageLimit } from '../kafka/broker-config.ts';
import { clusterNames, nodesOf, replicationFactorFor, type ClusterName } from '../kafka/network-layout.ts';
import { mirrorRelease, workerReleaseProperties } from '../kafka/kafka-release.ts';
import { builtInPolicies, isBuiltInPolicy, SOURCE_ALIAS, TARGET_ALIAS } from '../kafka/replication-policy.ts';
import { herderStorage } from '../kafka/mm2-names.ts';

/** The ReplicationPolicy class of the cell's policy (built-in or custom). */
export const policyClass = (m: Pick<Scenario['mirror'], 'policy' | 'customPolicies'>): string =>
  isBuiltInPolicy(m.policy) ? builtInPolicies[m.policy].class : (m.customPolicies[m.policy]?.class ?? m.policy);

export interface MirrorEndpoints {
  readonly primaryBootstrap: string;
  readonly backupBootstrap: string;
  /** Cluster-prefixed client security of MM2's principal on secured clusters (core/kafka/security.ts). */
  readonly clientSecurity?: Readonly<Record<string, PropertyValue>>;
}

/** One mirror's flow (core/scenario/playbook.ts); absent: the classic primary → backup drill. */
export interface FlowSpec {
  readonly source: Cluster;
  readonly target: Cluster;
  readonly policy: string;
  readonly startFrom: StartFrom;
  readonly properties: Readonly<Record<string, PropertyValue>>;
  /** Set when another mirror runs the same flow: this process's own Connect group and storage topics (`herderStorage`). */
  readonly namespace?: string | undefined;
}

/** The properties MM2 runs with, and what of the team's properties file (if any) the drill changed and why. */
export interface MirrorSettings {
  readonly properties: Record<string, PropertyValue>;
  /** Empty without a properties file. */
  readonly changes: PropertyChange[];
}

export function mirrorSettings(s: Scenario, ep: MirrorEndpoints, flow?: FlowSpec): MirrorSettings {
  return s.mirror.file ? fromFile(s, s.mirror.file, ep, flow) : { properties: drillProperties(s, ep, flow), changes: [] };
}

export const mirrorProperties = (s: Scenario, ep: MirrorEndpoints, flow?: FlowSpec): Record<string, PropertyValue> => mirrorSettings(s, ep, flow).properties;

/** The drill's own mm2.properties (no properties file). */
function drillProperties(s: Scenario, ep: MirrorEndpoints, flow?: FlowSpec): Record<string, PropertyValue> {
  const m = s.mirror;
  const [source, target] = flow ? [flow.source, flow.target] : [SOURCE_ALIAS, TARGET_ALIAS];
  const name = `${source}->${target}`;
  const opposite = `${target}->${source}`;
  const own = { ...m.properties, ...flow?.properties };
  return {
    clusters: `${SOURCE_ALIAS},${TARGET_ALIAS}`,
    [`${SOURCE_ALIAS}.bootstrap.servers`]: ep.primaryBootstrap,
    [`${TARGET_ALIAS}.bootstrap.servers`]: ep.backupBootstrap,
    ...ep.clientSecurity,
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
    ...herderStorage(source, target, flow?.namespace),
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
    // Start-up: plugin discovery from service manifests where the release has it (KIP-898).
    ...workerReleaseProperties(mirrorRelease(s), [SOURCE_ALIAS, TARGET_ALIAS]),
    // The offset flush also emits a delayed offset sync for the newest record (KAFKA-15906, 3.7+).
    // Dedicated mode builds each herder's worker config from the target-prefixed properties,
    // so the prefixed form is the one that takes effect.
    'offset.flush.interval.ms': m.offsetFlushIntervalMs,
    [`${target}.offset.flush.interval.ms`]: m.offsetFlushIntervalMs,
    ...replicationFactors(s, own),
    ...storagePartitions(own),
    ...largeMessages(s),
    ...(m.exactlyOnce ? exactlyOnceProperties(target) : {}),
    ...own,
  };
}

/**
 * Values over Kafka's default limit: MM2's producers to either cluster (`<alias>.producer.*`,
 * MirrorMakerConfig's per-cluster client settings) may send a request as large as the brokers
 * take; otherwise the copy fails with RecordTooLargeException.
 */
function largeMessages(s: Scenario): Record<string, PropertyValue> {
  const limit = largeMessageLimit(maxMessageBytes(s));
  return limit === null ? {} : Object.fromEntries(clusterNames.map((c) => [`${c}.producer.max.request.size`, limit]));
}

/**
 * `mirror.exactlyOnce` (KIP-618, 3.5+): exactly-once support is a worker setting, so in dedicated
 * mode it is written for the herder of the flow's target (MirrorMakerConfig.workerConfig reads
 * `<target>.` keys); such a worker needs the internal REST server of dedicated mode (KIP-710),
 * which is off by default there.
 */
export const exactlyOnceProperties = (target: string): Record<string, PropertyValue> => ({
  'dedicated.mode.enable.internal.rest': true,
  [`${target}.exactly.once.source.support`]: 'enabled',
});

/**
 * Replication factors of the topics MM2 creates, each sized for the cluster it lands on (a
 * 3-broker primary and a 1-broker backup differ). Per pair `X->Y`: remote topics, checkpoints and
 * heartbeats on Y; offset syncs on X unless `offset-syncs.topic.location=target` (KIP-716).
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
 * Start-up: one partition for each herder's Connect offsets and status topics, on its target
 * (`<cluster>.` keys, as the replication factors above), instead of Connect's 25 and 5
 * (DistributedConfig). A drill's MM2 creates them on fresh clusters at every start and reads
 * them to their end before its connectors start; their partitions share out keys over Connect
 * workers' writes, which one process of a few connectors does not need. What MM2 copies, and
 * when, does not depend on them. A property the scenario sets itself is left to it.
 */
function storagePartitions(own: Readonly<Record<string, PropertyValue>>): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const k of ['offset.storage.partitions', 'status.storage.partitions']) {
    if (k in own) continue;
    for (const c of clusterNames) if (!(`${c}.${k}` in own)) out[`${c}.${k}`] = 1;
  }
  return out;
}

/** MM2's defaults for the replication factors of the topics it creates (MirrorSourceConfig, MirrorCheckpointConfig, DistributedConfig). */
const mm2ReplicationFactors = {
  'replication.factor': 2, 'checkpoints.topic.replication.factor': 3, 'heartbeats.topic.replication.factor': 3, 'offset-syncs.topic.replication.factor': 3,
} as const;
const storageFactors = ['offset', 'status', 'config'].map((store) => `${store}.storage.replication.factor`);
const CONNECT_STORAGE_RF_DEFAULT = 3;

const reasons = {
  bootstrap: (c: string) => `the drill's ${c} cluster, which MM2 reaches through Toxiproxy (faults on the MM2 link are injected there)`,
  refreshGroups: "the drill's consumer group is created after MM2 starts, and MM2 finds a new group only at a refresh (refresh.groups.interval.seconds); in production your group exists long before a failover",
  oneFlow: (name: string, other: string) => `each MM2 process of the drill runs one flow, here ${name}; to drill ${other} too, declare it as a second mirror in \`mirrors\``,
  ownFlow: (name: string) => `${name} is the flow this MM2 process runs (a playbook mirror)`,
  sharedHerder: (other: string) => `MM2 would start a herder for ${other} for its heartbeats, whose Connect group and configs topic the playbook's other mirror uses (MirrorMakerConfig.clusterPairs)`,
  ownHerder: (name: string) => `another mirror of the drill runs ${name} too: this process gets its own Connect group and storage topics`,
  latest: 'the mirror starts from the end of its source (startFrom "latest"; KAFKA-13988)',
};

/**
 * The team's file, with what the drill must change: its clusters' bootstrap servers, one flow per
 * process, what the scenario sets itself (its explicit `mirror` fields, its `mirror.properties`
 * and a playbook mirror's `properties`, written so that they take effect), and replication
 * factors beyond the drill's brokers. Everything else is the file's, MM2's defaults included.
 */
function fromFile(s: Scenario, f: ImportedFile, ep: MirrorEndpoints, flow?: FlowSpec): MirrorSettings {
  const m = s.mirror;
  const [source, target] = flow ? [flow.source, flow.target] : [SOURCE_ALIAS, TARGET_ALIAS];
  const name = `${source}->${target}`;
  const opposite = `${target}->${source}`;
  // The clusters and how to reach them first, as in the file; the file's order after that.
  const bootstrap = { [`${SOURCE_ALIAS}.bootstrap.servers`]: ep.primaryBootstrap, [`${TARGET_ALIAS}.bootstrap.servers`]: ep.backupBootstrap, ...ep.clientSecurity };
  const out: Record<string, PropertyValue> = { ...(f.properties.clusters === undefined ? {} : { clusters: f.properties.clusters }), ...bootstrap, ...f.properties };
  const why = new Map<string, Reason>(Object.entries(f.dropped));
  for (const [k, c] of [[`${SOURCE_ALIAS}.bootstrap.servers`, SOURCE_ALIAS], [`${TARGET_ALIAS}.bootstrap.servers`, TARGET_ALIAS]] as const) why.set(k, { by: 'drill', reason: reasons.bootstrap(c) });
  const drill = (reason: string): Reason => ({ by: 'drill', reason });
  const set = (key: string, value: PropertyValue, r: Reason) => {
    out[key] = value;
    why.set(key, r);
  };
  /** Writes a top-level key so that it takes effect: unless the flow already sees that value, removing the narrower forms MM2 would prefer. */
  const put = (key: string, value: PropertyValue, r: Reason) => {
    const seen = narrowerKeys(key).length ? flowValue(out, name, key)?.value : out[key];
    if (seen !== undefined && String(seen) === String(value) && (!(key in out) || String(out[key]) === String(value))) return;
    for (const k of narrowerKeys(key)) {
      if (k in out && String(out[k]) !== String(value)) {
        delete out[k];
        why.set(k, { ...r, reason: `${r.reason} (written as ${key})` });
      }
    }
    set(key, value, r);
  };

  if (!flowEnabled(out, name)) set(`${name}.enabled`, true, drill(reasons.ownFlow(name)));
  if (flowEnabled(out, opposite)) set(`${opposite}.enabled`, false, drill(reasons.oneFlow(name, opposite)));
  const heartbeats = out[`${opposite}.emit.heartbeats.enabled`] ?? out['emit.heartbeats.enabled'];
  if (flow && (heartbeats === undefined || String(heartbeats).toLowerCase() === 'true')) set(`${opposite}.emit.heartbeats.enabled`, false, drill(reasons.sharedHerder(opposite)));
  if (flow?.startFrom === 'latest') set(`${name}.source.consumer.auto.offset.reset`, 'latest', drill(reasons.latest));
  for (const [k, v] of Object.entries(herderStorage(source, target, flow?.namespace))) set(k, v, drill(reasons.ownHerder(name)));

  const inMatrix = (field: string) => (`mirror.${field}` in s.matrix ? ' (a matrix dimension)' : '');
  const policy = flow?.policy ?? m.policy;
  const cls = policyClass({ ...m, policy });
  const fileClass = flowValue(out, name, 'replication.policy.class')?.value.trim() ?? builtInPolicies.default.class;
  if (fileClass !== cls) {
    const r: Reason = policy !== m.policy ? { by: 'scenario', reason: `the playbook mirror's own policy "${policy}"` }
      : f.origins.policy === 'scenario' ? { by: 'scenario', reason: `the scenario sets mirror.policy "${policy}"${inMatrix('policy')}` }
      : drill(`${fileClass} is not in the drill's Kafka image; Kafka's own ${cls} names remote topics the same way`);
    put('replication.policy.class', cls, r);
  }
  const values: Record<Exclude<MirrorField, 'policy'>, PropertyValue> = {
    checkpointIntervalSeconds: m.checkpointIntervalSeconds, syncGroupOffsets: m.syncGroupOffsets,
    syncGroupOffsetsIntervalSeconds: m.syncGroupOffsetsIntervalSeconds ?? m.checkpointIntervalSeconds, offsetLagMax: m.offsetLagMax,
    offsetFlushIntervalMs: m.offsetFlushIntervalMs, refreshTopicsIntervalSeconds: m.refreshTopicsIntervalSeconds,
    refreshGroupsIntervalSeconds: m.refreshGroupsIntervalSeconds, syncTopicConfigsIntervalSeconds: m.syncTopicConfigsIntervalSeconds, tasksMax: m.tasksMax,
  };
  for (const [field, spec] of Object.entries(fieldProperty) as [Exclude<MirrorField, 'policy'>, (typeof fieldProperty)[Exclude<MirrorField, 'policy'>]][]) {
    const origin = f.origins[field];
    if (origin !== 'scenario' && origin !== 'drill') continue;
    const r: Reason = origin === 'drill' ? drill(reasons.refreshGroups) : { by: 'scenario', reason: `the scenario sets mirror.${field}${inMatrix(field)}` };
    // A worker setting reaches each herder only target-prefixed (MirrorMakerConfig.workerConfig).
    if (spec.workerOfTarget) {
      if (String(out[`${target}.${spec.key}`]) !== String(values[field])) set(`${target}.${spec.key}`, values[field], r);
    } else put(spec.key, values[field], r);
  }
  // Values over Kafka's default limit: raised where the file's limit is below them.
  for (const [k, v] of Object.entries(largeMessages(s))) {
    if (!(Number(out[k]) >= Number(v))) set(k, v, { by: 'scenario', reason: `the scenario writes values of ${maxMessageBytes(s)} B, over the producer's default max.request.size of 1 MiB with their overhead` });
  }
  if (m.exactlyOnce) {
    const r: Reason = { by: 'scenario', reason: `the scenario sets mirror.exactlyOnce${inMatrix('exactlyOnce')} (KIP-618)` };
    for (const [k, v] of Object.entries(exactlyOnceProperties(target))) if (String(out[k]) !== String(v)) set(k, v, r);
  }
  const own = ownProperties({ ...m.properties, ...flow?.properties });
  fitReplicationFactors(s, out, own, why);
  for (const [k, v] of Object.entries(own)) {
    put(k, v, { by: 'scenario', reason: flow?.properties && k in flow.properties ? "the playbook mirror's own properties" : 'the scenario sets it in mirror.properties' });
  }
  return { properties: out, changes: changesFrom(f, out, why) };
}

/**
 * Replication factors the drill's clusters can hold: each topic MM2 creates gets at most as many
 * replicas as the cluster it lands on has brokers (replicationFactors above says where each lands).
 * A factor the file (or MM2's default) asks for beyond that is lowered for that flow only, with
 * the flow-level key; a top-level Connect storage factor, which every herder's worker reads over
 * its cluster-level one (workerConfig), is moved to the clusters. What the scenario sets is its own.
 */
function fitReplicationFactors(s: Scenario, out: Record<string, PropertyValue>, own: Readonly<Record<string, PropertyValue>>, why: Map<string, Reason>): void {
  const set = (k: string, v: PropertyValue, r: Reason) => {
    out[k] = v;
    why.set(k, r);
  };
  const brokers = (c: ClusterName) => nodesOf(s.kafka, c);
  const fits = (v: PropertyValue, c: ClusterName) => !Number.isInteger(Number(v)) || Number(v) <= brokers(c);
  const exceeds = (v: PropertyValue, c: ClusterName, from: string): Reason => ({ by: 'drill', reason: `${from} ${v} exceeds the ${c} cluster's ${brokers(c)} broker(s) in the drill` });
  const ov = overlay(out, own);
  for (const x of clusterNames) {
    const y = clusterNames.find((c) => c !== x)!;
    const pair = `${x}->${y}`;
    const syncsOnTarget = flowValue(ov, pair, 'offset-syncs.topic.location')?.value === 'target';
    for (const [k, mm2Default] of Object.entries(mm2ReplicationFactors)) {
      const key = `${pair}.${k}`;
      if (key in own || k in own) continue;
      const landing = k === 'offset-syncs.topic.replication.factor' && !syncsOnTarget ? x : y;
      const found = flowValue(out, pair, k);
      const v = found?.value ?? mm2Default;
      if (fits(v, landing)) continue;
      const from = found === undefined ? `MM2's default ${k}` : found.key === key ? 'the file\'s value' : `the file's top-level ${k}`;
      set(key, replicationFactorFor(brokers(landing)), exceeds(v, landing, from));
    }
  }
  for (const k of storageFactors) {
    if (k in own) continue;
    const top = out[k];
    const topFits = top === undefined || clusterNames.every((c) => fits(top, c));
    const perCluster: Reason = { by: 'drill', reason: `the file's top-level ${k} ${String(top)} applies to every herder's worker (MirrorMakerConfig.workerConfig) and exceeds a drill cluster's brokers: set per cluster instead` };
    if (!topFits) {
      delete out[k];
      why.set(k, perCluster);
    }
    for (const c of clusterNames) {
      const key = `${c}.${k}`;
      if (key in own || (top !== undefined && topFits)) continue;
      if (top !== undefined && !(key in out)) {
        set(key, fits(top, c) ? top : replicationFactorFor(brokers(c)), perCluster);
        continue;
      }
      const v = out[key] ?? CONNECT_STORAGE_RF_DEFAULT;
      if (!fits(v, c)) set(key, replicationFactorFor(brokers(c)), exceeds(v, c, key in out ? "the file's value" : `Connect's default ${k}`));
    }
  }
}

/** What the drill ran differently from the file: every entry removed, changed or added, with the reason. */
function changesFrom(f: ImportedFile, out: Readonly<Record<string, PropertyValue>>, why: ReadonlyMap<string, Reason>): PropertyChange[] {
  const changes: PropertyChange[] = [];
  for (const key of new Set([...Object.keys(f.entries), ...Object.keys(out)])) {
    const entry = f.entries[key];
    const before = entry === undefined ? null : (f.properties[key] ?? entry.value);
    const after = key in out ? String(out[key]) : null;
    if (before === after) continue;
    const r = why.get(key) ?? { by: 'drill', reason: 'set by the drill' };
    changes.push({ key, fileKey: entry?.fileKey ?? null, fileValue: entry?.value ?? null, value: after, by: r.by, reason: r.reason });
  }
  return changes;
}
