/**
 * How a playbook's topic changes reached the remote topics: for every property an `alter-topic`
 * step changed on a source topic (configs and partition count), when the remote copy first showed
 * the new value in the `topic-config` samples (core/history/history.ts, every second), or never during the
 * cell, and what the remote copy held at the failover — with what MM2's rules predict
 * (core/kafka/topic-drift.ts) for the mirror's settings.
 */
import type { PropertyValue } from '../kafka/property-value.ts';
import { eventsOf, type EventOf, type HistoryEvents } from '../history/history.ts';
import { cellSettingsOf } from '../history/cell-settings.ts';
import { remoteTopicOf } from '../scenario/playbook.ts';
import { overlay } from '../kafka/mm2-properties-file.ts';
import { configVerdict, mm2DefaultExclude, mm2SyncDefaults, type Mm2Verdict, type SyncRules } from '../kafka/topic-drift.ts';

export interface ConfigChange {
  cluster: string;
  topic: string;
  remoteCluster: string;
  remoteTopic: string;
  /** A config name, or `partitions`. */
  property: string;
  /** The remote copy's value before the change (its last sample before; null: none sampled). */
  before: string | null;
  to: string;
  changedMs: number;
  /** When a sample of the remote copy first showed the new value (since the cell's start); null: never during the cell. */
  propagatedMs: number | null;
  /** The remote copy's value in the sample taken at the consumers' first move after the change (null: no such move). */
  atFailover: string | null;
  mm2: Mm2Verdict;
}

/** MM2's config-sync settings from a mirror's properties (the flow-prefixed form wins), MM2's defaults otherwise. */
export function syncRulesOf(props: Readonly<Record<string, PropertyValue>>, flow: string, refreshSeconds: number, intervalSeconds = mm2SyncDefaults.intervalSeconds): SyncRules {
  const get = (k: string) => props[`${flow}.${k}`] ?? props[k];
  const num = (k: string, d: number) => (get(k) === undefined ? d : Number(get(k)));
  const exclude = get('config.properties.exclude');
  return {
    enabled: String(get('sync.topic.configs.enabled') ?? 'true') !== 'false',
    intervalSeconds: num('sync.topic.configs.interval.seconds', intervalSeconds),
    refreshSeconds,
    exclude: exclude === undefined ? mm2DefaultExclude : String(exclude).split(',').map((x) => x.trim()).filter(Boolean),
    useDefaultsFrom: get('use.defaults.from') === 'source' ? 'source' : 'target',
  };
}

const valueIn = (e: EventOf<'topic-config'>, property: string): string | null => (property === 'partitions' ? String(e.partitions) : e.configs[property] ?? null);
const reached = (property: string, value: string | null, to: string) => value !== null && (property === 'partitions' ? Number(value) >= Number(to) : value === to);

export function configChanges(events: HistoryEvents, cellStart: number): ConfigChange[] {
  const settings = cellSettingsOf(events);
  const mirrors = Object.values(settings.mirrors ?? {});
  const samples = eventsOf(events, 'topic-config');
  const moves = eventsOf(events, 'step').filter((e) => e.action === 'move-consumers' && e.state === 'start');
  const out: ConfigChange[] = [];
  for (const change of eventsOf(events, 'topic').filter((e) => e.change === 'altered')) {
    const props: [string, string][] = [...Object.entries(change.config ?? {}), ...(change.partitions === undefined ? [] : [['partitions', String(change.partitions)] as [string, string]])];
    for (const m of mirrors.filter((x) => x.source === change.cluster)) {
      const policy = m.policy ?? settings.mirror?.policy ?? 'default';
      const remoteTopic = remoteTopicOf(m, policy, change.topic);
      // A team's properties file (mm2-properties-file.ts) under the scenario's own properties, as MM2 got them.
      const rules = syncRulesOf(overlay(settings.mirror?.file?.properties ?? {}, { ...settings.mirror?.properties, ...m.properties }), `${m.source}->${m.target}`, settings.mirror?.refreshTopicsIntervalSeconds ?? mm2SyncDefaults.refreshSeconds, settings.mirror?.syncTopicConfigsIntervalSeconds);
      const remote = samples.filter((e) => e.cluster === m.target && e.topic === remoteTopic);
      const move = moves.find((e) => e.t >= change.t);
      // The sample taken when the move began, else the last one before it.
      const atMove = move ? remote.find((e) => e.label !== undefined && e.t >= move.t) ?? remote.filter((e) => e.t <= move.t).at(-1) : undefined;
      for (const [property, to] of props) {
        const prior = remote.filter((e) => e.t < change.t).at(-1);
        const hit = remote.find((e) => e.t >= change.t && reached(property, valueIn(e, property), to));
        out.push({
          cluster: change.cluster, topic: change.topic, remoteCluster: m.target, remoteTopic, property, before: prior ? valueIn(prior, property) : null, to,
          changedMs: change.t - cellStart, propagatedMs: hit ? hit.t - cellStart : null, atFailover: atMove ? valueIn(atMove, property) : null,
          mm2: property === 'partitions'
            ? { action: 'syncs', withinSeconds: rules.refreshSeconds, why: 'MM2 adds the partitions at its next topic refresh' }
            : configVerdict(property, { value: to, origin: 'topic', readOnly: false, sensitive: false }, rules),
        });
      }
    }
  }
  return out;
}
