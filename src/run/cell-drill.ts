/**
 * The drill itself, once the environment is up: workload on the primary, the timeline's faults,
 * the kill, the failover, the faults without a duration healed, the drain on the backup (or,
 * without a kill, on the primary), the remaining faults healed, then the verification read.
 * Every step is recorded in the history; background tasks run under a Supervisor.
 */
import type { Admin } from 'kafkajs';
import { DrillError } from '../core/errors.ts';
import { eventsOf, type PhaseName } from '../core/history.ts';
import { startConsumer, type RunningConsumer } from '../adapters/consumer.ts';
import type { DrillEnvironment } from '../adapters/environment.ts';
import { closeQuietly, committedOffsets, endOffsets, kafkaClient, totalOffsets } from '../adapters/kafka-client.ts';
import { startLagSampler } from '../adapters/lag-sampler.ts';
import { invokeFault, proxyProblems } from '../adapters/nemesis.ts';
import { startProducer } from '../adapters/producer.ts';
import { readBackup } from '../adapters/backup-reader.ts';
import type { CellRecorder } from '../adapters/recorder.ts';
import { sleep, waitUntil } from '../adapters/wait.ts';
import { drain } from './drain.ts';
import { failover } from './failover.ts';
import type { CellContext } from './run-cell.ts';
import { Supervisor } from './supervisor.ts';
import { describeAt, due, startTimeline, type RunningTimeline } from './timeline.ts';

interface Stoppable {
  stop(): Promise<void>;
}

