/**
 * The scenario model. The zod schema is the source of truth: the TypeScript types users get
 * from `defineScenario` are inferred from it, and every file is validated against it before
 * anything starts (errors name the field path, what was expected and what was found).
 */
import { z } from 'zod';
import { externalSchema } from './external.ts';
import { faultSchema } from './faults.ts';
import { strategyNames } from './failover-strategy.ts';
import { defaultMirrors, mirrorSpecSchema, playbookSchema, type MirrorSpec, type PlaybookStep } from './playbook.ts';
import { thresholdsSchema } from './thresholds.ts';
import { alarmsSchema } from './alarms.ts';
import { policyNameOf } from '../kafka/replication-policy.ts';
import { fieldProperty, fileFieldValue, fileLabel, importPropertiesFile, mirrorFields, overlay, type FileProblem, type ImportedFile, type MirrorField, type Origin } from '../kafka/mm2-properties-file.ts';
import { clusterNames } from '../kafka/network-layout.ts';
import { RELEASE_PATTERN } from '../kafka/kafka-release.ts';
import { securitySchema } from './security.ts';

/**
 * The schema's outer bounds, far beyond one machine: whether the harness holds a scenario's
 * messages is checked against the machine itself before anything starts (core/plan/capacity.ts).
 */
export const MAX_RATE = 1_000_000;
/** 1 MiB: Kafka's default message.max.bytes (1 MiB + 12) holds values up to about 1,000,000 B with the record's overhead. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Producer processes (`workload.processes`): the machine's cores bound them before anything starts. */
export const MAX_WORKLOAD_PROCESSES = 256;

const propertyValue = z.union([z.string(), z.number(), z.boolean()]);
const properties = z.record(z.string(), propertyValue);

const kafkaSchema = z.strictObject({
  version: z.string().regex(RELEASE_PATTERN, 'a version like 4.3.1').optional()
    .describe("Kafka release of the brokers (and of MM2, unless `mirror.version` says otherwise), 3.3.0 or newer; default: the release the setup script prepares (docker/versions.env). A matrix dimension like any other: `npx mm2-drill setup <scenario>` builds the image of every release a scenario runs (docs/kafka-versions.md)."),
  image: z.string().min(1).optional().describe("An explicit image of `version`'s release; otherwise `apache/kafka:<version>`, or the locally built equivalent."),
  nodes: z.int().min(1).max(5).default(1).describe('Brokers per cluster (KRaft combined mode: each is broker and controller).'),
  backupNodes: z.int().min(1).max(5).optional().describe('Brokers of the backup, when different from `nodes`.'),
  brokerConfig: properties.default({}).describe('Extra server.properties entries for both clusters.'),
  security: securitySchema.optional(),
}).describe('The two clusters the drill starts (ignored with `external`).');

const topicSchema = z.strictObject({
  // What Kafka accepts (Topic.validate); what MM2 would not replicate is refused in scenario-checks.ts.
  name: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name ([a-zA-Z0-9._-])')
    .refine((n) => n !== '.' && n !== '..', { message: 'Kafka rejects "." and ".." as topic names (Topic.validate); use a name like "orders"' })
    .describe('A name Kafka accepts (not "." or "..") and MM2 replicates: not excluded by `topics.exclude`, not internal, not named like a remote topic (`backup.orders`). Each name once.'),
  // Kafka's own bound is the brokers' memory and file handles; what the harness holds per message is checked against the machine (core/plan/capacity.ts).
  partitions: z.int().min(1).max(100_000).default(3).describe('Partitions of the topic (a staging rehearsal: 1,000 and more).'),
  config: z.record(z.string(), z.string()).default({}).describe('Topic configs the topic is created with, e.g. `{ "retention.ms": "3600000" }`.'),
  ratePerSecond: z.number().positive().max(MAX_RATE).optional()
    .describe('Messages per second written to this topic; without it, the topic shares `workload.ratePerSecond` with the others that have none.'),
  messageBytes: z.int().min(64).max(MAX_MESSAGE_BYTES).optional()
    .describe('Size of this topic\'s messages (default `workload.messageBytes`): a hot topic of large messages beside a cold one.'),
});

