/**
 * Matrix expansion: each dimension is a dotted path into the scenario and a list of values;
 * the cells are their cartesian product, each re-validated as a full scenario so a bad value
 * is reported with its path before anything starts.
 */
import { DrillError } from './errors.ts';
import { checkCellRuns, matrixCells } from './matrix-size.ts';
import type { Scenario, ScenarioInput } from './scenario.ts';
import { thresholdScopeProblems } from './threshold-scope.ts';
import { parseScenario } from './validate.ts';
import { matrixValueLabel } from './redaction.ts';

export type MatrixValue = string | number | boolean;

export interface Cell {
  /** Stable, file-name-safe id, e.g. `mirror.policy=default`. */
  readonly id: string;
  /** The dimension values of this cell, in dimension order. */
  readonly values: Readonly<Record<string, MatrixValue>>;
  /** The full scenario of this cell (matrix applied, defaults filled). */
  readonly scenario: Scenario;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Returns a copy of `obj` with `value` at the dotted `path` (`timeline.0.at` indexes arrays),
 * creating objects on the way.
 */
export function setPath<T extends Record<string, unknown> | unknown[]>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  if (!head) throw new DrillError('SCENARIO_INVALID', `matrix: empty path "${path}"`);
  const child: unknown = (obj as Record<string, unknown>)[head];
  const next = rest.length === 0 ? value : setPath(isPlainObject(child) || Array.isArray(child) ? child : {}, rest.join('.'), value);
  if (Array.isArray(obj)) {
    const copy = [...obj];
    copy[Number(head)] = next;
    return copy as T;
  }
  return { ...obj, [head]: next };
}

const cartesian = <T>(lists: readonly (readonly T[])[]): T[][] =>
  lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);

const checkValue = (path: string, v: unknown): MatrixValue => {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new DrillError('SCENARIO_INVALID', `matrix.${path}: values must be strings, numbers or booleans (found ${JSON.stringify(v)})`);
};

export interface ExpandOptions {
  /** Expand even a matrix of more than MAX_CELL_RUNS cell runs (`--force`). */
  readonly force?: boolean | undefined;
  /**
   * Completes the base input and each cell's before it is validated: the loader adds what only
   * files tell (the text of a cell's `mirror.propertiesFile`), as the core reads no files.
   */
  readonly prepare?: ((input: ScenarioInput) => ScenarioInput) | undefined;
}

export function expandMatrix(input: ScenarioInput, source: string, opts: ExpandOptions = {}): Cell[] {
  const prepare = opts.prepare ?? ((x: ScenarioInput) => x);
  const base = parseScenario(prepare(input), source); // reports base-scenario errors once, not per cell
  const dims = Object.entries(base.matrix).map(([path, vals]) => [path, vals.map((v) => checkValue(path, v))] as const);
  const { cells: count, breakdown } = matrixCells(dims);
  checkCellRuns(count, breakdown, base.repeat, opts.force ?? false);
  const { matrix: _ignored, ...rest } = input as Record<string, unknown>;
  const cells = cartesian(dims.map(([, vals]) => vals)).map((combo) => {
    const values = Object.fromEntries(dims.map(([path], i) => [path, combo[i] as MatrixValue]));
    const applied = Object.entries(values).reduce<Record<string, unknown>>((acc, [p, v]) => setPath(acc, p, v), rest);
    // A secret (a password, a command with a token) never goes into an id: ids name directories and fill reports.
    const id = Object.entries(values).map(([p, v], i) => `${p}=${matrixValueLabel(p, v, dims[i]![1].indexOf(v))}`).join(',') || 'default';
    const scenario = parseScenario(prepare({ ...applied, matrix: base.matrix } as ScenarioInput), `${source} (cell ${id})`);
    return { id, values, scenario };
  });
  const problems = thresholdScopeProblems(base.thresholds, dims, cells.map((c) => c.values));
  if (problems.length) {
    throw new DrillError('SCENARIO_INVALID', `${source} is not a valid scenario:\n  - ${problems.join('\n  - ')}`, {
      fix: 'make each `when` name a matrix dimension (its path or last part) with one of its values, or remove that group',
    });
  }
  return cells;
}
