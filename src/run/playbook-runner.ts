/**
 * Runs a cell's playbook (core/playbook.ts) once the environment is up — the scenario's own, or
 * the default playbook that today's fixed drill is: kill, failover, drain.
 *
 * The producer and every lane's consumer group (one per paired variant, run/lane.ts) start on the
 * primary, the timeline's faults run beside the steps, then every step in order
 * (run/playbook-steps.ts), each when its `when` holds, recorded as a `step` start and end — a
 * consumer step once per lane, after the lane's own `when`, in the lane's history. A final drain
 * ends every playbook (added if missing). Then the remaining faults are healed and the
 * verification read runs on the never-faulted ADMIN path: the backup's remote topics for the
 * default playbook (`backup-record`, the classic ledger), every view on both clusters for a
 * scenario's own playbook (`copy`, the round-trip ledger). Background tasks run under a Supervisor.
 */
import type { Admin } from 'kafkajs';
import { DrillError } from '../core/errors.ts';
import type { SignalName } from '../core/health-signals.ts';
import { eventsOf, type PhaseClock } from '../core/history.ts';
import { conditionsOf, defaultPlaybook, describeWhen, stepLabel, stepTarget, type Cluster, type PlaybookStep, type Start, type When } from '../core/playbook.ts';
import type { DrillEnvironment } from '../adapters/environment.ts';
import { committedOffsets, endOffsets, totalOffsets } from '../adapters/kafka-client.ts';
import { tpKey } from '../core/topic-partition.ts';
import { startLagSampler } from '../adapters/lag-sampler.ts';
import { ackedOffsets } from '../core/lag.ts';
import { startHealthMonitor, type HealthMonitor } from '../adapters/health-monitor.ts';
import { checkpointsTopic, heartbeatsTopics, offsetSyncsTopic } from '../core/mm2-config.ts';
import { invokeFault, proxyProblems, type Heal } from '../adapters/nemesis.ts';
import { readBackup } from '../adapters/backup-reader.ts';
import { lagBelow } from '../adapters/mirror-offsets.ts';
import type { CellRecorder } from '../adapters/recorder.ts';
import { sleep, waitUntil } from '../adapters/wait.ts';
import { createDrillContext, type DrillContext } from './drill-context.ts';
import { standsAt } from './drain.ts';
import { MirrorControl } from './mirror-control.ts';
import { ConfigWatch } from './config-watch.ts';
import { CONSUMER_STEPS, stepActions } from './playbook-steps.ts';
import type { CellContext } from './run-cell.ts';
import type { Lane, LaneSpec } from './lane.ts';
import { Supervisor } from './supervisor.ts';
import { startTimeline, type RunningTimeline } from './timeline.ts';
import { Workload } from './workload.ts';

export interface PlaybookRun {
  readonly steps: readonly PlaybookStep[];
  /** The scenario's own playbook (true) or the default one (false): decides the verification read and the ledger. */
  readonly explicit: boolean;
}

/**
 * `shared`: the first lane's context, a recorder and a phase clock that write to every lane's
 * history. A paired drill runs the default playbook: each lane's own (its strategy, its delay).
 */
