/**
 * The playbook model: a drill as a topology (the two clusters, named mirrors — each a
 * MirrorMaker 2 process with its own flow — and one workload: a producer and a consumer group
 * that move between clusters) and an ordered list of steps. Each step starts when its `when`
 * holds (by default, as soon as the previous step ended) and is recorded with a start and an
 * end in the history; a step that cannot complete fails the cell with what it waited for.
 *
 * Pure: schemas, defaults and the names derived from them. The runner is run/playbook/playbook-runner.ts;
 * docs/playbooks.md explains the failback playbook step by step.
 */
import { z } from 'zod';
import { faultSchema } from './faults.ts';
import { aclSchema } from './security.ts';
import { signalNames } from '../history/health-signals.ts';
import { moveBackStrategies, strategyNames } from './failover-strategy.ts';
import { builtInPolicyNames } from '../kafka/replication-policy.ts';
import { remoteTopicName } from '../kafka/replication-policy.ts';
import { clusterNames, type ClusterName } from '../kafka/network-layout.ts';

export type Cluster = ClusterName;
const cluster = z.enum(clusterNames).describe('The cluster.');

const propertyValue = z.union([z.string(), z.number(), z.boolean()]);

// Where a mirror's source tasks begin on a source partition for which MM2 stored no offset.
const startFromValues = ['earliest', 'latest', 'seeded'] as const;
export type StartFrom = (typeof startFromValues)[number];

const mirrorName = z.string().min(1).describe('A mirror of `mirrors`, by name.');

export const mirrorSpecSchema = z
  .strictObject({
    source: cluster.describe('The cluster it copies from.'),
    target: cluster.describe('The cluster it copies to (not the source).'),
    startAt: z.enum(['setup', 'step']).default('step').describe('Start with the environment (`setup`), or only at a `start-mirror` step.'),
    startFrom: z.enum(startFromValues).default('earliest')
      .describe("Where its source tasks begin on a source partition for which MM2 stored no offset: `earliest`, MM2's default (the whole source log); `latest`, `consumer.auto.offset.reset=latest` for the flow (honoured since 3.6.2 / 3.7, KAFKA-13988); `seeded`, the harness writes the flow's source offsets into MM2's offsets topic before the mirror starts, from the offsets where the opposite flow stopped copying (docs/playbooks.md)."),
    policy: z.enum(builtInPolicyNames).optional().describe('Replication policy of this mirror (default: `mirror.policy`). Built-in policies only.'),
    properties: z.record(z.string(), propertyValue).default({}).describe('Raw mm2.properties entries for this mirror, written after `mirror.properties`.'),
    // MM2's checkpoint connector translates only topics its own `topics` filter admits
    // (MirrorCheckpointTask.shouldCheckpointTopic), and that filter drives its source connector too.
    role: z.enum(['data', 'offsets']).default('data')
      .describe('`data`: consumers read its remote topics. `offsets`: a mirror run for its checkpoints and group sync beside another that carries the data (two mirrors for one flow, e.g. Identity for the data and Default for the offsets): consumers do not read its remote topics, though it still copies them (docs/topologies.md).'),
  })
  .refine((m) => m.source !== m.target, { message: 'a mirror copies from one cluster to the other: source and target must differ' })
  .meta({ id: 'mirror', title: 'Mirror', description: 'One MirrorMaker 2 process in its own container with one flow (`mirrors.<name>`, `topologies.<name>.<name>`).' });
export type MirrorSpec = z.output<typeof mirrorSpecSchema>;

/** The mirror every scenario has unless it declares its own: primary → backup, started with the environment. */
export const defaultMirrors = { forward: { source: 'primary', target: 'backup', startAt: 'setup' } } as const;

