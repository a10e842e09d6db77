/**
 * results.json: the versioned report model. Renderers read only this (and the history).
 * Bump `schemaVersion` on any incompatible change.
 */
import type { TopicReplication } from '../checker/topic-replication.ts';
import type { TranslationAccuracy } from '../checker/translation-accuracy.ts';
import type { InvariantCheck } from '../checker/mm2-invariants.ts';
import type { OffsetSyncFigures } from '../checker/offset-syncs.ts';
import type { KeyOrder } from '../checker/key-order.ts';
import type { MirrorRestarts } from '../checker/mirror-restarts.ts';
import type { ProducerClock } from '../checker/producer-clocks.ts';
import type { CatchUp } from '../checker/catch-up.ts';
import type { Ledger, LedgerCounts, LedgerSamples, PartitionCounts } from '../checker/ledger.ts';
import type { PhaseName } from '../history/history.ts';
import type { AtKill, FaultWindow } from '../checker/lag.ts';
import type { AggregateCheck, ThresholdCheck } from '../checker/verdict.ts';
import type { BoundCheck } from '../checker/evidence.ts';
import type { Attribution } from '../checker/attribution.ts';
import type { RoundTrip } from '../checker/round-trip.ts';
import type { AclFindings } from '../checker/acl-findings.ts';
import type { PropertyChange } from '../kafka/mm2-properties-file.ts';
import type { CellEvent } from '../checker/drill-events.ts';
import type { AlarmResult } from '../scenario/alarms.ts';
import type { WorkloadRate } from '../checker/workload-rate.ts';

export const SCHEMA_VERSION = 2;

/** `measured`: the cell ran and is consistent, but no threshold applied to it — nothing was gated. */
export type CellStatus = 'passed' | 'measured' | 'failed' | 'error' | 'interrupted';