const customPolicySchema = z
  .strictObject({
    class: z.string().regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'a fully qualified Java class name')
      .describe('Fully qualified class implementing org.apache.kafka.connect.mirror.ReplicationPolicy.'),
    jar: z.string().min(1).optional().describe('A jar that provides the class (path relative to the scenario file).'),
    source: z.string().min(1).optional()
      .describe("Java source of the class (path relative to the scenario file), compiled by the harness with the host's javac against the image's MM2 jars."),
  })
  .refine((p) => (p.jar === undefined) !== (p.source === undefined), { message: 'give exactly one of `jar` or `source`' })
  .describe('A custom replication policy: its `class` and exactly one of `jar` or `source`.');

/** The drill's values of the `mirror` fields a scenario without a properties file leaves out. */
export const drillMirrorDefaults = {
  policy: 'default', checkpointIntervalSeconds: 1, syncGroupOffsets: true, offsetLagMax: 100, offsetFlushIntervalMs: 1000,
  refreshTopicsIntervalSeconds: 1, refreshGroupsIntervalSeconds: 1, syncTopicConfigsIntervalSeconds: 600, tasksMax: 1,
} as const;

/**
 * A `mirror` field the drill fills in (resolveMirror) rather than zod: its description, and the
 * drill's default shown as the field's default in the scenario reference.
 */
const drillDefault = (field: keyof typeof drillMirrorDefaults, description: string) => ({ description, default: drillMirrorDefaults[field] });

const interval = z.number().positive().max(3600).optional();