const whenSchema = z.union([
  z.strictObject({
    at: z.number().min(0).max(3600).describe('Seconds after the workload started.'),
    jitterSeconds: z.number().min(0).max(3600).optional()
      .describe("Start a uniformly random 0…N seconds later (see the timeline's `jitterSeconds`); the chosen time is in the history."),
  }).describe('A time.'),
  z.strictObject({ acked: z.int().min(1).max(100_000_000).describe('Acked messages.') }).describe('Once this many messages were acked.'),
  z.strictObject({ replicationLagAbove: z.int().min(0).max(100_000_000).describe('Messages.') })
    .describe("Once the primary's end offsets minus the forward flow's remote topics' on the backup, as sampled every second, exceed N (the timeline's condition)."),
  z.strictObject({ afterSeconds: z.number().min(0).max(3600).describe('Seconds.') }).describe('This many seconds after the previous step ended.'),
  z.strictObject({ consumerLagBelow: z.int().min(1).max(100_000_000).describe('Messages.') })
    .describe("Once the consumer group's lag on its cluster (end offsets minus what it processed) is below N: `{ consumerLagBelow: 1 }` is caught up."),
  z.strictObject({ mirror: mirrorName, lagBelow: z.int().min(1).max(100_000_000).describe('Messages.') })
    .describe("Once the named mirror's measured replication lag (messages on its source it has not copied yet) is below N."),
  z.strictObject({ mirror: mirrorName, lagAbove: z.int().min(0).max(100_000_000).describe('Messages.') })
    .describe("Once the named mirror's measured replication lag is above N."),
  z.strictObject({ alarm: z.enum(signalNames).describe("The alarm's signal (`alarms`).") })
    .describe("While the scenario's alarm on this signal is firing."),
  z.strictObject({ cluster, recordsAbove: z.int().min(1).max(1_000_000_000).describe('Records.') })
    .describe("Once a cluster holds more than N records, summed over every view of the scenario's topics there (end offsets): the bound on a loop of copies (active-active under Identity, where every record is copied back and forth until the mirrors stop)."),
]).meta({ id: 'step-condition', title: 'Step condition', description: "When a playbook step starts (its `when`; default: as soon as the previous step ended). A list of 2 to 4 conditions starts it at whichever holds first (`[{ cluster: 'primary', recordsAbove: 50000 }, { at: 40 }]`)." });
export type When = z.output<typeof whenSchema>;
/** A step's start: one condition, or several (whichever holds first). */
const startSchema = z.union([whenSchema, z.array(whenSchema).min(2).max(4)]);
export type Start = z.output<typeof startSchema>;
/** The conditions of a step's start, as a list. */
export const conditionsOf = (w: Start | undefined): When[] => (w === undefined ? [] : Array.isArray(w) ? w : [w]);

const base = {
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a kebab-case name').optional().describe('A name for reports (default: the action and its target).'),
  when: startSchema.optional().describe('When the step starts (default: as soon as the previous step ended): a condition, or a list of them, whichever holds first.'),
  timeoutSeconds: z.number().positive().max(3600).default(180).describe('How long the step may take before the cell fails (waits and health checks).'),
};

/**
 * How a moved consumer group resumes on its new cluster: any failover strategy (failover-strategy.ts)
 * across the forward flow, to the backup; one that `movesBack` back to the primary (scenario-checks.ts).
 */
const moveStrategies = z.enum(strategyNames);

// A planned failover's cutoff: Cloudera's replication manager moves on once its deadline passes,
// leaving behind what MM2 had not copied yet; a drill must be able to do the same and measure it.
const onTimeout = z.enum(['fail', 'continue']).default('fail')
  .describe("When `timeoutSeconds` passes before the wait is over: `fail` the cell, or `continue` — a deadline: the step ends, saying what it still waited for (`cut off after N s: …` in its detail), and the playbook goes on (a planned failover with a cutoff, docs/playbooks.md).");

const topic = z.string().min(1).describe("A topic on the cluster: the scenario's topic, or a remote topic there.");
const partitions = z.int().min(1).max(1000).optional().describe('Partition count (default: the scenario topic\'s when created; unchanged when altered).');
const topicConfig = z.record(z.string(), z.string()).default({}).describe('Topic configs to set.');

