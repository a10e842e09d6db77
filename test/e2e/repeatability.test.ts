/**
 * The same cell three times on fresh clusters: the same verdict every time, and the spread
 * reported. Run the way a CI matrix fans out: shard 1/2 and shard 2/2 (each its own process and
 * run directory), then `merge` into one run with one verdict.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readHistory, readResults, requireDocker, runCli, runDirOf, tempResultsDir } from './helpers.ts';

it('gives the same pass/fail verdict in 3 runs of one cell, split over 2 shards and merged, and reports the spread', async () => {
  await requireDocker();
  const args = ['run', 'test/fixtures/short.ts', '--repeat', '3', '--set', 'thresholds.skipped===0', '--set', 'thresholds.acked=>0'];
  const shards = [];
  for (const k of [1, 2]) {
    const root = tempResultsDir();
    const r = await runCli([...args, '--shard', `${k}/2`, '--results', root], { timeoutMs: 900_000 });
    expect(r.code, r.stderr).toBe(0);
    shards.push({ dir: runDirOf(root, 'short'), stderr: r.stderr });
  }
  // Round-robin: repetitions 1 and 3 in the first shard, 2 in the second.
  expect(shards.map((s) => readResults(s.dir).cells.map((c) => c.repetition))).toEqual([[1, 3], [2]]);
  expect(shards[0]!.stderr).toMatch(/shard 1\/2: 2 of 3 environment\(s\)/);

  const root = tempResultsDir();
  const r = await runCli(['merge', ...shards.map((s) => s.dir), '--verbose', '--results', root], { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
  const dir = runDirOf(root, 'short');
  const results = readResults(dir);
  expect(results.mergedFrom).toEqual(shards.map((s) => readResults(s.dir).runId));
  expect(results.cells.map((c) => c.key)).toEqual(['default#1', 'default#2', 'default#3']);
  expect(new Set(results.cells.map((c) => c.status))).toEqual(new Set(['passed']));
  expect(results.status).toBe('passed');
  const [summary] = results.summary;
  expect(summary?.runs).toBe(3);
  expect(summary?.figures.duplicated?.n).toBe(3);
  const dups = results.cells.map((c) => c.counts!.duplicated);
  expect(summary?.figures.duplicated).toMatchObject({ min: Math.min(...dups), max: Math.max(...dups) });
  // Every cell run's history and logs came along: the merged run re-derives to the same counts.
  expect(new Set(readHistory(dir).map((e) => e.cell))).toEqual(new Set(results.cells.map((c) => c.key)));
  expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['default_1', 'default_2', 'default_3']);
  const again = await runCli(['report', dir, '--json'], { timeoutMs: 60_000 });
  expect((JSON.parse(again.stdout) as typeof results).cells.map((c) => c.counts)).toEqual(results.cells.map((c) => c.counts));
  expect(r.stdout).toMatch(/\d+ \(\d+–\d+\)|\/ \d+\s/); // median (min–max) in the table (--verbose)
  expect(r.stdout.match(/^✓ default#[1-3] /gm)).toHaveLength(3); // the compact summary: a ✓ line per run

  // Shards of one run only: the same shard twice, or one missing, is refused (exit 2), naming it.
  const twice = await runCli(['merge', shards[0]!.dir, shards[0]!.dir, '--results', tempResultsDir()], { timeoutMs: 60_000 });
  expect(twice.code).toBe(2);
  expect(twice.stderr).toMatch(/MERGE_MISMATCH[\s\S]*shard 1\/2 given 2 times[\s\S]*shard\(s\) 2\/2 missing/);
}, 960_000);
