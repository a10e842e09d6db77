/**
 * One drill environment on fresh clusters: stand up, produce and consume, kill the primary
 * mid-stream, fail the consumer over to the backup, drain, read the backup back, and check the
 * ledger — for each paired variant in it (core/plan/pairing.ts), or for the one cell it holds.
 */
import { join } from 'node:path';
import { recordedSettings } from '../core/history/cell-settings.ts';
import { cellLogDir } from '../core/results/log-files.ts';
import { mkdirSync } from 'node:fs';
import { checkInput } from '../core/checker/checker.ts';
import { judgeCell, measureCell, type Measured } from '../core/results/measure.ts';
import type { PhaseClock } from '../core/history/history.ts';
import { mirrorRelease } from '../core/kafka/kafka-release.ts';
import type { CellResult } from '../core/results/results.ts';
import { attemptKey } from '../core/results/retry.ts';
import { startEnvironment, type DrillEnvironment } from '../adapters/containers/environment.ts';
import { startExternalEnvironment } from '../adapters/containers/external-environment.ts';
import { broadcastRecorder } from '../adapters/recorder.ts';
import { runPlaybook } from './playbook/playbook-runner.ts';
import { playbookOf, topicRates } from '../core/scenario/scenario.ts';
import { defaultPlaybook } from '../core/scenario/default-playbook.ts';
import { Resources } from './resources.ts';
import { cellFailure } from './abort-reason.ts';
import { dockerClient, LABEL_CELL, removeLabelled } from '../adapters/containers/docker.ts';
import type { CellContext, UnitContext } from './cell-context.ts';

/**
 * Runs one environment and returns a result per variant, in `cells` order. Each variant has its
 * own history (the shared events are written to every one) and is measured and judged on its own.
 */
