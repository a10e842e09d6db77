/**
 * Thresholds over repetitions (core/scenario/thresholds.ts, e.g. `duplicated: { median: '<=2000' }`)
 * judged on a matrix cell: the statistic over the figure of each of its counted repetitions, each
 * value taken as a per-repetition threshold takes it (threshold-checks.ts `figureValue`). A
 * repetition that did not finish, or could not measure the figure, makes the statistic unknown:
 * the median of the others would be a guess, and an unknown check does not pass.
 */
import { aggregatesFor, type AggregateStatistic, type Thresholds } from '../scenario/thresholds.ts';
import { holds } from '../scenario/comparison.ts';
import type { AggregateCheck } from '../checker/verdict.ts';
import { finished, type CellResult } from './results.ts';
import { figureValue } from './threshold-checks.ts';

/** The statistic of known values (at least one). */
export function statistic(over: AggregateStatistic, xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  switch (over) {
    case 'min': return sorted[0]!;
    case 'max': return sorted[sorted.length - 1]!;
    case 'mean': return sorted.reduce((a, x) => a + x, 0) / sorted.length;
    default: return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
}

/** The thresholds over repetitions of one matrix cell, judged on its counted repetitions (`runs`). */
export function judgeAggregates(t: Thresholds, values: CellResult['values'], runs: readonly CellResult[]): AggregateCheck[] {
  return aggregatesFor(t, values).map(([figure, over, expr]) => {
    const known = runs.flatMap((c) => {
      const v = finished(c) ? figureValue(c, figure) : null;
      return v === null ? [] : [v];
    });
    const unknown = runs.length - known.length;
    const value = unknown === 0 && known.length > 0 ? statistic(over, known) : null;
    return { figure, over, expression: expr.trim(), value, verdict: value === null ? 'unknown' : holds(value, expr) ? 'pass' : 'fail', runs: runs.length, unknown };
  });
}