/** The `mirror` block; `resolveMirror` fills what it leaves out, in the order its description gives. */
const mirrorSchema = z.strictObject({
  // Its offset translation is this release's (core/kafka/kafka-release.ts).
  version: z.string().regex(RELEASE_PATTERN, 'a version like 3.9.1').optional()
    .describe("Kafka release of MirrorMaker 2 when it differs from the brokers' (`kafka.version`, the default): a team upgrading MM2 before its brokers, or after (docs/kafka-versions.md)."),
  policy: z.string().min(1).optional().meta(drillDefault('policy',
    'Replication policy: `default` (DefaultReplicationPolicy: remote topic `primary.orders`), `identity` (IdentityReplicationPolicy: `orders`), or the name of an entry of `customPolicies`.')),
  customPolicies: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a kebab-case name'), customPolicySchema).default({})
    .describe('Custom replication policies, by name, for `policy` (and matrix values of `mirror.policy`). Not named "default" or "identity" (the built-in policies); the `jar` or `source` must exist, relative to the scenario file (checked when the file is loaded).'),
  checkpointIntervalSeconds: interval.meta(drillDefault('checkpointIntervalSeconds', 'emit.checkpoints.interval.seconds (MM2 default 60).')),
  syncGroupOffsets: z.boolean().optional().meta(drillDefault('syncGroupOffsets', 'sync.group.offsets.enabled (MM2 default false).')),
  syncGroupOffsetsIntervalSeconds: z.number().positive().max(3600).optional()
    .describe("sync.group.offsets.interval.seconds (MM2 default 60). The drill's default is the checkpoint interval: the group sync writes what the latest checkpoints translated, so varying `checkpointIntervalSeconds` in a matrix varies both."),
  offsetLagMax: z.int().min(0).max(1_000_000).optional()
    .meta(drillDefault('offsetLagMax', "offset.lag.max: a new offset sync is emitted once downstream moved this far (MM2's default too).")),
  offsetFlushIntervalMs: z.int().min(100).max(600_000).optional()
    .meta(drillDefault('offsetFlushIntervalMs', "offset.flush.interval.ms of MM2's workers, also target-prefixed (MM2 default 60000); also drives the delayed offset sync (KAFKA-15906).")),
  refreshTopicsIntervalSeconds: interval.meta(drillDefault('refreshTopicsIntervalSeconds', 'refresh.topics.interval.seconds: how often MM2 looks for new topics (MM2 default 600).')),
  refreshGroupsIntervalSeconds: interval.meta(drillDefault('refreshGroupsIntervalSeconds',
    "refresh.groups.interval.seconds (MM2 default 600). Kept short with a properties file too: the drill's consumer group is created after MM2 starts, and MM2 finds a new group only at a refresh.")),
  syncTopicConfigsIntervalSeconds: z.number().positive().max(86_400).optional()
    .meta(drillDefault('syncTopicConfigsIntervalSeconds', "sync.topic.configs.interval.seconds: how often MM2 copies topic configs to the remote topics. MM2's default is kept: config drift between syncs is what a drill should see.")),
  tasksMax: z.int().min(1).max(10_000).optional().meta(drillDefault('tasksMax', "tasks.max for the mirror connectors (MM2's default too).")),
  exactlyOnce: z.boolean().default(false)
    .describe("Exactly-once copies (KIP-618, MirrorMaker 2 3.5.0 or newer): MM2's workers write to the target cluster in transactions that also hold their source offsets, so a killed MM2 resumes without copying anything twice for a read_committed reader. Sets `<target>.exactly.once.source.support = enabled` and `dedicated.mode.enable.internal.rest = true` (KIP-710: the leader hands its tasks' configs to its followers over the internal REST API). Off: at-least-once, MM2's default."),
  properties: properties.default({})
    .describe('Raw mm2.properties entries, written last (they win, over a properties file too). `topics.exclude` (or `primary->backup.topics.exclude`) and `replication.policy.separator` here also change which topic names the scenario accepts. A secret here reaches MM2 and no output; read it from the environment (`process.env.X`) rather than writing it in.'),
  propertiesFile: z.string().min(1).optional()
    .describe("A team's own MM2 properties file (dedicated mode, `connect-mirror-maker.properties` style), path relative to the scenario file: MM2 runs with it, its clusters renamed to the drill's, its bootstrap and security settings replaced (docs/mm2-properties.md says what is kept, changed and refused). What the file leaves out gets MM2's defaults, not the drill's."),
  clusterAliases: z.record(z.string().min(1), z.enum(clusterNames)).optional()
    .describe("The properties file's cluster aliases → the drill's clusters, e.g. `{ 'us-east': 'primary', 'us-west': 'backup' }`."),
  // The core reads no files: the loader fills this in from `propertiesFile`.
  propertiesText: z.string().optional()
    .describe('The text of `propertiesFile`, filled in when the file is loaded; a scenario may give the text here instead of a file. Not kept in the resolved scenario (it may hold secrets).'),
}).describe("MirrorMaker 2's settings, shared by every mirror. A field left out gets the drill's default (the *default* column), or — with `propertiesFile` — the file's value, else MM2's own default. A field the scenario sets (in the file, a matrix dimension or `--set`) wins over the properties file.");

type RawMirror = z.output<typeof mirrorSchema>;

/** The resolved `mirror` block: every modelled field has its value, and `file` the imported properties file (null: none). */
export interface Mirror extends Omit<RawMirror, 'propertiesText' | MirrorField> {
  policy: string;
  checkpointIntervalSeconds: number;
  syncGroupOffsets: boolean;
  /** Undefined without a properties file: the checkpoint interval. */
  syncGroupOffsetsIntervalSeconds?: number | undefined;
  offsetLagMax: number;
  offsetFlushIntervalMs: number;
  refreshTopicsIntervalSeconds: number;
  refreshGroupsIntervalSeconds: number;
  syncTopicConfigsIntervalSeconds: number;
  tasksMax: number;
  file: ImportedFile | null;
}

