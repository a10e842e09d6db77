/** Verdicts are three-valued: a figure that could not be measured is unknown, never a pass. */
import type { FigureName } from '../scenario/thresholds.ts';

export type Verdict = 'pass' | 'fail' | 'unknown';


/** A threshold judged on one cell run: the figure, the expression it must satisfy, the value, the verdict. */
export interface ThresholdCheck {
  figure: FigureName;
  expression: string;
  value: number | null;
  verdict: Verdict;
}
