/** Loads a scenario file (TypeScript, run directly by Node's type stripping) and validates it. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DrillError } from '../core/errors.ts';
import { expandMatrix, type Cell } from '../core/matrix.ts';
import { applySets, filterCells } from '../core/overrides.ts';
import type { ScenarioInput } from '../core/scenario.ts';

export interface LoadOptions {
  readonly set?: readonly string[];
  readonly repeat?: number | undefined;
  readonly only?: string | undefined;
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
  return filterCells(expandMatrix(input, file), opts.only);
}
