/**
 * Failover: the consumer moves across the forward flow, primary → backup, and resumes according
 * to a strategy (a playbook's `move-consumers` step to the backup, the default playbook's
 * failover). This module holds what each strategy does with Kafka, one chooser per key of the
 * strategy table (core/scenario/failover-strategy.ts holds the rest of what the drill knows of a strategy).
 * Every input a strategy used, and the offsets it chose, are recorded, so the checker can tell a
 * harness mistake from an MM2 one.
 */
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import { latestCheckpoints } from '../core/kafka/checkpoint.ts';
import { eachOf, eventsOf, type PhaseClock } from '../core/history/history.ts';
import { offsetsLabels } from '../core/history/offsets-labels.ts';
import { mirrorRelease } from '../core/kafka/kafka-release.ts';
import { DrillError } from '../core/errors.ts';
import { movedGroup, strategies, type Strategy } from '../core/scenario/failover-strategy.ts';
import { checkpointsTopic } from '../core/kafka/mm2-names.ts';
import { flowProperties } from '../core/scenario/mirror-flow.ts';
import { parseTp, tpKey } from '../core/history/topic-partition.ts';
import { listenerPort } from '../core/kafka/network-layout.ts';
import { startConsumer, type RunningConsumer } from '../adapters/clients/consumer.ts';
import { readCheckpoints } from '../adapters/clients/checkpoint-reader.ts';
import { topicOffsetsOrNone } from '../adapters/clients/topic-reader.ts';
import { compileJava } from '../adapters/containers/custom-policy.ts';
import { dockerClient } from '../adapters/containers/docker.ts';
import type { DrillEnvironment } from '../adapters/containers/environment.ts';
import { commitGroupOffsets, committedOffsets } from '../adapters/clients/kafka-client.ts';
import type { CellRecorder } from '../adapters/recorder.ts';
import type { CellContext } from './cell-context.ts';

type Offsets = Record<string, string>; // remote topic/partition → offset

export interface FailoverDeps {
  readonly ctx: CellContext;
  readonly env: DrillEnvironment;
  readonly rec: CellRecorder;
  readonly phase: PhaseClock;
  readonly backupAdmin: Admin;
  readonly strategy: Strategy;
  /** Every topic the consumer reads on the backup: the remote topics, and the local ones producers may write there. */
  readonly topics: readonly string[];
  /** Called once the consumer joined its group: a warm standby member leaves it then (the group never empties). */
  readonly handOver?: () => Promise<void>;
}

/** Maps a source topic to its remote topic (same index in the scenario's topic list). */
const remoteOf = (d: FailoverDeps, source: string) => d.env.remoteTopics[d.ctx.cell.scenario.topics.findIndex((t) => t.name === source)];

interface Chooser {
  /** Reads MM2's checkpoints before choosing (the others read them while the consumer already runs). */
  readonly checkpointsFirst: boolean;
  /** The offsets the strategy resumes from. */
  readonly choose: (d: FailoverDeps) => Promise<Offsets>;
}

/** How long a topic's offsets may take to be looked up on the backup (its metadata settling). */
const LOOKUP_TIMEOUT_MS = 15_000;

/**
 * A topic's offsets on the backup, by the shared admin client; when that fails, by a client of its
 * own with fresh metadata: the shared one may still describe a remote topic a playbook's recovery
 * deleted and MM2 created again — kafkajs then asks for none of its partitions and fails on the
 * empty answer, until its metadata expires minutes later. None when the topic does not exist.
 */
