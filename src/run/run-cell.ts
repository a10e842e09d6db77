/**
 * One drill cell on fresh clusters: stand up, produce and consume, kill the primary mid-stream,
 * fail the consumer over to the backup, drain, read the backup back, and check the ledger.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import { DrillError, isDrillError } from '../core/errors.ts';
import { buildLedger } from '../core/ledger.ts';
import type { Cell } from '../core/matrix.ts';
import type { PhaseName } from '../core/history.ts';
import type { CellResult } from '../core/results.ts';
import { startEnvironment, type DrillEnvironment } from '../adapters/environment.ts';
import type { ResolvedImages } from '../adapters/images.ts';
import { committedOffsets, endOffsets, kafkaClient, closeQuietly } from '../adapters/kafka-client.ts';
import { startConsumer } from '../adapters/consumer.ts';
import { startProducer } from '../adapters/producer.ts';
import { readBackup } from '../adapters/backup-reader.ts';
import type { CellRecorder, HistoryRecorder } from '../adapters/recorder.ts';
import { sleep, waitUntil } from '../adapters/wait.ts';
import { drain } from './drain.ts';
import type { Progress } from './progress.ts';
import { Resources } from './resources.ts';
import type { PreparedPolicy } from '../adapters/custom-policy.ts';
import type { RunningProducer } from '../adapters/producer.ts';
import type { TimelineStep } from '../core/scenario.ts';

export interface CellContext {
  readonly cell: Cell;
  readonly repetition: number;
  readonly runId: string;
  readonly runDir: string;
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
  const logDir = join(ctx.runDir, 'logs', key.replace(/[^a-zA-Z0-9.=_-]+/g, '_'));
  mkdirSync(logDir, { recursive: true });
  const startedAt = Date.now();
  const phases: CellResult['phases'] = {};
  const phase = (p: PhaseName) => {
    phases[p] = rec.emit({ type: 'phase', phase: p }).t - startedAt;
  };
  const resources = new Resources();
  const s = ctx.cell.scenario;
  const base: Omit<CellResult, 'status' | 'counts' | 'failoverGapMs' | 'invariant' | 'backupReadComplete' | 'drainComplete' | 'samples' | 'durationMs'> = {
    key, cellId: ctx.cell.id, repetition: ctx.repetition, values: { ...ctx.cell.values }, policy: s.mirror.policy,
    remoteTopics: [], mirrorSettings: {}, phases, startedAt: new Date(startedAt).toISOString(),
  };
  rec.emit({ type: 'cell-start', values: { ...ctx.cell.values }, settings: { mirror: s.mirror, workload: s.workload, timeline: s.timeline, failover: s.failover } });
  phase('images-ready');
  let env: DrillEnvironment | undefined;
  try {
    const up = ctx.progress.step(`[${key}] clusters, Toxiproxy and MM2 up`);
    env = await startEnvironment(
      { scenario: s, images: ctx.images, policy: ctx.policy, labels: ctx.labels, logDir, signal: ctx.signal, onStage: phase },
      resources.track,
    );
    base.remoteTopics = env.remoteTopics;
    base.mirrorSettings = env.mirrorProperties;
    up(`remote topic(s) ${env.remoteTopics.join(', ')}`);
    await drill(ctx, env, rec, phase);
    const ledger = buildLedger(rec.events());
    const status = ledger.invariant.holds ? 'passed' : 'failed';
    rec.emit({ type: 'cell-end', status: 'completed' });
    if (!ledger.invariant.holds) ctx.progress.info(`INVARIANT BROKEN in ${key}: ${ledger.invariant.detail} — this is a harness bug`);
    return {
      ...base, status, counts: ledger.counts, failoverGapMs: ledger.failoverGapMs, invariant: ledger.invariant,
      backupReadComplete: ledger.backupReadComplete, drainComplete: ledger.drainComplete, samples: ledger.samples, durationMs: Date.now() - startedAt,
    };
  } catch (e) {
    const err = isDrillError(e) ? e : new DrillError('WAIT_TIMEOUT', e instanceof Error ? e.message : String(e), { cause: e });
    const interrupted = ctx.signal.aborted || err.code === 'INTERRUPTED';
    rec.emit({ type: 'cell-end', status: interrupted ? 'interrupted' : 'failed', error: err.message });
    const ledger = buildLedger(rec.events());
    return {
      ...base, status: interrupted ? 'interrupted' : 'error', error: { code: err.code, message: err.message, detail: err.detail },
      counts: ledger.counts.acked > 0 ? ledger.counts : null, failoverGapMs: ledger.failoverGapMs, invariant: ledger.invariant,
      backupReadComplete: ledger.backupReadComplete, drainComplete: ledger.drainComplete, samples: ledger.samples, durationMs: Date.now() - startedAt,
    };
  } finally {
    if (ctx.keep && env && !ctx.signal.aborted) ctx.onKept?.(env);
    else {
      const done = ctx.progress.step(`[${key}] removing containers`);
      const problems = await resources.dispose();
      done(problems.length ? `${problems.length} problem(s): ${problems.join('; ')}` : undefined);
    }
  }
}

async function drill(ctx: CellContext, env: DrillEnvironment, rec: CellRecorder, phase: (p: PhaseName) => void): Promise<void> {
  const s = ctx.cell.scenario;
  const kafkaLog = env.kafkaLog;
  const groupId = s.workload.consumer.groupId;
  const kill = s.timeline.find((x) => x.action === 'kill-primary')!;
  const primaryAdmin = kafkaClient(env.primary.adminBootstrap, 'mm2-drill-admin-primary', kafkaLog).admin();
  const backupAdmin = kafkaClient(env.backup.adminBootstrap, 'mm2-drill-admin-backup', kafkaLog).admin();
  // Whatever was started is stopped on the way out, also when the drill is interrupted.
  const running: { stop(): Promise<void> }[] = [];
  const stopAll = () => Promise.all(running.splice(0).map((r) => r.stop()));
  await Promise.all([primaryAdmin.connect(), backupAdmin.connect()]);
  try {
    // Workload on the primary, through Toxiproxy.
    const clients = kafkaClient(env.primary.clientBootstrap, 'mm2-drill-workload', kafkaLog);
    const workload = ctx.progress.step(`[${ctx.cell.id}#${ctx.repetition}] workload: ${s.workload.ratePerSecond} msg/s, kill ${describeAt(kill)}`);
    const consumerOptions = { kafka: clients, topics: s.topics.map((t) => t.name), phase: 'primary' as const, fromBeginning: true, settings: s.workload.consumer, recorder: rec };
    const producer = await startProducer({ kafka: clients, topics: s.topics, settings: s.workload, idPrefix: `${ctx.runId}-${ctx.repetition}`, recorder: rec });
    running.push(producer);
    phase('workload-started');
    const workloadStart = Date.now();
    // A consumer that starts late is already far behind when it joins.
    const startPrimaryConsumer = sleep(s.workload.consumer.startDelaySeconds * 1000, ctx.signal)
      .then(() => (ctx.signal.aborted ? undefined : startConsumer(consumerOptions)))
      .then((c) => (c && running.push(c), c));
    await waitUntil(async () => (await sumEnds(backupAdmin, env.remoteTopics)) > 0n, {
      what: 'the first replicated record on the backup', timeoutMs: 120_000, logFile: env.mirror.logFile, signal: ctx.signal,
    });
    phase('mirror-replicating');
    await waitForStep(kill, workloadStart, producer, ctx.signal);
    const primaryConsumer = await startPrimaryConsumer;
    throwIfInterrupted(ctx.signal, 'before the kill');

    await snapshot(rec, 'before-kill', primaryAdmin, backupAdmin, s.topics.map((t) => t.name), env.remoteTopics, groupId);
    await env.primary.kill();
    rec.emit({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
    phase('kill');
    await stopAll();
    workload(`acked ${producer.stats.acked}, indeterminate ${producer.stats.indeterminate}, failed ${producer.stats.failed}; consumed ${primaryConsumer?.delivered() ?? 0} on the primary`);

    // Failover: the same group, on the backup, from what MM2 synced there.
    const failover = ctx.progress.step(`[${ctx.cell.id}#${ctx.repetition}] failover to the backup and drain`);
    await sleep(s.failover.delaySeconds * 1000, ctx.signal);
    for (const topic of env.remoteTopics) {
      rec.emit({ type: 'offsets', label: 'failover-committed', cluster: 'backup', topic, offsets: await committedOffsets(backupAdmin, groupId, topic) });
    }
    phase('failover-started');
    const backupClients = kafkaClient(env.backup.clientBootstrap, 'mm2-drill-failover', kafkaLog);
    const backupConsumer = await startConsumer({
      kafka: backupClients, topics: env.remoteTopics, phase: 'backup', fromBeginning: s.failover.autoOffsetReset === 'earliest',
      settings: s.workload.consumer, recorder: rec, onFirstDelivery: () => phase('first-backup-delivery'),
    });
    running.push(backupConsumer);
    const drained = await drain({ admin: backupAdmin, consumer: backupConsumer, groupId, topics: env.remoteTopics, timeoutMs: s.failover.drainTimeoutSeconds * 1000, signal: ctx.signal });
    throwIfInterrupted(ctx.signal, 'during the drain');
    rec.emit({ type: 'read-complete', what: 'drain', ...drained });
    await stopAll();
    phase('drain-done');
    failover(`${backupConsumer.delivered()} delivered on the backup; ${drained.detail}`);

    // Verify: the backup's remote topics, end to end, on the never-faulted ADMIN path.
    const verify = ctx.progress.step(`[${ctx.cell.id}#${ctx.repetition}] verify: read the backup end to end`);
    const backupRead = await readBackup({
      kafka: kafkaClient(env.backup.adminBootstrap, 'mm2-drill-verify', kafkaLog), admin: backupAdmin,
      topics: env.remoteTopics, recorder: rec, timeoutMs: 120_000, signal: ctx.signal,
    });
    throwIfInterrupted(ctx.signal, 'while reading the backup');
    rec.emit({ type: 'read-complete', what: 'backup', complete: backupRead.complete, detail: backupRead.detail });
    phase('verify-done');
    verify(backupRead.detail);
  } finally {
    await stopAll();
    await Promise.all([closeQuietly(primaryAdmin, 2000), closeQuietly(backupAdmin)]);
  }
}

const describeAt = (step: TimelineStep): string => (typeof step.at === 'number' ? `after ${step.at}s` : `after ${step.at.acked} acked`);

/** Waits until a timeline step is due: a time after the workload started, or a number of acked messages. */
async function waitForStep(step: TimelineStep, workloadStart: number, producer: RunningProducer, signal: AbortSignal): Promise<void> {
  const at = step.at;
  if (typeof at === 'number') return sleep(workloadStart + at * 1000 - Date.now(), signal);
  await waitUntil(async () => producer.stats.acked >= at.acked, {
    what: `${at.acked} acked messages before "${step.action}" (${producer.stats.acked} so far)`,
    timeoutMs: 600_000, intervalMs: 50, signal,
  });
}