export interface CellResult {
  /** Matrix cell id plus repetition, e.g. `mirror.policy=default#1`. */
  key: string;
  cellId: string;
  repetition: number;
  values: Record<string, string | number | boolean>;
  policy: string;
  /**
   * The Kafka releases the cell ran: its brokers' and MirrorMaker 2's (core/kafka/kafka-release.ts).
   * Absent in results written before it existed, and for external clusters.
   */
  releases?: { brokers: string; mirror: string };
  remoteTopics: string[];
  /** The mm2.properties MM2 ran with (bootstrap addresses included). */
  mirrorSettings: Record<string, string | number | boolean>;
  /**
   * The team's MM2 properties file the cell drilled (`mirror.propertiesFile`), and what of it the
   * drill changed in `mirrorSettings`; null without one (absent in results written before it existed).
   */
  propertiesFile?: PropertiesFileResult | null;
  status: CellStatus;
  error?: { code: string; message: string; detail?: string | undefined };
  counts: LedgerCounts | null;
  /** Kill → first delivery on the backup. */
  failoverGapMs: number | null;
  /** The configured wait before failing over (`failover.delaySeconds`), part of the gap. */
  failoverDelayMs: number | null;
  /** The gap minus the configured wait: what moving the consumer really took. */
  failoverRemainderMs: number | null;
  /** Cross-checks between independent records of the drill (consistency.ts). */
  consistency: Ledger['consistency'] | null;
  backupReadComplete: boolean;
  drainComplete: boolean;
  samples: LedgerSamples | null;
  /** The consumer classes per source `topic/partition`. */
  partitions: Record<string, PartitionCounts>;
  /** The expected bound of the failover strategy vs the measurement, with evidence (null without a failover). */
  expected: BoundCheck | null;
  /** Why the failover's duplicates and skips happened, per cause (null without a failover). */
  attribution: Attribution | null;
  /** The scenario's thresholds applied to this cell run. */
  checks: ThresholdCheck[];
  /** Replication lag and group-sync age at the last sample before the kill. */
  atKill: AtKill;
  /** Faults of the timeline, with start / end in ms from the cell's start (end null: healed at cleanup or never). */
  faults: (FaultWindow & { startMs: number; endMs: number | null })[];
  /**
   * The scenario's alarms on MM2's health (core/scenario/alarms.ts): each with when it first fired, its lead
   * over the kill, and its signal at the kill. Empty without alarms; absent in results written before them.
   */
  alarms?: AlarmResult[];
  /**
   * Replication per topic (core/checker/topic-replication.ts): the backup's lag in seconds and messages
   * up to the kill, and what never reached it. Absent in results written before it existed.
   */
  topics?: TopicReplication[];
  /**
   * Asked vs achieved rate per topic (core/checker/workload-rate.ts): what the workload was asked to
   * write, what its acks say it wrote over the producing window, and whether it fell below the asked
   * rate. Absent in results written before it existed.
   */
  workloadRates?: WorkloadRate[];
  /**
   * MM2's offset translation against the truth the ids give (core/checker/translation-accuracy.ts): per
   * checkpoint of the drill's group, downstream − the true equivalent of its upstream offset, in records.
   * Absent in results written before it existed.
   */
  translation?: TranslationAccuracy;
  /** MM2's invariants checked as oracles (core/checker/mm2-invariants.ts): a break is a finding about MM2. Absent in older results. */
  invariants?: InvariantCheck[];
  /**
   * MM2's offset syncs of the forward flow as the drill read them (core/checker/offset-syncs.ts): per
   * source partition, how many and their spacing. `read: 'unknown'`: not read (a team's MM2 between
   * external clusters); absent in older results.
   */
  offsetSyncs?: OffsetSyncFigures;
  /**
   * The order per key of a keyed workload across the failover (core/checker/key-order.ts):
   * nonmonotonic and poll-skip values, rewinds. Null: the workload was not keyed; absent in older results.
   */
  keyOrder?: KeyOrder | null;
  /**
   * MM2's restarts by the timeline (core/checker/mirror-restarts.ts): per restart its mode, downtime,
   * time to copy again and the replication duplicates it caused. Null: no restart; absent in older results.
   */
  restarts?: MirrorRestarts | null;
  /**
   * The producer hosts' clocks (`workload.hosts`, core/checker/producer-clocks.ts): per host segment
   * the offset its times were corrected by and its bound. Null: no host; absent in older results.
   */
  producerClocks?: ProducerClock[] | null;
  /**
   * Permissions across the failover (core/checker/acl-findings.ts): the workload's ACLs on each
   * cluster and when they arrived, each moved client's first refusal, the ids refused. Null: the
   * clusters were not secured; absent in older results.
   */
  acls?: AclFindings | null;
  /**
   * MM2's catch-up after each healed timeline fault (core/checker/catch-up.ts): the backlog, when it
   * copied again and caught up, and its copy rate while it had a backlog. Absent in older results.
   */
  catchUp?: CatchUp[];
  /** A playbook cell's round trip: eras, copies per cluster, stranded, resurrected, step timings (null: a timeline drill). */
  roundTrip: RoundTrip | null;
  /**
   * Paired variants (core/plan/pairing.ts): the environment this run shared — `environment` is the key
   * whose logs directory holds its container logs — and the keys of every variant in it. Null or
   * absent: the cell run had an environment of its own.
   */
  pairedRun?: PairedRun | null;
  /** Milliseconds from the cell's start to each phase. */
  phases: Partial<Record<PhaseName, number>>;
  /**
   * What happened when — steps, faults, the kill, the failover, the first delivery on the backup,
   * the drain's and the verification's end — with the wall clock (UTC) and ms from the cell start,
   * the origin of `phases` and `faults` (core/checker/drill-events.ts). Absent in results written before
   * it existed; `mm2-drill report` derives it from the history.
   */
  events?: CellEvent[];
  /**
   * `run --retry-errors` (core/results/retry.ts): this attempt ended in error and was run again;
   * the key of the attempt that replaced it (null: that attempt left no result). Kept, with its
   * error, but not counted in the verdict or the summary. Absent: the attempt counts.
   */
  retriedAs?: string | null;
  startedAt: string;
  /** From `startedAt` to the end: an environment started ahead includes its time before its turn (`ownDurationMs`). */
  durationMs: number;
}

/**
 * A cell run's own time: from its turn (`phases.turn`) to its end. An environment started ahead,
 * beside the drill before it (run/run-drill.ts), spent the time before its turn waiting, not drilling.
 */
