/** Output piped to a reader that falls behind arrives whole: the tool waits for it before exiting. */
import { expect, it } from 'vitest';
import { runCli } from './helpers.ts';

it('`list` piped to a slow reader prints every cell (far more than a pipe holds)', async () => {
  const values = Array.from({ length: 1000 }, (_, i) => i);
  const r = await runCli(['list', 'scenarios/policy-vs-sync-interval.ts', '--set', `mirror.offsetLagMax=${values.join(',')}`, '--force'], { timeoutMs: 60_000, pauseStdoutMs: 1500 });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.length).toBeGreaterThan(256 * 1024);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines[0]).toContain('valid — 6000 cell(s)');
  expect(lines[1]).toMatch(/^pairing: mirror\.policy, mirror\.checkpointIntervalSeconds, mirror\.offsetLagMax paired MM2-side: .* — 3000 environment\(s\) for 18000 cell run\(s\)$/);
  expect(lines).toHaveLength(6002);
  expect(lines.at(-1)).toBe('  mirror.policy=identity,mirror.checkpointIntervalSeconds=30,mirror.offsetLagMax=999');
}, 90_000);
