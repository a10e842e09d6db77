/**
 * `mm2-drill init [dir]`: scaffolds a project's drills — a scenario with thresholds and a CI
 * workflow that runs it on a schedule and fails the job when a threshold fails. The files come
 * from the package's templates/ (type-checked with the rest of the repository). Existing files
 * are never overwritten unless `--force` is given.
 */
import type { Command } from 'commander';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DrillError, ExitCode, type ExitCodeValue } from '../core/errors.ts';

const templates = fileURLToPath(new URL('../../templates/', import.meta.url));

/** Template → where it goes in the project. */
const scaffold = [
  { from: 'drills/failover.ts', to: 'drills/failover.ts' },
  { from: 'workflows/mm2-drill.yml', to: '.github/workflows/mm2-drill.yml' },
] as const;

export function initProject(dir: string, force: boolean): string[] {
  const root = resolve(dir);
  const targets = scaffold.map((f) => ({ from: join(templates, f.from), to: join(root, f.to) }));
  const existing = targets.filter((t) => existsSync(t.to)).map((t) => relative(process.cwd(), t.to) || t.to);
  if (existing.length && !force) {
    throw new DrillError('USAGE', `init would overwrite ${existing.join(', ')}`, { fix: 'move the file(s) away, or pass --force to overwrite them' });
  }
  for (const t of targets) {
    mkdirSync(dirname(t.to), { recursive: true });
    copyFileSync(t.from, t.to);
  }
  return targets.map((t) => relative(process.cwd(), t.to) || t.to);
}

export function initCommand(program: Command, out: (s: string) => void, setCode: (c: ExitCodeValue) => void): void {
  program
    .command('init')
    .description('scaffold drills/failover.ts (a scenario with thresholds) and a scheduled CI workflow that gates on it')
    .argument('[dir]', 'the project to scaffold', '.')
    .option('--force', 'overwrite files that exist', false)
    .action((dir: string, opts: { force: boolean }) => {
      const written = initProject(dir, opts.force);
      const drill = written[0]!;
      out([
        ...written.map((f) => `created ${f}`),
        '',
        'Next:',
        '  npx mm2-drill setup          # Docker engine and images, once per machine',
        `  npx mm2-drill run ${drill}   # about a minute; exit code 1 when a threshold fails`,
        '',
        'mm2-drill needs Node >= 22.19 and a Docker engine.',
      ].join('\n'));
      setCode(ExitCode.ok);
    });
}
