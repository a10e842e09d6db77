/**
 * The contexts of the run layer, types only: what a cell run is given (`CellContext`), what one
 * environment of paired variants is given (`UnitContext`), and what every part of a running
 * drill shares (`DrillContext`, with its `Lane`s and its `ClusterAdmins`).
 *
 * They live here, apart from the code that builds or uses them (run/run-cell.ts,
 * run/playbook/drill-context.ts, run/playbook/lane.ts), so that every file of src/run imports its contexts from
 * one place and none reaches into another's implementation for a type: the run layer has no
 * import cycle, type imports included. This file imports only from src/core, src/adapters and
 * two leaves of the run layer (run/progress.ts, run/supervisor.ts): it must never import a file
 * that imports it.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { PhaseClock } from '../core/history/history.ts';
import type { Cell } from '../core/plan/matrix.ts';
import type { Cluster, MirrorSpec } from '../core/scenario/playbook.ts';
import type { Scenario } from '../core/scenario/scenario.ts';
import type { RunningConsumer } from '../adapters/clients/consumer.ts';
import type { PreparedPolicy } from '../adapters/containers/custom-policy.ts';
import type { DrillEnvironment } from '../adapters/containers/environment.ts';
import type { ResolvedImages } from '../adapters/containers/images.ts';
import type { CellRecorder, HistoryRecorder } from '../adapters/recorder.ts';
import type { Progress } from './progress.ts';
import type { Supervisor } from './supervisor.ts';

export interface CellContext {
  readonly cell: Cell;
  readonly repetition: number;
  /** 1, or the retry's attempt after a cell run in error (`run --retry-errors`, core/results/retry.ts). */
  readonly attempt?: number;
  readonly runId: string;
  readonly runDir: string;
  /** The scenario file's directory (external clusters' commands run there). */
  readonly scenarioDir: string;
  readonly images: ResolvedImages;
  readonly policy: PreparedPolicy;
  readonly labels: Record<string, string>;
  readonly history: HistoryRecorder;
  readonly progress: Progress;
  readonly signal: AbortSignal;
  /** Leave this cell's environment running (and report how to reach it). */
  readonly keep: boolean;
  readonly onKept?: (env: DrillEnvironment) => void;
}

/**
 * One environment: the variants it holds (one cell when unpaired, core/plan/pairing.ts) for one
 * repetition, and each variant's side (its backup and MM2; absent: all on one).
 */
export type UnitContext = Omit<CellContext, 'cell'> & { readonly cells: readonly Cell[]; readonly sides?: readonly number[] };

/** What a lane is made of: the variant's cell context, its history, its phase clock and its side (index into `DrillContext.sides`). */
export interface LaneSpec {
  readonly ctx: CellContext;
  readonly rec: CellRecorder;
  readonly phase: PhaseClock;
  readonly side: number;
}

/** One variant's consumer group in a running drill (run/playbook/lane.ts builds it). */
export interface Lane extends LaneSpec {
  readonly scenario: Scenario;
  readonly groupId: string;
  /** `[cell#repetition]`, the prefix of this lane's progress lines. */
  readonly label: string;
  readonly consumerOn: { cluster: Cluster; run: RunningConsumer } | null;
  /** Settles once the consumer that starts late has started (or was not needed); rejects if its start failed. */
  readonly joined: Promise<unknown>;
  /** Starts the lane's consumer on the primary after its start delay, supervised; `what` names it in a failure. */
  join(what: string): void;
  startConsuming(c: Cluster, groupId: string, fromBeginning: boolean): Promise<RunningConsumer>;
  /** Starts the warm standby member of the group on the backup, if the scenario has one (`failover.standbyOnBackup`). */
  startStandby(admin: Admin): Promise<void>;
  /** The standby, if any, leaves the group (once the failover consumer joined it). */
  handOver(): Promise<void>;
  /** Takes over a consumer started elsewhere (a failover strategy starts its own). */
  adoptConsumer(c: Cluster, run: RunningConsumer): void;
  /** Stops the consumer; `abandon`: without awaiting it (its cluster is killed), `settle()` awaits it later. */
  stopConsuming(abandon?: boolean): Promise<void>;
  /** Awaits the final positions of the consumers abandoned so far. */
  settle(): Promise<void>;
  /** Awaits the kafkajs clients of the consumers abandoned so far being gone. */
  closed(): Promise<void>;
  stop(): Promise<void>;
}

/** The harness's admin clients, on the never-faulted ADMIN path (run/playbook/drill-context.ts builds them). */
export interface ClusterAdmins {
  /** A client for the cluster's ADMIN path (readers and seeding build their consumers and producers from it). */
  client(c: Cluster): Kafka;
  get(c: Cluster): Admin;
  /** A fresh client (after a restore the old one's connections and metadata are stale). */
  renew(c: Cluster): Promise<void>;
  close(): Promise<void>;
}

/**
 * One side of a running drill (core/plan/pairing.ts): a backup cluster and the MM2 copying the
 * primary into it, as the environment `env` its lanes see (adapters/containers/environment.ts
 * `sideOf`), the harness's admin clients for it, the topics holding the scenario's messages on
 * each cluster as its lanes read them, and a recorder writing to each of its lanes' histories —
 * and only theirs: what happens on a backup or in its MM2 is no other side's. A drill has one
 * side unless its variants differ in MM2's settings; then `DrillContext`'s env, admins and views
 * are the first side's.
 */
export interface DrillSide {
  readonly env: DrillEnvironment;
  readonly admins: ClusterAdmins;
  readonly rec: CellRecorder;
  readonly lanes: readonly Lane[];
  views(c: Cluster): Promise<string[]>;
}

/**
 * What every part of a running drill shares: the environment, the history of what is shared (in
 * every lane's history: `rec` and `phase` write to all of them), the lanes — one per variant's
 * consumer group — the supervisor of its background tasks, and the harness's own admin clients
 * (renewed when a cluster is restored), plus the topics that hold the scenario's messages on each
 * cluster. `ctx` is the first lane's: the environment's settings are every lane's.
 */
export interface DrillContext {
  readonly ctx: CellContext;
  readonly env: DrillEnvironment;
  readonly rec: CellRecorder;
  readonly phase: PhaseClock;
  readonly sup: Supervisor;
  /** The scenario's own playbook (true) or the default one (false). */
  readonly explicit: boolean;
  readonly admins: ClusterAdmins;
  /** The consumer groups, one per variant (one when unpaired). */
  readonly lanes: readonly Lane[];
  /** The backups and their MM2s, each with its lanes (one side unless variants differ in MM2's settings). */
  readonly sides: readonly DrillSide[];
  /** The topics holding the scenario's messages on a cluster (core/scenario/playbook.ts `viewsOn`); the default playbook reads the remote topics MM2 created. */
  views(c: Cluster): Promise<string[]>;
  policyOf(m: MirrorSpec): string;
}
