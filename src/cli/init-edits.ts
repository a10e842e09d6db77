/**
 * What `mm2-drill init` changes in files a project already owns — package.json and .gitignore —
 * as pure functions of their text: each returns the new text (unchanged when there is nothing to
 * do, so a second `init` changes nothing) and what it did, in words, for the user.
 */
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { DrillError } from '../core/errors.ts';

export const PACKAGE = 'mm2-drill';

export interface Edit {
  /** The file's new text; the same text when nothing changed. */
  readonly text: string;
  /** One line per change, or per thing deliberately left as the user had it. */
  readonly notes: readonly string[];
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The project's package.json as an object, or a usage error that says what is wrong with it (init writes nothing then). */
function parsed(text: string): Json {
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch (e) {
    throw new DrillError('USAGE', `package.json is not valid JSON (${(e as Error).message})`, { fix: 'fix package.json (`npm pkg get` shows what npm reads), then run init again' });
  }
  if (!isRecord(pkg)) throw new DrillError('USAGE', 'package.json is not a JSON object', { fix: 'fix package.json, then run init again' });
  return pkg;
}

/** The indentation package.json uses (npm keeps the file's own), two spaces for a new file. */
const indentOf = (text: string): string => /^\{\r?\n([ \t]+)"/.exec(text)?.[1] ?? '  ';

/**
 * package.json with mm2-drill as a dev dependency (`spec`) and a `drill` script. A project that
 * already depends on mm2-drill keeps its spec, and a `drill` script of its own stays: both are
 * reported, never replaced. `text` undefined: the project has no package.json yet.
 */
export function editPackageJson(text: string | undefined, opts: { name: string; spec: string; script: string }): Edit {
  const pkg = text === undefined ? { name: opts.name, private: true } : parsed(text);
  const notes: string[] = [];
  const listed = ['dependencies', 'devDependencies'].find((k) => isRecord(pkg[k]) && typeof (pkg[k] as Json)[PACKAGE] === 'string');
  if (listed) {
    const spec = (pkg[listed] as Json)[PACKAGE] as string;
    if (spec !== opts.spec) notes.push(`kept ${listed}.${PACKAGE} = ${spec} (this is ${opts.spec})`);
  } else {
    pkg.devDependencies = { ...(isRecord(pkg.devDependencies) ? pkg.devDependencies : {}), [PACKAGE]: opts.spec };
    notes.push(`added devDependencies.${PACKAGE} = ${opts.spec}`);
  }
  const scripts = isRecord(pkg.scripts) ? pkg.scripts : {};
  if (scripts.drill === undefined) {
    pkg.scripts = { ...scripts, drill: opts.script };
    notes.push(`added scripts.drill = ${opts.script}`);
  } else if (scripts.drill !== opts.script) {
    notes.push(`kept scripts.drill = ${String(scripts.drill)}`);
  }
  if (text !== undefined && !notes.some((n) => n.startsWith('added'))) return { text, notes };
  const eol = text?.includes('\r\n') ? '\r\n' : '\n';
  return { text: `${JSON.stringify(pkg, null, indentOf(text ?? '')).replace(/\n/g, eol)}${eol}`, notes };
}

/** Lines of a .gitignore that already keep results/ out (at the root or anywhere). */
const IGNORES_RESULTS = new Set(['results', 'results/', '/results', '/results/', 'results/*', '/results/*', 'results/**', '/results/**']);

/** .gitignore with `results/` (the run directories) added once; `text` undefined: there is none. */
export function editGitignore(text: string | undefined): Edit {
  const lines = (text ?? '').split(/\r?\n/).map((l) => l.trim());
  if (lines.some((l) => IGNORES_RESULTS.has(l))) return { text: text ?? '', notes: [] };
  const eol = text?.includes('\r\n') ? '\r\n' : '\n';
  const before = text === undefined || text === '' ? '' : text.endsWith('\n') ? text : `${text}${eol}`;
  return { text: `${before}# mm2-drill run directories${eol}results/${eol}`, notes: ['added results/'] };
}

/**
 * The dependency spec of the mm2-drill that is running, as the project at `project` should write
 * it: the spec the installing package.json gave (`file:` paths re-based on the project, so the
 * tarball the user ran is the one recorded — `npx ./mm2-drill-0.1.0.tgz init` included, whose
 * npx directory records it too), else `file:` the running clone, else the running version.
 * `installer`: the package.json of the directory whose node_modules holds the running package.
 */
export function installedSpec(opts: { packageRoot: string; installer: { dir: string; text: string } | undefined; version: string; project: string }): string {
  const inNodeModules = basename(resolve(opts.packageRoot, '..')) === 'node_modules';
  if (!inNodeModules) return fileSpec(opts.packageRoot, opts.project);
  let given: unknown;
  try {
    const pkg = opts.installer ? (JSON.parse(opts.installer.text) as unknown) : undefined;
    if (isRecord(pkg)) given = [pkg.dependencies, pkg.devDependencies].map((d) => (isRecord(d) ? d[PACKAGE] : undefined)).find((s) => typeof s === 'string');
  } catch {
    given = undefined;
  }
  if (typeof given !== 'string') return opts.version;
  if (given.startsWith('file:')) return fileSpec(resolve(opts.installer!.dir, given.slice('file:'.length)), opts.project);
  // A semver range installed some version: the one running is what init pins.
  return /^[\^~<>=\d*]|^latest$/.test(given) ? opts.version : given;
}

const fileSpec = (target: string, project: string): string => {
  const rel = relative(project, target);
  return `file:${isAbsolute(rel) ? rel : rel.split(sep).join('/')}`;
};
