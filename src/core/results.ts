/**
 * results.json: the versioned report model. Renderers read only this (and the history).
 * Bump `schemaVersion` on any incompatible change.
 */
import type { Ledger, LedgerCounts, LedgerSamples, PartitionCounts } from './ledger.ts';
import type { PhaseName } from './history.ts';
import type { CellSummary } from './summary.ts';
import type { AtKill, FaultWindow } from './lag.ts';
import type { Check } from './thresholds.ts';
import type { BoundCheck } from './evidence.ts';

export const SCHEMA_VERSION = 1;

export type CellStatus = 'passed' | 'failed' | 'error' | 'interrupted';

export interface CellResult {
  /** Matrix cell id plus repetition, e.g. `mirror.policy=default#1`. */
  key: string;
  cellId: string;
  repetition: number;
  values: Record<string, string | number | boolean>;
  policy: string;
  remoteTopics: string[];
  /** The mm2.properties MM2 ran with (bootstrap addresses included). */
  mirrorSettings: Record<string, string | number | boolean>;
  status: CellStatus;
  error?: { code: string; message: string; detail?: string | undefined };
  counts: LedgerCounts | null;
  failoverGapMs: number | null;
  invariant: Ledger['invariant'] | null;
  backupReadComplete: boolean;
  drainComplete: boolean;
  samples: LedgerSamples | null;
  /** The consumer classes per source `topic/partition`. */
  partitions: Record<string, PartitionCounts>;
  /** The expected bound of the failover strategy vs the measurement, with evidence (null without a failover). */
  expected: BoundCheck | null;
  /** The scenario's thresholds applied to this cell run. */
  checks: Check[];
  /** Replication lag and group-sync age at the last sample before the kill. */
  atKill: AtKill;
  /** Faults of the timeline, with start / end in ms from the cell's start (end null: healed at cleanup or never). */
  faults: (FaultWindow & { startMs: number; endMs: number | null })[];
  /** Milliseconds from the cell's start to each phase. */
  phases: Partial<Record<PhaseName, number>>;
  startedAt: string;
  durationMs: number;
}

export interface RunResults {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'mm2-drill'; version: string };
  runId: string;
  scenario: { name: string; file: string; description: string };
  status: 'passed' | 'failed' | 'error' | 'interrupted' | 'running';
  startedAt: string;
  finishedAt: string | null;
  environment: { kafkaImage: string; kafkaVersion: string; toxiproxyImage: string; node: string; platform: string };
  /** Every cell run, repetitions included. */
  cells: CellResult[];
  /** Per matrix cell across repetitions: median and min–max of each figure. */
  summary: CellSummary[];
}

/** The run's status from its cells: the worst one wins. */
export function runStatus(cells: readonly CellResult[], interrupted: boolean): RunResults['status'] {
  if (interrupted || cells.some((c) => c.status === 'interrupted')) return 'interrupted';
  if (cells.some((c) => c.status === 'error')) return 'error';
  if (cells.some((c) => c.status === 'failed')) return 'failed';
  return 'passed';
}