export async function runPlaybook(env: DrillEnvironment, lanes: readonly LaneSpec[], shared: { ctx: CellContext; rec: CellRecorder; phase: PhaseClock }, book: PlaybookRun): Promise<void> {
  const { ctx, rec, phase } = shared;
  const s = ctx.cell.scenario;
  const sup = new Supervisor(ctx.signal);
  const signal = sup.signal;
  const label = `[${ctx.cell.id}#${ctx.repetition}]`;
  const topics = s.topics.map((t) => t.name);
  const d = await createDrillContext({ ctx, env, rec, phase, sup, explicit: book.explicit, lanes });
  const workload = new Workload(d);
  const mirrors = new MirrorControl(d);
  const killed = new Set<Cluster>();
  const configs = new ConfigWatch(d, killed);
  const heals: { heal: NonNullable<Heal>; what: string }[] = [];
  const healing: Promise<unknown>[] = [];
  const healProblems: string[] = [];
  // Each lane samples its own group's synced and committed offsets.
  // Behind a transactional producer the lag counts the acked records, not the offsets its commit markers take.
  const acked = s.workload.transactionRecords > 0 ? () => ackedOffsets(rec.events()) : undefined;
  const samplers = d.lanes.map((l) => startLagSampler({ primary: () => d.admins.get('primary'), backup: () => d.admins.get('backup'), topics, remoteTopics: env.remoteTopics, groupId: l.groupId, recorder: l.rec, acked }));
  const sampler = samplers[0]!;
  let samplerStopped = false;
  const stopSampler = async () => {
    if (samplerStopped) return;
    samplerStopped = true;
    await Promise.all(samplers.map((x) => x.stop()));
  };
  const faultTargets = () => ({ toxiproxy: env.toxiproxy.api, plan: env.plan, primary: env.primary, backup: env.backup, mirror: env.mirror ?? null });
  const healPlaybookFaults = async (): Promise<string[]> => {
    const problems: string[] = [];
    for (const h of heals.splice(0)) await h.heal().catch((e: unknown) => problems.push(`healing ${h.what} failed: ${e instanceof Error ? e.message : String(e)}`));
    return problems;
  };
  const throwIfInterrupted = (where: string) => {
    sup.check();
    if (signal.aborted) throw new DrillError('INTERRUPTED', `interrupted ${where}`);
  };
  let timeline: RunningTimeline | undefined;
  let healedForDrain: Promise<void> | undefined;
  const actions = stepActions({
    d, workload, mirrors, configs, killed, faultTargets, throwIfInterrupted,
    beforeKill: stopSampler,
    // A fault still on during the drain would leave messages the consumer never had the chance to
    // read. Once for all lanes: the first to drain heals.
    beforeDrain: () => (healedForDrain ??= (async () => {
      healProblems.push(...((await timeline?.healUndated()) ?? []), ...(await healPlaybookFaults()));
    })()),
    addHeal: (heal, what, afterMs) => {
      if (afterMs === null) heals.push({ heal, what });
      else healing.push(sup.watch(sleep(afterMs, signal).then(heal), `healing ${what}`));
    },
  });
  let health: HealthMonitor | undefined;
  const waitFor = whenWaiter(d, workload, mirrors, () => sampler.latest(), (a) => health?.firing(a) ?? false);

  let consumerReady: Promise<unknown> = Promise.resolve();
  try {
    for (const [name, m] of Object.entries(s.mirrors)) if (m.startAt === 'setup') await mirrors.start(name);
    // MM2's health, watched like an operator's monitoring would, when the scenario has alarms on it.
    if (Object.keys(s.alarms).length > 0) health = watchHealth(d, killed);
    await workload.startProducing('primary');
    phase('workload-started');
    const workloadStart = Date.now();
    // The timeline's faults (its kill is the default playbook's first step, not run there).
    timeline = startTimeline({ steps: s.timeline, workloadStart, signal, rec, acked: () => workload.acked(), lag: sampler.latest, invoke: (fault, name) => invokeFault(faultTargets(), fault, name) });
    // A consumer that starts late is already far behind when it joins.
    consumerReady = Promise.all(d.lanes.map((l) => sup.watch(sleep(l.scenario.workload.consumer.startDelaySeconds * 1000, signal).then(async () => {
      if (!signal.aborted && !l.consumerOn) await l.startConsuming('primary', l.groupId, true);
    }), `the consumer on the primary${d.lanes.length > 1 ? ` of ${l.label}` : ''}`)));
    // Each start is supervised (its failure is the cell's error); awaiting the whole still throws.
    consumerReady.catch(() => undefined);
    // The default playbook is short enough to show whole; a scenario's own prints each step as it ends.
    const outline = book.explicit ? `${book.steps.length} step(s)` : book.steps.map((x, i) => `${stepLabel(x, i)} ${describeWhen(x.when)}`).join(' → ');
    const progress = ctx.progress.step(`${label} playbook: ${outline}`);
    await waitUntil(async () => (await totalOffsets(d.admins.get('backup'), env.remoteTopics)) > 0, {
      what: 'the first replicated record on the backup', timeoutMs: 120_000, logFile: env.mirror?.logFile, signal,
    });
    throwIfInterrupted('while waiting for replication');
    phase('mirror-replicating');
    const withDrain = (steps: readonly PlaybookStep[]) => steps.at(-1)?.action === 'drain-consumers' ? steps : [...steps, { action: 'drain-consumers', timeoutSeconds: 3600 } satisfies PlaybookStep];
    const all = withDrain(book.steps);
    // Each lane's own steps: the same actions (the environment is shared), its own `when` and strategy.
    const laneSteps = d.lanes.map((l) => (d.lanes.length > 1 ? withDrain(defaultPlaybook(l.scenario)) : all));
    const runStep = async (step: PlaybookStep, index: number, lane: Lane, r: CellRecorder) => {
      const name = stepLabel(step, index);
      await waitFor(step.when, index, workloadStart, step.timeoutSeconds * 1000);
      throwIfInterrupted(`before step "${name}"`);
      // The consumer that starts late must exist before its cluster is killed, or it is moved or drained.
      if (step.action === 'kill-cluster' || CONSUMER_STEPS.has(step.action)) await consumerReady;
      const target = stepTarget(step);
      const id = { index, label: name, action: step.action, ...(target ? { target } : {}) };
      r.emit({ type: 'step', ...id, state: 'start' });
      try {
        const detail = await (actions[step.action] as (x: PlaybookStep, i: number, l: Lane) => Promise<string | void>)(step, index, lane);
        r.emit({ type: 'step', ...id, state: 'end', ...(detail ? { detail } : {}) });
        if (book.explicit) ctx.progress.info(`${label} ${name}${detail ? `: ${detail}` : ''}`);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        r.emit({ type: 'step', ...id, state: 'failed', detail: error });
        sup.check();
        if (e instanceof DrillError) throw e;
        throw new DrillError('STEP_FAILED', `playbook step "${name}" failed: ${error}`, { fix: 'see the cell\'s container logs and history.ndjson', cause: e });
      }
    };
    for (const [index, step] of all.entries()) {
      if (CONSUMER_STEPS.has(step.action)) await Promise.all(d.lanes.map((l, i) => runStep(laneSteps[i]![index]!, index, l, l.rec)));
      else await runStep(step, index, d.lanes[0]!, rec);
    }
    await workload.stopProducing();
    await Promise.all([workload.settle(), ...d.lanes.map((l) => l.settle())]);
    const t = workload.totals;
    progress(`acked ${t.acked}, indeterminate ${t.indeterminate}, failed ${t.failed}`);
    // Without a kill, let MM2 catch up before the backup is read, so "not replicated" means not replicated.
    if (!killed.has('primary') && mirrors.isRunning('forward')) {
      await waitUntil(async () => (await totalOffsets(d.admins.get('backup'), env.remoteTopics)) >= (await totalOffsets(d.admins.get('primary'), topics)), {
        what: 'MM2 to catch up with the primary', timeoutMs: 60_000, signal,
      }).catch(() => undefined);
    }
    await stopSampler();
    await health?.stop();
    await configs.stop();
    // Faults the scenario made last past the drain are healed now; what MM2 still had to write
    // lands before the backup is read (as `unreached`, if the consumer had stopped before it).
    const lateHeals = eventsOf(rec.events(), 'fault-end').length;
    healProblems.push(...((await timeline?.healAll()) ?? []), ...(await healPlaybookFaults()));
    await Promise.allSettled(healing.splice(0));
    if (eventsOf(rec.events(), 'fault-end').length > lateHeals) await stableEnds(d.admins.get('backup'), env.remoteTopics, signal);
    // A killed external cluster's client proxies stay disabled: that cut is the kill, not a fault left on.
    const leftOnProxies = await proxyProblems(env.toxiproxy.api, new Set(env.plan.filter((p) => killed.has(p.broker.cluster)).map((p) => p.name)));
    await verify(d, killed, throwIfInterrupted);
    const faultProblems = [...(timeline?.errors ?? []), ...healProblems, ...leftOnProxies];
    if (faultProblems.length > 0) {
      throw new DrillError('FAULT_FAILED', `the timeline did not run as written: ${faultProblems.join('; ')}`, { fix: 'see toxiproxy.log and the container logs of this cell' });
    }
  } catch (e) {
    sup.check(); // a background task's failure is the cause, not the interruption it triggered
    throw e;
  } finally {
    await timeline?.healAll().catch(() => undefined);
    await Promise.allSettled([stopSampler(), health?.stop(), workload.stop(), ...d.lanes.map((l) => l.stop()), mirrors.close(), configs.stop(), healPlaybookFaults()]);
    await Promise.allSettled([...healing, consumerReady]);
    await d.admins.close();
  }
}

