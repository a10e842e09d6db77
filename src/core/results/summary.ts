/** Per-cell summaries across repetitions: median and min–max of each figure. */
import type { Count, LedgerCounts } from '../checker/ledger.ts';
import { counted, finished, type CellResult, type CellSummary, type PairedDifference, type Stat } from './results.ts';
import type { Thresholds } from '../scenario/thresholds.ts';
import { judgeAggregates } from './aggregate-checks.ts';

export function stat(xs: readonly Count[], total: number): Stat | null {
  const known = xs.filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  if (known.length === 0) return null;
  const mid = Math.floor(known.length / 2);
  const median = known.length % 2 ? known[mid]! : (known[mid - 1]! + known[mid]!) / 2;
  return { median, min: known[0]!, max: known[known.length - 1]!, n: known.length, unknown: total - known.length };
}


/** Each run of a paired cell minus the baseline run of its environment, per figure. */
function pairedDifference(runs: readonly CellResult[], byKey: ReadonlyMap<string, CellResult>): PairedDifference | null {
  const pairs = runs.flatMap((c) => {
    const base = c.pairedRun ? byKey.get(c.pairedRun.variants[0]!) : undefined;
    return base && base.cellId !== c.cellId && finished(c) && finished(base) ? [[c, base] as const] : [];
  });
  const first = pairs[0];
  if (!first) return null;
  const diff = (f: (c: CellResult) => Count | null | undefined) => stat(pairs.map(([c, b]) => {
    const x = f(c);
    const y = f(b);
    return typeof x === 'number' && typeof y === 'number' ? x - y : 'unknown';
  }), runs.length);
  return {
    baseline: first[1].cellId,
    figures: { lost: diff((c) => c.counts?.lost), skipped: diff((c) => c.counts?.skipped), duplicated: diff((c) => c.counts?.duplicated), failoverGapMs: diff((c) => c.failoverGapMs) },
  };
}

/**
 * `thresholdsOf`: a matrix cell's thresholds, whose checks over repetitions are judged here (none
 * without it). An attempt a retry replaced is left out (core/results/retry.ts).
 */
export function summarize(all: readonly CellResult[], thresholdsOf?: (cellId: string) => Thresholds | undefined): CellSummary[] {
  const cells = all.filter(counted);
  const byCell = Map.groupBy(cells, (c) => c.cellId);
  const byKey = new Map(cells.map((c) => [c.key, c]));
  return [...byCell].map(([cellId, runs]) => {
    const done = runs.filter(finished);
    const fig = (k: keyof LedgerCounts) => stat(done.map((c) => c.counts?.[k] ?? 'unknown'), runs.length);
    return {
      cellId,
      values: runs[0]!.values,
      runs: runs.length,
      passed: runs.filter((c) => c.status === 'passed').length,
      measured: runs.filter((c) => c.status === 'measured').length,
      figures: {
        acked: fig('acked'),
        lost: fig('lost'),
        skipped: fig('skipped'),
        unreached: fig('unreached'),
        duplicated: fig('duplicated'),
        duplicatedByFailover: fig('duplicatedByFailover'),
        extraDeliveries: fig('extraDeliveries'),
        notReplicated: fig('notReplicated'),
        failoverGapMs: stat(done.map((c) => c.failoverGapMs ?? 'unknown'), runs.length),
      },
      paired: pairedDifference(runs, byKey),
      checks: judgeAggregates(thresholdsOf?.(cellId) ?? {}, runs[0]!.values, runs),
    };
  });
}

/** "66" for one run or equal runs, "66 (52–80)" for a spread, "unknown" when nothing was measured. */
export function formatStat(s: Stat | null, digits = 0): string {
  if (!s) return 'unknown';
  const f = (x: number) => x.toFixed(digits);
  const spread = s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
  return s.unknown > 0 ? `${spread} +${s.unknown}?` : spread;
}

/** "+12 (−3–+40)": a paired difference, signed (see formatStat). */
export function formatDelta(s: Stat | null, digits = 0): string {
  if (!s) return 'unknown';
  const f = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(digits)}`;
  const spread = s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}…${f(s.max)})`;
  return s.unknown > 0 ? `${spread} +${s.unknown}?` : spread;
}

/** A paired column's text: the difference of one figure (formatDelta), or "—" for an unpaired cell or the baseline. */
export function pairedText(p: PairedDifference | null, figure: 'lost' | 'skipped' | 'duplicated'): string {
  return p ? formatDelta(p.figures[figure]) : '—';
}

/** "3/3 passed", "2 measured (not gated)", "2/3 passed, 1 measured". */
export function runsText(s: Pick<CellSummary, 'runs' | 'passed' | 'measured'>): string {
  if (s.measured === 0) return `${s.passed}/${s.runs} passed`;
  if (s.passed === 0 && s.measured === s.runs) return `${s.runs} measured (not gated)`;
  return `${s.passed}/${s.runs} passed, ${s.measured} measured`;
}
