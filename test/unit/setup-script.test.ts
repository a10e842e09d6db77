/**
 * scripts/setup.sh and the test suite's extra Kafka releases: setup builds the default release
 * only, so every end-to-end file that drills an extra release must get its image itself
 * (test/e2e/test-releases.ts), and setup must refuse a bad release before it installs or
 * downloads anything (on a fresh machine Maven and Go start before the Docker engine).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.ts';

const root = join(import.meta.dirname, '..', '..');

describe('the test suite\'s extra Kafka releases', () => {
  it('every end-to-end file that reads them is in the project whose globalSetup builds them, and awaits them', () => {
    const e2e = join(root, 'test', 'e2e');
    const drilling = readdirSync(e2e)
      .filter((f) => f.endsWith('.test.ts') && /\.testKafka\b/.test(readFileSync(join(e2e, f), 'utf8')))
      .map((f) => `test/e2e/${f}`);
    expect(drilling.length).toBeGreaterThan(0);
    const projects = (config.test?.projects ?? []) as { test?: { name?: string; include?: string[]; globalSetup?: string | string[] } }[];
    const building = projects.filter((p) => [p.test?.globalSetup ?? []].flat().includes('test/e2e/test-releases.ts'));
    expect(building.flatMap((p) => p.test?.include ?? []).sort()).toEqual(drilling.sort());
    for (const f of drilling) expect(readFileSync(join(root, f), 'utf8'), f).toMatch(/await testReleases\(\)/);
  });
});

describe('scripts/setup.sh', () => {
  const setup = (args: string[]) => {
    const cache = mkdtempSync(join(tmpdir(), 'mm2-drill-setup-'));
    try {
      return spawnSync('bash', [join(root, 'scripts', 'setup.sh'), '--drills-only', ...args], { env: { ...process.env, XDG_CACHE_HOME: cache }, encoding: 'utf8', timeout: 60_000 });
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  };

  it('refuses a release that is not one before it touches the engine, Maven or Go', () => {
    const r = setup(['--kafka', '3.9']);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("ERROR (USAGE): not a Kafka release: '3.9'");
    expect(r.stdout).not.toMatch(/docker engine|resolving Kafka|building github/);
  });

  it('refuses --kafka without releases', () => {
    const r = setup(['--kafka']);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('ERROR (USAGE): --kafka needs releases');
  });
});
