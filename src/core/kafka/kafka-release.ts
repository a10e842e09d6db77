/**
 * Kafka releases: which ones a drill can run, and every difference between them that the drill
 * configures around or that changes what a failover does. The one place that knows a release
 * number; the rest asks it a question ("does this MM2 emit offset syncs at each flush?").
 *
 * A scenario names the brokers' release (`kafka.version`) and MirrorMaker 2's (`mirror.version`,
 * default: the brokers'). Left out, a release is the one the setup script prepares — the newest
 * the drill knows, so `undefined` answers every question as the newest release does.
 *
 * What changed, read from Kafka's source at each release tag (connect/mirror):
 *  - Offset translation (MirrorCheckpointTask, OffsetSyncStore):
 *     - up to 3.4.0, a group offset g past the latest sync (u → d) translates to d + (g − u), and
 *       only the latest sync is kept: a group behind it is not translated at all. Exact while
 *       source and remote offsets advance together; past the remote record when the source has
 *       offsets MM2 does not copy since the sync (transaction markers, compacted records): the
 *       consumer resumes beyond records it never read (KAFKA-12468).
 *     - from 3.4.1, g = u translates to d and g > u to d + 1 — never ahead, at the price of
 *       re-delivering up to a sync's spacing — and a history of syncs is kept per partition
 *       (KAFKA-12468, KAFKA-14666). 3.4.1–3.5.1 drop too many old syncs when their spacing
 *       varies (KAFKA-15202, fixed in 3.5.2): groups behind the head translate coarsely.
 *  - Offset syncs (MirrorSourceTask), at the first record after a source offset gap in every
 *    release, and otherwise: up to 3.4.0 only when the remote offset drifted `offset.lag.max`
 *    from where the latest sync extrapolates (without gaps: one sync, at the first record — the
 *    extrapolation is then exact), a sync dropped while 10 are outstanding; from 3.4.1 whenever
 *    the remote offset moved `offset.lag.max` past the last sync (KAFKA-14797); from 3.7.0 also
 *    the newest record's at every offset flush (KAFKA-15906), so a slow topic's tail translates.
 *  - Checkpoint task restarts: 3.4.1–3.7.0 keep only the latest sync after a restart, so groups
 *    behind it get no checkpoints (KAFKA-15905, fixed in 3.7.1 and 3.8.0).
 *  - `emit.offset-syncs.enabled` exists from 3.9.0 (KAFKA-16254); from then the checkpoint
 *    connector refuses to run with it or with `emit.checkpoints.enabled` off.
 *  - A source task without a stored offset follows `auto.offset.reset` from 3.6.2 (KAFKA-13988).
 *  - `plugin.discovery` (KIP-898) from 3.6.0; the share-group coordinator (KIP-932) from 4.0.
 *  - Logging: 3.x through log4j 1 (reload4j), 4.x through log4j2 (KIP-653).
 *  - KRaft combined mode is production-ready from 3.3 (KIP-833): the oldest release a drill runs.
 */
import type { PropertyValue } from './property-value.ts';

/** The oldest release a drill runs: KRaft combined mode is production-ready from 3.3 (KIP-833). */
export const OLDEST_RELEASE = '3.3.0';

export const RELEASE_PATTERN = /^\d+\.\d+\.\d+$/;

const numbers = (v: string): number[] => v.split('.').map(Number);

