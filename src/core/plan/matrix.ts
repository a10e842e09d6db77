/**
 * Matrix expansion: each dimension is a dotted path into the scenario and a list of values;
 * the cells are their cartesian product, each re-validated as a full scenario so a bad value
 * is reported with its path before anything starts.
 */
import { DrillError } from '../errors.ts';
import { checkCellRuns, matrixCells } from './matrix-size.ts';
import type { Scenario, ScenarioInput } from '../scenario/scenario.ts';
import { thresholdScopeProblems, unmeasurableChecks } from '../scenario/threshold-scope.ts';
import { parseScenario } from '../scenario/validate.ts';
import { plainData } from '../scenario/plain-data.ts';
import { matrixValueLabel } from '../redaction.ts';
import { scenarioPathKeys } from './scenario-path.ts';

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
 * creating objects on the way. Its keys are the scenario's (scenario-path.ts): the name of a
 * property in `mirror.properties` is one key, dots and all.
 */
export function setPath<T extends Record<string, unknown> | unknown[]>(obj: T, path: string, value: unknown): T {
  return setKeys(obj, scenarioPathKeys(path), value, path);
}

function setKeys<T extends Record<string, unknown> | unknown[]>(obj: T, keys: readonly string[], value: unknown, whole: string): T {
  const [head, ...rest] = keys;
  if (!head) throw new DrillError('SCENARIO_INVALID', `matrix: empty path "${whole}"`);
  // `timeline.-1.at` or `timeline.x.at` would set a property no validation looks at: silently ignored.
  if (Array.isArray(obj) && !(/^\d+$/.test(head) && Number(head) <= obj.length)) {
    throw new DrillError('SCENARIO_INVALID', `"${whole}": "${head}" is not an index of a list of ${obj.length} item(s)`, {
      fix: obj.length ? `use an index from 0 to ${obj.length - 1} (or ${obj.length} to add an item)` : 'use index 0 to add the first item',
    });
  }
  const child: unknown = (obj as Record<string, unknown>)[head];
  // A missing list (`timeline.0.at` on a scenario without a timeline) is made a list, so its index is checked.
  const fresh = /^-?\d+$/.test(rest[0] ?? '') ? [] : {};
  const next = rest.length === 0 ? value : setKeys(isPlainObject(child) || Array.isArray(child) ? child : fresh, rest, value, whole);
  if (Array.isArray(obj)) {
    const copy = [...obj];
    copy[Number(head)] = next;
    return copy as T;
  }
  return { ...obj, [head]: next };
}

const checkValue = (path: string, v: unknown): MatrixValue => {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new DrillError('SCENARIO_INVALID', `matrix.${path}: values must be strings, numbers or booleans (found ${JSON.stringify(v)})`);
};

/** A value given twice (or `1` and `"1"`) would make two cells of one id: their histories and results would merge. */
function checkDistinct(path: string, vals: readonly MatrixValue[]): void {
  const twice = vals.filter((v, i) => vals.findIndex((x) => String(x) === String(v)) !== i);
  if (!twice.length) return;
  throw new DrillError('SCENARIO_INVALID', `matrix["${path}"]: ${[...new Set(twice.map((v) => JSON.stringify(v)))].join(', ')} given more than once: two cells would share one id (${path}=${String(twice[0])}) and their histories would merge`, {
    fix: 'list each value once (use `repeat` to run a cell several times)',
  });
}

/** A cell's id and matrix values, before its scenario is built. */
export interface CellValues {
  readonly id: string;
  readonly values: Readonly<Record<string, MatrixValue>>;
}

/**
 * The most cells a filter (`--only`) looks through: it keeps few of them, but every cell of the
 * full product is enumerated to find them.
 */
export const MAX_FILTERED_CELLS = 100_000;

