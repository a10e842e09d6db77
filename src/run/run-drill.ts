/**
 * A whole drill: every matrix cell × repetition on fresh clusters, one environment after the
 * other — paired variants share one (core/plan/pairing.ts; MM2-side variants each with a backup
 * and an MM2 of their own in it, as many as the engine holds twice), every other cell run has its own.
 * The next environment's clusters start in the background once the current one is up, its MM2
 * while the current one drains and is verified, and a finished one is removed in the background:
 * each has its own network, containers and ports, so nothing of one cell run is visible to
 * another (test/e2e/isolation.test.ts).
 * results.json is rewritten after every cell, so an interrupted run keeps what it measured.
 * Progress: each cell run's lines start with its place in the plan (`[3/12]`), with the time
 * left once one has finished, and its kill, faults and failover are printed as the history
 * records them (a recorder that hands each event to the progress's narrator).
 */
import { join, resolve } from 'node:path';
import { existsSync, statfsSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import type { Cell } from '../core/plan/matrix.ts';
import { runStatus, SCHEMA_VERSION, type RunResults } from '../core/results/results.ts';
import { summarize } from '../core/results/summary.ts';
import { attemptKey, markRetried, shouldRetry } from '../core/results/retry.ts';
import { backupsPerEnvironment, coresShortfall, fitsTwice, harnessShortfall, memoryNeeded, memoryShortfall } from '../core/plan/capacity.ts';
import { DrillError } from '../core/errors.ts';
import { dockerClient, LABEL_KEEP, LABEL_RUN, reapOrphans, removeLabelled, runLabels } from '../adapters/containers/docker.ts';
import { resolveImages } from '../adapters/containers/images.ts';
import { mirrorRelease, releasesOf } from '../core/kafka/kafka-release.ts';
import { releaseText } from '../render/release-text.ts';
import type { Scenario } from '../core/scenario/scenario.ts';
import { HistoryRecorder, type CellRecorder } from '../adapters/recorder.ts';
import type { DrillEnvironment } from '../adapters/containers/environment.ts';
import { createRunDir, newRunId, writeJson } from './run-dir.ts';
import { eventNarrator, formatDuration, prefixed, timeLeft, type Progress } from './progress.ts';
import type { HistoryEvent } from '../core/history/history.ts';
import type { ReportModel } from '../core/results/report-model.ts';
import { startCells, type StartedCells } from './run-cell.ts';
import { asSides, asVariant, describePairing, planUnits } from '../core/plan/pairing.ts';
import { shardOf, type Shard } from '../core/plan/shard.ts';
import { harnessFailure, interruptedByUser } from './abort-reason.ts';
import { readHistoryByCell, writeReports } from './reports.ts';
import { releaseHosts } from '../adapters/clients/producer-links.ts';
import { noPolicy, preparePolicy, type PreparedPolicy } from '../adapters/containers/custom-policy.ts';
import { forCellRun, redacted, withRunNames } from '../core/plan/external-run.ts';
import { dirname } from 'node:path';
import { toolVersion } from '../adapters/tool-version.ts';


export interface DrillOptions {
  readonly file: string;
  readonly cells: readonly Cell[];
  readonly resultsRoot: string;
  readonly progress: Progress;
  readonly signal: AbortSignal;
  readonly keep: boolean;
  /** Run only this share of the environments (core/plan/shard.ts). */
  readonly shard?: Shard | undefined;
  /** Run a cell run that ended in error again, up to this many times (`--retry-errors`, core/results/retry.ts). */
  readonly retryErrors?: number | undefined;
  readonly onKept?: (env: DrillEnvironment, runId: string) => void;
}

export async function runDrill(o: DrillOptions): Promise<{ results: RunResults; runDir: string; report: ReportModel }> {
  const first = o.cells[0];
  if (!first) throw new Error('no cells to run');
  const scenario = first.scenario;
  const client = await dockerClient();
  const biggest = o.cells.reduce((a, c) => (memoryNeeded(c.scenario) > memoryNeeded(a.scenario) ? c : a), first);
  const shortfall = memoryShortfall(biggest.scenario, client.info.containerRuntime.memory);
  if (shortfall) throw new DrillError('NOT_ENOUGH_MEMORY', shortfall, { fix: 'give the Docker engine more memory, or use fewer kafka.nodes / kafka.backupNodes' });
  // MM2-side paired variants: as many backups and MM2s an environment as the engine holds twice (core/plan/capacity.ts).
  const maxSides = backupsPerEnvironment(biggest.scenario, client.info.containerRuntime.memory);
  const harness = harnessRoomShortfall(o.cells, o.resultsRoot, maxSides);
  if (harness) throw new DrillError('NOT_ENOUGH_MEMORY', harness, { fix: 'lower workload.ratePerSecond or the time to the kill (workload.durationSeconds), or run on a machine with more memory / disk' });
  const cores = o.cells.map((c) => coresShortfall(c.scenario, availableParallelism())).find((x) => x !== null);
  if (cores) throw new DrillError('NOT_ENOUGH_CORES', cores, { fix: `set workload.processes to at most ${availableParallelism()}, or run it on a machine with more cores (docs/scale.md#several-producer-processes)` });
  const reaped = await reapOrphans(client);
  if (reaped > 0) o.progress.info(`removed ${reaped} container(s) left by an earlier run that was killed`);
  const external = o.cells.every((c) => c.scenario.external);
  const images = await resolveImages(client, {
    versions: o.cells.flatMap((c) => releasesOf(c.scenario)),
    explicit: o.cells.flatMap(({ scenario: { kafka } }) => (kafka.image === undefined ? [] : [{ version: kafka.version, image: kafka.image }])),
    kafka: !external,
  });
  // Custom policies are built before anything starts, so a compile error costs no cluster, each
  // against the jars of the MM2 release that loads it. (The team's own MM2 between external
  // clusters runs its own policy.)
  const policies = new Map<string, PreparedPolicy>();
  const policyKey = (s: Scenario) => `${s.mirror.policy}@${mirrorRelease(s) ?? ''}`;
  for (const c of o.cells) {
    const key = policyKey(c.scenario);
    if (!policies.has(key)) policies.set(key, c.scenario.external ? noPolicy : await preparePolicy(client, c.scenario.mirror, dirname(o.file), images.kafka(mirrorRelease(c.scenario)).name));
  }
  const runId = newRunId();
  // On external clusters every topic and group the drill creates carries the run id (and, below, its cell run's number).
  const cells = o.cells.map((c) => withRunNames(c, runId));
  const startedAt = new Date();
  const runDir = createRunDir(o.resultsRoot, scenario.name, runId, startedAt);
  // Each cell run's progress: its `[i/N]`, and its kill, faults and failover as they are recorded.
  const cellProgress = new Map<string, { progress: Progress; narrate: (e: HistoryEvent) => string | null }>();
  const history = new NarratedRecorder(join(runDir, 'history.ndjson'), (e) => {
    const p = cellProgress.get(e.cell);
    const line = p?.narrate(e);
    if (p && line) p.progress.event(line);
  });
  const results: RunResults = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'mm2-drill', version: toolVersion },
    runId,
    scenario: { name: scenario.name, file: o.file, description: scenario.description },
    status: 'running',
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    environment: {
      kafkaImage: external ? 'none (external clusters)' : images.kafkaImages.map((i) => i.name).join(', '),
      kafkaVersion: external ? 'unknown (external clusters)' : images.kafkaImages.map((i) => i.version).join(', '),
      toxiproxyImage: images.toxiproxy, node: process.version, platform: `${process.platform}-${process.arch}` },
    shard: o.shard ?? null,
    cells: [],
    summary: [],
  };
  // Each matrix cell's own thresholds, for the checks over its repetitions.
  const thresholdsOf = (cellId: string) => o.cells.find((c) => c.id === cellId)?.scenario.thresholds;
  const save = () => writeJson(join(runDir, 'results.json'), { ...results, summary: summarize(results.cells, thresholdsOf) });
  writeJson(join(runDir, 'scenario.json'), { file: o.file, cells: cells.map(redacted) });
  save();
  const whole = planUnits(cells, maxSides).map((u, n) => ({ ...u, cells: asSides(u.cells.map((c, i) => asVariant(forCellRun(c, n + 1), i, u.cells.length)), u.sides) }));
  const plan = o.shard ? shardOf(whole, o.shard) : whole;
  const runs = plan.reduce((n, u) => n + u.cells.length, 0);
  o.progress.info(`run ${runId}: ${runs} cell run(s)${o.shard ? ` — shard ${o.shard.index}/${o.shard.total}: ${plan.length} of ${whole.length} environment(s)` : ''} → ${runDir}`);
  if (cells.length > 1) o.progress.info(`pairing: ${describePairing(cells, maxSides)}`);
  o.progress.info(`images: ${[...images.kafkaImages.map((i) => i.name), images.toxiproxy].join(', ')}`);
  let report: ReportModel;
  // The next environment starts beside the current one, when the engine holds both and the
  // clusters are the drill's own (two at once on a team's clusters would share them).
  const mostSides = Math.max(...plan.map((u) => new Set(u.sides).size));
  const pipelined = !o.cells.some((c) => c.scenario.external) && plan.length > 1 && fitsTwice(biggest.scenario, client.info.containerRuntime.memory, mostSides);
  // Every environment alive beside the one running: the next one started ahead, and those being
  // removed in the background. The run ends only once each is removed (or kept).
  let next: StartedCells | undefined;
  const releasing: Promise<void>[] = [];
  try {
    const tookMs: number[] = [];
    const keysOf = (i: number): string[] => plan[i]!.cells.map((c) => `${c.id}#${plan[i]!.repetition}`);
    /**
     * Unit `i`'s place in the plan, the time left and what each variant's MM2 release predicts (on
     * record before it is measured) — when its drill begins, after the one before it ended (its
     * environment may have started ahead), so that the time left counts that one too.
     */
    const announce = (i: number): void => {
      const keys = keysOf(i);
      const progress = prefixed(o.progress, `[${i + 1}/${plan.length}]`);
      const left = timeLeft(tookMs, plan.length - i);
      progress.info(`${keys.join(' | ')}${left ? ` — ${left}` : ''}`);
      const predictions = plan[i]!.cells.map((c) => releaseText(c.scenario));
      const shared = new Set(predictions).size === 1;
      for (const [v, text] of predictions.entries()) if (text && (v === 0 || !shared)) progress.info(shared ? text : `${keys[v]}: ${text}`);
    };
    /** Starts unit `i`'s environment (attempt `n`); `ahead`: its MM2 waits for its turn (`go`). */
    const begin = (i: number, n: number, ahead = false): StartedCells => {
      const unit = plan[i]!;
      const last = i === plan.length - 1;
      const keys = keysOf(i);
      const key = keys[0]!;
      const progress = prefixed(o.progress, `[${i + 1}/${plan.length}]`);
      // Shared events are in every variant's history: the first variant's narrate them once;
      // a retry's are recorded under its own key, narrated as the first attempt's were.
      cellProgress.set(attemptKey(unit.cells[0]!.id, unit.repetition, n), { progress, narrate: eventNarrator() });
      return startCells({
        cells: unit.cells, sides: unit.sides, repetition: unit.repetition, attempt: n, runId, runDir, scenarioDir: dirname(resolve(o.file)), images, policy: policies.get(policyKey(unit.cells[0]!.scenario))!,
        labels: runLabels(runId, o.keep && last, key), history, progress, signal: o.signal, keep: o.keep && last, onKept: (env) => o.onKept?.(env, runId),
      }, { ahead });
    };
    let previousEnd = Date.now();
    for (const [i, unit] of plan.entries()) {
      if (o.signal.aborted) break;
      const progress = prefixed(o.progress, `[${i + 1}/${plan.length}]`);
      announce(i);
      const current = next ?? begin(i, 1);
      next = undefined;
      const following = pipelined && i + 1 < plan.length;
      // The next environment's clusters start once this one is up and the one before it is
      // removed (never more than two environments' containers at once), at the lowest CPU
      // weight beside this drill; its MM2 once this drill's kill and failover are over.
      let early = following;
      if (early) {
        void Promise.all([current.settled, ...releasing]).then(() => {
          if (early && !o.signal.aborted) next ??= begin(i + 1, 1, true);
        });
      }
      const onQuiet = following ? () => {
        if (!o.signal.aborted) (next ??= begin(i + 1, 1, true)).go();
      } : undefined;
      const first = await current.run({ onQuiet });
      early = false;
      releasing.push(first.released);
      let done = first.results;
      // A cell run in error is run again (--retry-errors); the failed attempt is kept, marked as replaced.
      for (let n = 2; !o.signal.aborted && shouldRetry(done, (o.retryErrors ?? 0) - (n - 2)); n++) {
        const failed = done.find((c) => c.status === 'error')!;
        progress.info(`${failed.key}: error (${failed.error?.code}: ${failed.error?.message}) — running it again (--retry-errors, retry ${n - 1} of ${o.retryErrors})`);
        // No third environment: the failed one is gone before the retry's starts.
        await Promise.all(releasing.splice(0));
        const again = await begin(i, n).run();
        releasing.push(again.released);
        results.cells.push(...markRetried(done, again.results));
        save();
        cellProgress.delete(attemptKey(unit.cells[0]!.id, unit.repetition, n));
        done = again.results;
      }
      cellProgress.delete(attemptKey(unit.cells[0]!.id, unit.repetition, 1));
      // Wall time since the previous cell run's results, what the next environments will take too.
      const end = Date.now();
      tookMs.push(end - previousEnd);
      previousEnd = end;
      for (const result of done) {
        progress.info(`${result.key}: ${result.status}${result.status === 'error' && result.error ? ` (${result.error.code})` : ''} in ${formatDuration(tookMs.at(-1)!)}`);
        results.cells.push(result);
      }
      save();
    }
  } finally {
    // An environment started ahead for a cell run the drill never reached (Ctrl-C, a harness failure).
    if (next) results.cells.push(...(await next.cancel()));
    // Producer hosts (`workload.hosts`) serve sessions until the drill says it is over.
    for (const dir of new Set(o.cells.flatMap((c) => (c.scenario.workload.hosts ? [c.scenario.workload.hosts.dir] : [])))) {
      try {
        releaseHosts(dir, runId);
      } catch (e) {
        o.progress.info(`could not tell the producer hosts in ${dir} that the drill is over (${e instanceof Error ? e.message : String(e)}): they exit at their idle timeout`);
      }
    }
    // The reports need no container: they are written while the last environments are removed.
    // A container whose creation was still in flight when its cell swept by label may have
    // appeared since; nothing of this run but a kept environment outlives it.
    const removed = Promise.all(releasing).then(() => removeLabelled(client, { [LABEL_RUN]: runId, [LABEL_KEEP]: 'false' })).catch(() => undefined);
    try {
      // A harness failure between cells leaves none of them in error, yet the run did not complete.
      results.summary = summarize(results.cells, thresholdsOf);
      results.status = harnessFailure(o.signal) ? 'error' : runStatus(results.cells, interruptedByUser(o.signal), results.summary);
      results.finishedAt = new Date().toISOString();
      save();
      await history.close();
      report = writeReports(runDir, results, readHistoryByCell(runDir).cells);
    } finally {
      await removed;
    }
  }
  return { results, runDir, report };
}

