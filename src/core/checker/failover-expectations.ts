/**
 * Failover expectations (`mm2-drill expect`): what the drill's model predicts a failover costs
 * with a team's own mm2.properties, produce rates and consumer commit settings — before anything
 * runs — and the drill that checks the prediction.
 *
 * Nothing here is a second model. The team's settings become the scenario of that drill (the
 * properties file imported as `run` imports it, core/kafka/mm2-properties-file.ts); the
 * duplicates and skips are that scenario's expected bound (expected-bound.ts), the one the
 * drill's results.json `expected` holds its measurement against; the MM2 release's defects are
 * core/kafka/kafka-release.ts's. What a prediction cannot know stays unknown: the RPO is bounded
 * by the replication lag at the kill, and without a measured lag it is "unknown", never a guess.
 *
 * Pure: the caller reads the properties file and writes what this returns.
 */
import { DrillError } from '../errors.ts';
import { causes, type Cause } from '../scenario/failover-causes.ts';
import { strategies, type Strategy } from '../scenario/failover-strategy.ts';
import { topicRates, type Scenario, type ScenarioInput } from '../scenario/scenario.ts';
import { parseScenario } from '../scenario/validate.ts';
import type { Thresholds } from '../scenario/thresholds.ts';
import { mirrorRelease, translationModel, type KnownIssue } from '../kafka/kafka-release.ts';
import { fieldProperty, flowEnabled, flowValue, FORWARD, parseList, parsePropertiesText, type Origin } from '../kafka/mm2-properties-file.ts';
import { commitWindowSeconds, expectedBound, sourceHasGaps } from './expected-bound.ts';

/** What a team states about its failover: its MM2 file, its producers and its consumers. */
export interface TeamSettings {
  /** The properties file as the drill's scenario names it: relative to the scenario file. */
  readonly propertiesFile: string;
  /** The file's text (the core reads no files). */
  readonly propertiesText: string;
  /** The file's aliases of the cluster failed over from and of the one failed over to; absent: the one flow the file enables. */
  readonly flow?: { readonly primary: string; readonly backup: string } | undefined;
  /** Each topic the producers write, its partitions and its rate. */
  readonly topics: readonly { readonly name: string; readonly partitions: number; readonly ratePerSecond: number }[];
  readonly consumer: {
    readonly commit: 'auto' | 'interval' | 'batch';
    readonly commitIntervalMs?: number | undefined;
    readonly groupId?: string | undefined;
  };
  readonly strategy?: Strategy | undefined;
  readonly autoOffsetReset?: 'earliest' | 'latest' | undefined;
  /** The release of the brokers and MM2 (absent: the drill's default release), and of MM2 when it differs. */
  readonly kafkaVersion?: string | undefined;
  readonly mirrorVersion?: string | undefined;
  /** Seconds of workload before the drill's kill; absent: long enough for MM2 to sync the group twice. */
  readonly drillSeconds?: number | undefined;
  /** The drill scenario's name (a run directory is named after it). */
  readonly name?: string | undefined;
}

/** A figure the settings do not bound: everything the group had read may come again. */
export type Everything = 'everything';

export interface FailoverExpectations {
  /** The file's aliases: failed over from, to. */
  readonly flow: { readonly primary: string; readonly backup: string };
  /** MM2's release; `releaseAssumed`: none was given, the drill's default release is assumed. */
  readonly release: string;
  readonly releaseAssumed: boolean;
  readonly topics: readonly { readonly name: string; readonly partitions: number; readonly ratePerSecond: number }[];
  /** The settings the prediction reads, each with where its value came from. */
  readonly settings: readonly { readonly key: string; readonly value: string; readonly origin: Origin | 'option' }[];
  readonly strategy: Strategy;
  readonly autoOffsetReset: 'earliest' | 'latest';
  readonly duplicates: {
    /** Upper bound on the messages the failover delivers again, per consumer group. */
    readonly max: number | Everything;
    /** Each cause's own bound (they cannot all be at their maximum at once: the total is tighter than their sum). */
    readonly parts: readonly { readonly cause: Cause; readonly words: string; readonly max: number | Everything }[];
    readonly reasoning: string;
    /** What the bound takes for granted. */
    readonly assumes: string;
  };
  readonly lost: {
    /** Upper bound on the messages lost (the RPO), or unknown without a measured replication lag. */
    readonly max: number | 'unknown';
    readonly replicationLagMs: number | null;
    readonly reasoning: string;
  };
  readonly skips: {
    readonly possible: boolean;
    readonly why: string;
    /** Defects of the MM2 release a failover can meet. */
    readonly issues: readonly KnownIssue[];
  };
  /** Settings that make a figure worse than the formula, or the drill less telling. */
  readonly warnings: readonly string[];
}

