/**
 * One drill environment on fresh clusters: stand up, produce and consume, kill the primary
 * mid-stream, fail the consumer over to the backup, drain, read the backup back, and check the
 * ledger — for each paired variant in it (core/plan/pairing.ts), or for the one cell it holds.
 * MM2-side paired variants share the primary, the producer and the kill, each with its own
 * backup and MM2 (a "side"): its remote topics and MM2 settings are its side's.
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
import { sideOf, startEnvironment, type DrillEnvironment } from '../adapters/containers/environment.ts';
import { startExternalEnvironment } from '../adapters/containers/external-environment.ts';
import { broadcastRecorder } from '../adapters/recorder.ts';
import { runPlaybook } from './playbook/playbook-runner.ts';
import { playbookOf, topicRates } from '../core/scenario/scenario.ts';
import { defaultPlaybook } from '../core/scenario/default-playbook.ts';
import { Resources } from './resources.ts';
import { cellFailure } from './abort-reason.ts';
import { dockerClient, LABEL_CELL, removeLabelled } from '../adapters/containers/docker.ts';
import type { CellContext, UnitContext } from './cell-context.ts';
import { DrillError } from '../core/errors.ts';

/** A unit's environment on its way up (or up): run its playbook on it, or cancel it unused. */
export interface StartedCells {
  /**
   * Its turn came (started `ahead`: its clusters are up, or on their way up, in the background):
   * MM2 starts and the brokers get their full CPU weight. Called when the drill before it passed
   * its timing-sensitive part, and by `run` at the latest; once is enough.
   */
  go(): void;
  /** Settles once the environment is up, or failed to come up (never rejects). */
  readonly settled: Promise<void>;
  /**
   * Runs the playbook once the environment is up and returns a result per variant, in `cells`
   * order, and its environment's release (removal, or `--keep`) under way: not awaited here, so
   * the next environment need not wait for it; the caller awaits it before the run ends.
   * `onQuiet` is called once the drill's timing-sensitive part is over (run/playbook/playbook-runner.ts).
   */
  run(o?: { onQuiet?: () => void }): Promise<{ results: CellResult[]; released: Promise<void> }>;
  /** The drill stopped before this unit ran: its variants end interrupted and its environment is removed. */
  cancel(): Promise<CellResult[]>;
}

/**
 * Starts one environment for `unit` — recorded from now on, in every variant's history — and
 * returns at once: the drill may start the next unit's environment while the current one drains
 * (run/run-drill.ts). Each environment has its own network, containers and ports. Running it
 * returns a result per variant, in `cells` order: each variant has its own history (the shared
 * events are written to every one) and is measured and judged on its own.
 */
export function startCells(unit: UnitContext, o: { ahead?: boolean } = {}): StartedCells {
  const first = unit.cells[0];
  if (!first) throw new Error('no cell to run');
  const startedAt = Date.now();
  const variants = unit.cells.map((cell, i) => {
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
    return { ctx: { ...unit, cell } satisfies CellContext, rec, phase, base, side: unit.sides?.[i] ?? 0 };
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
  const turn = o.ahead ? Promise.withResolvers<void>() : undefined;
  // The turn is awaited only by a start-up still under way: a start that failed before it leaves it unheard.
  turn?.promise.catch(() => undefined);
  let turnCame = false;
  // The start-up's progress counts from the turn: what an environment started ahead waited is not its start's.
  let up: ((detail?: string) => void) | undefined;
  const go = (): void => {
    if (turnCame) return;
    turnCame = true;
    phase('turn');
    up = unit.progress.step(`[${label}] clusters, Toxiproxy and MM2 up`);
    turn?.resolve();
  };
  if (!turn) go();
  let env: DrillEnvironment | undefined;
  const warn = (line: string) => unit.progress.info(`WARNING [${label}]: ${line}`);
  // MM2-side paired variants: each side's backup and MM2 run its first variant's settings (core/plan/pairing.ts).
  const sides = [...new Set(variants.map((v) => v.side))].map((side) => variants.find((v) => v.side === side)!.ctx.cell.scenario);
  const options = { scenario: s, images: unit.images, policy: unit.policy, labels: unit.labels, logDir, signal: unit.signal, onStage: phase, ...(sides.length > 1 ? { sides } : {}), ...(turn ? { turn: turn.promise } : {}) };
  const starting = (s.external
    ? startExternalEnvironment({
      ...options, runId: unit.runId, scenarioDir: unit.scenarioDir, groups: unit.cells.map((c) => c.scenario.workload.consumer.groupId), warn,
    }, resources.track)
    : startEnvironment(options, resources.track)).then((started) => {
    env = started;
    for (const { base, side } of variants) {
      const own = sideOf(started, side);
      base.remoteTopics = own.remoteTopics;
      base.mirrorSettings = own.mirrorProperties;
      if (base.propertiesFile) base.propertiesFile.changes = own.mirrorChanges ?? null;
    }
    up?.(`remote topic(s) ${[...new Set((started.sides ?? [started]).map((x) => x.remoteTopics.join(', ')))].join(' | ')}${started.sides ? ` on ${started.sides.length} backups, one MM2 each` : ''}`);
    return started;
  });
  // Its failure is the unit's error, reported when the unit runs (or is cancelled).
  starting.catch(() => undefined);

  const failed = (e: unknown): CellResult[] => {
    const { status, error: err } = cellFailure(unit.signal, e);
    return variants.map((v) => {
      v.rec.emit({ type: 'cell-end', status: status === 'interrupted' ? 'interrupted' : 'failed', error: err.message });
      const m = measureCell(checkInput(v.rec.events(), startedAt));
      return {
        ...v.base, ...m, checks: [], expected: null, attribution: null, counts: m.counts.acked > 0 ? m.counts : null, status,
        error: { code: err.code, message: err.message, detail: err.detail }, durationMs: Date.now() - startedAt,
      };
    });
  };
  const release = (): Promise<void> => releaseEnvironment(env, unit.keep && !unit.signal.aborted, {
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
  /** The clients a drill abandoned at a kill, until they are gone (run/playbook/playbook-runner.ts `onAbandoned`). */
  const abandoned: Promise<unknown>[] = [];
  // A release never rejects: what it could not remove, the run's last sweep by label removes.
  const released = () => Promise.allSettled(abandoned).then(release).catch((e: unknown) => warn(`removing the environment: ${e instanceof Error ? e.message : String(e)}`));

  const play = async (onQuiet?: () => void): Promise<CellResult[]> => {
    try {
      const started = await starting;
      // Started ahead, while the drill was being stopped: nothing of it runs.
      if (unit.signal.aborted) throw new DrillError('INTERRUPTED', 'interrupted before the playbook started');
      await runPlaybook(started, variants, { ctx, rec, phase }, { ...(playbook ? { steps: playbook, explicit: true } : { steps: defaultPlaybook(s), explicit: false }), onQuiet, onAbandoned: (gone) => abandoned.push(gone) });
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
      return failed(e);
    }
  };
  return {
    go,
    settled: starting.then(() => undefined, () => undefined),
    run: async (o) => {
      go();
      const results = await play(o?.onQuiet);
      return { results, released: released() };
    },
    cancel: async () => {
      // Its turn never comes: its start-up ends there. Awaited, so that everything it created is known and removed.
      if (!turnCame) {
        turnCame = true;
        turn?.reject(new DrillError('INTERRUPTED', 'the drill stopped before this cell run started'));
      }
      await starting.catch(() => undefined);
      const results = failed(new DrillError('INTERRUPTED', 'the drill stopped before this cell run started'));
      await released();
      return results;
    },
  };
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
