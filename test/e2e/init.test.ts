/**
 * `init` in an empty project — no package.json, no lockfile — run from the packed tarball through
 * npx, as a team tries the tool before adding it: init records that tarball as the project's dev
 * dependency, adds the `drill` script and results/ to .gitignore, writes a workflow that installs
 * without a lockfile; then `npm install` and `npm run drill` run a real drill from the project.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { RunResults } from '../../src/core/results/results.ts';
import { containersLeft, readHistory, readResults, repoRoot, requireDocker } from './helpers.ts';

const quiet = {
  encoding: 'utf8' as const,
  stdio: 'pipe' as const,
  env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' },
};
const projectFiles = ['package.json', '.gitignore', 'drills/failover.ts', '.github/workflows/mm2-drill.yml'];

describe('init in an empty project without a lockfile, then a drill through the npm script', () => {
  let work: string;
  let project: string;
  let tarball: string;
  let init: { status: number | null; stdout: string; stderr: string };
  let lockfileAtInit: boolean;

  beforeAll(async () => {
    await requireDocker();
    work = realpathSync(mkdtempSync(join(tmpdir(), 'mm2-drill-init-')));
    project = join(work, 'team-project');
    mkdirSync(project);
    const packed = execFileSync('npm', ['pack', '--pack-destination', work], { ...quiet, cwd: repoRoot }).trim().split('\n').at(-1)!;
    tarball = join(work, packed);
    init = spawnSync('npx', ['--yes', '--prefer-offline', '--package', tarball, 'mm2-drill', 'init'], { ...quiet, cwd: project, timeout: 300_000 });
    lockfileAtInit = existsSync(join(project, 'package-lock.json'));
  }, 420_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    // npx's own install of the tarball (under the npm cache), named by the spec it was given.
    const npxRoot = join(homedir(), '.npm', '_npx');
    for (const d of existsSync(npxRoot) ? readdirSync(npxRoot) : []) {
      const pkg = join(npxRoot, d, 'package.json');
      if (tarball && existsSync(pkg) && readFileSync(pkg, 'utf8').includes(tarball)) rmSync(join(npxRoot, d), { recursive: true, force: true });
    }
  });

  it('records the tarball it ran from, the drill script and results/ in .gitignore, and a workflow that needs no lockfile', () => {
    expect(init.status, init.stderr).toBe(0);
    expect(lockfileAtInit).toBe(false);
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(pkg.devDependencies['mm2-drill']).toBe(`file:${relative(project, tarball)}`);
    expect(pkg.scripts.drill).toBe('mm2-drill run drills/failover.ts');
    expect(readFileSync(join(project, '.gitignore'), 'utf8').split('\n').filter((l) => l === 'results/')).toHaveLength(1);
    const workflow = readFileSync(join(project, '.github', 'workflows', 'mm2-drill.yml'), 'utf8');
    expect(workflow).toContain('cache-dependency-path: package.json');
    expect(workflow).toMatch(/if \[ -f package-lock\.json \]; then npm ci; else npm install; fi/);
    expect(readFileSync(join(project, 'drills', 'failover.ts'), 'utf8')).toMatch(/thresholds: \{/);
  });

  describe('after npm install', () => {
    let code: number | null;
    let output: string;
    let results: RunResults;
    let history: HistoryEvent[];
    let runDir: string;

    beforeAll(() => {
      const install = spawnSync('npm', ['install', '--prefer-offline'], { ...quiet, cwd: project, timeout: 300_000 });
      if (install.status !== 0) throw new Error(`npm install failed:\n${install.stdout}\n${install.stderr}`);
      // A kill at 8 s rather than the template's 20 s keeps the drill short.
      const r = spawnSync('npm', ['run', 'drill', '--', '--set', 'timeline.0.at=8'], { ...quiet, cwd: project, timeout: 600_000 });
      code = r.status;
      output = `${r.stdout}\n${r.stderr}`;
      runDir = realpathSync(join(project, 'results', 'latest'));
      if (!existsSync(join(runDir, 'results.json'))) throw new Error(`no results.json\n${output}`);
      results = readResults(runDir);
      history = readHistory(runDir);
    }, 960_000);

    it('a second init changes nothing', () => {
      const before = projectFiles.map((f) => readFileSync(join(project, f), 'utf8'));
      const again = spawnSync('npx', ['--no-install', 'mm2-drill', 'init'], { ...quiet, cwd: project, timeout: 60_000 });
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toContain('nothing to do');
      expect(projectFiles.map((f) => readFileSync(join(project, f), 'utf8'))).toEqual(before);
    });

    it('the drill passes its gate, and its counts are those of the recorded messages', () => {
      expect(code, output).toBe(0);
      expect(results.status).toBe('passed');
      const [c] = results.cells;
      const k = c!.counts!;
      expect(c!.backupReadComplete).toBe(true);
      expect(k.acked).toBeGreaterThan(0);
      expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated).toBe(k.acked);
      // Recounted from the raw events: acked before the kill and never read on the backup is the RPO.
      const kill = eventsOf(history, 'kill')[0]!.t;
      const onBackup = new Set(eventsOf(history, 'backup-record').map((e) => e.id));
      const acked = eventsOf(history, 'ack');
      expect(acked.filter((a) => a.t <= kill && !onBackup.has(a.id)).length).toBe(k.notReplicated);
      // What the backup holds was produced by this drill.
      const ids = new Set([...acked.map((a) => a.id), ...eventsOf(history, 'indeterminate').map((e) => e.id)]);
      expect([...onBackup].filter((id) => !ids.has(id))).toEqual([]);
      expect(eventsOf(history, 'deliver').filter((e) => e.phase === 'backup' && e.t > kill).length).toBeGreaterThan(0);
      const junit = readFileSync(join(runDir, 'junit.xml'), 'utf8');
      expect(junit).toContain('<testsuite name="failover"');
      expect(junit).toContain(`<testcase name="${c!.key}: drill" classname="mm2-drill.failover"`);
    });

    it('left no container behind', async () => {
      expect(await containersLeft(results.runId)).toBe(0);
    });
  });
});
