/**
 * `merge`: the results of a run's shards (core/plan/shard.ts deals them) become one run's results.
 */
import { DrillError } from '../errors.ts';
import { runStatus, type RunResults } from './results.ts';
import { summarize } from './summary.ts';
import type { Thresholds } from '../scenario/thresholds.ts';

/**
 * One run from its shards' results: every cell run, the run's status from all of them, the time
 * span of all. Refuses shards of different scenarios, shard counts, tool versions or images, a
 * shard given twice, and a missing shard (its cells would silently be absent from the verdict).
 */
export function mergeResults(parts: readonly RunResults[], runId: string, order: readonly string[], thresholdsOf?: (cellId: string) => Thresholds | undefined): RunResults {
  const first = parts[0];
  if (!first) throw new DrillError('USAGE', 'merge: no run directory given', { fix: 'pass the run directory of every shard' });
  const problems: string[] = [];
  const total = first.shard?.total ?? 1;
  for (const p of parts) {
    const differs = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${p.runId}: ${what} ${JSON.stringify(b)}, not ${JSON.stringify(a)} as in ${first.runId}`);
    };
    differs('scenario', first.scenario.name, p.scenario.name);
    differs('shard count', total, p.shard?.total ?? 1);
    differs('tool version', first.tool.version, p.tool.version);
    differs('Kafka image', first.environment.kafkaImage, p.environment.kafkaImage);
  }
  const seen = Map.groupBy(parts, (p) => p.shard?.index ?? 1);
  for (const [index, runs] of seen) if (runs.length > 1) problems.push(`shard ${index}/${total} given ${runs.length} times (${runs.map((r) => r.runId).join(', ')})`);
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) problems.push(`shard(s) ${missing.map((i) => `${i}/${total}`).join(', ')} missing`);
  if (problems.length) {
    throw new DrillError('MERGE_MISMATCH', `these run directories are not the shards of one run:\n  - ${problems.join('\n  - ')}`, {
      fix: 'pass the run directory of every shard of one `run --shard k/n` (same scenario, options and mm2-drill version), each once',
    });
  }
  // Plan order: the scenario's cell order, then the repetition.
  const rank = (cellId: string) => order.indexOf(cellId);
  const cells = parts.flatMap((p) => p.cells).sort((a, b) => rank(a.cellId) - rank(b.cellId) || a.repetition - b.repetition);
  const interrupted = parts.some((p) => p.status === 'interrupted' || p.status === 'running');
  const error = parts.some((p) => p.status === 'error');
  const summary = summarize(cells, thresholdsOf);
  const status = interrupted ? 'interrupted' : error ? 'error' : runStatus(cells, false, summary);
  const span = parts.map((p) => [Date.parse(p.startedAt), p.finishedAt ? Date.parse(p.finishedAt) : NaN] as const);
  const finished = span.every(([, f]) => Number.isFinite(f));
  return {
    ...first,
    runId,
    shard: null,
    mergedFrom: parts.map((p) => p.runId),
    status,
    startedAt: new Date(Math.min(...span.map(([s]) => s))).toISOString(),
    finishedAt: finished ? new Date(Math.max(...span.map(([, f]) => f))).toISOString() : null,
    cells,
    summary,
  };
}