/** Fills the `mirror` fields: the scenario's own, else the file's (or MM2's defaults), else the drill's defaults. */
export function resolveMirror(m: RawMirror): { mirror: Mirror; problems: FileProblem[] } {
  const { propertiesText, ...rest } = m;
  if (propertiesText === undefined) {
    const problems: FileProblem[] = [];
    if (m.propertiesFile !== undefined) problems.push({ path: ['propertiesFile'], input: m.propertiesFile, message: 'the file was not read: load the scenario with mm2-drill, which reads it (relative to the scenario file)' });
    const filled = Object.fromEntries(mirrorFields.map((f) => [f, m[f] ?? (drillMirrorDefaults as Record<string, unknown>)[f]]));
    return { mirror: { ...rest, ...filled, file: null } as Mirror, problems };
  }
  const label = fileLabel(m);
  const imported = importPropertiesFile(propertiesText, { clusterAliases: m.clusterAliases, own: m.properties, label });
  const { file } = imported;
  // Problems with the file's content belong to the field that gave it.
  const field = m.propertiesFile === undefined ? 'propertiesText' : 'propertiesFile';
  const problems = imported.problems.map((p) => (p.path[0] === 'propertiesFile' ? { ...p, path: [field, ...p.path.slice(1)] } : p));
  const props = overlay(file.properties, m.properties);
  const origins = {} as Record<MirrorField, Origin>;
  const values: Record<string, unknown> = {};
  for (const f of mirrorFields) {
    if (m[f] !== undefined) [values[f], origins[f]] = [m[f], 'scenario'];
    else if (f === 'refreshGroupsIntervalSeconds') [values[f], origins[f]] = [drillMirrorDefaults[f], 'drill'];
    else if (f === 'policy') {
      const name = file.policyClass === null ? 'default' : policyNameOf(file.policyClass, m.customPolicies);
      if (name === undefined) {
        problems.push({
          path: [field], input: file.policyClass,
          message: `${label} sets replication.policy.class = ${file.policyClass}, which the drill does not know: declare it in mirror.customPolicies (e.g. { mine: { class: '${file.policyClass}', jar: './my-policy.jar' } }) so MM2 can load it and the drill can find its remote topics, or set mirror.policy`,
        });
      }
      [values[f], origins[f]] = [name ?? 'default', file.policyClass === null ? 'mm2-default' : 'file'];
    } else {
      const found = fileFieldValue(props, f, label);
      if (found.problem) problems.push({ path: [field], input: found.input, message: found.problem });
      [values[f], origins[f]] = found.value === undefined ? [fieldProperty[f].mm2Default, 'mm2-default'] : [found.value, 'file'];
    }
  }
  return { mirror: { ...rest, ...values, file: { ...file, origins } } as Mirror, problems };
}

const consumerSchema = z.strictObject({
  groupId: z
    .string()
    .min(1)
    // The drill adds to it (`<groupId>-<strategy>`, the run id on external clusters): room is kept for that.
    .max(200, 'at most 200 characters: the drill names its other groups after it (`<groupId>-<strategy>`)')
    .refine((g) => g.trim() !== '', { message: 'a group id of blanks only: name the group, e.g. "drill-consumer"' })
    .default('drill-consumer')
    .describe('Consumer group of the test consumer: the group that fails over. Not blank.'),
  commit: z.enum(['auto', 'interval', 'batch']).default('auto')
    .describe("When processed offsets are committed: `auto` every 5 s (the Java client's enable.auto.commit default), `interval` every `commitIntervalMs`, `batch` after each fetched batch."),
  commitIntervalMs: z.int().min(10).max(600_000).default(5000).describe('Milliseconds between commits with `commit: interval`.'),
  processingDelayMs: z.number().min(0).max(10_000).default(0)
    .describe('Time spent "processing" each message: a consumer slower than the producer falls behind.'),
  startDelaySeconds: z.number().min(0).max(3600).default(0)
    .describe('Start consuming this long after the producer: a consumer already far behind. Must be before the kill (a numeric `at` of the kill-primary step), or the consumer never consumes on the primary.'),
}).describe('The test consumer: one consumer group that consumes on the primary and fails over to the backup.');

const mirrorsSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'a kebab-case name'), mirrorSpecSchema);

const workloadSchema = z.strictObject({
  ratePerSecond: z.number().positive().max(MAX_RATE).default(200)
    .describe('Messages per second the test producer writes (steady), shared evenly by the topics without a `ratePerSecond` of their own. The run reports the rate its acks achieved per topic and flags one under 95 % of it (results.json `workloadRates`; threshold `achievedRateRatio`).'),
  messageBytes: z.int().min(64).max(MAX_MESSAGE_BYTES).default(200).describe('Approximate size of each message value in bytes (the id and timestamp included), up to 1 MiB: above 1,000,000 the drill raises the brokers\' `message.max.bytes` and MM2\'s producers\' `max.request.size` to hold it (core/kafka/broker-config.ts).'),
  acks: z.enum(['all', 'leader', 'none']).default('all').describe('Producer acks: all (-1), leader (1) or none (0).'),
  idempotent: z.boolean().optional()
    .describe('Idempotent producer (requires acks "all"). Default: true with acks "all" (or transactions) and false otherwise, like the Java producer\'s default since Kafka 3.0 (KIP-679).'),
  keys: z.union([z.literal('id'), z.literal('none'), z.int().min(1).max(1_000_000)]).default('id')
    .describe('Message keys: the unique id, none (partitions round robin either way), or this many distinct keys `k0`…`k<N-1>` in turn, each on one partition (key i on partition i mod the partition count, as a key stays on one partition under Kafka\'s default partitioner): the order per key is then checked across the failover (results.json `keyOrder`, core/checker/key-order.ts).'),
  durationSeconds: z.number().positive().max(3600).optional()
    .describe('Stop producing this many seconds after the start (default: produce until the kill). Required without a `kill-primary` step.'),
  // Core/kafka/kafka-release.ts says how each MM2 release translates offsets across these gaps.
  transactionRecords: z.int().min(0).max(10_000).default(0)
    .describe('A transactional producer (KIP-98) committing this many records per transaction (0: none). Each commit writes a marker at one offset of every partition the transaction touched; MM2 never copies markers, so remote offsets fall one behind per transaction — the gaps an offset translation must cope with. A message counts as acked once its transaction committed. Needs acks "all" (and makes the producer idempotent).'),
  processes: z.int().min(1).max(MAX_WORKLOAD_PROCESSES).default(1)
    .describe('Producer processes: the workload runs as this many processes (each a fork of the harness with its own producer, id space `<run>-<repetition>-w<k>-<n>` and history segment, writing every partition at its share of each topic\'s rate), merged into the cell\'s history when they stop — for a rate one process cannot reach (docs/scale.md#several-producer-processes). At most the machine\'s cores; not with numeric `keys` (one writer per key) or `transactionRecords` (the lag sampler reads the acks live).'),
  hosts: z.strictObject({
    count: z.int().min(1).max(MAX_WORKLOAD_PROCESSES)
      .describe('Producer hosts the drill waits for: host k (0 … count-1) is `mm2-drill produce --join <dir> --index k`, started elsewhere (a CI matrix job, a Kubernetes Indexed Job\'s pod), each with its own id space `<run>-<repetition>-w<k>-<n>` and history segment, writing every partition at its share of each topic\'s rate; the drill\'s own process produces nothing.'),
    dir: z.string().min(1)
      .describe('The directory the drill and its hosts share (the channel: start, counts, stop, clock pings, and the hosts\' segments): a path on this machine that every host mounts, e.g. a ReadWriteMany volume or an NFS export with `lookupcache=positive`. Its files hold the client\'s credentials: keep it as private as they are.'),
    joinTimeoutSeconds: z.number().positive().max(3600).default(120)
      .describe('How long the drill waits for every host to join each time the workload starts; past it the cell ends in error `PRODUCER_HOSTS_MISSING`, naming the missing indexes.'),
    address: z.string().regex(/^[A-Za-z0-9.:_-]+$/, 'a host name or an IP address').optional()
      .describe('Where the hosts reach this machine: its name or IP address on their network (`10.0.3.7`, `drill-runner.internal`). Every connection of a host\'s producer then goes to the drill\'s client proxies (Toxiproxy) at that address — the bootstrap and every broker Kafka advertises — so that the kill and the faults cut the hosts off as they cut the drill\'s own clients. Without it, the hosts dial the brokers\' advertised addresses as given: hosts on this machine. Against external clusters the proxies then listen on every interface of this machine, not only on its loopback: keep them behind a firewall that admits only the hosts.'),
    maxClockBoundMs: z.number().positive().max(60_000).default(50)
      .describe('A host\'s clock is measured against the drill\'s by pings through the directory and its segment\'s times corrected by the offset; a host whose offset is known only beyond ± this many ms is refused (`CLOCK_UNCERTAIN`): its acks that near the kill could not be placed before or after it.'),
  }).optional()
    .describe('The workload on producer hosts that are not the drill\'s children, joining through a shared directory (docs/scale.md#one-cells-workload-over-n-hosts); not with `processes` above 1, numeric `keys` or `transactionRecords`.'),
  consumer: consumerSchema.prefault({}),
})
  // KIP-679's default needs `acks`, so it is filled here rather than with `.default()`.
  .transform((w) => ({ ...w, idempotent: w.idempotent ?? (w.acks === 'all' || w.transactionRecords > 0) }))
  .describe('The test producer and consumer.');