export const ownDurationMs = (c: Pick<CellResult, 'durationMs' | 'phases'>): number => c.durationMs - (c.phases.turn ?? 0);

export interface Stat {
  median: number;
  min: number;
  max: number;
  /** Repetitions that measured this figure. */
  n: number;
  /** Repetitions where it was unknown (incomplete read) or the cell did not finish. */
  unknown: number;
}

export interface CellSummary {
  cellId: string;
  values: CellResult['values'];
  runs: number;
  passed: number;
  /** Runs that finished consistent with no threshold to pass (see CellStatus). */
  measured: number;
  figures: Record<'lost' | 'skipped' | 'unreached' | 'duplicated' | 'duplicatedByFailover' | 'extraDeliveries' | 'notReplicated' | 'acked', Stat | null> & { failoverGapMs: Stat | null };
  /**
   * Paired variants (core/plan/pairing.ts): this cell minus the first variant of its environment
   * (`baseline`), run by run — each difference taken within one environment, so both faced the
   * same kill. Null for the baseline itself and for cells never paired.
   */
  paired: PairedDifference | null;
  /**
   * The scenario's thresholds over repetitions (`{ duplicated: { median: '<=2000' } }`), judged over
   * this cell's repetitions (core/results/aggregate-checks.ts). Absent in results written before them.
   */
  checks?: AggregateCheck[];
}

export interface PairedDifference {
  /** The cell id every difference is taken against. */
  baseline: string;
  figures: Record<'lost' | 'skipped' | 'duplicated', Stat | null> & { failoverGapMs: Stat | null };
}

export interface PairedRun {
  environment: string;
  variants: string[];
}

export interface PropertiesFileResult {
  /** `mirror.propertiesFile` as the scenario gives it, relative to the scenario file; null: given inline (`mirror.propertiesText`). */
  path: string | null;
  /** The file's cluster aliases → the drill's clusters. */
  clusterAliases: Record<string, string>;
  /** Every property MM2 ran with differently from the file — replaced, left out or added — and why; null: MM2 never started. */
  changes: PropertyChange[] | null;
}

export interface RunResults {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'mm2-drill'; version: string };
  runId: string;
  scenario: { name: string; file: string; description: string };
  status: CellStatus | 'running';
  startedAt: string;
  finishedAt: string | null;
  environment: { kafkaImage: string; kafkaVersion: string; toxiproxyImage: string; node: string; platform: string };
  /** The share of the run's environments this run directory holds (`run --shard k/n`, core/plan/shard.ts); null or absent: all of them. */
  shard?: { index: number; total: number } | null;
  /** The run ids of the shards `merge` combined into this run; absent for a run made by `run`. */
  mergedFrom?: string[];
  /** Every cell run, repetitions included. */
  cells: CellResult[];
  /** Per matrix cell across repetitions: median and min–max of each figure. */
  summary: CellSummary[];
}

/** Whether a cell run finished (passed, measured or failed its checks): only then are its figures measured. */
export const finished = (c: Pick<CellResult, 'status'>): boolean => c.status === 'passed' || c.status === 'measured' || c.status === 'failed';

/** Whether a cell run counts toward the verdict and the statistics: an attempt a retry replaced does not (core/results/retry.ts). */
export const counted = (c: Pick<CellResult, 'retriedAs'>): boolean => c.retriedAs === undefined;

/**
 * The run's status from its cells and the thresholds over their repetitions: the worst one wins;
 * `passed` needs at least one gated cell or threshold over repetitions (a run where no threshold
 * applied anywhere is `measured`). An attempt a retry replaced does not count (core/results/retry.ts).
 */
export function runStatus(all: readonly CellResult[], interrupted: boolean, summary: readonly Pick<CellSummary, 'checks'>[] = []): RunResults['status'] {
  const cells = all.filter(counted);
  if (interrupted || cells.some((c) => c.status === 'interrupted')) return 'interrupted';
  if (cells.some((c) => c.status === 'error')) return 'error';
  const overRepetitions = summary.flatMap((s) => s.checks ?? []);
  if (cells.some((c) => c.status === 'failed') || overRepetitions.some((x) => x.verdict !== 'pass')) return 'failed';
  return cells.some((c) => c.status === 'passed') || overRepetitions.length ? 'passed' : 'measured';
}
