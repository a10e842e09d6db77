/**
 * Config drift between mirrored topics: what differs between a source topic and its remote copy,
 * and, for each difference, what MirrorMaker 2 will do about it — from MirrorSourceConnector's
 * own rules (Kafka 3.5+ / 4.x, docs/gotchas.md):
 *  - configs are synced every `sync.topic.configs.interval.seconds` (600 by default) when
 *    `sync.topic.configs.enabled` (true by default), with IncrementalAlterConfigs (KIP-894);
 *  - never: read-only and sensitive properties, values the source takes from its brokers' static
 *    configuration, and properties matching `config.properties.exclude` (by default
 *    `min.insync.replicas`, `unclean.leader.election.enable`, `message.timestamp.type`,
 *    `message.timestamp.difference.max.ms` and the replication throttles);
 *  - a property at its default on the source: with `use.defaults.from=target` (the default) MM2
 *    deletes the target's override (the target falls back to its own default); with `source` it
 *    sets the source's default value;
 *  - partitions: added on the remote topic at the next topic refresh
 *    (`refresh.topics.interval.seconds`, 600 by default), never removed;
 *  - replication factor: set once when MM2 creates the remote topic (its `replication.factor`).
 * Pure: snapshots in, differences out; the adapter is adapters/clients/topic-configs.ts.
 */
import { findRemoteTopic, isMirrorInternal } from './mm2-names.ts';

/** Where a topic's effective value comes from (Kafka's ConfigEntry.ConfigSource). */
export type ConfigOrigin = 'topic' | 'dynamic-broker' | 'dynamic-default-broker' | 'static-broker' | 'default' | 'other';

export interface ConfigValue {
  readonly value: string | null;
  readonly origin: ConfigOrigin;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
}

export interface TopicSnapshot {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, ConfigValue>>;
}

/** The MM2 settings that decide what it syncs (its defaults unless the user's mirror says otherwise). */
export interface SyncRules {
  readonly enabled: boolean;
  readonly intervalSeconds: number;
  readonly refreshSeconds: number;
  /** `config.properties.exclude`: regexes matched against the whole property name. */
  readonly exclude: readonly string[];
  readonly useDefaultsFrom: 'source' | 'target';
}

export const mm2DefaultExclude = [
  'follower\\.replication\\.throttled\\.replicas', 'leader\\.replication\\.throttled\\.replicas', 'message\\.timestamp\\.difference\\.max\\.ms',
  'message\\.timestamp\\.type', 'unclean\\.leader\\.election\\.enable', 'min\\.insync\\.replicas',
];

export const mm2SyncDefaults: SyncRules = { enabled: true, intervalSeconds: 600, refreshSeconds: 600, exclude: mm2DefaultExclude, useDefaultsFrom: 'target' };

/** What MM2 does about one difference: `syncs` it within `withinSeconds`, or `never` does; `why` says by which rule. */
export interface Mm2Verdict {
  readonly action: 'syncs' | 'deletes-target-override' | 'never';
  readonly withinSeconds: number | null;
  readonly why: string;
}

export interface Drift {
  readonly sourceTopic: string;
  readonly remoteTopic: string | null;
  /** A config name, or `partitions`, `replication.factor`, `(remote topic)`. */
  readonly property: string;
  readonly source: string | null;
  readonly target: string | null;
  readonly sourceOrigin: ConfigOrigin | null;
  readonly targetOrigin: ConfigOrigin | null;
  readonly mm2: Mm2Verdict;
}

export interface DriftReport {
  readonly topics: number;
  readonly drifts: readonly Drift[];
}

const never = (why: string): Mm2Verdict => ({ action: 'never', withinSeconds: null, why });

