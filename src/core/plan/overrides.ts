/**
 * Command-line changes to a scenario: `--set path=v` overrides a field, `--set path=v1,v2` makes
 * (or replaces) a matrix dimension, `--repeat N` sets the repetitions, `--only` filters cells.
 * A value that starts like JSON (`{`, `[`, `"`) is one JSON value — an object, a list, a string
 * with commas — never a matrix; elsewhere `\,` is a comma inside a value.
 */
import { DrillError } from '../errors.ts';
import type { CellValues, MatrixValue } from './matrix.ts';
import { setPath } from './matrix.ts';
import type { ScenarioInput } from '../scenario/scenario.ts';

/** "5" → 5, "true" → true, anything else stays a string. */
export const parseValue = (raw: string): MatrixValue =>
  raw === 'true' ? true : raw === 'false' ? false : raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;

/** The value(s) of one `--set`: one JSON value, or the comma-separated values (`\,` a literal comma). */
export function parseSetValues(set: string, raw: string): unknown[] {
  if (/^[[{"]/.test(raw.trim())) {
    try {
      return [JSON.parse(raw) as unknown];
    } catch (e) {
      throw new DrillError('USAGE', `--set ${set}: the value starts like JSON but is not JSON (${(e as Error).message})`, {
        fix: `quote the whole option for your shell, e.g. --set 'mirror.properties={"topics.exclude":"foo,bar"}'`,
      });
    }
  }
  return raw.split(/(?<!\\),/).map((v) => parseValue(v.replace(/\\,/g, ',')));
}

export function applySets(input: ScenarioInput, sets: readonly string[]): ScenarioInput {
  return sets.reduce<ScenarioInput>((acc, set) => {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new DrillError('USAGE', `--set ${set}: expected path=value or path=v1,v2`, { fix: 'e.g. --set mirror.offsetLagMax=10,100' });
    const path = set.slice(0, eq);
    const values = parseSetValues(set, set.slice(eq + 1));
    const matrix = { ...(acc.matrix ?? {}) };
    if (values.length === 1) {
      delete matrix[path];
      return { ...setPath(acc as Record<string, unknown>, path, values[0]), matrix } as ScenarioInput;
    }
    return { ...acc, matrix: { ...matrix, [path]: values } };
  }, input);
}

/** Cells matching every `path=value` of the filter (comma-separated), or containing it as text. */
export function filterCells<C extends CellValues>(cells: readonly C[], filter: string | undefined): C[] {
  if (!filter) return [...cells];
  const pairs = filter.split(',').map((p) => p.split('='));
  const matches = (c: C) =>
    pairs.every(([k, v]) => (v === undefined ? c.id.includes(k ?? '') : Object.entries(c.values).some(([path, val]) => (path === k || path.endsWith(`.${k}`)) && String(val) === v)));
  const kept = cells.filter(matches);
  if (kept.length === 0) throw new DrillError('USAGE', `--only ${filter} matches none of the cells: ${cells.slice(0, 20).map((c) => c.id).join('; ')}${cells.length > 20 ? `; … (${cells.length} in all)` : ''}`);
  return kept;
}