/** What this machine cannot hold of the run's histories (memory now free, disk where the results go), or null. */
function harnessRoomShortfall(cells: readonly Cell[], resultsRoot: string, maxSides: number): string | null {
  let dir = resolve(resultsRoot);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const fs = statfsSync(dir);
  const room = { freeMemory: freemem(), freeDisk: fs.bavail * fs.bsize };
  const units = planUnits(cells, maxSides);
  for (const u of units) {
    const problem = harnessShortfall(u.cells[0]!.scenario, u.cells.length, units.length, room);
    if (problem) return problem;
  }
  return null;
}

/** The history recorder that also hands every event it records to `onEvent` (the progress's narrator). */
class NarratedRecorder extends HistoryRecorder {
  readonly #onEvent: (e: HistoryEvent) => void;
  constructor(file: string, onEvent: (e: HistoryEvent) => void) {
    super(file);
    this.#onEvent = onEvent;
  }

  override forCell(cell: string): CellRecorder {
    const inner = super.forCell(cell);
    return {
      cell: inner.cell,
      events: () => inner.events(),
      // A shared event was narrated when the first variant emitted it.
      ...(inner.share ? { share: (e: HistoryEvent) => inner.share!(e) } : {}),
      emit: (body, t) => {
        const event = inner.emit(body, t);
        // Progress is a courtesy: it never breaks the recording of a drill.
        try { this.#onEvent(event); } catch { /* ignore */ }
        return event;
      },
    };
  }
}
