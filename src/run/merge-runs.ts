/**
 * `mm2-drill merge`: the shards of one run (core/plan/shard.ts), each a run directory, become one run
 * directory — every cell run's results (merged by core/results/merge-shards.ts), history and logs,
 * one report, one verdict. The shards' directories are only read.
 */
import { appendFileSync, copyFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DrillError } from '../core/errors.ts';
import type { RunResults } from '../core/results/results.ts';
import { mergeResults } from '../core/results/merge-shards.ts';
import { createRunDir, newRunId, writeJson } from './run-dir.ts';
import { readSavedResults, readSavedScenario, rederive, writeReports } from './reports.ts';

export function mergeRuns(dirs: readonly string[], resultsRoot: string): { results: RunResults; runDir: string } {
  const parts = dirs.map((dir) => {
    const file = join(dir, 'results.json');
    if (!existsSync(file)) throw new DrillError('USAGE', `${dir} is not a run directory (no results.json)`, { fix: 'pass the run directory each shard wrote, e.g. results/<scenario>/<time>-<id>' });
    return { dir, results: readSavedResults(file) };
  });
  const { cells } = readSavedScenario(parts[0]!.dir);
  const runId = newRunId();
  const results = mergeResults(parts.map((p) => p.results), runId, cells.map((c) => c.id), (id) => cells.find((c) => c.id === id)?.scenario.thresholds);
  const runDir = createRunDir(resolve(resultsRoot), results.scenario.name, runId, new Date(results.startedAt));
  copyFileSync(join(parts[0]!.dir, 'scenario.json'), join(runDir, 'scenario.json'));
  writeFileSync(join(runDir, 'history.ndjson'), ''); // a run whose shards ran no cell has an empty history
  for (const p of parts) {
    const history = join(p.dir, 'history.ndjson');
    if (existsSync(history)) appendFileSync(join(runDir, 'history.ndjson'), readFileSync(history));
    if (existsSync(join(p.dir, 'logs'))) cpSync(join(p.dir, 'logs'), join(runDir, 'logs'), { recursive: true });
  }
  writeJson(join(runDir, 'results.json'), results);
  // Every cell run's figures derived again from the merged history: the shards' results.json are
  // not trusted further than their checked shape.
  const derived = rederive(runDir);
  writeReports(runDir, derived.results, derived.history);
  return { results: derived.results, runDir };
}