/** MM2's rule for one source config entry (MirrorSourceConnector.targetConfig / incrementalAlterConfigs). */
export function configVerdict(property: string, e: ConfigValue, rules: SyncRules): Mm2Verdict {
  if (!rules.enabled) return never('sync.topic.configs.enabled=false');
  if (e.readOnly) return never('read-only on the source');
  if (e.sensitive) return never('sensitive: MM2 does not copy it');
  if (e.origin === 'static-broker') return never('the source takes it from its brokers\' static configuration, which MM2 skips');
  const excluded = rules.exclude.find((re) => new RegExp(`^(?:${re})$`).test(property));
  if (excluded !== undefined) return never(`excluded by config.properties.exclude (${excluded})`);
  const within = rules.intervalSeconds;
  if (e.origin === 'default') {
    return rules.useDefaultsFrom === 'target'
      ? { action: 'deletes-target-override', withinSeconds: within, why: 'default on the source, use.defaults.from=target: MM2 deletes the target\'s override, which then takes the target\'s own default' }
      : { action: 'syncs', withinSeconds: within, why: 'default on the source, use.defaults.from=source: MM2 sets the source\'s default' };
  }
  return { action: 'syncs', withinSeconds: within, why: `set on the source (${e.origin}): MM2 sets it at its next config sync` };
}

/** Compares one source topic with its remote copy. */
export function topicDrift(src: TopicSnapshot, remote: TopicSnapshot | null, rules: SyncRules): Drift[] {
  const base = { sourceTopic: src.name, remoteTopic: remote?.name ?? null };
  if (!remote) {
    return [{ ...base, property: '(remote topic)', source: 'exists', target: null, sourceOrigin: null, targetOrigin: null, mm2: { action: 'syncs', withinSeconds: rules.refreshSeconds, why: 'MM2 creates a remote topic at its next topic refresh, if its topic filter admits the topic' } }];
  }
  const out: Drift[] = [];
  if (src.partitions !== remote.partitions) {
    out.push({
      ...base, property: 'partitions', source: String(src.partitions), target: String(remote.partitions), sourceOrigin: null, targetOrigin: null,
      mm2: src.partitions > remote.partitions
        ? { action: 'syncs', withinSeconds: rules.refreshSeconds, why: 'MM2 adds the partitions at its next topic refresh' }
        : never('MM2 never removes partitions (the source lost some: it was recreated)'),
    });
  }
  if (src.replicationFactor !== remote.replicationFactor) {
    out.push({ ...base, property: 'replication.factor', source: String(src.replicationFactor), target: String(remote.replicationFactor), sourceOrigin: null, targetOrigin: null, mm2: never('set once when MM2 created the remote topic, from its replication.factor') });
  }
  for (const property of [...new Set([...Object.keys(src.configs), ...Object.keys(remote.configs)])].sort()) {
    const a = src.configs[property];
    const b = remote.configs[property];
    if (a?.sensitive || b?.sensitive) continue; // values hidden by the brokers: nothing to compare
    if ((a?.value ?? null) === (b?.value ?? null)) continue;
    out.push({
      ...base, property, source: a?.value ?? null, target: b?.value ?? null, sourceOrigin: a?.origin ?? null, targetOrigin: b?.origin ?? null,
      mm2: a ? configVerdict(property, a, rules) : never('not a config of the source\'s Kafka version'),
    });
  }
  return out;
}

/**
 * Every source topic (internal ones, and under the Default policy those copied from the target, aside) against its remote copy on the target, names mapped
 * through the replication policy (`default`, `identity`, or a class: then the one target topic
 * whose name contains the source's).
 */
export function compareClusters(o: { source: readonly TopicSnapshot[]; target: readonly TopicSnapshot[]; policy: string; sourceAlias: string; targetAlias: string; rules: SyncRules; topics?: RegExp }): DriftReport {
  const targetNames = o.target.map((t) => t.name);
  const byName = new Map(o.target.map((t) => [t.name, t]));
  // Under the Default policy a topic named after the target came from it: MM2 never sends it back (MirrorSourceConnector.isCycle).
  const cycle = (t: string) => o.policy === 'default' && t.startsWith(`${o.targetAlias}.`);
  const mirrored = o.source.filter((t) => !isMirrorInternal(t.name) && !cycle(t.name) && (o.topics?.test(t.name) ?? true));
  const drifts = mirrored.flatMap((src) => {
    const remote = findRemoteTopic(o.policy, src.name, targetNames, o.sourceAlias);
    return topicDrift(src, remote ? byName.get(remote) ?? null : null, o.rules);
  });
  return { topics: mirrored.length, drifts };
}

/** "within 600 s" / "never" for reports. */
export const verdictText = (v: Mm2Verdict): string =>
  v.action === 'never' ? 'never' : `${v.action === 'syncs' ? 'syncs' : 'deletes the target override'} within ${v.withinSeconds} s`;
