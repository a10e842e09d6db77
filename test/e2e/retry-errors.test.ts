/**
 * `run --retry-errors`: a cell run whose environment could not be set up (external clusters at
 * an address where no broker listens: CLUSTER_UNREACHABLE) is run again. Both attempts really
 * happened — each has its own history under its own key, the retry started after the first
 * ended — and the failed one is kept in results.json with its error, marked as replaced; the
 * run's verdict is the retry's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runDrill } from './helpers.ts';

it('runs a cell run in error again and keeps the failed attempt, marked, with its error', async () => {
  const env = { MM2_DRILL_PRIMARY: '127.0.0.1:9', MM2_DRILL_BACKUP: '127.0.0.1:9' };
  const saved = { ...process.env };
  Object.assign(process.env, env); // runDrill's child inherits them
  let drill;
  try {
    drill = await runDrill('test/fixtures/external.ts', 'external', ['--retry-errors', '1'], 600_000);
  } finally {
    process.env = saved;
  }
  const { results, history, dir } = drill;
  expect(results.cells.map((c) => [c.key, c.status, c.error?.code, c.retriedAs])).toEqual([
    ['default#1', 'error', 'CLUSTER_UNREACHABLE', 'default#1.retry1'],
    ['default#1.retry1', 'error', 'CLUSTER_UNREACHABLE', undefined],
  ]);
  const [first, retry] = results.cells;
  // The retry ran after the first attempt ended, each recording its own cell start and end.
  expect(Date.parse(retry!.startedAt)).toBeGreaterThanOrEqual(Date.parse(first!.startedAt) + first!.durationMs - 5);
  for (const key of ['default#1', 'default#1.retry1']) {
    expect(history.filter((e) => e.cell === key).map((e) => e.type)).toEqual(expect.arrayContaining(['cell-start', 'cell-end']));
  }
  // The verdict is the retry's (an error here, exit code 4); the summary counts one repetition.
  expect(results.status).toBe('error');
  expect(drill.code).toBe(4);
  expect(results.summary[0]!.runs).toBe(1);
  expect(drill.stderr).toMatch(/default#1: error \(CLUSTER_UNREACHABLE: .*\) — running it again \(--retry-errors, retry 1 of 1\)/);
  expect(drill.stdout).toMatch(/default#1\s+retried as default#1\.retry1 after CLUSTER_UNREACHABLE/);
  const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
  expect(junit).toMatch(/name="default#1: drill" classname="mm2-drill\.external" [^>]*>\s*<skipped message="retried as default#1\.retry1 after CLUSTER_UNREACHABLE/);
  expect(junit).toMatch(/name="default#1\.retry1: drill" classname="mm2-drill\.external" [^>]*>\s*<error message="CLUSTER_UNREACHABLE/);
}, 660_000);
