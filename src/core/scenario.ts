/**
 * The scenario model. The zod schema is the source of truth: the TypeScript types users get
 * from `defineScenario` are inferred from it, and every file is validated against it before
 * anything starts (errors name the field path, what was expected and what was found).
 */
import { z } from 'zod';

const propertyValue = z.union([z.string(), z.number(), z.boolean()]);
const properties = z.record(z.string(), propertyValue);
const seconds = (d: number) => z.number().positive().max(3600).default(d);

const kafkaSchema = z.strictObject({
  /** Kafka version of the brokers and of MM2; defaults to the version the setup script prepares. */
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a version like 4.3.1').optional(),
  /** An explicit image; otherwise apache/kafka:<version>, or the locally built equivalent. */
  image: z.string().min(1).optional(),
  /** Brokers per cluster (KRaft combined mode: each is broker and controller). */
  nodes: z.int().min(1).max(5).default(1),
  /** Extra server.properties entries for both clusters. */
  brokerConfig: properties.default({}),
});

const topicSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name ([a-zA-Z0-9._-])'),
  partitions: z.int().min(1).max(64).default(3),
  config: z.record(z.string(), z.string()).default({}),
});

const mirrorSchema = z.strictObject({
  /** Replication policy: DefaultReplicationPolicy prefixes remote topics with the source alias. */
  policy: z.enum(['default', 'identity']).default('default'),
  /** emit.checkpoints.interval.seconds (MM2 default 60). */
  checkpointIntervalSeconds: seconds(1),
  /** sync.group.offsets.enabled (MM2 default false). */
  syncGroupOffsets: z.boolean().default(true),
  /** sync.group.offsets.interval.seconds (MM2 default 60). */
  syncGroupOffsetsIntervalSeconds: seconds(1),
  /** offset.lag.max: a new offset sync is emitted once downstream moved this far (MM2 default 100). */
  offsetLagMax: z.int().min(0).max(1_000_000).default(100),
  /** offset.flush.interval.ms of MM2's workers (default 60000); also drives the delayed offset sync (KAFKA-15906). */
  offsetFlushIntervalMs: z.int().min(100).max(600_000).default(1000),
  /** refresh.topics.interval.seconds (MM2 default 600). */
  refreshTopicsIntervalSeconds: seconds(1),
  /** refresh.groups.interval.seconds (MM2 default 600). */
  refreshGroupsIntervalSeconds: seconds(1),
  /** tasks.max for the mirror connectors. */
  tasksMax: z.int().min(1).max(64).default(1),
  /** Raw mm2.properties entries, written last (they win). */
  properties: properties.default({}),
});

const workloadSchema = z.strictObject({
  /** Messages per second the test producer writes (steady, all topics in turn). */
  ratePerSecond: z.number().positive().max(20_000).default(200),
  /** Approximate size of each message value in bytes (the id and timestamp included). */
  messageBytes: z.int().min(64).max(1_000_000).default(200),
  /** Producer acks: all (-1), leader (1) or none (0). */
  acks: z.enum(['all', 'leader', 'none']).default('all'),
  /** Consumer group of the test consumer (the group that fails over). */
  groupId: z.string().min(1).default('drill-consumer'),
});

const timelineSchema = z.strictObject({
  /** SIGKILL the primary this many seconds after the workload started. */
  killPrimaryAfterSeconds: z.number().positive().max(3600).default(20),
});

const failoverSchema = z.strictObject({
  /** How the consumer resumes on the backup. mm2-sync: from the offsets MM2 wrote into the backup's __consumer_offsets. */
  strategy: z.literal('mm2-sync').default('mm2-sync'),
  /** Where the consumer starts on a partition with no committed offset (Kafka's auto.offset.reset). */
  autoOffsetReset: z.enum(['earliest', 'latest']).default('earliest'),
  /** Seconds between the kill and the consumer joining on the backup. */
  delaySeconds: z.number().min(0).max(600).default(2),
  /** Upper bound on draining the backup after the failover. */
  drainTimeoutSeconds: z.number().positive().max(3600).default(120),
});

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a kebab-case name like "quickstart"'),
  description: z.string().default(''),
  kafka: kafkaSchema.prefault({}),
  topics: z.array(topicSchema).min(1).max(16).prefault([{ name: 'orders' }]),
  mirror: mirrorSchema.prefault({}),
  workload: workloadSchema.prefault({}),
  timeline: timelineSchema.prefault({}),
  failover: failoverSchema.prefault({}),
  /** Matrix dimensions: a dotted scenario path → the values to try. The cells are the cartesian product. */
  matrix: z.record(z.string(), z.array(z.unknown()).min(1)).default({}),
  /** Run every cell this many times, each on fresh clusters. */
  repeat: z.int().min(1).max(100).default(1),
});

/** What a scenario file may contain (defaults filled in later). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario with every default applied. */
export type Scenario = z.output<typeof scenarioSchema>;

/** Identity function that gives scenario files type checking and editor completion. */
export const defineScenario = (scenario: ScenarioInput): ScenarioInput => scenario;