const atSchema = z.union([
  z.number().min(0).max(3600),
  z.strictObject({ acked: z.int().min(1).max(100_000_000).describe('Once this many messages were acked.') }),
  z.strictObject({
    replicationLagAbove: z.int().min(0).max(100_000_000)
      .describe('Once the backup trails the primary by more than this many messages, sampled every second (records, not offsets: commit markers do not count).'),
  }),
]).describe('When the step starts: seconds after the workload started, `{ acked: N }` or `{ replicationLagAbove: N }`.');

const stepSchema = z.strictObject({
  at: atSchema,
  // MM2 checkpoints and syncs on fixed schedules: a fixed time would measure one phase of them only.
  jitterSeconds: z.number().min(0).max(3600).optional()
    .describe('Start a uniformly random 0…N seconds after `at` (a time). A kill at a fixed time hits the same phase of MM2\'s checkpoint and sync schedules in every run; the chosen delay is in the history.'),
  durationSeconds: z.number().positive().max(3600).optional().describe('Heal the fault after this many seconds (default: at the end of the cell).'),
  action: z.union([z.literal('kill-primary'), faultSchema])
    .describe('`kill-primary`: SIGKILL every primary broker (no shutdown hooks, no flush), then fail over; or a fault.'),
});

export type TimelineStep = z.output<typeof stepSchema>;

