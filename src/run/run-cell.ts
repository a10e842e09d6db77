/**
 * One drill cell on fresh clusters: stand up, produce and consume, kill the primary mid-stream,
 * fail the consumer over to the backup, drain, read the backup back, and check the ledger.
 */
import { join } from 'node:path';
import { cellLogDir } from '../core/log-files.ts';
import { mkdirSync } from 'node:fs';
import { judgeCell, measureCell, type Measured } from '../core/measure.ts';
import type { Cell } from '../core/matrix.ts';
import type { PhaseName } from '../core/history.ts';
import type { CellResult } from '../core/results.ts';
import type { PreparedPolicy } from '../adapters/custom-policy.ts';
import { startEnvironment, type DrillEnvironment } from '../adapters/environment.ts';
import { startExternalEnvironment } from '../adapters/external-environment.ts';
import type { ResolvedImages } from '../adapters/images.ts';
import type { HistoryRecorder } from '../adapters/recorder.ts';
import type { Progress } from './progress.ts';
import { runPlaybook } from './playbook-runner.ts';
import { playbookOf } from '../core/scenario.ts';
import { defaultPlaybook } from '../core/playbook.ts';
import { Resources } from './resources.ts';
import { cellFailure } from './abort-reason.ts';
import { dockerClient, LABEL_CELL, removeLabelled } from '../adapters/docker.ts';

export interface CellContext {
  readonly cell: Cell;
  readonly repetition: number;
  readonly runId: string;
  readonly runDir: string;
  /** The scenario file's directory (external clusters' commands run there). */
  readonly scenarioDir: string;
  readonly images: ResolvedImages;
  readonly policy: PreparedPolicy;
  readonly labels: Record<string, string>;
  readonly history: HistoryRecorder;
  readonly progress: Progress;
  readonly signal: AbortSignal;
  /** Leave this cell's environment running (and report how to reach it). */
  readonly keep: boolean;
  readonly onKept?: (env: DrillEnvironment) => void;
}

export async function runCell(ctx: CellContext): Promise<CellResult> {
  const key = `${ctx.cell.id}#${ctx.repetition}`;
  const rec = ctx.history.forCell(key);
  const logDir = join(ctx.runDir, 'logs', cellLogDir(key));
  mkdirSync(logDir, { recursive: true });
  const startedAt = Date.now();
  const phases: CellResult['phases'] = {};
  const phase = (p: PhaseName) => {
    phases[p] = rec.emit({ type: 'phase', phase: p }).t - startedAt;
  };
  const resources = new Resources();
  const s = ctx.cell.scenario;
  const base: Omit<CellResult, keyof Measured | keyof ReturnType<typeof judgeCell> | 'durationMs'> = {
    key, cellId: ctx.cell.id, repetition: ctx.repetition, values: { ...ctx.cell.values }, policy: s.mirror.policy,
    remoteTopics: [], mirrorSettings: {}, phases, startedAt: new Date(startedAt).toISOString(),
    propertiesFile: s.mirror.file ? { path: s.mirror.propertiesFile ?? null, clusterAliases: s.mirror.file.clusterAliases, changes: null } : null,
  };
  const playbook = playbookOf(s);
  rec.emit({
    type: 'cell-start', values: { ...ctx.cell.values },
    settings: { mirror: s.mirror, workload: s.workload, failover: s.failover, ...(playbook ? { mirrors: s.mirrors, playbook } : { timeline: s.timeline }) },
  });
  phase('images-ready');
  let env: DrillEnvironment | undefined;
  try {
    const up = ctx.progress.step(`[${key}] clusters, Toxiproxy and MM2 up`);
    const options = { scenario: s, images: ctx.images, policy: ctx.policy, labels: ctx.labels, logDir, signal: ctx.signal, onStage: phase };
    env = s.external
      ? await startExternalEnvironment({ ...options, runId: ctx.runId, scenarioDir: ctx.scenarioDir }, resources.track)
      : await startEnvironment(options, resources.track);
    base.remoteTopics = env.remoteTopics;
    base.mirrorSettings = env.mirrorProperties;
    if (base.propertiesFile) base.propertiesFile.changes = env.mirrorChanges ?? null;
    up(`remote topic(s) ${env.remoteTopics.join(', ')}`);
    await runPlaybook(ctx, env, rec, phase, playbook ? { steps: playbook, explicit: true } : { steps: defaultPlaybook(s), explicit: false });
    rec.emit({ type: 'cell-end', status: 'completed' });
    const m = measureCell(rec.events(), startedAt);
    for (const c of m.consistency.checks.filter((x) => x.verdict === 'fail')) ctx.progress.info(`CONSISTENCY CHECK FAILED in ${key}: ${c.name}: ${c.detail} — this is a harness bug`);
    const verdicts = judgeCell(s, base, m, rec.events());
    const b = verdicts.expected;
    if (b && !b.holds) ctx.progress.info(`BOUND BROKEN in ${key}: ${b.measuredDuplicates} duplicated by the failover > predicted ${b.maxDuplicates} or skips where none are possible — ${b.evidence.join('; ')}`);
    return { ...base, ...m, ...verdicts, durationMs: Date.now() - startedAt };
  } catch (e) {
    const { status, error: err } = cellFailure(ctx.signal, e);
    rec.emit({ type: 'cell-end', status: status === 'interrupted' ? 'interrupted' : 'failed', error: err.message });
    const m = measureCell(rec.events(), startedAt);
    return {
      ...base, ...m, checks: [], expected: null, attribution: null, counts: m.counts.acked > 0 ? m.counts : null, status,
      error: { code: err.code, message: err.message, detail: err.detail }, durationMs: Date.now() - startedAt,
    };
  } finally {
    if (ctx.keep && env && !ctx.signal.aborted) ctx.onKept?.(env);
    else {
      const done = ctx.progress.step(`[${key}] removing ${s.external ? "the drill's topics and groups, and " : ''}containers`);
      // What the drill made on clusters it did not start: only that, named with the run id.
      const problems = (await env?.cleanup?.()) ?? [];
      // The sweep by label removes what start-up created but never handed to `resources`.
      problems.push(...(await resources.dispose(() => removeCellContainers(ctx.labels))));
      done(problems.length ? `${problems.length} problem(s): ${problems.join('; ')}` : undefined);
    }
  }
}


/** Removes every container (and its emptied network) carrying this cell's label. */
async function removeCellContainers(labels: Record<string, string>): Promise<void> {
  const cell = labels[LABEL_CELL];
  if (cell === undefined) return;
  await removeLabelled(await dockerClient(), { [LABEL_CELL]: cell });
}