async function backupTopicOffsets(d: FailoverDeps, topic: string): Promise<{ partition: number; low: string; high: string }[]> {
  try {
    return await d.backupAdmin.fetchTopicOffsets(topic);
  } catch {
    const admin = d.env.backup.kafka('admin', 'mm2-drill-failover-offsets', d.env.kafkaLog).admin();
    await admin.connect();
    try {
      return await topicOffsetsOrNone(admin, topic, LOOKUP_TIMEOUT_MS);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

/** What auto.offset.reset would pick, made explicit so the group has a position even on a partition it never reads (the drain then knows it is at the end). */
const ends = (end: 'low' | 'high'): Chooser => ({
  checkpointsFirst: false,
  choose: async (d) => {
    const offsets: Offsets = {};
    for (const topic of d.env.remoteTopics) {
      for (const o of await backupTopicOffsets(d, topic)) offsets[`${topic}/${o.partition}`] = o[end];
    }
    return offsets;
  },
});

/** How each strategy chooses its offsets with Kafka (its other traits are core/scenario/failover-strategy.ts's). */
const choosers = {
  'mm2-sync': {
    checkpointsFirst: false,
    choose: async (d) => {
      const offsets: Offsets = {};
      for (const topic of d.env.remoteTopics) {
        for (const [p, o] of Object.entries(await committedOffsets(d.backupAdmin, d.ctx.cell.scenario.workload.consumer.groupId, topic))) if (Number(o) >= 0) offsets[`${topic}/${p}`] = o;
      }
      return offsets;
    },
  },
  checkpoints: {
    checkpointsFirst: true,
    choose: async (d) => {
      const checkpoints = eventsOf(d.rec.events(), 'checkpoint').map((c) => ({ ...c, upstreamOffset: BigInt(c.upstreamOffset), downstreamOffset: BigInt(c.downstreamOffset), metadata: '' }));
      const offsets: Offsets = {};
      // Checkpoints name the remote topic partition (MirrorCheckpointTask renames it), not the source one.
      for (const [tp, c] of latestCheckpoints(checkpoints, d.ctx.cell.scenario.workload.consumer.groupId)) if (d.env.remoteTopics.includes(c.topic)) offsets[tp] = String(c.downstreamOffset);
      return offsets;
    },
  },
  'raw-copy': {
    checkpointsFirst: false,
    choose: async (d) => {
      // What an offset-copy job running up to the kill would have copied: the last committed numbers.
      const offsets: Offsets = {};
      for (const e of eventsOf(d.rec.events(), 'offsets').filter((x) => x.label === offsetsLabels.beforeKill.committed && x.cluster === 'primary')) {
        const remote = remoteOf(d, e.topic);
        for (const [p, o] of Object.entries(e.offsets)) if (remote && Number(o) >= 0) offsets[`${remote}/${p}`] = o;
      }
      return offsets;
    },
  },
  timestamp: {
    checkpointsFirst: false,
    choose: async (d) => {
      const last = new Map<string, number>();
      for (const e of eachOf(d.rec.events(), 'deliver')) if (e.phase === 'primary') last.set(tpKey(e.topic, e.partition), Math.max(last.get(tpKey(e.topic, e.partition)) ?? 0, e.ts));
      const offsets: Offsets = {};
      for (const [tp, ts] of last) {
        const { topic, partition: p } = parseTp(tp);
        const remote = remoteOf(d, topic);
        if (!remote) continue;
        const found = (await d.backupAdmin.fetchTopicOffsetsByTimestamp(remote, ts - d.ctx.cell.scenario.failover.timestampMarginMs)).find((x) => x.partition === p);
        if (!found) continue;
        // No record at or after that time: everything on the backup is older, resume at its end.
        const end = (await d.backupAdmin.fetchTopicOffsets(remote)).find((x) => x.partition === p)?.high;
        offsets[`${remote}/${p}`] = Number(found.offset) >= 0 ? found.offset : (end ?? '0');
      }
      return offsets;
    },
  },
  earliest: ends('low'),
  latest: ends('high'),
} satisfies Record<Strategy, Chooser>;

/** The cross-check's classes, compiled once per Kafka image (paired variants cross-check at the same moment). */
const translateClasses = new Map<string, Promise<string>>();
/** Where the classes were copied to, per MM2 container. */
const copied = new WeakMap<object, Promise<void>>();

/**
 * The cross-check's command, run without a shell: a group id is the scenario's text (a team's
 * `$(…)` or `;` would otherwise run in the MM2 container). Java expands the class path's `*` itself.
 */
export const translateOffsetsArgv = (backup: string, sourceAlias: string, group: string): string[] =>
  ['java', '-cp', '/opt/kafka/libs/*:/tmp/mm2drill/tools', 'drill.TranslateOffsets', backup, sourceAlias, group];

/** Kafka's own translation (RemoteClusterUtils.translateOffsets), run inside the MM2 container. */
async function kafkaTranslation(d: FailoverDeps, group: string): Promise<void> {
  const source = fileURLToPath(new URL('../adapters/java/TranslateOffsets.java', import.meta.url));
  // MM2's own release: the cross-check runs the translation of the MM2 the drill runs.
  const image = d.ctx.images.kafka(mirrorRelease(d.ctx.cell.scenario)).name;
  if (!translateClasses.has(image)) translateClasses.set(image, dockerClient().then((client) => compileJava(client, image, [source])));
  const classes = await translateClasses.get(image)!;
  const mm2 = d.env.mirror?.container;
  if (!mm2) throw new DrillError('STEP_FAILED', 'the cross-check runs in the harness\'s MM2 container, and this drill has none');
  if (!copied.has(mm2)) copied.set(mm2, mm2.copyDirectoriesToContainer([{ source: classes, target: '/tmp/mm2drill/tools' }]));
  await copied.get(mm2);
  const backup = d.env.backup.brokers.map((b) => `${b.ref.alias}:${listenerPort.internal}`).join(',');
  const r = await mm2.exec(translateOffsetsArgv(backup, d.env.sourceAlias, group));
  if (r.exitCode !== 0) throw new Error(`TranslateOffsets exited ${r.exitCode}: ${r.stderr.slice(-500)}`);
  const offsets = Object.fromEntries(
    r.stdout.trim().split('\n').filter(Boolean).map((l) => {
      const [topic, p, o] = l.trim().split(/\s+/);
      return [`${topic}/${p}`, o ?? ''];
    }),
  );
  d.rec.emit({ type: 'kafka-translation', group, offsets });
}

/** Moves the consumer to the backup and returns it running (the caller drains it); the wait before it is the step's. */
export async function failover(d: FailoverDeps): Promise<RunningConsumer> {
  const s = d.ctx.cell.scenario;
  const groupId = s.workload.consumer.groupId;
  // Every view the group will read there: a view without MM2's translation (the backup's own
  // topic in active-active, the identity-named topic beside an offsets-only mirror) shows as -1.
  for (const topic of d.topics) {
    d.rec.emit({ type: 'offsets', label: offsetsLabels.failover.committed, cluster: 'backup', topic, offsets: await committedOffsets(d.backupAdmin, groupId, topic) });
    // Where the backup ends as the consumer moves: an offset chosen past it is out of range.
    d.rec.emit({ type: 'offsets', label: offsetsLabels.failover.end, cluster: 'backup', topic, offsets: Object.fromEntries((await backupTopicOffsets(d, topic)).map((o) => [String(o.partition), o.high])) });
  }
  // MM2's checkpoints are read for every strategy: they are evidence, not only an input. Only the
  // `checkpoints` strategy waits for them before resuming; for the others the reading (and the
  // cross-check) happens while the consumer already runs, so the failover gap stays the strategy's own.
  const checkpoints = () =>
    readCheckpoints({
      kafka: d.env.backup.kafka('admin', 'mm2-drill-checkpoints', d.env.kafkaLog), admin: d.backupAdmin,
      topic: checkpointsTopic(flowProperties(s), d.env.sourceAlias), recorder: d.rec, timeoutMs: 30_000,
    });
  const chooser: Chooser = choosers[d.strategy];
  if (chooser.checkpointsFirst) await checkpoints();
  const offsets = await chooser.choose(d);
  const group = movedGroup(d.strategy, groupId, 'backup');
  // The synced group's offsets are MM2's, already on the backup: only a group of the strategy's own gets its offsets committed.
  if (!strategies[d.strategy].syncedGroup) {
    // One standalone commit, not kafkajs's setOffsets (a join and a fetch cycle per topic): the
    // harness's own time stays out of the failover gap.
    const topics = d.env.remoteTopics
      .map((topic) => ({ topic, partitions: Object.entries(offsets).filter(([tp]) => tp.startsWith(`${topic}/`)).map(([tp, offset]) => ({ partition: Number(tp.slice(topic.length + 1)), offset })) }))
      .filter((t) => t.partitions.length);
    if (topics.length) await commitGroupOffsets(d.env.backup.kafka('admin', 'mm2-drill-failover-offsets', d.env.kafkaLog), group, topics);
  }
  d.rec.emit({ type: 'failover-offsets', strategy: d.strategy, group, offsets });
  d.phase('failover-started');
  const consumer = await startConsumer({
    kafka: d.env.backup.kafka('consumer', 'mm2-drill-failover', d.env.kafkaLog), topics: d.topics, phase: 'backup',
    fromBeginning: s.failover.autoOffsetReset === 'earliest', settings: { ...s.workload.consumer, groupId: group }, recorder: d.rec, onFirstDelivery: () => d.phase('first-backup-delivery'),
  });
  try {
    await d.handOver?.();
    if (!chooser.checkpointsFirst) await checkpoints();
    if (s.failover.crossCheck) await kafkaTranslation(d, groupId);
  } catch (e) {
    await consumer.stop();
    throw e;
  }
  return consumer;
}