/** Follows the forward flow's heartbeats, checkpoints and offset syncs for the scenario's alarms, each lane with its own group. */
function watchHealth(d: DrillContext, killed: ReadonlySet<Cluster>): HealthMonitor {
  const s = d.ctx.cell.scenario;
  return startHealthMonitor({
    alarms: s.alarms,
    topics: {
      heartbeats: heartbeatsTopics(s, d.env.sourceAlias),
      checkpoints: checkpointsTopic(s, d.env.sourceAlias),
      offsetSyncs: s.external ? null : offsetSyncsTopic(s),
    },
    lanes: d.lanes.map((l) => ({ groupId: l.groupId, recorder: l.rec })),
    partitions: s.topics.flatMap((t) => Array.from({ length: t.partitions }, (_, p) => tpKey(t.name, p))),
    client: (c) => d.admins.client(c),
    admin: (c) => d.admins.get(c),
    reachable: (c) => !killed.has(c),
    signal: d.sup.signal,
  });
}

/**
 * Resolves when a step's `when` holds (throws WAIT_TIMEOUT after the step's timeout): one time
 * is slept to, one condition polled; several are polled together, the first to hold wins.
 */
function whenWaiter(d: DrillContext, workload: Workload, mirrors: MirrorControl, replicationLag: () => number | undefined, alarmFiring: (a: SignalName) => boolean) {
  /** When a time condition is due (epoch ms); null for a measured one. */
  const dueAt = (w: When, index: number, workloadStart: number, stepStart: number): number | null => {
    if ('at' in w) {
      // MM2 checkpoints and syncs on fixed schedules: jitter makes repeated runs sample their phases.
      const atSeconds = w.at + Math.random() * (w.jitterSeconds ?? 0);
      if (w.jitterSeconds) d.rec.emit({ type: 'step-scheduled', step: index, atSeconds });
      return workloadStart + atSeconds * 1000;
    }
    return 'afterSeconds' in w ? stepStart + w.afterSeconds * 1000 : null;
  };
  const measured = (w: When): (() => Promise<boolean>) => {
    if ('acked' in w) return async () => workload.acked() >= w.acked;
    if ('replicationLagAbove' in w) return async () => (replicationLag() ?? -1) > w.replicationLagAbove;
    if ('consumerLagBelow' in w) return async () => (await consumerLag(d, d.lanes[0]!)) < w.consumerLagBelow;
    if ('alarm' in w) return async () => alarmFiring(w.alarm);
    if ('recordsAbove' in w) return async () => (await totalOffsets(d.admins.get(w.cluster), await d.views(w.cluster))) > w.recordsAbove;
    if ('lagBelow' in w) return async () => lagBelow(await mirrors.lag(w.mirror), w.lagBelow);
    if ('lagAbove' in w) return async () => (await mirrors.lag(w.mirror)).messages > w.lagAbove;
    throw new Error(`a time condition is not measured: ${describeWhen(w)}`);
  };
  return async (start: Start | undefined, index: number, workloadStart: number, timeoutMs: number): Promise<void> => {
    const signal = d.sup.signal;
    const conditions = conditionsOf(start);
    if (conditions.length === 0) return;
    const now = Date.now();
    const dues = conditions.map((w) => dueAt(w, index, workloadStart, now));
    if (dues.length === 1 && dues[0] !== null) return sleep(dues[0]! - Date.now(), signal);
    const times = dues.filter((t) => t !== null);
    // A condition that cannot be measured now (its cluster down, its mirror stopped) is not yet
    // true: it must not keep a time in the same list from coming.
    const checks = conditions.flatMap((w, i) => (dues[i] === null ? [measured(w)] : [])).map((check) => () => check().catch(() => false));
    const any = async () => {
      if (times.some((t) => Date.now() >= t)) return true;
      for (const check of checks) if (await check()) return true;
      return false;
    };
    // A time in the list always comes: the step's timeout does not cut it short.
    const until = times.length ? Math.max(timeoutMs, Math.min(...times) - Date.now() + 5000) : timeoutMs;
    await waitUntil(any, { what: describeWhen(start), timeoutMs: until, intervalMs: 50, signal });
  };
}