const failoverSchema = z.strictObject({
  // Every strategy but `mm2-sync` resumes as a new group, which MM2 never syncs (it only syncs groups it saw on the source).
  strategy: z.enum(strategyNames).default('mm2-sync')
    .describe("How the consumer resumes on the backup: `mm2-sync`, the same group from the offsets MM2's group sync wrote into the backup (KIP-545); `checkpoints`, offsets translated from MM2's checkpoints topic, decoded by the harness (what RemoteClusterUtils.translateOffsets answers); `raw-copy`, the primary's committed offset numbers unchanged (no translation); `timestamp`, a seek by time to the last processed message's timestamp minus `timestampMarginMs`; `earliest` / `latest`, no offsets at all (the auto.offset.reset fallbacks), as baselines. Every strategy but `mm2-sync` resumes as a new group, `<groupId>-<strategy>`, so MM2 cannot overwrite the chosen offsets."),
  timestampMarginMs: z.int().min(0).max(3_600_000).default(1000).describe('Safety margin of the `timestamp` strategy.'),
  crossCheck: z.boolean().default(false)
    .describe("Also ask Kafka itself: run RemoteClusterUtils.translateOffsets in the MM2 container (compiled with the host's javac) and compare with the harness's own checkpoint decoding."),
  autoOffsetReset: z.enum(['earliest', 'latest']).default('earliest')
    .describe("Where the consumer starts on a partition with no committed offset (Kafka's auto.offset.reset)."),
  delaySeconds: z.number().min(0).max(600).default(2).describe('Seconds between the kill and the consumer joining on the backup.'),
  // MirrorCheckpointTask writes a group's offsets on the target only while the group has no active member there (KIP-545).
  standbyOnBackup: z.boolean().default(false)
    .describe("A warm standby: a member of the consumer group itself on the backup, subscribed to the remote topics from before the workload starts, paused — it holds its partitions and heartbeats but processes and commits nothing (its deliveries, if any, stay out of the ledger). At the failover the consumer joins the group beside it, then the standby leaves: the group is never empty on the backup. MM2 syncs offsets only into a group with no active member on the target (KIP-545), so the group resumes from what it finds there, usually nothing: auto.offset.reset decides. Needs the `mm2-sync` strategy (the others resume as a group of their own) and the default playbook."),
  drainTimeoutSeconds: z.number().positive().max(3600).default(120).describe('Upper bound on draining the backup after the failover.'),
}).describe('How the consumer fails over after the timeline\'s `kill-primary` (docs/scenarios.md#failover-strategies).');

const namedSets = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a kebab-case name');

const timelineSteps = z
  .array(stepSchema)
  .min(1)
  .max(50)
  .refine((steps) => steps.filter((s) => s.action === 'kill-primary').length <= 1, { message: 'at most one step with action "kill-primary"' });

export const scenarioFields = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a kebab-case name like "quickstart"').describe('The scenario\'s name, kebab-case (`quickstart`): its run directories are named after it.'),
  description: z.string().default('').describe('What the scenario drills, shown in summary.md and report.html.'),
  kafka: kafkaSchema.prefault({}),
  topics: z.array(topicSchema).min(1).max(1000).prefault([{ name: 'orders' }])
    .describe('The topics the workload writes and MM2 mirrors, each name once.'),
  mirror: mirrorSchema.prefault({}),
  workload: workloadSchema.prefault({}),
  timeline: z.union([timelineSteps, z.string().min(1)], { error: 'expected an array of steps, or the name of an entry of `timelines`' })
    .default([{ at: 20, action: 'kill-primary' }])
    .describe('Steps in time (docs/scenarios.md#faults-on-the-timeline). With one `kill-primary` the consumer fails over to the backup; without, the drill checks the primary alone (faults only) and `workload.durationSeconds` must end it. With a `playbook`, it holds faults only. Or the name of an entry of `timelines`, so that a matrix can compare whole sequences of faults.'),
  timelines: z.record(namedSets, timelineSteps).default({})
    .describe("Named timelines for `timeline` (and matrix values of `timeline`: `matrix: { timeline: ['wan-on-consume', 'wan-on-produce'] }`): one dimension that changes several steps at once, e.g. the same faults on another link."),
  failover: failoverSchema.prefault({}),
  mirrors: z.union([mirrorsSchema, z.string().min(1)]).prefault(defaultMirrors)
    .describe('The mirrors, by name: each a MirrorMaker 2 process in its own container with one flow; the `mirror` block holds the settings they share. Default: `forward`, primary → backup, started with the environment. A `playbook` starts, stops and measures them by name. Or the name of an entry of `topologies` (docs/topologies.md).'),
  topologies: z.record(namedSets, mirrorsSchema).default({})
    .describe('Named sets of mirrors for `mirrors` (and matrix values of `mirrors`), so that a matrix can compare topologies: one flow for every topic against a flow per topic, say.'),
  playbook: z.union([playbookSchema, z.string().min(1)]).optional()
    .describe("The drill as ordered steps (docs/playbooks.md), or the name of an entry of `playbooks` (so a matrix can compare playbooks). Without it the drill follows `timeline` and `failover` (the default playbook: the timeline's kill, the failover, the drain); with it, `timeline` holds faults only."),
  playbooks: z.record(namedSets, playbookSchema).default({})
    .describe("Named playbooks for `playbook` (and matrix values of `playbook`: `matrix: { playbook: ['a', 'b'] }`)."),
  matrix: z.record(z.string(), z.array(z.unknown()).min(1)).default({})
    .describe('Matrix dimensions: a dotted scenario path (`timeline.0.at` indexes lists) → the values to try. The cells are the cartesian product; cells × `repeat` may not exceed 200 cell runs unless `--force` is given.'),
  external: externalSchema.optional(),
  repeat: z.int().min(1).max(100).default(1).describe('Run every cell this many times, each on fresh clusters.'),
  // core/plan/pairing.ts decides which cells share an environment.
  pairing: z.boolean().default(true)
    .describe('Paired variants (docs/pairing-and-shards.md): cells that differ only on the consumer side (`failover.*`, `workload.consumer.*`) run in one environment per repetition — one consumer group each, all facing the same kill; cells that differ in MM2\'s settings (`mirror.*`) share the primary, the producer and the kill, each with its own backup cluster and MM2. `false`: one environment per cell run.'),
  thresholds: thresholdsSchema,
  alarms: alarmsSchema,
}).describe('A scenario file\'s default export (`defineScenario({...})`).');

