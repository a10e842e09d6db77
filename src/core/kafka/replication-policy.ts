/**
 * The built-in replication policies: the MirrorMaker 2 ReplicationPolicy classes a scenario
 * names without declaring them (`mirror.policy`, a playbook mirror's `policy`), each with its
 * class and the name it gives a topic's remote copy. A custom policy (`mirror.customPolicies`)
 * is a class the scenario declares; the harness finds its remote topics on the target instead.
 *
 * Adding a built-in policy is one entry here: the playbook schema accepts the table's keys, and
 * the class, the remote names and the scenario checks read it.
 *
 * Pure, and it imports nothing: any layer may import it.
 */

interface PolicyTraits {
  /** The ReplicationPolicy class MM2 loads. */
  readonly class: string;
  /** Other classes that name remote topics the same way (a team's properties file may name them). */
  readonly sameAs: readonly string[];
  /** The name a topic of the `source` alias gets on the target (the class's formatRemoteTopic). */
  readonly remoteTopic: (topic: string, source: string, separator: string) => string;
  /**
   * The remote copy keeps the topic's name: the flows of both directions write the same topics,
   * and a topic's name does not say which cluster it came from.
   */
  readonly keepsName: boolean;
}

export const builtInPolicies = {
  /** `<source alias><replication.policy.separator><topic>`, e.g. `primary.orders`. */
  default: {
    class: 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
    sameAs: [],
    remoteTopic: (topic, source, separator) => `${source}${separator}${topic}`,
    keepsName: false,
  },
  /** The topic's own name (Kafka 3.0, KAFKA-9726). */
  identity: {
    class: 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
    // Strimzi's (mirror-maker-2-extensions), from before Kafka had its own: it names remote
    // topics as Kafka's does, but is not in the drill's image.
    sameAs: ['io.strimzi.kafka.connect.mirror.IdentityReplicationPolicy'],
    remoteTopic: (topic) => topic,
    keepsName: true,
  },
} satisfies Record<string, PolicyTraits>;

export type BuiltInPolicy = keyof typeof builtInPolicies;
const policies: Readonly<Record<BuiltInPolicy, PolicyTraits>> = builtInPolicies;

/** The built-in policies' names, in the table's order. */
export const builtInPolicyNames = Object.keys(builtInPolicies) as BuiltInPolicy[];

export const isBuiltInPolicy = (name: string): name is BuiltInPolicy => Object.hasOwn(builtInPolicies, name);

/** The built-in policy a ReplicationPolicy class is, or names topics as; undefined for any other class. */
export const builtInPolicyOf = (cls: string): BuiltInPolicy | undefined =>
  builtInPolicyNames.find((p) => policies[p].class === cls) ?? builtInPolicyNames.find((p) => policies[p].sameAs.includes(cls));

/** Whether a policy (by the drill's name) is a built-in one whose remote copies keep the topic's name. */
export const keepsTopicNames = (name: string): boolean => isBuiltInPolicy(name) && policies[name].keepsName;

/** The class's own short name, for messages ("DefaultReplicationPolicy"). */
export const policyClassName = (p: BuiltInPolicy): string => builtInPolicies[p].class.slice(builtInPolicies[p].class.lastIndexOf('.') + 1);

/** The aliases the harness's own MM2 gives the two clusters (remote topics are `primary.<topic>` under Default). */
export const SOURCE_ALIAS = 'primary';
export const TARGET_ALIAS = 'backup';

/** The drill's policy name for a ReplicationPolicy class — built-in, or a `customPolicies` entry's — or undefined. */
export function policyNameOf(cls: string, customPolicies: Readonly<Record<string, { class: string }>>): string | undefined {
  return builtInPolicyOf(cls) ?? Object.keys(customPolicies).find((p) => customPolicies[p]?.class === cls);
}

/**
 * The name a topic of `source` gets on the other cluster under a built-in policy; null for a custom policy,
 * whose remote names the harness discovers on the backup instead. DefaultReplicationPolicy puts
 * `replication.policy.separator` between the alias and the topic (formatRemoteTopic).
 */
export const remoteTopicName = (policy: string, topic: string, source: string = SOURCE_ALIAS, separator = '.'): string | null =>
  isBuiltInPolicy(policy) ? builtInPolicies[policy].remoteTopic(topic, source, separator) : null;