/** A lane's consumer's lag on its cluster: end offsets minus where it stands (what it processed, or its group's commit). */
async function consumerLag(d: DrillContext, lane: Lane): Promise<number> {
  const c = lane.consumerOn;
  if (!c) throw new DrillError('STEP_FAILED', 'no consumer is running');
  const admin = d.admins.get(c.cluster);
  let lag = 0n;
  for (const t of await d.views(c.cluster)) {
    const committed = await committedOffsets(admin, c.run.groupId, t);
    for (const [p, end] of Object.entries(await endOffsets(admin, t))) {
      const at = standsAt(c.run, tpKey(t, p), committed[p]);
      if (BigInt(end) > at) lag += BigInt(end) - at;
    }
  }
  return Number(lag);
}

/** The verification read, end to end, on the never-faulted ADMIN path. */
async function verify(d: DrillContext, killed: ReadonlySet<Cluster>, throwIfInterrupted: (where: string) => void): Promise<void> {
  const { ctx, env, rec } = d;
  const label = `[${ctx.cell.id}#${ctx.repetition}]`;
  if (!d.explicit) {
    const step = ctx.progress.step(`${label} verify: read the backup end to end`);
    const read = await readBackup({ kafka: env.backup.kafka('admin', 'mm2-drill-verify', env.kafkaLog), admin: d.admins.get('backup'), topics: env.remoteTopics, recorder: rec, timeoutMs: 120_000, signal: d.sup.signal });
    throwIfInterrupted('while reading the backup');
    rec.emit({ type: 'read-complete', what: 'backup', complete: read.complete, detail: read.detail });
    d.phase('verify-done');
    step(read.detail);
    return;
  }
  const step = ctx.progress.step(`${label} verify: read both clusters end to end`);
  const details: string[] = [];
  for (const c of ['primary', 'backup'] as const) {
    if (killed.has(c)) {
      // Nothing of a killed cluster can be read: what needs its content is 'unknown'.
      rec.emit({ type: 'read-complete', what: `${c}-copies`, complete: false, detail: 'killed and not restored: not read' });
      details.push(`${c}: killed, not read`);
      continue;
    }
    const read = await readBackup({ kafka: d.admins.client(c), admin: d.admins.get(c), topics: await d.views(c), recorder: rec, timeoutMs: 120_000, signal: d.sup.signal, cluster: c }).catch((e: unknown) => ({
      complete: false, detail: `unreadable: ${e instanceof Error ? e.message : String(e)}`, records: 0,
    }));
    throwIfInterrupted(`while reading the ${c}`);
    rec.emit({ type: 'read-complete', what: `${c}-copies`, complete: read.complete, detail: read.detail });
    details.push(`${c}: ${read.detail}`);
  }
  d.phase('verify-done');
  step(details.join('; '));
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
