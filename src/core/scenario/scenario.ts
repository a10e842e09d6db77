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

const propertyValue = z.union([z.string(), z.number(), z.boolean()]);
const properties = z.record(z.string(), propertyValue);

const kafkaSchema = z.strictObject({
  /**
   * Kafka release of the brokers (and of MM2, unless `mirror.version` says otherwise), 3.3.0 or
   * newer; defaults to the release the setup script prepares. A matrix dimension like any other:
   * `npx mm2-drill setup <scenario>` builds the image of every release a scenario runs.
   */
  version: z.string().regex(RELEASE_PATTERN, 'a version like 4.3.1').optional(),
  /** An explicit image of `version`'s release; otherwise apache/kafka:<version>, or the locally built equivalent. */
  image: z.string().min(1).optional(),
  /** Brokers per cluster (KRaft combined mode: each is broker and controller). */
  nodes: z.int().min(1).max(5).default(1),
  /** Brokers of the backup, when different from `nodes`. */
  backupNodes: z.int().min(1).max(5).optional(),
  /** Extra server.properties entries for both clusters. */
  brokerConfig: properties.default({}),
});

const topicSchema = z.strictObject({
  /**
   * A name Kafka accepts (Topic.validate: [a-zA-Z0-9._-], not "." or "..") and MM2 replicates: not
   * excluded by `topics.exclude`, not internal, not named like a remote topic (see scenario-checks.ts).
   */
  name: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name ([a-zA-Z0-9._-])')
    .refine((n) => n !== '.' && n !== '..', { message: 'Kafka rejects "." and ".." as topic names (Topic.validate); use a name like "orders"' }),
  partitions: z.int().min(1).max(64).default(3),
  config: z.record(z.string(), z.string()).default({}),
  /** Messages per second written to this topic; without it, the topic shares `workload.ratePerSecond` with the others that have none. */
  ratePerSecond: z.number().positive().max(20_000).optional(),
  /** Size of this topic's messages (default `workload.messageBytes`): a hot topic of large messages beside a cold one. */
  messageBytes: z.int().min(64).max(1_000_000).optional(),
});

const customPolicySchema = z
  .strictObject({
    /** Fully qualified class implementing org.apache.kafka.connect.mirror.ReplicationPolicy. */
    class: z.string().regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'a fully qualified Java class name'),
    /** A jar that provides the class (path relative to the scenario file). */
    jar: z.string().min(1).optional(),
    /** Java source of the class, compiled by the harness with the host's javac (relative path). */
    source: z.string().min(1).optional(),
  })
  .refine((p) => (p.jar === undefined) !== (p.source === undefined), { message: 'give exactly one of `jar` or `source`' });

const interval = z.number().positive().max(3600).optional();

/**
 * The `mirror` block. A field left out gets the drill's default (`drillMirrorDefaults`), or — when
 * the scenario drills a team's properties file — the file's value, else MM2's own default
 * (docs/mm2-properties.md). A field the scenario sets (in the scenario file, a matrix dimension or `--set`)
 * wins over the file.
 */
