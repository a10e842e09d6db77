/**
 * Which source topic names MirrorMaker 2 would never replicate, decided the way MM2 decides
 * (MirrorSourceConnector.shouldReplicateTopic): the topic filter's `topics.exclude`
 * (DefaultTopicFilter), ReplicationPolicy.isInternalTopic, and the cycle check. A drill on such a
 * topic would wait for a remote topic that never comes, so the scenario is rejected instead.
 */
import { SOURCE_ALIAS, TARGET_ALIAS } from './replication-policy.ts';
import type { PropertyValue } from './property-value.ts';
import { parseList } from './mm2-properties-file.ts';

type Properties = Readonly<Record<string, PropertyValue>>;

/**
 * DefaultTopicFilter.TOPICS_EXCLUDE_DEFAULT, read from the connect-mirror 4.3.1 jar. KAFKA-17200
 * (Kafka 4.0) narrowed `.*[\-\.]internal` to `mm2.*\.internal`, so user topics such as
 * `orders-internal` replicate since 4.0; the older value applies to an MM2 release before 4.0.
 */
export const TOPICS_EXCLUDE_DEFAULT = 'mm2.*\\.internal, .*\\.replica, __.*';
export const TOPICS_EXCLUDE_DEFAULT_BEFORE_4 = '.*[\\-\\.]internal, .*\\.replica, __.*';

/**
 * An mm2.properties setting of the primary → backup flow: MM2 lets the flow-prefixed key
 * (`primary->backup.topics.exclude`) override the top-level one (MirrorMakerConfig).
 */
export function flowSetting(props: Properties, key: string): { key: string; value: string } | undefined {
  for (const k of [`${SOURCE_ALIAS}->${TARGET_ALIAS}.${key}`, key]) {
    const v = props[k];
    if (v !== undefined) return { key: k, value: String(v) };
  }
  return undefined;
}

/** DefaultReplicationPolicy's separator between the cluster alias and the topic (default "."). */
export const policySeparator = (props: Properties): string => flowSetting(props, 'replication.policy.separator')?.value ?? '.';

/**
 * The regex of `patterns` that matches all of `topic`, as MM2 matches it (Matcher.matches on
 * the entries joined by "|"). An entry JavaScript cannot compile (Java-only syntax) is skipped:
 * MM2 itself reports a pattern it cannot compile when it starts.
 */
export function matchingPattern(patterns: readonly string[], topic: string): string | undefined {
  return patterns.find((p) => {
    try {
      return new RegExp(`^(?:${p})$`).test(topic);
    } catch {
      return false;
    }
  });
}

/**
 * Why ReplicationPolicy.isInternalTopic holds for `topic` (null if it does not). It is checked
 * whatever `topics.exclude` says. Before Kafka 4.0 any name ending in ".internal" or "-internal"
 * was internal; KAFKA-17200 kept only MM2's own topics (mm2…internal, the checkpoints topic).
 */
export function internalTopicReason(topic: string, beforeKafka4: boolean, separator: string): string | null {
  if (topic.startsWith('__') || topic.startsWith('.')) return 'it starts with "__" or ".", which ReplicationPolicy.isInternalTopic treats as a Kafka internal topic';
  if (beforeKafka4 && (topic.endsWith('.internal') || topic.endsWith('-internal'))) {
    return 'before Kafka 4.0, ReplicationPolicy.isInternalTopic treats a name ending in ".internal" or "-internal" as an internal topic';
  }
  if (!beforeKafka4 && topic.startsWith('mm2') && topic.endsWith('.internal')) return 'ReplicationPolicy.isInternalTopic treats "mm2…internal" as one of MM2\'s own topics';
  if (!beforeKafka4 && topic.endsWith(`${separator}checkpoints.internal`)) return 'ReplicationPolicy.isInternalTopic treats it as an MM2 checkpoints topic';
  return null;
}

/** Why `topics.exclude` (the scenario's, or MM2's default) excludes `topic` (null if it does not). */
export function excludedReason(topic: string, props: Properties, beforeKafka4: boolean): string | null {
  const set = flowSetting(props, 'topics.exclude');
  const raw = set?.value ?? (beforeKafka4 ? TOPICS_EXCLUDE_DEFAULT_BEFORE_4 : TOPICS_EXCLUDE_DEFAULT);
  const hit = matchingPattern(parseList(raw), topic);
  if (hit === undefined) return null;
  return set
    ? `it matches "${hit}" of mirror.properties["${set.key}"]; rename the topic or change that entry`
    : `it matches "${hit}" of MM2's default topics.exclude "${raw}" (DefaultTopicFilter); rename the topic, or set mirror.properties["topics.exclude"]`;
}

/**
 * Why a source topic named like a remote topic cannot be drilled on (null if it is not).
 * DefaultReplicationPolicy reads `<alias><separator>` as "came from <alias>": MM2 never mirrors
 * `backup.orders` back to the backup (MirrorSourceConnector.isCycle), and `primary.orders` is
 * the name the backup's copy of `orders` gets. The topics are shared by every policy of a
 * matrix, so the name is rejected whatever the cell's policy.
 */
export function remoteLookingReason(topic: string, separator: string): string | null {
  if (topic.startsWith(`${TARGET_ALIAS}${separator}`)) {
    return `DefaultReplicationPolicy reads it as a topic that came from the cluster "${TARGET_ALIAS}", and MM2 never mirrors such a topic back there (MirrorSourceConnector.isCycle); rename it without the "${TARGET_ALIAS}${separator}" prefix`;
  }
  if (topic.startsWith(`${SOURCE_ALIAS}${separator}`)) {
    return `under DefaultReplicationPolicy "${SOURCE_ALIAS}${separator}<topic>" is the backup's copy of a primary topic, so this one (mirrored as "${SOURCE_ALIAS}${separator}${topic}") would be ambiguous with one; rename it without the "${SOURCE_ALIAS}${separator}" prefix`;
  }
  return null;
}

/**
 * The topics of `topics` a flow copies: those its `topics` list admits and its `topics.exclude`
 * does not (the flow-prefixed keys first, as MM2 reads them; no list admits all) — for a mirror
 * that carries only some of the scenario's topics (split flows: one MM2 process per topic).
 */
export function topicsOfFlow(topics: readonly string[], props: Properties, flow: string): string[] {
  const setting = (key: string) => props[`${flow}.${key}`] ?? props[key];
  const admits = (key: string, t: string) => matchingPattern(parseList(String(setting(key))), t) !== undefined;
  return topics.filter((t) => (setting('topics') === undefined || admits('topics', t)) && (setting('topics.exclude') === undefined || !admits('topics.exclude', t)));
}
