/** Loads a scenario file (TypeScript, run directly by Node's type stripping) and validates it. */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DrillError } from '../core/errors.ts';
import { expandMatrix, type Cell } from '../core/matrix.ts';
import { checkCellRuns } from '../core/matrix-size.ts';
import { applySets, filterCells } from '../core/overrides.ts';
import type { ScenarioInput } from '../core/scenario.ts';

export interface LoadOptions {
  readonly set?: readonly string[];
  readonly repeat?: number | undefined;
  readonly only?: string | undefined;
  /** Run even a matrix of more than MAX_CELL_RUNS cell runs. */
  readonly force?: boolean | undefined;
}

const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/**
 * The custom policies' `jar` and `source` files, checked here because the pure core reads no
 * files: a missing one would otherwise surface only after the clusters started.
 */
function missingPolicyFiles(cells: readonly Cell[], scenarioDir: string): string[] {
  const problems = new Set<string>();
  for (const { scenario } of cells) {
    for (const [name, policy] of Object.entries(scenario.mirror.customPolicies)) {
      for (const field of ['jar', 'source'] as const) {
        const rel = policy[field];
        if (rel === undefined) continue;
        const abs = resolve(scenarioDir, rel);
        if (!isFile(abs)) problems.add(`mirror.customPolicies.${name}.${field}: expected a file at ${abs} ("${rel}" relative to the scenario's directory ${scenarioDir}), found ${existsSync(abs) ? 'a directory' : 'nothing'}`);
      }
    }
  }
  return [...problems];
}

export async function loadScenario(file: string, opts: LoadOptions = {}): Promise<Cell[]> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new DrillError('SCENARIO_LOAD', `scenario file not found: ${file}`, { fix: 'check the path; scenarios live in scenarios/*.ts' });
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (e) {
    throw new DrillError('SCENARIO_LOAD', `could not load ${file}: ${e instanceof Error ? e.message : String(e)}`, {
      fix: 'the file must be valid TypeScript (erasable syntax only) with `export default defineScenario({...})`',
    });
  }
  if (mod.default === undefined) {
    throw new DrillError('SCENARIO_LOAD', `${file} has no default export`, { fix: 'add `export default defineScenario({...})`' });
  }
  let input = applySets(mod.default as ScenarioInput, opts.set ?? []);
  if (opts.repeat !== undefined) input = { ...input, repeat: opts.repeat };
  const force = opts.force ?? false;
  // With --only the limit applies to the cells it keeps, so the whole matrix is expanded first.
  const all = expandMatrix(input, file, { force: force || Boolean(opts.only) });
  const missing = missingPolicyFiles(all, dirname(abs));
  if (missing.length) {
    throw new DrillError('SCENARIO_INVALID', `${file} is not a valid scenario:\n  - ${missing.join('\n  - ')}`, {
      fix: 'correct the path (relative to the scenario file, not to the working directory), or build the jar first',
    });
  }
  const cells = filterCells(all, opts.only);
  if (opts.only) checkCellRuns(cells.length, `${cells.length} cell(s) kept by --only ${opts.only}`, cells[0]?.scenario.repeat ?? 1, force);
  return cells;
}