export interface ExpectationsPlan {
  readonly expectations: FailoverExpectations;
  /** The drill that checks them: the team's settings, a kill and a failover, thresholds at the predicted bounds. */
  readonly drill: ScenarioInput;
  readonly killAtSeconds: number;
  readonly jitterSeconds: number;
}

/** The flows a properties file enables, in its own aliases. */
export function enabledFlows(text: string): { primary: string; backup: string }[] {
  const entries = Object.fromEntries(parsePropertiesText(text).entries);
  const aliases = parseList(entries.clusters ?? '');
  return aliases.flatMap((a) => aliases.filter((b) => b !== a && flowEnabled(entries, `${a}->${b}`)).map((b) => ({ primary: a, backup: b })));
}

function chooseFlow(t: TeamSettings, label: string): { primary: string; backup: string } {
  if (t.flow) return t.flow;
  const flows = enabledFlows(t.propertiesText);
  if (flows.length === 1) return flows[0]!;
  const listed = flows.map((f) => `${f.primary}->${f.backup}`).join(', ');
  throw new DrillError('USAGE', flows.length === 0
    ? `${label} enables no flow (no "<source>-><target>.enabled = true" between two of its clusters)`
    : `${label} enables ${flows.length} flows (${listed}): which one fails over is not said`, {
    fix: flows.length === 0 ? 'enable the flow you fail over, or name it with --flow <from>-><to>' : `name the flow you fail over with --flow (e.g. --flow ${listed.split(', ')[0]})`,
  });
}

/**
 * Why the failover strategy would find no offsets at all: the file turns off what it reads.
 * The expected bound assumes checkpoints and the group sync run (docs/mm2-properties.md, Limits).
 */
function offsetsMissing(s: Scenario): string | null {
  const traits = strategies[s.failover.strategy];
  const props = s.mirror.file?.properties ?? {};
  const checkpoints = flowValue({ ...props, ...s.mirror.properties }, FORWARD, 'emit.checkpoints.enabled');
  if (traits.usesCheckpoints && checkpoints !== undefined && checkpoints.value.trim().toLowerCase() !== 'true') {
    return 'emit.checkpoints.enabled is not true: MM2 writes no checkpoints, so the failover finds no translated offsets';
  }
  if (traits.syncedGroup && !s.mirror.syncGroupOffsets) {
    const why = s.mirror.file?.origins.syncGroupOffsets === 'mm2-default' ? "the file leaves sync.group.offsets.enabled out, and MM2's default is false" : 'sync.group.offsets.enabled is false';
    return `${why}: MM2 writes no offsets for the group on the backup, so an ${s.failover.strategy} failover finds none`;
  }
  return null;
}

const shownValue = (v: unknown): string => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : String(v ?? ''));

/**
 * What the model predicts for a failover of this scenario, with the replication lag at the kill
 * if it was measured (ms; null: unknown). `defaultRelease` names the release a scenario without
 * `kafka.version` runs.
 */