const mirrorSchema = z.strictObject({
  /**
   * Kafka release of MirrorMaker 2 when it differs from the brokers' (`kafka.version`): a team
   * upgrading MM2 before its brokers, or after. Its offset translation is this release's
   * (core/kafka/kafka-release.ts).
   */
  version: z.string().regex(RELEASE_PATTERN, 'a version like 3.9.1').optional(),
  /**
   * Replication policy: `default` (DefaultReplicationPolicy: remote topic `primary.orders`),
   * `identity` (IdentityReplicationPolicy: `orders`), or the name of an entry of `customPolicies`.
   */
  policy: z.string().min(1).optional(),
  /**
   * Custom replication policies, by name, for `policy` (and matrix values of `mirror.policy`).
   * Not named "default" or "identity" (those are the built-in policies); the `jar` or `source`
   * must exist, relative to the scenario file (checked when the file is loaded).
   */
  customPolicies: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a kebab-case name'), customPolicySchema).default({}),
  /** emit.checkpoints.interval.seconds (drill default 1, MM2 default 60). */
  checkpointIntervalSeconds: interval,
  /** sync.group.offsets.enabled (drill default true, MM2 default false). */
  syncGroupOffsets: z.boolean().optional(),
  /**
   * sync.group.offsets.interval.seconds (MM2 default 60). The drill's default is the checkpoint
   * interval: the group sync writes what the latest checkpoints translated, so varying
   * `checkpointIntervalSeconds` in a matrix varies both.
   */
  syncGroupOffsetsIntervalSeconds: z.number().positive().max(3600).optional(),
  /** offset.lag.max: a new offset sync is emitted once downstream moved this far (default 100, MM2's). */
  offsetLagMax: z.int().min(0).max(1_000_000).optional(),
  /** offset.flush.interval.ms of MM2's workers (drill default 1000, MM2 default 60000); also drives the delayed offset sync (KAFKA-15906). */
  offsetFlushIntervalMs: z.int().min(100).max(600_000).optional(),
  /** refresh.topics.interval.seconds (drill default 1, MM2 default 600). */
  refreshTopicsIntervalSeconds: interval,
  /**
   * refresh.groups.interval.seconds (default 1; MM2's is 600). Also with a properties file: the
   * drill's consumer group is created after MM2 starts, and MM2 finds a new group only at a refresh.
   */
  refreshGroupsIntervalSeconds: interval,
  /**
   * sync.topic.configs.interval.seconds: how often MM2 copies topic configs to the remote topics.
   * MM2's default (600 s) is kept: config drift between syncs is what a drill should see.
   */
  syncTopicConfigsIntervalSeconds: z.number().positive().max(86_400).optional(),
  /** tasks.max for the mirror connectors (default 1, MM2's). */
  tasksMax: z.int().min(1).max(64).optional(),
  /**
   * Raw mm2.properties entries, written last (they win, over a properties file too). `topics.exclude`
   * (or `primary->backup.topics.exclude`) and `replication.policy.separator` here also change which
   * topic names the scenario accepts. A secret here (a key naming one, core/redaction.ts) reaches
   * MM2 and no output; read it from the environment (`process.env.X`) rather than writing it in.
   */
  properties: properties.default({}),
  /**
   * A team's own MM2 properties file (dedicated mode, `connect-mirror-maker.properties` style), path
   * relative to the scenario file: MM2 runs with it, its clusters renamed to the drill's, its
   * bootstrap and security settings replaced (docs/mm2-properties.md says what is kept, changed and refused).
   */
  propertiesFile: z.string().min(1).optional(),
  /** The file's cluster aliases → the drill's clusters, e.g. `{ 'us-east': 'primary', 'us-west': 'backup' }`. */
  clusterAliases: z.record(z.string().min(1), z.enum(clusterNames)).optional(),
  /**
   * The text of `propertiesFile`, filled in by the loader (the core reads no files); a scenario may
   * give the text here instead of a file. Not kept in the resolved scenario (it may hold secrets).
   */
  propertiesText: z.string().optional(),
});

/** The drill's values of the `mirror` fields a scenario without a properties file leaves out. */
export const drillMirrorDefaults = {
  policy: 'default', checkpointIntervalSeconds: 1, syncGroupOffsets: true, offsetLagMax: 100, offsetFlushIntervalMs: 1000,
  refreshTopicsIntervalSeconds: 1, refreshGroupsIntervalSeconds: 1, syncTopicConfigsIntervalSeconds: 600, tasksMax: 1,
} as const;

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
  /** Consumer group of the test consumer (the group that fails over). */
  groupId: z
    .string()
    .min(1)
    // The drill adds to it (`<groupId>-<strategy>`, the run id on external clusters): room is kept for that.
    .max(200, 'at most 200 characters: the drill names its other groups after it (`<groupId>-<strategy>`)')
    .refine((g) => g.trim() !== '', { message: 'a group id of blanks only: name the group, e.g. "drill-consumer"' })
    .default('drill-consumer'),
  /**
   * When processed offsets are committed: `auto` every 5 s (the Java client's enable.auto.commit
   * default), `interval` every `commitIntervalMs`, `batch` after each fetched batch.
   */
  commit: z.enum(['auto', 'interval', 'batch']).default('auto'),
  commitIntervalMs: z.int().min(10).max(600_000).default(5000),
  /** Time spent "processing" each message: a consumer slower than the producer falls behind. */
  processingDelayMs: z.number().min(0).max(10_000).default(0),
  /**
   * Start consuming this long after the producer: a consumer already far behind. Must be before
   * the kill (a numeric `at` of the kill-primary step), or the consumer never consumes on the primary.
   */
  startDelaySeconds: z.number().min(0).max(3600).default(0),
});

const mirrorsSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'a kebab-case name'), mirrorSpecSchema);

