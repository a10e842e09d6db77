/**
 * `mm2-drill init [dir]`: sets a project up for drills — a scenario with thresholds and a CI
 * workflow that runs it on a schedule and fails the job when a threshold fails (both from the
 * package's templates/, type-checked with the rest of the repository), mm2-drill as a dev
 * dependency pinned to the one running, a `drill` npm script, and `results/` in .gitignore.
 * Idempotent: a second run changes nothing. A scaffolded file that exists with other content is
 * never overwritten unless `--force` is given; package.json and .gitignore are only added to
 * (init-edits.ts), and what is kept as the user had it is said.
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolVersion } from '../adapters/tool-version.ts';
import { DrillError, ExitCode, type ExitCodeValue } from '../core/errors.ts';
import { editGitignore, editPackageJson, installedSpec, type Edit } from './init-edits.ts';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const templates = join(packageRoot, 'templates');

const DRILL = 'drills/failover.ts';
/** Template → where it goes in the project. */
const scaffold = [
  { from: 'drills/failover.ts', to: DRILL },
  { from: 'workflows/mm2-drill.yml', to: '.github/workflows/mm2-drill.yml' },
] as const;

const readIf = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

/** The spec of the running package for the project at `root` (see installedSpec). */
function runningSpec(root: string): string {
  const installerDir = resolve(packageRoot, '..', '..');
  const text = readIf(join(installerDir, 'package.json'));
  return installedSpec({ packageRoot: resolve(packageRoot), installer: text === undefined ? undefined : { dir: installerDir, text }, version: toolVersion, project: root });
}

/** What init did, one line each, paths relative to the working directory. */
export function initProject(dir: string, force: boolean): string[] {
  const root = resolve(dir);
  const shown = (file: string) => relative(process.cwd(), file) || file;
  const targets = scaffold.map((f) => ({ text: readFileSync(join(templates, f.from), 'utf8'), to: join(root, f.to) }));
  const differing = targets.filter((t) => { const now = readIf(t.to); return now !== undefined && now !== t.text; });
  if (differing.length && !force) {
    throw new DrillError('USAGE', `init would overwrite ${differing.map((t) => shown(t.to)).join(', ')} (changed since init wrote it, or not written by init)`, {
      fix: 'move the file(s) away, or pass --force to overwrite them',
    });
  }
  // Every edit is computed before anything is written: an unreadable package.json leaves the project as it was.
  const edits = ([
    ['package.json', (text) => editPackageJson(text, { name: basename(root).toLowerCase().replace(/[^a-z0-9._-]/g, '-'), spec: runningSpec(root), script: `mm2-drill run ${DRILL}` })],
    ['.gitignore', editGitignore],
  ] as const satisfies readonly (readonly [string, (text: string | undefined) => Edit])[]).map(([name, edit]) => {
    const file = join(root, name);
    const before = readIf(file);
    return { file, before, ...edit(before) };
  });
  const done: string[] = [];
  for (const t of targets) {
    const now = readIf(t.to);
    if (now === t.text) continue;
    mkdirSync(dirname(t.to), { recursive: true });
    writeFileSync(t.to, t.text);
    done.push(`${now === undefined ? 'created' : 'overwrote (--force)'} ${shown(t.to)}`);
  }
  for (const { file, before, text, notes } of edits) {
    if (text !== before) writeFileSync(file, text);
    done.push(...notes.map((n) => `${before === undefined ? 'created' : 'updated'} ${shown(file)}: ${n}`));
  }
  return done;
}

export function initCommand(program: Command, out: (s: string) => void, setCode: (c: ExitCodeValue) => void): void {
  program
    .command('init')
    .description('set a project up for drills: drills/failover.ts (with thresholds), a scheduled CI workflow, mm2-drill as a dev dependency, an npm script `drill`, results/ in .gitignore')
    .argument('[dir]', 'the project to set up', '.')
    .option('--force', 'overwrite scaffolded files that exist with other content', false)
    .action((dir: string, opts: { force: boolean }) => {
      const done = initProject(dir, opts.force);
      out([
        ...(done.length ? done : ['nothing to do: the project is set up']),
        '',
        'Next:',
        ...(done.some((d) => d.includes('devDependencies')) ? ['  npm install                  # installs the dev dependency init added'] : []),
        '  npx mm2-drill setup          # Docker engine and images, once per machine',
        `  npm run drill                # runs ${DRILL}: about a minute; exit code 1 when a threshold fails`,
        '',
        'mm2-drill needs Node >= 22.19 and a Docker engine.',
      ].join('\n'));
      setCode(ExitCode.ok);
    });
}
