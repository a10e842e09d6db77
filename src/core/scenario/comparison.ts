/**
 * The comparison a threshold or an alarm is written in: `"==0"`, `"<=500"`, `">10"`. One grammar
 * for both, so a figure gated after the drill and a signal watched during it read the same way.
 */
import { z } from 'zod';

const PATTERN = /^\s*(==|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export const comparisonSchema = z.string().regex(PATTERN, 'a comparison like "==0", "<=500" or ">10"')
  .describe('A comparison: `==`, `!=`, `<=`, `>=`, `<` or `>` and a number, e.g. `"<=500"`.');

/** The operator and the bound as written ("500", not 500: a report shows them as the scenario gave them); null: not a comparison. */
export function parseComparison(comparison: string): { operator: string; bound: string } | null {
  const m = PATTERN.exec(comparison);
  return m ? { operator: m[1]!, bound: m[2]! } : null;
}

/** Whether `value` satisfies the comparison (which the schema has validated). */
export function holds(value: number, comparison: string): boolean {
  const m = parseComparison(comparison);
  if (!m) throw new Error(`not a comparison: ${comparison}`);
  const bound = Number(m.bound);
  switch (m.operator) {
    case '==': return value === bound;
    case '!=': return value !== bound;
    case '<=': return value <= bound;
    case '>=': return value >= bound;
    case '<': return value < bound;
    default: return value > bound;
  }
}
