/**
 * Checks that every `when` of the thresholds can apply: a `when` that names no matrix dimension
 * (a typo, a dimension removed by `--set`) or matches no cell would silently gate nothing, and a
 * CI job would stay green without checking what it was written to check.
 */
import { checksFor, figureNames, type Thresholds } from './thresholds.ts';
import { formatPath } from './validate.ts';

type Values = Readonly<Record<string, string | number | boolean>>;

/** Whether a `when` applies to the cell with these matrix values, by thresholds.ts's own rule. */
const applies = (when: Values, values: Values): boolean =>
  checksFor([{ when: { ...when }, checks: { [figureNames[0]]: '==0' } }], values).length > 0;

/** Whether `key` names the dimension `path` (the path itself or its last parts), by the same rule. */
const names = (key: string, path: string, values: readonly (string | number | boolean)[]): boolean =>
  values.some((v) => applies({ [key]: v }, { [path]: v }));

const list = (vals: readonly unknown[]) => vals.map((v) => JSON.stringify(v)).join(', ');

/**
 * One line per `when` that cannot apply, as `thresholds[i].when…: problem`. `dims` are the
 * matrix dimensions with their values, `cells` the matrix values of every cell.
 */
export function thresholdScopeProblems(t: Thresholds, dims: readonly (readonly [string, readonly (string | number | boolean)[]])[], cells: readonly Values[]): string[] {
  if (!Array.isArray(t)) return [];
  const available = dims.length ? `the matrix dimensions are ${dims.map(([p, vals]) => `${p} (${list(vals)})`).join('; ')}` : 'the scenario has no matrix';
  return t.flatMap((group, i) => {
    const unknown = Object.keys(group.when).filter((k) => !dims.some(([p, vals]) => names(k, p, vals)));
    if (unknown.length) {
      return unknown.map((k) => `${formatPath(['thresholds', i, 'when', k])}: names no matrix dimension, so these checks would apply to no cell; ${available}`);
    }
    if (cells.some((c) => applies(group.when, c))) return [];
    return [`thresholds[${i}].when: ${JSON.stringify(group.when)} matches no cell of the matrix, so these checks would apply to none; ${available}`];
  });
}