const workloadSchema = z.strictObject({
  /** Messages per second the test producer writes (steady), shared evenly by the topics without a `ratePerSecond` of their own. */
  ratePerSecond: z.number().positive().max(20_000).default(200),
  /** Approximate size of each message value in bytes (the id and timestamp included). */
  messageBytes: z.int().min(64).max(1_000_000).default(200),
  /** Producer acks: all (-1), leader (1) or none (0). */
  acks: z.enum(['all', 'leader', 'none']).default('all'),
  /**
   * Idempotent producer (requires acks=all). Defaults to true with acks "all" and false otherwise,
   * like the Java producer's default since Kafka 3.0 (KIP-679).
   */
  idempotent: z.boolean().optional(),
  /** Message keys: the unique id, none, or this many distinct keys. (Partitions are assigned round robin either way.) */
  keys: z.union([z.literal('id'), z.literal('none'), z.int().min(1).max(1_000_000)]).default('id'),
  /** Stop producing this many seconds after the start (default: produce until the kill). */
  durationSeconds: z.number().positive().max(3600).optional(),
  /**
   * A transactional producer (KIP-98) committing this many records per transaction (0: none).
   * Each commit writes a marker at one offset of every partition the transaction touched; MM2
   * never copies markers, so remote offsets fall one behind per transaction — the gaps an
   * offset translation must cope with (core/kafka/kafka-release.ts). A message counts as acked once its
   * transaction committed. Needs acks "all" (and makes the producer idempotent).
   */
  transactionRecords: z.int().min(0).max(10_000).default(0),
  consumer: consumerSchema.prefault({}),
})
  // KIP-679's default needs `acks`, so it is filled here rather than with `.default()`.
  .transform((w) => ({ ...w, idempotent: w.idempotent ?? (w.acks === 'all' || w.transactionRecords > 0) }));

/**
 * When a timeline step starts: seconds after the workload started, once N messages were acked,
 * or once the measured replication lag (messages the backup trails the primary by) exceeds N.
 */
const atSchema = z.union([
  z.number().min(0).max(3600),
  z.strictObject({ acked: z.int().min(1).max(100_000_000) }),
  z.strictObject({ replicationLagAbove: z.int().min(0).max(100_000_000) }),
]);

const stepSchema = z.strictObject({
  at: atSchema,
  /**
   * Start a uniformly random 0…N seconds after `at` (a time). MM2 checkpoints and syncs on fixed
   * schedules: a kill at a fixed time hits the same phase of those schedules in every run, so
   * repeated runs would only measure that one phase. The chosen delay is in the history.
   */
  jitterSeconds: z.number().min(0).max(3600).optional(),
  /** Heal the fault after this many seconds (default: at the end of the cell). */
  durationSeconds: z.number().positive().max(3600).optional(),
  /** `kill-primary`: SIGKILL every primary broker (no shutdown hooks, no flush), then fail over; or a fault. */
  action: z.union([z.literal('kill-primary'), faultSchema]),
});

export type TimelineStep = z.output<typeof stepSchema>;

const failoverSchema = z.strictObject({
  /**
   * How the consumer resumes on the backup:
   * - `mm2-sync`: the same group, from the offsets MM2's group sync wrote into the backup (KIP-545);
   * - `checkpoints`: offsets translated from MM2's checkpoints topic, decoded by the harness
   *   (what RemoteClusterUtils.translateOffsets answers);
   * - `raw-copy`: the primary's committed offset numbers applied unchanged (no translation);
   * - `timestamp`: seek by time to the last processed message's timestamp minus `timestampMarginMs`;
   * - `earliest` / `latest`: no offsets at all (the auto.offset.reset fallbacks), as baselines.
   * Every strategy but `mm2-sync` resumes as a new group, `<groupId>-<strategy>`, that MM2 never
   * syncs (it only syncs groups it saw on the source), so MM2 cannot overwrite the chosen offsets.
   */
  strategy: z.enum(strategyNames).default('mm2-sync'),
  /** Safety margin of the `timestamp` strategy. */
  timestampMarginMs: z.int().min(0).max(3_600_000).default(1000),
  /**
   * Also ask Kafka itself: run RemoteClusterUtils.translateOffsets in the MM2 container (compiled
   * with the host's javac) and compare with the harness's own checkpoint decoding.
   */
  crossCheck: z.boolean().default(false),
  /** Where the consumer starts on a partition with no committed offset (Kafka's auto.offset.reset). */
  autoOffsetReset: z.enum(['earliest', 'latest']).default('earliest'),
  /** Seconds between the kill and the consumer joining on the backup. */
  delaySeconds: z.number().min(0).max(600).default(2),
  /** Upper bound on draining the backup after the failover. */
  drainTimeoutSeconds: z.number().positive().max(3600).default(120),
});

