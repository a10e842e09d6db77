/** The same cell five times on fresh clusters: the same verdict every time, and the spread reported. */
import { expect, it } from 'vitest';
import { readResults, requireDocker, runCli, runDirOf, tempResultsDir } from './helpers.ts';

it('gives the same pass/fail verdict in 5 runs of one cell and reports the spread', async () => {
  await requireDocker();
  const root = tempResultsDir();
  const r = await runCli(['run', 'test/fixtures/short.ts', '--repeat', '5', '--set', 'thresholds.skipped===0', '--set', 'thresholds.acked=>0', '--verbose', '--results', root], { timeoutMs: 900_000 });
  const results = readResults(runDirOf(root, 'short'));
  expect(results.cells).toHaveLength(5);
  expect(new Set(results.cells.map((c) => c.status))).toEqual(new Set(['passed']));
  expect(r.code).toBe(0);
  const [summary] = results.summary;
  expect(summary?.runs).toBe(5);
  expect(summary?.figures.duplicated?.n).toBe(5);
  const dups = results.cells.map((c) => c.counts!.duplicated);
  expect(summary?.figures.duplicated).toMatchObject({ min: Math.min(...dups), max: Math.max(...dups) });
  expect(r.stdout).toMatch(/\d+ \(\d+–\d+\)|\/ \d+\s/); // median (min–max) in the table (--verbose)
  expect(r.stdout.match(/^✓ default#[1-5] /gm)).toHaveLength(5); // the compact summary: a ✓ line per run
}, 960_000);
