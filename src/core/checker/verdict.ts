/** Verdicts are three-valued: a figure that could not be measured is unknown, never a pass. */
import type { AggregateStatistic, FigureName } from '../scenario/thresholds.ts';

export type Verdict = 'pass' | 'fail' | 'unknown';


/** A threshold judged on one cell run: the figure, the expression it must satisfy, the value, the verdict. */
export interface ThresholdCheck {
  figure: FigureName;
  expression: string;
  value: number | null;
  verdict: Verdict;
}

/**
 * A threshold over repetitions judged on a matrix cell: `value` is the statistic over the figure
 * of every counted repetition (null, and the verdict unknown, when a repetition did not finish or
 * could not measure it: a statistic of the others would be a guess).
 */
export interface AggregateCheck extends ThresholdCheck {
  over: AggregateStatistic;
  /** The repetitions it was judged over, and how many of them did not measure the figure. */
  runs: number;
  unknown: number;
}
