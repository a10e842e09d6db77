/**
 * `mm2-drill compare`: two runs of one scenario side by side — A the baseline (last quarter's
 * drill), B the run after — per matrix cell present in both, every figure the thresholds can gate
 * (threshold-checks.ts `figureValue`, one definition of each figure) and the failover's duplicates
 * and skips per cause (`attribution`), with the change B − A and whether that change is beyond
 * the spread of the repetitions.
 *
 * Beyond the spread, precisely: both sides have at least two repetitions that measured the figure,
 * B's median lies outside [min, max] of A's repetitions, AND A's median lies outside [min, max] of
 * B's. With fewer than two measured repetitions on a side its spread is unknown: the change is
 * reported as "spread unknown" and never flagged — one run cannot tell a change from noise.
 */
import { DrillError } from '../errors.ts';
import { figureNames, type FigureName } from '../scenario/thresholds.ts';
import type { Cause } from '../scenario/failover-causes.ts';
import { counted, finished, type CellResult, type RunResults, type Stat } from './results.ts';
import { stat } from './summary.ts';
import { figureValue } from './threshold-checks.ts';

/**
 * Which way a figure gets worse: most are losses, delays or duplicates; an alarm's lead is better
 * longer, as is a workload that kept up with its asked rate; the workload's size is neither, and
 * so is MM2's largest translation error (closer to zero from behind means fewer duplicates, above
 * zero means skips: no one direction).
 */
const direction: Partial<Record<FigureName, 'higher-better' | 'neutral'>> = {
  acked: 'neutral',
  translationAheadMax: 'neutral',
  achievedRateRatio: 'higher-better',
  exactlyOnce: 'neutral',
  alarmsFired: 'neutral',
  heartbeatAlarmLeadSeconds: 'higher-better',
  replicatedHeartbeatAlarmLeadSeconds: 'higher-better',
  checkpointAlarmLeadSeconds: 'higher-better',
  offsetSyncAlarmLeadSeconds: 'higher-better',
};

/** A figure's direction; the duplicates and skips of a cause, like every count of the ledger, are better fewer. */
export const directionOf = (f: string): 'lower-better' | 'higher-better' | 'neutral' => direction[f as FigureName] ?? 'lower-better';

/** A row's name for the failover's duplicates or skips of one cause: `duplicated by sync-lag`. */
export const causeFigure = (kind: 'duplicates' | 'skips', cause: Cause): string => `${kind === 'duplicates' ? 'duplicated' : 'skipped'} by ${cause}`;

/**
 * The failover's duplicates or skips of one cause in a cell run (core/checker/attribution.ts);
 * null when the run has no attribution, the strategy makes no such part, or its count is unknown.
 */
function causeValue(c: CellResult, kind: 'duplicates' | 'skips', cause: Cause): number | null {
  const m = c.attribution?.[kind].parts.find((p) => p.cause === cause)?.messages;
  return typeof m === 'number' ? m : null;
}

/**
 * - `spread-unknown`: a side has fewer than two measured repetitions;
 * - `within-spread`: the medians do not both fall outside the other side's range;
 * - `better` / `worse` / `changed` (a neutral figure): beyond the spread, that way;
 * - `unknown`: a side measured the figure in no repetition.
 */
export type CompareFlag = 'unknown' | 'spread-unknown' | 'within-spread' | 'better' | 'worse' | 'changed';

export interface FigureComparison {
  /** A figure of the thresholds (`duplicated`), or the failover's duplicates or skips of a cause (`duplicated by sync-lag`). */
  figure: string;
  a: Stat | null;
  b: Stat | null;
  /** B's median minus A's (null: a side is unknown). */
  change: number | null;
  flag: CompareFlag;
}

export interface CellComparison {
  cellId: string;
  values: CellResult['values'];
  /** Repetitions per side (an attempt a retry replaced is not one; one that did not finish is, its figures unknown). */
  runs: { a: number; b: number };
  figures: FigureComparison[];
}

export interface RunComparison {
  scenario: string;
  a: { runId: string; startedAt: string; status: RunResults['status'] };
  b: { runId: string; startedAt: string; status: RunResults['status'] };
  cells: CellComparison[];
  /** Matrix cells present in one run only (by their values). */
  onlyInA: string[];
  onlyInB: string[];
  /** Figures that got worse beyond the spread, as `cellId: figure` (what `--fail-on-regression` gates on). */
  regressions: string[];
}

