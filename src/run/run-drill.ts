/**
 * A whole drill: every matrix cell × repetition, each on fresh clusters, one after the other.
 * results.json is rewritten after every cell, so an interrupted run keeps what it measured.
 */
import { join } from 'node:path';
import type { Cell } from '../core/matrix.ts';
import { runStatus, SCHEMA_VERSION, type RunResults } from '../core/results.ts';
import { summarize } from '../core/summary.ts';
import { memoryNeeded, memoryShortfall } from '../core/capacity.ts';
import { DrillError } from '../core/errors.ts';
import { dockerClient, LABEL_KEEP, LABEL_RUN, reapOrphans, removeLabelled, runLabels } from '../adapters/docker.ts';
import { resolveImages } from '../adapters/images.ts';
import { HistoryRecorder } from '../adapters/recorder.ts';
import type { DrillEnvironment } from '../adapters/environment.ts';
import { createRunDir, newRunId, writeJson } from './run-dir.ts';
import type { Progress } from './progress.ts';
import { runCell } from './run-cell.ts';
import { harnessFailure, interruptedByUser } from './abort-reason.ts';
import { readHistory, writeReports } from './reports.ts';
import { preparePolicy, type PreparedPolicy } from '../adapters/custom-policy.ts';
import { dirname } from 'node:path';
import { toolVersion } from '../adapters/tool-version.ts';


export interface DrillOptions {
  readonly file: string;
  readonly cells: readonly Cell[];
  readonly resultsRoot: string;
  readonly progress: Progress;
  readonly signal: AbortSignal;
  readonly keep: boolean;
  readonly onKept?: (env: DrillEnvironment, runId: string) => void;
}

export async function runDrill(o: DrillOptions): Promise<{ results: RunResults; runDir: string }> {
  const first = o.cells[0];
  if (!first) throw new Error('no cells to run');
  const scenario = first.scenario;
  const client = await dockerClient();
  const biggest = o.cells.reduce((a, c) => (memoryNeeded(c.scenario) > memoryNeeded(a.scenario) ? c : a), first);
  const shortfall = memoryShortfall(biggest.scenario, client.info.containerRuntime.memory);
  if (shortfall) throw new DrillError('NOT_ENOUGH_MEMORY', shortfall, { fix: 'give the Docker engine more memory, or use fewer kafka.nodes / kafka.backupNodes' });
  const reaped = await reapOrphans(client);
  if (reaped > 0) o.progress.info(`removed ${reaped} container(s) left by an earlier run that was killed`);
  const images = await resolveImages(client, { kafkaVersion: scenario.kafka.version, kafkaImage: scenario.kafka.image });
  // Custom policies are built before anything starts, so a compile error costs no cluster.
  const policies = new Map<string, PreparedPolicy>();
  for (const c of o.cells) {
    if (!policies.has(c.scenario.mirror.policy)) policies.set(c.scenario.mirror.policy, await preparePolicy(client, c.scenario.mirror, dirname(o.file), images.kafka));
  }
  const runId = newRunId();
  const startedAt = new Date();
  const runDir = createRunDir(o.resultsRoot, scenario.name, runId, startedAt);
  const history = new HistoryRecorder(join(runDir, 'history.ndjson'));
  const results: RunResults = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'mm2-drill', version: toolVersion },
    runId,
    scenario: { name: scenario.name, file: o.file, description: scenario.description },
    status: 'running',
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    environment: { kafkaImage: images.kafka, kafkaVersion: images.kafkaVersion, toxiproxyImage: images.toxiproxy, node: process.version, platform: `${process.platform}-${process.arch}` },
    cells: [],
    summary: [],
  };
  const save = () => writeJson(join(runDir, 'results.json'), { ...results, summary: summarize(results.cells) });
  writeJson(join(runDir, 'scenario.json'), { file: o.file, cells: o.cells });
  save();
  o.progress.info(`run ${runId}: ${o.cells.length * scenario.repeat} cell run(s) → ${runDir}`);
  o.progress.info(`images: ${images.kafka}, ${images.toxiproxy}`);
  try {
    const plan = o.cells.flatMap((cell) => Array.from({ length: cell.scenario.repeat }, (_, r) => ({ cell, repetition: r + 1 })));
    for (const [i, { cell, repetition }] of plan.entries()) {
      if (o.signal.aborted) break;
      const last = i === plan.length - 1;
      const result = await runCell({
        cell, repetition, runId, runDir, images, policy: policies.get(cell.scenario.mirror.policy)!, labels: runLabels(runId, o.keep && last, `${cell.id}#${repetition}`), history, progress: o.progress,
        signal: o.signal, keep: o.keep && last, onKept: (env) => o.onKept?.(env, runId),
      });
      results.cells.push(result);
      save();
    }
  } finally {
    // A container whose creation was still in flight when its cell swept by label may have
    // appeared since; nothing of this run but a kept environment outlives it.
    await removeLabelled(client, { [LABEL_RUN]: runId, [LABEL_KEEP]: 'false' }).catch(() => undefined);
    // A harness failure between cells leaves none of them in error, yet the run did not complete.
    results.status = harnessFailure(o.signal) ? 'error' : runStatus(results.cells, interruptedByUser(o.signal));
    results.finishedAt = new Date().toISOString();
    results.summary = summarize(results.cells);
    save();
    await history.close();
    writeReports(runDir, results, readHistory(runDir).events);
  }
  return { results, runDir };
}