export function failoverExpectations(s: Scenario, o: { readonly replicationLagMs: number | null; readonly defaultRelease: string }): FailoverExpectations {
  const model = translationModel(mirrorRelease(s));
  const release = mirrorRelease(s) ?? o.defaultRelease;
  const rates = topicRates(s);
  // The prediction stands before any drill: how many messages the group will have read is not
  // known, so a part the settings do not bound is "everything", never a count.
  const bound = expectedBound(s, { acked: Number.POSITIVE_INFINITY, consumerLagAtKill: null });
  const count = (n: number): number | Everything => (Number.isFinite(n) ? n : 'everything');
  const missing = offsetsMissing(s);
  const latest = s.failover.autoOffsetReset === 'latest';
  const reasoning = missing
    ? `${missing}; it resumes from auto.offset.reset=${s.failover.autoOffsetReset}: ${latest ? 'at the end of each partition, skipping what the group had not processed' : 'from the beginning, everything the group had read again'}`
    : bound.reasoning.replaceAll(`all ${Number.POSITIVE_INFINITY} messages`, 'all the messages the group had read');
  const parts = missing
    ? [{ cause: 'offset-reset' as const, words: causes['offset-reset'], max: latest ? 0 : 'everything' as const }]
    : (Object.entries(bound.parts) as [Cause, number][]).map(([cause, n]) => ({ cause, words: causes[cause], max: count(n) }));
  const total = rates.reduce((n, t) => n + t.ratePerSecond, 0);
  const lagMs = o.replicationLagMs;
  const lostMax = lagMs === null ? 'unknown' as const : rates.reduce((n, t) => n + Math.ceil(t.ratePerSecond * (lagMs / 1000)), 0);
  const skipsPossible = missing ? latest : bound.skipsPossible;
  const m = s.mirror;
  const origin = (f: keyof typeof fieldProperty): Origin => m.file?.origins[f] ?? 'drill';
  const c = s.workload.consumer;
  const settings = [
    ...(['checkpointIntervalSeconds', 'syncGroupOffsets', 'syncGroupOffsetsIntervalSeconds', 'offsetLagMax', 'offsetFlushIntervalMs'] as const)
      .map((f) => ({ key: fieldProperty[f].key, value: shownValue(f === 'syncGroupOffsetsIntervalSeconds' ? (m[f] ?? m.checkpointIntervalSeconds) : m[f]), origin: origin(f) })),
    { key: 'replication policy', value: m.policy, origin: m.file?.origins.policy ?? 'drill' },
    { key: 'consumer commit', value: c.commit === 'interval' ? `every ${c.commitIntervalMs} ms` : c.commit === 'auto' ? 'auto (enable.auto.commit, every 5000 ms)' : 'after every batch', origin: 'option' as const },
    { key: 'consumer commit window', value: `${commitWindowSeconds(c)} s`, origin: 'option' as const },
  ];
  const warnings: string[] = [];
  if (missing) warnings.push(`${missing}. Set it to true in the file, or fail over another way (--strategy); the duplicates below are auto.offset.reset's, not the formula's.`);
  if (model.extrapolates && !sourceHasGaps(s)) {
    warnings.push(`MM2 ${release} extrapolates from its latest offset sync (KAFKA-12468, fixed in 3.4.1): exact for plain producers, as predicted here; with transactional producers or compacted topics a group committed behind the latest sync gets no checkpoint (everything again) and skips are possible.`);
  }
  const skipWhy = skipsPossible
    ? missing ? 'auto.offset.reset=latest: a partition with no offset resumes at its end, past what the group had not processed'
      : !strategies[s.failover.strategy].usesCheckpoints ? `the ${s.failover.strategy} strategy does not resume from MM2's translated offsets`
        : latest ? "auto.offset.reset=latest: a partition MM2 has no checkpoint for resumes at its end"
          : `MM2 ${release} can translate past records the group never read (KAFKA-12468)`
    : !strategies[s.failover.strategy].usesCheckpoints ? `the ${s.failover.strategy} strategy resumes at the beginning of each partition: it re-reads, it does not skip`
    : model.extrapolates
      ? `MM2 ${release} extrapolates from the latest offset sync, exactly while the source has no offsets MM2 does not copy (no transactions, no compaction), and a partition without a checkpoint re-reads from auto.offset.reset=earliest`
      : `MM2 ${release} translates a group offset to its newest offset sync at or below it: never ahead of what the group committed, so it re-delivers but does not skip; a partition without a checkpoint re-reads from auto.offset.reset=earliest`;
  return {
    flow: { primary: aliasOf(s, 'primary'), backup: aliasOf(s, 'backup') },
    release,
    releaseAssumed: mirrorRelease(s) === undefined,
    topics: rates.map(({ name, partitions, ratePerSecond }) => ({ name, partitions, ratePerSecond })),
    settings,
    strategy: s.failover.strategy,
    autoOffsetReset: s.failover.autoOffsetReset,
    duplicates: {
      max: missing ? (latest ? 0 : 'everything') : count(bound.maxDuplicates),
      parts,
      reasoning,
      assumes: 'a consumer group keeping up with its producers and a kill at any moment; a group N messages behind the head per partition may translate from an older offset sync (MM2 keeps a sparse history, KAFKA-14666) and re-read up to N per partition instead of the translation slack',
    },
    lost: {
      max: lostMax,
      replicationLagMs: lagMs,
      reasoning: lagMs === null
        ? `what the primary had acked and MM2 had not copied to the backup when it died: at most ${total} msg/s × the replication lag at the kill. The lag is not known here: give it (--replication-lag-ms, e.g. MM2's replication-latency-ms at your peak), or read the drill's measurement (notReplicated, lagAtKillMessages)`
        : `what the primary had acked and MM2 had not copied to the backup when it died: at most ${total} msg/s × the replication lag ${lagMs} ms — a lag that grows (MM2 stopped, its link slow) makes it everything since`,
    },
    skips: { possible: skipsPossible, why: skipWhy, issues: model.issues },
    warnings,
  };
}