/** Each combination of the dimensions' values, in cartesian order, without holding them all. */
function* combinations(dims: readonly (readonly [string, readonly MatrixValue[]])[]): Generator<CellValues> {
  const total = dims.reduce((n, [, vals]) => n * vals.length, 1);
  for (let i = 0; i < total; i++) {
    let rest = i;
    const picked: MatrixValue[] = new Array(dims.length);
    for (let d = dims.length - 1; d >= 0; d--) {
      const vals = dims[d]![1];
      picked[d] = vals[rest % vals.length]!;
      rest = Math.floor(rest / vals.length);
    }
    const values = Object.fromEntries(dims.map(([path], d) => [path, picked[d]!]));
    // A secret (a password, a command with a token) never goes into an id: ids name directories and fill reports.
    yield { id: dims.map(([p, vals], d) => `${p}=${matrixValueLabel(p, picked[d], vals.indexOf(picked[d]!))}`).join(',') || 'default', values };
  }
}

export interface ExpandOptions {
  /** Expand even a matrix of more than MAX_CELL_RUNS cell runs (`--force`). */
  readonly force?: boolean | undefined;
  /**
   * Completes the base input and each cell's before it is validated: the loader adds what only
   * files tell (the text of a cell's `mirror.propertiesFile`), as the core reads no files.
   */
  readonly prepare?: ((input: ScenarioInput) => ScenarioInput) | undefined;
  /**
   * Keeps only the cells it returns (`--only`): the others are never built, and the limit on cell
   * runs applies to those kept. `describe` names the filter in the messages.
   */
  readonly keep?: { readonly filter: (cells: CellValues[]) => CellValues[]; readonly describe: string } | undefined;
}

export function expandMatrix(input: ScenarioInput, source: string, opts: ExpandOptions = {}): Cell[] {
  const prepare = opts.prepare ?? ((x: ScenarioInput) => x);
  input = plainData(input, source) as ScenarioInput;
  const base = parseScenario(prepare(input), source); // reports base-scenario errors once, not per cell
  const dims = Object.entries(base.matrix).map(([path, vals]) => [path, vals.map((v) => checkValue(path, v))] as const);
  for (const [path, vals] of dims) checkDistinct(path, vals);
  const { cells: count, breakdown } = matrixCells(dims);
  let chosen: CellValues[];
  let every: readonly CellValues[];
  if (opts.keep) {
    if (count > MAX_FILTERED_CELLS) {
      throw new DrillError('SCENARIO_INVALID', `matrix: ${count} cells (${breakdown}), more than ${MAX_FILTERED_CELLS} for ${opts.keep.describe} to look through`, {
        fix: 'pin dimensions with --set path=value (it removes them from the matrix), or list fewer values',
      });
    }
    every = [...combinations(dims)];
    chosen = opts.keep.filter([...every]);
    checkCellRuns(chosen.length, `${chosen.length} cell(s) kept by ${opts.keep.describe}`, base.repeat, opts.force ?? false);
  } else {
    checkCellRuns(count, breakdown, base.repeat, opts.force ?? false);
    chosen = [...combinations(dims)];
    every = chosen;
  }
  const { matrix: _ignored, ...rest } = input as Record<string, unknown>;
  const cells = chosen.map(({ id, values }) => {
    const applied = Object.entries(values).reduce<Record<string, unknown>>((acc, [p, v]) => setPath(acc, p, v), rest);
    const scenario = parseScenario(prepare({ ...applied, matrix: base.matrix } as ScenarioInput), `${source} (cell ${id})`);
    return { id, values, scenario };
  });
  const problems = thresholdScopeProblems(base.thresholds, dims, every.map((c) => c.values));
  if (problems.length) {
    throw new DrillError('SCENARIO_INVALID', `${source} is not a valid scenario:\n  - ${problems.join('\n  - ')}`, {
      fix: 'make each `when` name a matrix dimension (its path or last part) with one of its values, or remove that group',
    });
  }
  const never = unmeasurableChecks(base.thresholds, cells);
  if (never.length) {
    throw new DrillError('SCENARIO_INVALID', `${source} is not a valid scenario:\n  - ${never.join('\n  - ')}`, {
      fix: 'remove these checks, or scope them with `when` to the cells that measure the figure (thresholds: [{ when: {...}, checks: {...} }])',
    });
  }
  return cells;
}