function throwIfInterrupted(signal: AbortSignal, where: string): void {
  if (signal.aborted) throw new DrillError('INTERRUPTED', `interrupted ${where}`);
}

async function sumEnds(admin: Admin, topics: readonly string[]): Promise<bigint> {
  let sum = 0n;
  for (const t of topics) for (const o of Object.values(await endOffsets(admin, t))) sum += BigInt(o);
  return sum;
}

/** End offsets and the group's committed offsets on both clusters, just before the kill. */
async function snapshot(rec: CellRecorder, label: string, primary: Admin, backup: Admin, topics: readonly string[], remote: readonly string[], groupId: string) {
  for (const topic of topics) {
    rec.emit({ type: 'offsets', label: `${label}-end`, cluster: 'primary', topic, offsets: await endOffsets(primary, topic) });
    rec.emit({ type: 'offsets', label: `${label}-committed`, cluster: 'primary', topic, offsets: await committedOffsets(primary, groupId, topic) });
  }
  for (const topic of remote) {
    rec.emit({ type: 'offsets', label: `${label}-end`, cluster: 'backup', topic, offsets: await endOffsets(backup, topic) });
    rec.emit({ type: 'offsets', label: `${label}-committed`, cluster: 'backup', topic, offsets: await committedOffsets(backup, groupId, topic) });
  }
}