export async function drill(ctx: CellContext, env: DrillEnvironment, rec: CellRecorder, phase: (p: PhaseName) => void): Promise<void> {
  const s = ctx.cell.scenario;
  const sup = new Supervisor(ctx.signal);
  const signal = sup.signal;
  const label = `[${ctx.cell.id}#${ctx.repetition}]`;
  const kafkaLog = env.kafkaLog;
  const groupId = s.workload.consumer.groupId;
  const topics = s.topics.map((t) => t.name);
  const kill = s.timeline.find((x) => x.action === 'kill-primary');
  const primaryAdmin = kafkaClient(env.primary.adminBootstrap, 'mm2-drill-admin-primary', kafkaLog).admin();
  const backupAdmin = kafkaClient(env.backup.adminBootstrap, 'mm2-drill-admin-backup', kafkaLog).admin();
  // Whatever was started is stopped on the way out, also when the drill is interrupted.
  const running: Stoppable[] = [];
  const stop = async (...xs: (Stoppable | undefined)[]) => {
    for (const x of xs) if (x && running.includes(x)) running.splice(running.indexOf(x), 1);
    await Promise.all(xs.map((x) => x?.stop()));
  };
  let timeline: RunningTimeline | undefined;
  const healProblems: string[] = [];
  await Promise.all([primaryAdmin.connect(), backupAdmin.connect()]);
  try {
    // Workload on the primary, through Toxiproxy.
    const clients = kafkaClient(env.primary.clientBootstrap, 'mm2-drill-workload', kafkaLog);
    const workload = ctx.progress.step(`${label} workload: ${s.workload.ratePerSecond} msg/s, ${kill ? `kill ${describeAt(kill)}` : `${s.workload.durationSeconds}s, no kill`}`);
    const producer = await startProducer({ kafka: clients, topics: s.topics, settings: s.workload, idPrefix: `${ctx.runId}-${ctx.repetition}`, recorder: rec });
    running.push(producer);
    phase('workload-started');
    const workloadStart = Date.now();
    const sampler = startLagSampler({ primary: primaryAdmin, backup: backupAdmin, topics, remoteTopics: env.remoteTopics, groupId, recorder: rec });
    running.push(sampler);
    // A consumer that starts late is already far behind when it joins.
    const primaryConsumer: Promise<RunningConsumer | undefined> = sup.watch(sleep(s.workload.consumer.startDelaySeconds * 1000, signal).then(async () => {
      if (signal.aborted) return undefined;
      const c = await startConsumer({ kafka: clients, topics, phase: 'primary', fromBeginning: true, settings: s.workload.consumer, recorder: rec });
      running.push(c);
      return c;
    }), 'the consumer on the primary');
    const clock = { workloadStart, acked: () => producer.stats.acked, lag: sampler.latest };
    timeline = startTimeline({
      steps: s.timeline, ...clock, signal, rec,
      invoke: (fault, name) => invokeFault({ toxiproxy: env.toxiproxy.api, plan: env.plan, primary: env.primary, backup: env.backup, mirror: env.mirror.container }, fault, name),
    });
    await waitUntil(async () => (await totalOffsets(backupAdmin, env.remoteTopics)) > 0, {
      what: 'the first replicated record on the backup', timeoutMs: 120_000, logFile: env.mirror.logFile, signal,
    });
    throwIfInterrupted(sup, 'while waiting for replication');
    phase('mirror-replicating');

    if (kill) {
      await due(kill, s.timeline.indexOf(kill), { ...clock, rec }, signal);
      throwIfInterrupted(sup, 'before the kill');
      const consumer = await primaryConsumer;
      await stop(sampler);
      await snapshot(rec, 'before-kill', primaryAdmin, backupAdmin, topics, env.remoteTopics, groupId);
      await env.primary.kill();
      rec.emit({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
      phase('kill');
      // The clients of the dead primary are abandoned, not awaited: their requests in flight only
      // end at their timeouts (10 s), and a real application fails over without waiting for them.
      const abandoned = sup.watch(stop(producer, consumer).then(() =>
        workload(`acked ${producer.stats.acked}, indeterminate ${producer.stats.indeterminate}, failed ${producer.stats.failed}; consumed ${consumer?.delivered() ?? 0} on the primary`)), 'stopping the primary\'s clients');
      const onBackup = await failover({ ctx, env, rec, phase, backupAdmin });
      running.push(onBackup);
      healProblems.push(...(await healBeforeDrain(timeline, phase)));
      await drainAndRecord(ctx, rec, phase, { admin: backupAdmin, consumer: onBackup, groupId: onBackup.groupId, topics: env.remoteTopics, cluster: 'backup' }, 'after failover to the backup', stop, sup);
      await abandoned;
    } else {
      await sleep(workloadStart + (s.workload.durationSeconds ?? 0) * 1000 - Date.now(), signal);
      throwIfInterrupted(sup, 'during the workload');
      const consumer = await primaryConsumer;
      await stop(producer);
      workload(`acked ${producer.stats.acked}, indeterminate ${producer.stats.indeterminate}, failed ${producer.stats.failed}`);
      if (!consumer) throw new DrillError('INTERRUPTED', 'the consumer never started');
      healProblems.push(...(await healBeforeDrain(timeline, phase)));
      await drainAndRecord(ctx, rec, phase, { admin: primaryAdmin, consumer, groupId, topics, cluster: 'primary' }, 'on the primary', stop, sup);
      // Let MM2 catch up before the backup is read, so "not replicated" means not replicated.
      await waitUntil(async () => (await totalOffsets(backupAdmin, env.remoteTopics)) >= (await totalOffsets(primaryAdmin, topics)), {
        what: 'MM2 to catch up with the primary', timeoutMs: 60_000, signal,
      }).catch(() => undefined);
      await stop(sampler);
    }

    // Faults the scenario made last past the drain are healed now; what MM2 still had to write
    // lands before the backup is read (as `unreached`, if the consumer had stopped before it).
    const lateHeals = eventsOf(rec.events(), 'fault-end').length;
    healProblems.push(...(await timeline.healAll()));
    if (eventsOf(rec.events(), 'fault-end').length > lateHeals) await stableEnds(backupAdmin, env.remoteTopics, signal);
    const leftOnProxies = await proxyProblems(env.toxiproxy.api);
    // Verify: the backup's remote topics, end to end, on the never-faulted ADMIN path.
    const verify = ctx.progress.step(`${label} verify: read the backup end to end`);
    const backupRead = await readBackup({
      kafka: kafkaClient(env.backup.adminBootstrap, 'mm2-drill-verify', kafkaLog), admin: backupAdmin,
      topics: env.remoteTopics, recorder: rec, timeoutMs: 120_000, signal,
    });
    throwIfInterrupted(sup, 'while reading the backup');
    rec.emit({ type: 'read-complete', what: 'backup', complete: backupRead.complete, detail: backupRead.detail });
    phase('verify-done');
    verify(backupRead.detail);
    const faultProblems = [...timeline.errors, ...healProblems, ...leftOnProxies];
    if (faultProblems.length > 0) {
      throw new DrillError('FAULT_FAILED', `the timeline did not run as written: ${faultProblems.join('; ')}`, { fix: 'see toxiproxy.log and the container logs of this cell' });
    }
  } catch (e) {
    sup.check(); // a background task's failure is the cause, not the interruption it triggered
    throw e;
  } finally {
    await timeline?.healAll().catch(() => undefined);
    await stop(...running);
    await Promise.all([closeQuietly(primaryAdmin, 2000), closeQuietly(backupAdmin)]);
  }
}

/** Heals the faults without a duration, then marks the start of the drain: the history shows the order. */
async function healBeforeDrain(timeline: RunningTimeline, phase: (p: PhaseName) => void): Promise<string[]> {
  const problems = await timeline.healUndated();
  phase('faults-healed');
  phase('drain-started');
  return problems;
}

async function drainAndRecord(
  ctx: CellContext, rec: CellRecorder, phase: (p: PhaseName) => void,
  o: { admin: Admin; consumer: RunningConsumer; groupId: string; topics: readonly string[]; cluster: 'primary' | 'backup' },
  where: string, stop: (...xs: (Stoppable | undefined)[]) => Promise<void>, sup: Supervisor,
): Promise<void> {
  const step = ctx.progress.step(`[${ctx.cell.id}#${ctx.repetition}] drain ${where}`);
  const drained = await drain({ ...o, timeoutMs: ctx.cell.scenario.failover.drainTimeoutSeconds * 1000, signal: sup.signal });
  throwIfInterrupted(sup, 'during the drain');
  rec.emit({ type: 'read-complete', what: 'drain', complete: drained.complete, detail: drained.detail });
  for (const l of drained.last) {
    rec.emit({ type: 'offsets', label: 'drain-end', cluster: o.cluster, topic: l.topic, offsets: l.end });
    rec.emit({ type: 'offsets', label: 'drain-end-committed', cluster: o.cluster, topic: l.topic, offsets: l.committed });
  }
  await stop(o.consumer);
  phase('drain-done');
  step(`${o.consumer.delivered()} delivered ${where}; ${drained.detail}`);
}

/** Waits (bounded) until the backup's end offsets stay put for a few seconds. */
async function stableEnds(admin: Admin, topics: readonly string[], signal: AbortSignal): Promise<void> {
  let last = -1;
  let since = Date.now();
  await waitUntil(async () => {
    const now = await totalOffsets(admin, topics);
    if (now !== last) [last, since] = [now, Date.now()];
    return Date.now() - since >= 3000;
  }, { what: 'the backup\'s end offsets to settle after the last heal', timeoutMs: 30_000, intervalMs: 500, signal }).catch(() => undefined);
}

/** Throws the first failure of a background task, else INTERRUPTED if the cell was aborted. */
function throwIfInterrupted(sup: Supervisor, where: string): void {
  sup.check();
  if (sup.signal.aborted) throw new DrillError('INTERRUPTED', `interrupted ${where}`);
}

/**
 * End offsets and the group's committed offsets on both clusters, just before the kill. A
 * look-up that fails (a leader election after an earlier fault) is left out, not fatal: the
 * kill must happen on time.
 */
async function snapshot(rec: CellRecorder, label: string, primary: Admin, backup: Admin, topics: readonly string[], remote: readonly string[], groupId: string) {
  const take = async (cluster: 'primary' | 'backup', admin: Admin, topic: string) => {
    const [end, committed] = await Promise.allSettled([endOffsets(admin, topic), committedOffsets(admin, groupId, topic)]);
    if (end.status === 'fulfilled') rec.emit({ type: 'offsets', label: `${label}-end`, cluster, topic, offsets: end.value });
    if (committed.status === 'fulfilled') rec.emit({ type: 'offsets', label: `${label}-committed`, cluster, topic, offsets: committed.value });
  };
  await Promise.all([...topics.map((t) => take('primary', primary, t)), ...remote.map((t) => take('backup', backup, t))]);
}