export type ScenarioFields = z.output<typeof scenarioFields>;
/** A validated scenario with every default applied (and a properties file imported). */
export type Scenario = Omit<ScenarioFields, 'mirror' | 'mirrors' | 'timeline'> & {
  mirror: Mirror;
  /** The mirrors, a named topology resolved. */
  mirrors: Record<string, MirrorSpec>;
  /** The steps, a named timeline resolved. */
  timeline: TimelineStep[];
};

/** What a scenario file may contain (defaults filled in later). */
export type ScenarioInput = z.input<typeof scenarioFields>;

/** The cell's playbook steps, or null for a drill that follows `timeline`. */
export const playbookOf = (s: Scenario): PlaybookStep[] | null =>
  s.playbook === undefined ? null : typeof s.playbook === 'string' ? (s.playbooks[s.playbook] ?? null) : s.playbook;

/** What the producer writes to each topic: its own rate and size, else its share of the workload's. */
export function topicRates(s: Pick<Scenario, 'topics' | 'workload'>): { name: string; partitions: number; ratePerSecond: number; messageBytes: number }[] {
  const shared = s.topics.filter((t) => t.ratePerSecond === undefined).length;
  return s.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions,
    ratePerSecond: t.ratePerSecond ?? s.workload.ratePerSecond / shared,
    messageBytes: t.messageBytes ?? s.workload.messageBytes,
  }));
}

/** The largest message value the scenario writes (bytes). */
export const maxMessageBytes = (s: Pick<Scenario, 'topics' | 'workload'>): number => Math.max(...topicRates(s).map((t) => t.messageBytes));

/** Messages per second the producer writes in all: the topics' own rates, and workload.ratePerSecond shared by the others. */
export const totalRate = (s: Pick<Scenario, 'topics' | 'workload'>): number =>
  s.topics.reduce((n, t) => n + (t.ratePerSecond ?? 0), 0) + (s.topics.some((t) => t.ratePerSecond === undefined) ? s.workload.ratePerSecond : 0);

/** Identity function that gives scenario files type checking and editor completion. */
export const defineScenario = (scenario: ScenarioInput): ScenarioInput => scenario;