const aliasOf = (s: Scenario, cluster: 'primary' | 'backup'): string =>
  Object.entries(s.mirror.file?.clusterAliases ?? {}).find(([, c]) => c === cluster)?.[0] ?? cluster;

/** Seconds MM2 needs, from the workload's start, to have checkpointed the new group and synced it to the backup once, with room for its connectors to start. */
export const firstSyncSeconds = (s: Scenario): number => Math.ceil(s.mirror.checkpointIntervalSeconds + (s.mirror.syncGroupOffsetsIntervalSeconds ?? s.mirror.checkpointIntervalSeconds)) + 5;

/** The drill's gates: the predicted bounds, where the settings give one. */
function gates(e: FailoverExpectations): Thresholds {
  return {
    ...(typeof e.duplicates.max === 'number' ? { duplicatedByFailover: `<=${e.duplicates.max}` } : {}),
    ...(e.skips.possible ? {} : { skipped: '==0' }),
  };
}

/**
 * The team's settings as a drill scenario, the prediction for it, and the drill with its gates.
 * `label` names the properties file in messages.
 */
export function planExpectations(t: TeamSettings, o: { readonly replicationLagMs: number | null; readonly defaultRelease: string; readonly label: string }): ExpectationsPlan {
  const flow = chooseFlow(t, o.label);
  const input: ScenarioInput = {
    name: t.name ?? 'failover-expectations',
    description: `The failover ${flow.primary} -> ${flow.backup} with the team's own MM2 properties, produce rates and consumer commits: checks the failover expectations predicted for them.`,
    ...(t.kafkaVersion === undefined ? {} : { kafka: { version: t.kafkaVersion } }),
    topics: t.topics.map((x) => ({ name: x.name, partitions: x.partitions, ratePerSecond: x.ratePerSecond })),
    mirror: {
      ...(t.mirrorVersion === undefined ? {} : { version: t.mirrorVersion }),
      propertiesFile: t.propertiesFile,
      clusterAliases: { [flow.primary]: 'primary', [flow.backup]: 'backup' },
    },
    workload: {
      consumer: {
        commit: t.consumer.commit,
        ...(t.consumer.commit === 'interval' && t.consumer.commitIntervalMs !== undefined ? { commitIntervalMs: t.consumer.commitIntervalMs } : {}),
        ...(t.consumer.groupId === undefined ? {} : { groupId: t.consumer.groupId }),
      },
    },
    failover: { strategy: t.strategy ?? 'mm2-sync', autoOffsetReset: t.autoOffsetReset ?? 'earliest' },
  };
  const parse = (x: ScenarioInput): Scenario => parseScenario({ ...x, mirror: { ...x.mirror, propertiesText: t.propertiesText } }, `the drill of ${o.label}`);
  const first = parse(input);
  const least = firstSyncSeconds(first);
  const groupSync = first.mirror.syncGroupOffsetsIntervalSeconds ?? first.mirror.checkpointIntervalSeconds;
  const killAt = t.drillSeconds ?? Math.max(20, 2 * least);
  if (killAt < least) {
    throw new DrillError('USAGE', `--drill-seconds ${killAt}: with checkpoints every ${first.mirror.checkpointIntervalSeconds} s and the group sync every ${groupSync} s, a kill before ${least} s may come before MM2 first synced the group — the failover would then re-read everything, outside the prediction`, {
      fix: `give --drill-seconds ${least} or more (or leave it out: ${Math.max(20, 2 * least)} s)`,
    });
  }
  // MM2 checkpoints and syncs on fixed schedules: the kill anywhere within one group-sync interval.
  const timeline: ScenarioInput['timeline'] = [{ at: killAt, jitterSeconds: groupSync, action: 'kill-primary' }];
  const scenario = parse({ ...input, timeline });
  const expectations = failoverExpectations(scenario, o);
  const drill: ScenarioInput = { ...input, timeline, thresholds: gates(expectations) };
  parse(drill);
  return { expectations, drill, killAtSeconds: killAt, jitterSeconds: groupSync };
}