export const playbookStepSchema = z.discriminatedUnion('action', [
  z.strictObject({ ...base, action: z.literal('kill-cluster'), cluster }).describe('SIGKILL every broker of the cluster (no shutdown hooks, no flush).'),
  z.strictObject({ ...base, action: z.literal('restore-cluster'), cluster }).describe('Start the killed brokers again with their data, at the same addresses for every client and MM2.'),
  z.strictObject({ ...base, action: z.literal('check-health'), cluster }).describe('Wait until every broker answers, a controller is elected, and no partition is under-replicated.'),
  z.strictObject({ ...base, action: z.literal('start-mirror'), mirror: mirrorName }).describe("Start the mirror's MM2 process."),
  z.strictObject({ ...base, action: z.literal('stop-mirror'), mirror: mirrorName }).describe("Stop the mirror's MM2 process cleanly (SIGTERM: it commits its offsets on the way out)."),
  z.strictObject({ ...base, action: z.literal('restart-mirror'), mirror: mirrorName }).describe("Stop the mirror's MM2 process and start it again."),
  z.strictObject({
    ...base, action: z.literal('move-consumers'), to: cluster.describe('Where the consumer group resumes.'),
    strategy: moveStrategies.default('mm2-sync')
      .describe(`How it resumes there: any failover strategy (\`failover.strategy\`) to the backup; back to the primary, ${moveBackStrategies.map((x) => `\`${x}\``).join(', ')} (the others read the forward flow's checkpoints and offsets).`),
  }).describe("Stop the consumer group where it runs and resume it on `to` (all the topic's views there)."),
  z.strictObject({ ...base, action: z.literal('move-producers'), to: cluster.describe('Where the producer writes next.') })
    .describe("Stop the producer where it writes and start it on `to`, writing the scenario's topics there."),
  z.strictObject({ ...base, action: z.literal('start-producers'), cluster })
    .describe("Start one more producer, on `cluster`, writing the scenario's topics there: producers on both clusters (active-active)."),
  z.strictObject({ ...base, action: z.literal('stop-producers') }).describe('Stop every producer.'),
  z.strictObject({ ...base, action: z.literal('wait-mirror-drained'), mirror: mirrorName, onTimeout })
    .describe("Wait until the mirror's lag (source end offsets − the source offsets MM2 committed) is zero."),
  z.strictObject({
    ...base, action: z.literal('wait-group-synced'), mirror: mirrorName,
    withinMessages: z.int().min(0).max(100_000_000).optional()
      .describe("Also wait until each synced offset is this close to the remote partition's end: the first sync can trail the group by thousands of messages while the mirror works through a backlog."),
    onTimeout,
  }).describe("Wait until the mirror's group sync (KIP-545) has written the consumer group's offsets on the mirror's target for every partition of its remote topics: moving the group before that leaves it to auto.offset.reset there."),
  z.strictObject({
    ...base, action: z.literal('fault'), fault: faultSchema.describe('The fault.'),
    durationSeconds: z.number().positive().max(3600).optional().describe('Heal the fault after this many seconds (default: before the final drain).'),
  }).describe('Any timeline fault.'),
  // MM2 matches topics by name, not by topic id: it keeps the remote topic and its stored source offsets.
  z.strictObject({ ...base, action: z.literal('delete-topic'), cluster, topic })
    .describe("Delete a topic on a cluster: the scenario's topic, or a mirror's remote topic there (e.g. `primary.orders` on the backup). MM2 does not notice a deleted source topic."),
  z.strictObject({ ...base, action: z.literal('create-topic'), cluster, topic, partitions, config: topicConfig })
    .describe('Create a scenario topic on a cluster (again), with its own partition count and configs: a new incarnation.'),
  z.strictObject({ ...base, action: z.literal('alter-topic'), cluster, topic, partitions, config: topicConfig })
    .describe("Change a topic's configs (incremental: the keys given) and raise its partition count."),
  z.strictObject({ ...base, action: z.literal('reset-mirror-offsets'), mirror: mirrorName, topic: z.string().min(1).describe('A source topic of the mirror.') })
    .describe('Forget what a stopped mirror copied from a source topic: tombstones for the topic\'s keys in its stored source offsets (`mm2-offsets.<source>.internal` on its target), so its tasks start the topic again from `consumer.auto.offset.reset` (earliest by default).'),
  z.strictObject({ ...base, action: z.literal('reset-group'), cluster, to: z.enum(['earliest', 'latest']).describe('The start or the end of each view.') })
    .describe('Set the consumer group\'s committed offsets on every view of the topics on a cluster (the group must not be running there).'),
  z.strictObject({
    ...base, action: z.literal('grant-acls'), cluster,
    acls: z.array(aclSchema).min(1).max(200).optional().describe('The ACLs to create (default: `kafka.security.acls`): on the primary mid-run, a new ACL whose way to the backup the drill times.'),
  }).describe("The manual step of a secured failover (`kafka.security`): create the scenario's `kafka.security.acls` (or the step's `acls`) on the cluster, as written (not renamed): the WRITE and group ACLs MM2's ACL sync never copies."),
  z.strictObject({ ...base, action: z.literal('drain-consumers') }).describe('Let the consumer read to the end of every view on its cluster (the last step; added if missing).'),
]).meta({ id: 'playbook-step', title: 'Playbook step', description: 'One step of a playbook (`playbook[]`, `playbooks.<name>[]`), chosen by `action`; each is recorded with its start, end and detail (docs/playbooks.md).' });
export type PlaybookStep = z.output<typeof playbookStepSchema>;

