/** Bad input and a missing engine: a clear message, a distinct exit code, nothing started. */
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.ts';

describe('CLI failures', () => {
  it('rejects an invalid scenario with the field paths and exit code 2', async () => {
    const r = await runCli(['validate', 'test/fixtures/invalid.ts'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SCENARIO_INVALID');
    expect(r.stderr).toContain('mirror.policy');
    expect(r.stderr).toContain('mirror.offsetLagMax');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a missing scenario file', async () => {
    const r = await runCli(['run', 'scenarios/nope.ts'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scenario file not found: scenarios/nope.ts');
  });

  it('answers an unreachable Docker engine in seconds with exit code 3 and the fix', async () => {
    const t0 = Date.now();
    const r = await runCli(['run', 'test/fixtures/short.ts'], { timeoutMs: 30_000, env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('DOCKER_UNREACHABLE');
    expect(r.stderr).toContain('fix:');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('names a missing image with the fix, in seconds, exit code 3, nothing started', async () => {
    const t0 = Date.now();
    const r = await runCli(['run', 'test/fixtures/short.ts', '--set', 'kafka.image=mm2-drill/no-such-image:0'], { timeoutMs: 30_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('IMAGE_MISSING');
    expect(r.stderr).toContain('mm2-drill/no-such-image:0');
    expect(r.stderr).toContain('npx mm2-drill setup');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('prints complete help with examples and exit codes', async () => {
    const r = await runCli(['run', '--help'], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });
});
