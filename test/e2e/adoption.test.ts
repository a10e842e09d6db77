/**
 * A team adopts the tool: from an empty directory outside this repository, the packed tarball
 * installed as a dev dependency, `npx mm2-drill init`, then the scaffolded drill run for real —
 * the scenario is a TypeScript file of the team's project (a CommonJS package, as `npm init`
 * makes it) that imports `mm2-drill` from its node_modules, where only compiled JavaScript is.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import type { RunResults } from '../../src/core/results/results.ts';
import { containersLeft, readHistory, readResults, repoRoot, requireDocker } from './helpers.ts';

const quiet = {
  encoding: 'utf8' as const,
  stdio: 'pipe' as const,
  env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' },
};
const npx = (cwd: string, args: string[], timeout: number) => spawnSync('npx', ['--no-install', 'mm2-drill', ...args], { ...quiet, cwd, timeout });

describe('adoption: the packed package in a project of its own', () => {
  let project: string;
  let tarball: string;
  let installLog: string;

  beforeAll(async () => {
    await requireDocker();
    const work = realpathSync(mkdtempSync(join(tmpdir(), 'mm2-drill-adopt-')));
    project = join(work, 'team-project');
    // `npm pack` runs the build (prepack) and names the tarball on its last line.
    const packed = execFileSync('npm', ['pack', '--pack-destination', work], { ...quiet, cwd: repoRoot }).trim().split('\n').at(-1)!;
    tarball = join(work, packed);
    execFileSync('mkdir', [project]);
    execFileSync('npm', ['init', '-y'], { ...quiet, cwd: project });
    const install = spawnSync('npm', ['install', '--save-dev', '--prefer-offline', tarball], { ...quiet, cwd: project, timeout: 300_000 });
    installLog = `${install.stdout}\n${install.stderr}`;
    if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${installLog}`);
  }, 420_000);

  afterAll(() => {
    if (project) rmSync(join(project, '..'), { recursive: true, force: true });
  });

  it('ships compiled JavaScript and declarations, no TypeScript sources, and installs without engine warnings', () => {
    const pkg = join(project, 'node_modules', 'mm2-drill');
    expect(existsSync(join(pkg, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'adapters', 'java', 'TranslateOffsets.java'))).toBe(true);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    expect(installLog).not.toContain('EBADENGINE');
  });

  it('init scaffolds a gated drill and a scheduled workflow, and never overwrites them', () => {
    const r = npx(project, ['init'], 60_000);
    expect(r.status, r.stderr).toBe(0);
    const workflow = readFileSync(join(project, '.github', 'workflows', 'mm2-drill.yml'), 'utf8');
    expect(workflow).toMatch(/schedule:/);
    expect(workflow).toMatch(/permissions:[\s\S]*checks: write/);
    expect(workflow).toContain('npx mm2-drill run drills/failover.ts');
    expect(readFileSync(join(project, 'drills', 'failover.ts'), 'utf8')).toMatch(/thresholds: \{/);
    writeFileSync(join(project, 'drills', 'failover.ts'), `${readFileSync(join(project, 'drills', 'failover.ts'), 'utf8')}// the team's edit\n`);
    const again = npx(project, ['init'], 60_000);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(readFileSync(join(project, 'drills', 'failover.ts'), 'utf8')).toContain("// the team's edit");
  }, 150_000);

  describe('the scaffolded drill, run from the project', () => {
    let code: number | null;
    let results: RunResults;
    let runDir: string;

    beforeAll(() => {
      const r = npx(project, ['run', 'drills/failover.ts'], 600_000);
      code = r.status;
      runDir = realpathSync(join(project, 'results', 'latest'));
      if (!existsSync(join(runDir, 'results.json'))) throw new Error(`no results.json\n${r.stderr}`);
      results = readResults(runDir);
    }, 660_000);

    it('passes its thresholds (it gates, it does not only measure)', () => {
      expect(code).toBe(0);
      expect(results.status).toBe('passed');
      const checks = results.cells.flatMap((c) => c.checks);
      expect(checks.map((c) => c.figure).sort()).toEqual(['duplicated', 'failoverGapSeconds', 'lost', 'skipped']);
      expect(checks.every((c) => c.verdict === 'pass')).toBe(true);
      expect(readFileSync(join(runDir, 'junit.xml'), 'utf8')).toContain('<testsuite name="failover"');
    });

    it('counted real messages: every acked id is in exactly one class, and the consumer read the backup after the kill', () => {
      const [c] = results.cells;
      const k = c!.counts!;
      expect(k.acked).toBeGreaterThan(500);
      expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated).toBe(k.acked);
      const history = readHistory(runDir);
      const kill = eventsOf(history, 'kill')[0]!;
      expect(eventsOf(history, 'deliver').filter((e) => e.phase === 'backup' && e.t > kill.t).length).toBeGreaterThan(0);
    });

    it('a tightened threshold over the same history fails the gate with exit code 1', () => {
      const file = join(runDir, 'scenario.json');
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { cells: { scenario: { thresholds: unknown } }[] };
      for (const cell of saved.cells) cell.scenario.thresholds = { acked: '<1' };
      writeFileSync(file, JSON.stringify(saved));
      const r = npx(project, ['report', runDir], 120_000);
      expect(r.status, r.stderr).toBe(1);
      expect(readResults(runDir).status).toBe('failed');
    });

    it('left no container behind', async () => {
      expect(await containersLeft(results.runId)).toBe(0);
    });
  });
});