export const playbookSchema = z.array(playbookStepSchema).min(1).max(100);

/** What a step acts on: its cluster, mirror, or destination (undefined for stop-producers, drains and faults). */
export const stepTarget = (step: PlaybookStep): string | undefined =>
  'cluster' in step ? step.cluster : 'mirror' in step ? step.mirror : 'to' in step ? step.to : undefined;

/** The label of a step in reports: its name, else its action and target. */
export function stepLabel(step: PlaybookStep, index: number): string {
  if (step.name) return step.name;
  const target = [stepTarget(step) ?? ('fault' in step ? step.fault.fault : undefined), 'topic' in step ? step.topic : undefined].filter(Boolean).join(' ');
  return `${index + 1}. ${step.action}${target ? ` ${target}` : ''}`;
}

export function describeWhen(w: Start | undefined): string {
  if (!w) return 'after the previous step';
  if (Array.isArray(w)) return w.map(describeWhen).join(', or ');
  if ('at' in w) return `at ${w.at}${w.jitterSeconds ? `–${w.at + w.jitterSeconds}` : ''}s`;
  if ('acked' in w) return `after ${w.acked} acked`;
  if ('replicationLagAbove' in w) return `when replication lag > ${w.replicationLagAbove}`;
  if ('consumerLagBelow' in w) return `when the consumer's lag < ${w.consumerLagBelow}`;
  if ('afterSeconds' in w) return `${w.afterSeconds}s after the previous step`;
  if ('alarm' in w) return `when the ${w.alarm} alarm fires`;
  if ('recordsAbove' in w) return `when the ${w.cluster} holds over ${w.recordsAbove} records`;
  return 'lagBelow' in w ? `when ${w.mirror}'s lag < ${w.lagBelow}` : `when ${w.mirror}'s lag > ${w.lagAbove}`;
}

/** A built-in policy's name for a topic of `source` (a custom one's are not known in advance: playbooks refuse them). */
const remoteName = (policy: string, source: Cluster, topic: string): string => remoteTopicName(policy, topic, source) ?? topic;

/**
 * The topics holding a logical topic's messages on a cluster: the topic itself (producers write
 * it when they move there) and its remote copies from every mirror into that cluster. With the
 * Default policy after a failover these are `orders` and `primary.orders` on the backup; with
 * Identity only `orders`. A moved consumer subscribes to all of them.
 */
export function viewsOn(on: Cluster, topic: string, mirrors: Readonly<Record<string, MirrorSpec>>, policyOf: (m: MirrorSpec) => string): string[] {
  const views = [topic, ...Object.values(mirrors).filter((m) => m.target === on && m.role === 'data').map((m) => remoteName(policyOf(m), m.source, topic))];
  return [...new Set(views)];
}

/**
 * A mirror's own Connect namespace when a mirror declared before it runs the same flow (each MM2
 * process then needs its own Connect group and storage topics: core/kafka/mm2-names.ts herderStorage);
 * undefined for the first mirror of a flow, which keeps MM2's default names.
 */
export function mirrorNamespace(mirrors: Readonly<Record<string, MirrorSpec>>, name: string): string | undefined {
  const names = Object.keys(mirrors);
  const m = mirrors[name];
  if (!m) return undefined;
  const shared = names.slice(0, names.indexOf(name)).some((n) => mirrors[n]?.source === m.source && mirrors[n]?.target === m.target);
  return shared ? name : undefined;
}

/** The mirror's remote name for a topic of its source. */
export const remoteTopicOf = (m: Pick<MirrorSpec, 'source'>, policy: string, topic: string): string => remoteName(policy, m.source, topic);