/** A matrix cell's identity across runs: its values, key order aside (a cell id is built from the same values). */
const identity = (values: CellResult['values']): string => JSON.stringify(Object.entries(values).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));

const within = (x: number, s: Stat) => x >= s.min && x <= s.max;

/** The flag of one figure (see the module's docblock). */
export function flagOf(figure: string, a: Stat | null, b: Stat | null): CompareFlag {
  if (!a || !b) return 'unknown';
  if (a.n < 2 || b.n < 2) return 'spread-unknown';
  if (within(b.median, a) || within(a.median, b)) return 'within-spread';
  const dir = directionOf(figure);
  if (dir === 'neutral') return 'changed';
  const higher = b.median > a.median;
  return higher === (dir === 'lower-better') ? 'worse' : 'better';
}

/**
 * A figure's stat over a cell's runs, as the summary takes it (summary.ts): the finished runs'
 * values; a run that did not finish or measure it is counted `unknown`. Null: none measured it.
 */
const figureStat = (runs: readonly CellResult[], value: (c: CellResult) => number | null): Stat | null =>
  stat(runs.filter(finished).map((c) => value(c) ?? 'unknown'), runs.length);

/** Two runs' results compared (A before, B after). Refuses runs of different scenarios. */
export function compareRuns(a: RunResults, b: RunResults): RunComparison {
  if (a.scenario.name !== b.scenario.name) {
    throw new DrillError('COMPARE_MISMATCH', `the runs drilled different scenarios: "${a.scenario.name}" (${a.runId}) and "${b.scenario.name}" (${b.runId})`, {
      fix: 'compare two run directories of the same scenario, e.g. results/<scenario>/<last quarter> and results/<scenario>/<this quarter>',
    });
  }
  const group = (r: RunResults) => Map.groupBy(r.cells.filter(counted), (c) => identity(c.values));
  const ga = group(a);
  const gb = group(b);
  const cells: CellComparison[] = [];
  for (const [id, runsA] of ga) {
    const runsB = gb.get(id);
    if (!runsB) continue;
    // The causes either run attributed duplicates or skips to, in the order they first appear.
    const causeRows = [...new Set([...runsA, ...runsB].flatMap((c) => (['duplicates', 'skips'] as const).flatMap((kind) =>
      (c.attribution?.[kind].parts ?? []).map((p) => `${kind}/${p.cause}`))))].map((k) => k.split('/') as ['duplicates' | 'skips', Cause]);
    const rows: [string, (c: CellResult) => number | null][] = [
      ...figureNames.map((f): [string, (c: CellResult) => number | null] => [f, (c) => figureValue(c, f)]),
      ...causeRows.map(([kind, cause]): [string, (c: CellResult) => number | null] => [causeFigure(kind, cause), (c) => causeValue(c, kind, cause)]),
    ];
    const figures = rows.flatMap(([f, value]): FigureComparison[] => {
      const sa = figureStat(runsA, value);
      const sb = figureStat(runsB, value);
      // A figure neither run measured (a round trip's in a timeline drill, an alarm's without alarms) is not a row.
      if (!sa && !sb) return [];
      return [{ figure: f, a: sa, b: sb, change: sa && sb ? sb.median - sa.median : null, flag: flagOf(f, sa, sb) }];
    });
    cells.push({ cellId: runsA[0]!.cellId, values: runsA[0]!.values, runs: { a: runsA.length, b: runsB.length }, figures });
  }
  const only = (x: Map<string, CellResult[]>, y: Map<string, CellResult[]>) => [...x].filter(([id]) => !y.has(id)).map(([, runs]) => runs[0]!.cellId);
  return {
    scenario: a.scenario.name,
    a: { runId: a.runId, startedAt: a.startedAt, status: a.status },
    b: { runId: b.runId, startedAt: b.startedAt, status: b.status },
    cells,
    onlyInA: only(ga, gb),
    onlyInB: only(gb, ga),
    regressions: cells.flatMap((c) => c.figures.filter((f) => f.flag === 'worse').map((f) => `${c.cellId}: ${f.figure}`)),
  };
}