export async function runCells(unit: UnitContext): Promise<CellResult[]> {
  const first = unit.cells[0];
  if (!first) throw new Error('no cell to run');
  const startedAt = Date.now();
  const variants = unit.cells.map((cell) => {
    const key = attemptKey(cell.id, unit.repetition, unit.attempt ?? 1);
    const rec = unit.history.forCell(key);
    const phases: CellResult['phases'] = {};
    const phase: PhaseClock = (p, t) => {
      phases[p] = rec.emit({ type: 'phase', phase: p }, t).t - startedAt;
    };
    const s = cell.scenario;
    const base: Omit<CellResult, keyof Measured | keyof ReturnType<typeof judgeCell> | 'durationMs'> = {
      key, cellId: cell.id, repetition: unit.repetition, values: { ...cell.values }, policy: s.mirror.policy,
      ...(s.external ? {} : { releases: { brokers: unit.images.kafka(s.kafka.version).version, mirror: unit.images.kafka(mirrorRelease(s)).version } }),
      remoteTopics: [], mirrorSettings: {}, phases, startedAt: new Date(startedAt).toISOString(),
      propertiesFile: s.mirror.file ? { path: s.mirror.propertiesFile ?? null, clusterAliases: s.mirror.file.clusterAliases, changes: null } : null,
    };
    return { ctx: { ...unit, cell } satisfies CellContext, rec, phase, base };
  });
  const keys = variants.map((v) => v.base.key);
  const key = keys[0]!;
  if (keys.length > 1) for (const v of variants) v.base.pairedRun = { environment: key, variants: keys };
  const ctx = variants[0]!.ctx;
  const logDir = join(unit.runDir, 'logs', cellLogDir(key));
  mkdirSync(logDir, { recursive: true });
  const label = keys.length > 1 ? `${key} + ${keys.length - 1} paired` : key;
  const rec = broadcastRecorder(variants.map((v) => v.rec));
  const phase: PhaseClock = (p, t) => variants.forEach((v) => v.phase(p, t));
  const resources = new Resources();
  const s = first.scenario;
  const playbook = playbookOf(s);
  for (const v of variants) {
    const vs = v.ctx.cell.scenario;
    v.rec.emit({
      type: 'cell-start', values: { ...v.ctx.cell.values },
      settings: recordedSettings(vs, playbook, topicRates(vs)),
    });
  }
  phase('images-ready');
  let env: DrillEnvironment | undefined;
  const warn = (line: string) => unit.progress.info(`WARNING [${label}]: ${line}`);
  try {
    const up = unit.progress.step(`[${label}] clusters, Toxiproxy and MM2 up`);
    const options = { scenario: s, images: unit.images, policy: unit.policy, labels: unit.labels, logDir, signal: unit.signal, onStage: phase };
    env = s.external
      ? await startExternalEnvironment({
        ...options, runId: unit.runId, scenarioDir: unit.scenarioDir, groups: unit.cells.map((c) => c.scenario.workload.consumer.groupId), warn,
      }, resources.track)
      : await startEnvironment(options, resources.track);
    for (const { base } of variants) {
      base.remoteTopics = env.remoteTopics;
      base.mirrorSettings = env.mirrorProperties;
      if (base.propertiesFile) base.propertiesFile.changes = env.mirrorChanges ?? null;
    }
    up(`remote topic(s) ${env.remoteTopics.join(', ')}`);
    await runPlaybook(env, variants, { ctx, rec, phase }, playbook ? { steps: playbook, explicit: true } : { steps: defaultPlaybook(s), explicit: false });
    return variants.map((v) => {
      v.rec.emit({ type: 'cell-end', status: 'completed' });
      const input = checkInput(v.rec.events(), startedAt);
      const m = measureCell(input);
      for (const c of m.consistency.checks.filter((x) => x.verdict === 'fail')) unit.progress.info(`CONSISTENCY CHECK FAILED in ${v.base.key}: ${c.name}: ${c.detail} — this is a harness bug`);
      const verdicts = judgeCell(v.ctx.cell.scenario, v.base, m, input);
      const b = verdicts.expected;
      if (b && b.holds === false) unit.progress.info(`BOUND BROKEN in ${v.base.key}: ${b.measuredDuplicates} duplicated by the failover > predicted ${b.maxDuplicates} or skips where none are possible — ${b.evidence.join('; ')}`);
      return { ...v.base, ...m, ...verdicts, durationMs: Date.now() - startedAt };
    });
  } catch (e) {
    const { status, error: err } = cellFailure(unit.signal, e);
    return variants.map((v) => {
      v.rec.emit({ type: 'cell-end', status: status === 'interrupted' ? 'interrupted' : 'failed', error: err.message });
      const m = measureCell(checkInput(v.rec.events(), startedAt));
      return {
        ...v.base, ...m, checks: [], expected: null, attribution: null, counts: m.counts.acked > 0 ? m.counts : null, status,
        error: { code: err.code, message: err.message, detail: err.detail }, durationMs: Date.now() - startedAt,
      };
    });
  } finally {
    await releaseEnvironment(env, unit.keep && !unit.signal.aborted, {
      warn,
      keep: (kept) => unit.onKept?.(kept),
      remove: async () => {
        const done = unit.progress.step(`[${label}] removing ${s.external ? "the drill's topics and groups, and " : ''}containers`);
        // What the drill made on clusters it did not start: only that, named with the run id.
        const left = (await env?.cleanup?.()) ?? [];
        // The sweep by label removes what start-up created but never handed to `resources`.
        const problems = await resources.dispose(() => removeCellContainers(unit.labels));
        done(problems.length ? `${problems.length} problem(s): ${problems.join('; ')}` : undefined);
        return left;
      },
    });
  }
}

/**
 * The end of a cell's environment: a team's cluster the drill's own kill command took down is
 * brought back first, `--keep` or not (keep keeps topics, groups and containers, never a dead
 * cluster); then the environment is kept, or removed. Whatever is left on a team's cluster is a
 * warning line of its own: someone has to remove it by hand.
 */
export async function releaseEnvironment(
  env: DrillEnvironment | undefined,
  keep: boolean,
  o: { warn: (line: string) => void; keep: (env: DrillEnvironment) => void; remove: () => Promise<string[]> },
): Promise<void> {
  for (const p of (await env?.restore?.()) ?? []) o.warn(p);
  if (keep && env) return o.keep(env);
  for (const p of await o.remove()) o.warn(p);
}

/** Removes every container (and its emptied network) carrying this cell's label. */
async function removeCellContainers(labels: Record<string, string>): Promise<void> {
  const cell = labels[LABEL_CELL];
  if (cell === undefined) return;
  await removeLabelled(await dockerClient(), { [LABEL_CELL]: cell });
}