export const scenarioFields = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a kebab-case name like "quickstart"'),
  description: z.string().default(''),
  kafka: kafkaSchema.prefault({}),
  /** The topics the workload writes and MM2 mirrors, each name once. */
  topics: z.array(topicSchema).min(1).max(16).prefault([{ name: 'orders' }]),
  mirror: mirrorSchema.prefault({}),
  workload: workloadSchema.prefault({}),
  /**
   * Steps in time. With one `kill-primary` the consumer fails over to the backup; without, the
   * drill checks the primary alone (faults only) and `workload.durationSeconds` must end it.
   */
  timeline: z
    .array(stepSchema)
    .min(1)
    .max(50)
    .default([{ at: 20, action: 'kill-primary' }])
    .refine((steps) => steps.filter((s) => s.action === 'kill-primary').length <= 1, { message: 'at most one step with action "kill-primary"' }),
  failover: failoverSchema.prefault({}),
  /**
   * The mirrors, by name: each a MirrorMaker 2 process in its own container with one flow. The
   * `mirror` block holds the settings they share. Default: `forward`, primary → backup, started
   * with the environment. A `playbook` starts, stops and measures them by name. Or the name of an
   * entry of `topologies`.
   */
  mirrors: z.union([mirrorsSchema, z.string().min(1)]).prefault(defaultMirrors),
  /**
   * Named sets of mirrors for `mirrors` (and matrix values of `mirrors`), so that a matrix can
   * compare topologies: one flow for every topic against a flow per topic, say.
   */
  topologies: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a kebab-case name'), mirrorsSchema).default({}),
  /**
   * The drill as ordered steps (src/core/scenario/playbook.ts), or the name of an entry of `playbooks` (so a
   * matrix can compare playbooks). Without it the drill follows `timeline` and `failover`.
   */
  playbook: z.union([playbookSchema, z.string().min(1)]).optional(),
  /** Named playbooks for `playbook` (and matrix values of `playbook`). */
  playbooks: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a kebab-case name'), playbookSchema).default({}),
  /**
   * Matrix dimensions: a dotted scenario path → the values to try. The cells are the cartesian
   * product; cells × `repeat` may not exceed 200 cell runs unless `--force` is given.
   */
  matrix: z.record(z.string(), z.array(z.unknown()).min(1)).default({}),
  /**
   * Clusters that already exist (staging) with the team's own MM2 between them, instead of
   * containers (core/scenario/external.ts): no broker or MM2 is started, `kafka` is ignored.
   */
  external: externalSchema.optional(),
  /** Run every cell this many times, each on fresh clusters. */
  repeat: z.int().min(1).max(100).default(1),
  /**
   * Paired variants (core/plan/pairing.ts): cells that differ only on the consumer side (failover,
   * workload.consumer) run in one environment per repetition — one consumer group each, all
   * facing the same kill. `false`: one environment per cell run.
   */
  pairing: z.boolean().default(true),
  /**
   * CI gates: figure → comparison, for every cell, or a list of `{ when, checks }` for some cells.
   * Each key of a `when` must name a matrix dimension (its path or its last part), and the `when`
   * must match at least one cell.
   */
  thresholds: thresholdsSchema,
  /**
   * Alarms on MM2's health, watched every second during the drill (core/scenario/alarms.ts):
   * signal → comparison, e.g. `{ checkpointAgeSeconds: '>10', heartbeatAgeSeconds: '>5' }`.
   * Each firing is an event; `{ alarm: signal }` starts a playbook step; `checkpointAlarmLeadSeconds`
   * (one per signal) and `alarmsFiringAtKill` gate on them.
   */
  alarms: alarmsSchema,
});

export type ScenarioFields = z.output<typeof scenarioFields>;
/** A validated scenario with every default applied (and a properties file imported). */
export type Scenario = Omit<ScenarioFields, 'mirror' | 'mirrors'> & {
  mirror: Mirror;
  /** The mirrors, a named topology resolved. */
  mirrors: Record<string, MirrorSpec>;
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

/** Identity function that gives scenario files type checking and editor completion. */
export const defineScenario = (scenario: ScenarioInput): ScenarioInput => scenario;