/** Orders two releases (negative: `a` is older). */
export function compareReleases(a: string, b: string): number {
  const [x, y] = [numbers(a), numbers(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** Whether a release is `min` or newer; the default release (undefined) is the newest. */
export const atLeast = (v: string | undefined, min: string): boolean => v === undefined || compareReleases(v, min) >= 0;

type Releases = { kafka: { version?: string | undefined }; mirror: { version?: string | undefined } };

/** The release MM2 runs: `mirror.version`, else the brokers'. */
export const mirrorRelease = (s: Releases): string | undefined => s.mirror.version ?? s.kafka.version;

/** The releases a cell runs, brokers' then MM2's (undefined: the default release). */
export const releasesOf = (s: Releases): (string | undefined)[] => [s.kafka.version, mirrorRelease(s)];

// ---------------------------------------------------------------------------------------------
// Logging

export interface LogConfig {
  /** File name, in the directory the harness writes a container's configuration to. */
  readonly file: string;
  readonly content: string;
  /** The JVM flag that points the release's logging at the file. */
  readonly flag: (path: string) => string;
}

const log4j2: LogConfig = {
  file: 'log4j2.properties',
  content: `status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d{ISO8601}] %p %m (%c{1.})%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
`,
  flag: (path) => `-Dlog4j2.configurationFile=${path}`,
};

const log4j1: LogConfig = {
  file: 'log4j.properties',
  content: `log4j.rootLogger=INFO, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=[%d{ISO8601}] %p %m (%c)%n
log4j.logger.org.reflections=ERROR
`,
  flag: (path) => `-Dlog4j.configuration=file:${path}`,
};

/** Kafka 3.x logs through log4j 1 (reload4j), 4.x through log4j2 (KIP-653). */
export const logConfigOf = (v: string | undefined): LogConfig => (atLeast(v, '4.0.0') ? log4j2 : log4j1);

// ---------------------------------------------------------------------------------------------
// Configuration a release knows

/** Broker properties of features a release has: the share-group coordinator's topic (KIP-932, 4.0). */
export function brokerReleaseProperties(v: string | undefined, rf: number): Record<string, PropertyValue> {
  return atLeast(v, '4.0.0') ? { 'share.coordinator.state.topic.replication.factor': rf, 'share.coordinator.state.topic.min.isr': rf >= 3 ? 2 : 1 } : {};
}

/**
 * MM2 worker properties of features a release has. `plugin.discovery=service_load` (KIP-898,
 * 3.6): MM2 scans the whole class path for Connect plugins for its config and again for each
 * herder, 2–6 s each on a small machine; Kafka's own connectors and converters are found from
 * their service manifests instead. A custom policy is not a plugin. The herders read it from
 * their target cluster's prefix (MirrorMakerConfig.workerConfig).
 */
export function workerReleaseProperties(v: string | undefined, clusters: readonly string[]): Record<string, PropertyValue> {
  if (!atLeast(v, '3.6.0')) return {};
  return Object.fromEntries(['plugin.discovery', ...clusters.map((c) => `${c}.plugin.discovery`)].map((k) => [k, 'service_load']));
}

// ---------------------------------------------------------------------------------------------
// Offset translation

export interface KnownIssue {
  readonly jira: string;
  /** What it does to a drill, in a sentence. */
  readonly effect: string;
}

export interface TranslationModel {
  /** MM2's release ('default': the setup script's). */
  readonly release: string;
  /** d + (g − u): past the remote record when the source has offsets MM2 does not copy (≤ 3.4.0). */
  readonly extrapolates: boolean;
  /** The newest record's sync at each offset flush (3.7.0+); before, only every `offset.lag.max`. */
  readonly syncsAtFlush: boolean;
  /** The sync history drops too many syncs when their spacing varies (3.4.1–3.5.1, KAFKA-15202). */
  readonly dropsSyncs: boolean;
  /** Defects of this release a failover drill can meet. */
  readonly issues: readonly KnownIssue[];
}

const inRange = (v: string | undefined, from: string, before: string) => atLeast(v, from) && !atLeast(v, before);

export function translationModel(v: string | undefined): TranslationModel {
  const issues: KnownIssue[] = [];
  if (!atLeast(v, '3.4.1')) {
    issues.push({ jira: 'KAFKA-12468', effect: 'translation extrapolates from the latest offset sync: where the source has offsets MM2 does not copy (transaction markers, compaction) the consumer resumes past records it never read' });
  }
  if (inRange(v, '3.4.1', '3.5.2')) {
    issues.push({ jira: 'KAFKA-15202', effect: 'the offset-sync history drops too many old syncs when their spacing varies: a group behind the head translates coarsely (more re-deliveries)' });
  }
  if (inRange(v, '3.4.1', '3.7.0')) {
    issues.push({ jira: 'KAFKA-15906', effect: 'offset syncs only every offset.lag.max records: up to that many of a partition\'s newest records translate to an older sync (re-delivered), and a slow topic\'s tail never translates exactly' });
  }
  if (inRange(v, '3.4.1', '3.7.1')) {
    issues.push({ jira: 'KAFKA-15905', effect: 'after a checkpoint task restart only the latest offset sync is known: groups behind it get no checkpoints' });
  }
  return { release: v ?? 'default', extrapolates: !atLeast(v, '3.4.1'), syncsAtFlush: atLeast(v, '3.7.0'), dropsSyncs: inRange(v, '3.4.1', '3.5.2'), issues };
}

// ---------------------------------------------------------------------------------------------
// What a release cannot do

export interface ReleaseProblem {
  readonly path: (string | number)[];
  readonly input: unknown;
  readonly message: string;
}

/** Settings of a scenario a release cannot honour, each with the release that can. */
export interface ReleaseUse {
  readonly kafka: string | undefined;
  readonly mirror: string | undefined;
  /** The forward flow's mm2.properties as the scenario sets them (file and `mirror.properties`). */
  readonly mirrorProperties: Readonly<Record<string, PropertyValue>>;
  /** Whether a playbook mirror starts from the end of its source (`startFrom: 'latest'`). */
  readonly startsFromLatest: boolean;
  /** Whether the failover relies on MM2's checkpoints (mm2-sync, checkpoints). */
  readonly usesCheckpoints: boolean;
  /** `mirror.exactlyOnce`. */
  readonly exactlyOnce: boolean;
}

export function releaseProblems(u: ReleaseUse): ReleaseProblem[] {
  const out: ReleaseProblem[] = [];
  for (const [path, v] of [[['kafka', 'version'], u.kafka], [['mirror', 'version'], u.mirror]] as const) {
    if (v !== undefined && !atLeast(v, OLDEST_RELEASE)) {
      out.push({ path: [...path], input: v, message: `Kafka ${v} is older than ${OLDEST_RELEASE}: the drill runs KRaft combined mode, production-ready from 3.3 (KIP-833); use ${OLDEST_RELEASE} or newer` });
    }
  }
  const prop = (k: string) => {
    const found = Object.entries(u.mirrorProperties).find(([key]) => key === k || key.endsWith(`.${k}`));
    return found && { key: found[0], value: String(found[1]) };
  };
  const offsetSyncs = prop('emit.offset-syncs.enabled');
  if (offsetSyncs && !atLeast(u.mirror, '3.9.0')) {
    out.push({ path: ['mirror', 'properties', offsetSyncs.key], input: offsetSyncs.value, message: `MirrorMaker 2 ${u.mirror} does not know emit.offset-syncs.enabled (added in 3.9.0, KAFKA-16254) and would ignore it; remove it or use mirror.version 3.9.0 or newer` });
  }
  if (u.usesCheckpoints && atLeast(u.mirror, '3.9.0')) {
    for (const p of [offsetSyncs, prop('emit.checkpoints.enabled')]) {
      if (p?.value === 'false') {
        out.push({ path: ['mirror', 'properties', p.key], input: p.value, message: `MirrorMaker 2 ${u.mirror ?? 'of the default release'} refuses to start its checkpoint connector with ${p.key.replace(/^.*?(emit\.)/, '$1')}=false (MirrorCheckpointConfig.validate, KAFKA-16254), and the failover strategy needs its checkpoints; remove the setting or fail over with another strategy` });
      }
    }
  }
  const eos = prop('exactly.once.source.support');
  if ((u.exactlyOnce || eos) && !atLeast(u.mirror, '3.5.0')) {
    const [path, input] = u.exactlyOnce ? [['mirror', 'exactlyOnce'], true] : [['mirror', 'properties', eos!.key], eos!.value];
    out.push({ path, input, message: `MirrorMaker 2 ${u.mirror} cannot copy exactly once: dedicated mode supports exactly-once source connectors from 3.5.0 (KIP-618); use mirror.version 3.5.0 or newer` });
  }
  if (u.startsFromLatest && !atLeast(u.mirror, '3.6.2')) {
    out.push({ path: ['mirrors'], input: u.mirror, message: `MirrorMaker 2 ${u.mirror} ignores auto.offset.reset=latest for a source task without a stored offset (KAFKA-13988, fixed in 3.6.2): a mirror with startFrom 'latest' would copy everything; use mirror.version 3.6.2 or newer, or startFrom 'seeded'` });
  }
  return out;
}
