/** Loads a scenario file (TypeScript, run directly by Node's type stripping) and validates it. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DrillError } from '../core/errors.ts';
import { expandMatrix, type Cell } from '../core/plan/matrix.ts';
import { applySets, filterCells } from '../core/plan/overrides.ts';
import type { ScenarioInput } from '../core/scenario/scenario.ts';
import { plainData } from '../core/scenario/plain-data.ts';
import { secretsOf } from '../core/redaction.ts';
import { rememberSecrets } from '../adapters/secrets.ts';

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

/** External clusters' CA bundles (`external.<cluster>.ssl.caFile`), relative to the scenario file: read only when the drill connects. */
function missingCaFiles(cells: readonly Cell[], scenarioDir: string): string[] {
  const problems = new Set<string>();
  for (const { scenario } of cells) {
    for (const cluster of ['primary', 'backup'] as const) {
      const ssl = scenario.external?.[cluster].ssl;
      const rel = typeof ssl === 'object' ? ssl.caFile : undefined;
      if (rel === undefined) continue;
      const abs = resolve(scenarioDir, rel);
      if (!isFile(abs)) problems.add(`external.${cluster}.ssl.caFile: expected a PEM file at ${abs} ("${rel}" relative to the scenario's directory ${scenarioDir}), found ${existsSync(abs) ? 'a directory' : 'nothing'}`);
    }
  }
  return [...problems];
}

/**
 * Module hooks for scenario files, wherever they live:
 * - `import … from 'mm2-drill'` resolves to this running tool: in this repository, in a team's
 *   project that installed the package, or in a folder with no node_modules at all
 *   (`npx mm2-drill run ~/drills/x.ts`). One copy of the scenario model then validates what the
 *   file defined, whichever copy the file's folder would have found.
 * - A `.ts` file is an ES module even in a CommonJS package (`npm init` writes
 *   `"type": "commonjs"`), where Node would read it as CommonJS and reject its `import`.
 */
let hooked = false;

/** The fix for a scenario file Node could not import, by Node's error code. */
function loadFix(e: unknown): string {
  switch ((e as { code?: unknown }).code) {
    case 'ERR_MODULE_NOT_FOUND':
      return 'a module the scenario imports is missing: install the package in the project that holds the scenario (npm install <package>), or correct the relative path';
    case 'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING':
      return 'Node does not run TypeScript under node_modules: copy the scenario into your project (`npx mm2-drill init` scaffolds drills/)';
    case 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX':
      return 'Node runs scenario files by stripping types: use erasable syntax only (no enums, namespaces or parameter properties)';
    default:
      return 'the file must be valid TypeScript (erasable syntax only) with `export default defineScenario({...})`';
  }
}
function resolveOwnPackage(): void {
  if (hooked) return;
  hooked = true;
  // src/cli/load-scenario.ts → src/index.ts when run from sources, dist/… .js when compiled.
  const index = new URL(`../index${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
  registerHooks({
    resolve: (specifier, context, next) => (specifier === 'mm2-drill' ? { url: index, shortCircuit: true } : next(specifier, context)),
    load: (url, context, next) => (context.format === 'commonjs-typescript' && url.endsWith('.ts') ? next(url, { ...context, format: 'module-typescript' }) : next(url, context)),
  });
}

/**
 * Adds the text of a scenario's (or a cell's) MM2 properties file, `mirror.propertiesFile`
 * relative to the scenario file, read here because the pure core reads no files. Read as
 * ISO-8859-1, as MM2 reads it (Properties.load of an InputStream); each file once.
 */
function propertiesFileReader(file: string, scenarioDir: string): (input: ScenarioInput) => ScenarioInput {
  const texts = new Map<string, string>();
  return (input) => {
    const rel = input.mirror?.propertiesFile;
    if (typeof rel !== 'string' || rel === '') return input;
    const abs = resolve(scenarioDir, rel);
    if (!isFile(abs)) {
      throw new DrillError('SCENARIO_INVALID', `${file} is not a valid scenario:\n  - mirror.propertiesFile: expected a file at ${abs} ("${rel}" relative to the scenario's directory ${scenarioDir}), found ${existsSync(abs) ? 'a directory' : 'nothing'}`, {
        fix: 'correct the path (relative to the scenario file, not to the working directory)',
      });
    }
    const text = texts.get(abs) ?? readFileSync(abs, 'latin1');
    texts.set(abs, text);
    return { ...input, mirror: { ...input.mirror, propertiesText: text } };
  };
}

export async function loadScenario(file: string, opts: LoadOptions = {}): Promise<Cell[]> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new DrillError('SCENARIO_LOAD', `scenario file not found: ${file}`, { fix: 'check the path (relative to the working directory); `npx mm2-drill init` scaffolds one in drills/' });
  let mod: { default?: unknown };
  resolveOwnPackage();
  try {
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (e) {
    throw new DrillError('SCENARIO_LOAD', `could not load ${file}: ${e instanceof Error ? e.message : String(e)}`, { fix: loadFix(e) });
  }
  if (mod.default === undefined) {
    throw new DrillError('SCENARIO_LOAD', `${file} has no default export`, { fix: 'add `export default defineScenario({...})`' });
  }
  if (typeof mod.default === 'function') {
    throw new DrillError('SCENARIO_LOAD', `the default export of ${file} is a function, not a scenario`, { fix: 'export the scenario object it returns: `export default makeScenario()`' });
  }
  // Copied into plain data first: a Proxy's or a getter's code runs inside the check, not here.
  const plain = plainData(mod.default, file);
  if (plain instanceof Promise) {
    throw new DrillError('SCENARIO_LOAD', `the default export of ${file} is a Promise, not a scenario`, {
      fix: 'export the scenario object, not the result of an async function: `export default await makeScenario()` (top-level await), or `export default defineScenario({...})`',
    });
  }
  let input = applySets(plain as ScenarioInput, opts.set ?? []);
  if (opts.repeat !== undefined) input = { ...input, repeat: opts.repeat };
  const force = opts.force ?? false;
  const only = opts.only;
  // With --only the limit applies to the cells it keeps; the others are never built.
  const cells = expandMatrix(input, file, {
    force, prepare: propertiesFileReader(file, dirname(abs)),
    keep: only ? { filter: (all) => filterCells(all, only), describe: `--only ${only}` } : undefined,
  });
  // From here on, these values are replaced wherever the tool writes or prints them.
  rememberSecrets(secretsOf(cells));
  const missing = missingPolicyFiles(cells, dirname(abs));
  if (missing.length) {
    throw new DrillError('SCENARIO_INVALID', `${file} is not a valid scenario:\n  - ${missing.join('\n  - ')}`, {
      fix: 'correct the path (relative to the scenario file, not to the working directory), or build the jar first',
    });
  }
  const noCa = missingCaFiles(cells, dirname(abs));
  if (noCa.length) {
    throw new DrillError('SCENARIO_INVALID', `${file} is not a valid scenario:\n  - ${noCa.join('\n  - ')}`, {
      fix: 'correct the path (relative to the scenario file, not to the working directory), or use ssl: true for the system CAs',
    });
  }
  return cells;
}
