/**
 * Runs a cell's playbook (core/scenario/playbook.ts) once the environment is up — the scenario's own, or
 * the default playbook that today's fixed drill is: kill, failover, drain.
 *
 * The producer and every lane's consumer group (one per paired variant, run/playbook/lane.ts) start on the
 * primary, the timeline's faults run beside the steps, then every step in order
 * (run/playbook/playbook-steps.ts), each when its `when` holds, recorded as a `step` start and end — a
 * consumer step once per lane, after the lane's own `when`, in the lane's history. A final drain
 * ends every playbook (added if missing). Then the remaining faults are healed and the
 * verification read runs on the never-faulted ADMIN path: the backup's remote topics for the
 * default playbook (`backup-record`, the classic ledger), every view on both clusters for a
 * scenario's own playbook (`copy`, the round-trip ledger). Background tasks run under a Supervisor.
 *
 * `runPlaybook` is the sequence of these stages; what outlives a stage owns its own end: the
 * faults to heal (run/playbook/heals.ts), the lag and health samplers (run/playbook/samplers.ts), each lane's late
 * consumer (run/playbook/lane.ts). On the way out, whether the drill ended, failed or was interrupted, the
 * timeline's faults are healed first, then every client, sampler and remaining heal stops at once.
 */
import { DrillError } from '../../core/errors.ts';
import { eventsOf, type PhaseClock } from '../../core/history/history.ts';
import { conditionsOf, describeWhen, stepLabel, stepTarget, type Cluster, type PlaybookStep, type Start, type When } from '../../core/scenario/playbook.ts';
import { defaultPlaybook } from '../../core/scenario/default-playbook.ts';
import type { DrillEnvironment } from '../../adapters/containers/environment.ts';
import { committedOffsets, endOffsets, totalOffsets } from '../../adapters/clients/kafka-client.ts';
import { tpKey } from '../../core/history/topic-partition.ts';
import { invokeFault, proxyProblems, type NemesisTargets } from '../../adapters/containers/nemesis.ts';
import { readBackup } from '../../adapters/clients/backup-reader.ts';
import { lagBelow } from '../../adapters/clients/mirror-offsets.ts';
import type { CellRecorder } from '../../adapters/recorder.ts';
import { sleep, waitUntil } from '../../adapters/wait.ts';
import type { CellContext, DrillContext, DrillSide, Lane, LaneSpec } from '../cell-context.ts';
import { createDrillContext } from './drill-context.ts';
import { standsAt } from '../drain.ts';
import { SETTLE_MS, untilStill } from '../still-ends.ts';
import { Heals } from './heals.ts';
import { MirrorControl } from './mirror-control.ts';
import { ConfigWatch } from './config-watch.ts';
import { CONSUMER_STEPS, stepActions } from './playbook-steps.ts';
import { Samplers } from './samplers.ts';
import type { StepActions, StepOf } from './step-context.ts';
import { Supervisor } from '../supervisor.ts';
import { startTimeline } from '../timeline.ts';
import { measuredRestart } from '../mirror-restart.ts';
import { Workload } from '../workload.ts';

export interface PlaybookRun {
  readonly steps: readonly PlaybookStep[];
  /** The scenario's own playbook (true) or the default one (false): decides the verification read and the ledger. */
  readonly explicit: boolean;
  /**
   * Called once the drill's timing-sensitive part is over — the kill, the failover, every fault
   * and restart the timeline measures — so the run may start the next environment beside this
   * one's drain and verification: at the final drain when the timeline holds no fault, else once
   * every fault is healed. Two environments' JVMs then share the CPU, a drain and a read do not
   * measure anything time-critical.
   */
  readonly onQuiet?: (() => void) | undefined;
  /**
   * Handed, as the drill ends, what resolves once the clients abandoned at a kill are gone — cut
   * off the network once their outcomes are recorded (adapters/clients/kafka-client.ts `cutOff`):
   * the environment is removed only after, so that no retry of theirs reaches a later
   * environment's Toxiproxy on the same host port.
   */
  readonly onAbandoned?: ((gone: Promise<unknown>) => void) | undefined;
}

/** What the stages of a drill act on, beside its context. */
interface Parts {
  readonly workload: Workload;
  readonly mirrors: MirrorControl;
  readonly configs: ConfigWatch;
  /** Clusters killed and not restored. */
  readonly killed: Set<Cluster>;
  readonly heals: Heals;
  readonly samplers: Samplers;
}

/**
 * `shared`: the first lane's context, a recorder and a phase clock that write to every lane's
 * history. A paired drill runs the default playbook: each lane's own (its strategy, its delay).
 */
export async function runPlaybook(env: DrillEnvironment, lanes: readonly LaneSpec[], shared: { ctx: CellContext; rec: CellRecorder; phase: PhaseClock }, book: PlaybookRun): Promise<void> {
  const { ctx, rec, phase } = shared;
  const sup = new Supervisor(ctx.signal);
  const d = await createDrillContext({ ctx, env, rec, phase, sup, explicit: book.explicit, lanes });
  const killed = new Set<Cluster>();
  const p: Parts = { workload: new Workload(d), mirrors: new MirrorControl(d), configs: new ConfigWatch(d, killed), killed, heals: new Heals(sup), samplers: Samplers.start(d, killed) };
  const actions = stepActions({
    d, workload: p.workload, mirrors: p.mirrors, configs: p.configs, killed,
    faultTargets: () => faultTargets(env),
    throwIfInterrupted: (where) => sup.throwIfInterrupted(where),
    beforeKill: async (cluster) => {
      if (cluster === 'primary') await p.samplers.stopLag();
      await p.samplers.beforeKill(cluster);
    },
    seenEnds: (side, cluster) => p.samplers.seenEnds(side, cluster),
    beforeDrain: () => p.heals.beforeDrain(),
    addHeal: (heal, what, afterMs) => p.heals.add(heal, what, afterMs),
  });
  try {
    const workloadStart = await startWorkload(d, p);
    // The default playbook is short enough to show whole; a scenario's own prints each step as it ends.
    const progress = ctx.progress.step(`${cellLabel(ctx)} playbook: ${outline(book)}`);
    await firstReplicated(d);
    await p.samplers.watchEnds();
    let quiet = book.onQuiet;
    const becameQuiet = () => {
      quiet?.();
      quiet = undefined;
    };
    const faultless = ctx.cell.scenario.timeline.every((x) => x.action === 'kill-primary');
    await runSteps(d, book.steps, { actions, waitFor: whenWaiter(d, p), workloadStart, beforeFinal: faultless ? becameQuiet : () => undefined });
    await p.workload.stopProducing();
    const settled = settleWorkload(d, p.workload);
    await catchUp(d, p);
    await p.samplers.stop();
    await p.configs.stop();
    await healLateFaults(d, p.heals);
    becameQuiet();
    // A killed external cluster's client proxies stay disabled: that cut is the kill, not a fault left on.
    const leftOnProxies = await proxyProblems(env.toxiproxy.api, new Set(env.plan.filter((x) => killed.has(x.broker.cluster)).map((x) => x.name)));
    await verify(d, killed);
    progress(await settled);
    const faultProblems = [...p.heals.problems, ...leftOnProxies];
    if (faultProblems.length > 0) {
      throw new DrillError('FAULT_FAILED', `the timeline did not run as written: ${faultProblems.join('; ')}`, { fix: 'see toxiproxy.log and the container logs of this cell' });
    }
  } catch (e) {
    sup.check(); // a background task's failure is the cause, not the interruption it triggered
    throw e;
  } finally {
    // The timeline's faults are healed before the clients stop; then everything stops at once.
    await p.heals.healTimeline();
    await Promise.allSettled([p.samplers[Symbol.asyncDispose](), p.workload.stop(), ...d.lanes.map((l) => l.stop()), p.mirrors.close(), p.configs.stop(), p.heals[Symbol.asyncDispose]()]);
    await Promise.allSettled(d.lanes.map((l) => l.joined));
    // Producer processes' segments: seconds of the event loop at high rates, so once nothing is
    // measured any more — and before the checker, whether the drill ended or failed.
    p.workload.recordApart();
    book.onAbandoned?.(Promise.allSettled([p.workload.closed(), ...d.lanes.map((l) => l.closed())]));
    await Promise.all(d.sides.map((side) => side.admins.close()));
  }
}

const cellLabel = (ctx: CellContext): string => `[${ctx.cell.id}#${ctx.repetition}]`;

const outline = (book: PlaybookRun): string =>
  book.explicit ? `${book.steps.length} step(s)` : book.steps.map((x, i) => `${stepLabel(x, i)} ${describeWhen(x.when)}`).join(' → ');

const faultTargets = (env: DrillEnvironment): NemesisTargets => ({ toxiproxy: env.toxiproxy.api, plan: env.plan, primary: env.primary, backup: env.backup, mirror: env.mirror ?? null });

/**
 * The mirrors started at setup, MM2's health monitor, the producer on the primary, the timeline's
 * faults beside the steps and every lane's consumer, after its start delay. Returns when the
 * workload started (epoch ms).
 */
async function startWorkload(d: DrillContext, p: Parts): Promise<number> {
  const s = d.ctx.cell.scenario;
  for (const [name, m] of Object.entries(s.mirrors)) if (m.startAt === 'setup') await p.mirrors.start(name);
  p.samplers.watchHealth(p.killed);
  p.samplers.followSyncs();
  await p.workload.startProducing('primary');
  d.phase('workload-started');
  const workloadStart = Date.now();
  // The timeline's faults (its kill is the default playbook's first step, not run there).
  p.heals.track(startTimeline({
    steps: s.timeline, workloadStart, signal: d.sup.signal, rec: d.rec, acked: () => p.workload.acked(), lag: () => p.samplers.lag(),
    invoke: (fault, name) => invokeFault(faultTargets(d.env), fault, name),
    restart: (fault, step, restart, signal) => measuredRestart({
      targets: faultTargets(d.env), fault, step, restart, backup: d.admins.get('backup'), remoteTopics: d.env.remoteTopics, rec: d.rec, signal,
    }),
    killed: () => p.killed.has('primary'),
  }));
  // A warm standby is on the backup before the group commits anything: MM2 never sees it empty there.
  for (const l of d.lanes) await l.startStandby(d.sides[l.side]!.admins.get('backup'));
  for (const l of d.lanes) l.join(`the consumer on the primary${d.lanes.length > 1 ? ` of ${l.label}` : ''}`);
  return workloadStart;
}

/** Every backup holds a record its MM2 copied. */
async function firstReplicated(d: DrillContext): Promise<void> {
  await Promise.all(d.sides.map((side) => waitUntil(async () => (await totalOffsets(side.admins.get('backup'), side.env.remoteTopics)) > 0, {
    what: `the first replicated record on the backup${d.sides.length > 1 ? ` of ${side.lanes[0]!.label}` : ''}`, timeoutMs: 120_000, logFile: side.env.mirror?.logFile, signal: d.sup.signal,
  })));
  d.sup.throwIfInterrupted('while waiting for replication');
  d.phase('mirror-replicating');
}

/** What the steps are run with. */
interface StepRun {
  readonly actions: StepActions;
  readonly waitFor: WhenWaiter;
  readonly workloadStart: number;
  /** Called as the final step (the drain every playbook ends with) is about to wait for its `when`. */
  readonly beforeFinal: () => void;
}

const withDrain = (steps: readonly PlaybookStep[]): readonly PlaybookStep[] =>
  steps.at(-1)?.action === 'drain-consumers' ? steps : [...steps, { action: 'drain-consumers', timeoutSeconds: 3600 } satisfies PlaybookStep];

/**
 * Every step in order, a final drain added if missing; a consumer step once per lane, every other
 * step once. Each lane has its own steps: the same actions (the environment is shared), its own
 * `when` and strategy.
 */
async function runSteps(d: DrillContext, steps: readonly PlaybookStep[], run: StepRun): Promise<void> {
  const all = withDrain(steps);
  const laneSteps = d.lanes.map((l) => (d.lanes.length > 1 ? withDrain(defaultPlaybook(l.scenario)) : all));
  for (const [index, step] of all.entries()) {
    if (index === all.length - 1) run.beforeFinal();
    if (CONSUMER_STEPS.has(step.action)) await Promise.all(d.lanes.map((l, i) => runStep(d, run, laneSteps[i]![index]!, index, l, l.rec)));
    else await runStep(d, run, step, index, d.lanes[0]!, d.rec);
  }
}

/** One step, when its `when` holds, recorded as a `step` start and an end (or a failure) in `r`. */
async function runStep(d: DrillContext, run: StepRun, step: PlaybookStep, index: number, lane: Lane, r: CellRecorder): Promise<void> {
  const name = stepLabel(step, index);
  await run.waitFor(step.when, index, run.workloadStart, step.timeoutSeconds * 1000);
  d.sup.throwIfInterrupted(`before step "${name}"`);
  // The consumer that starts late must exist before its cluster is killed, or it is moved or drained.
  if (step.action === 'kill-cluster' || CONSUMER_STEPS.has(step.action)) await Promise.all(d.lanes.map((l) => l.joined));
  const target = stepTarget(step);
  const id = { index, label: name, action: step.action, ...(target ? { target } : {}) };
  r.emit({ type: 'step', ...id, state: 'start' });
  try {
    const detail = await perform(run.actions, step.action, step, index, lane);
    r.emit({ type: 'step', ...id, state: 'end', ...(detail ? { detail } : {}) });
    if (d.explicit) d.ctx.progress.info(`${cellLabel(d.ctx)} ${name}${detail ? `: ${detail}` : ''}`);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    r.emit({ type: 'step', ...id, state: 'failed', detail: error });
    d.sup.check();
    if (e instanceof DrillError) throw e;
    throw new DrillError('STEP_FAILED', `playbook step "${name}" failed: ${error}`, { fix: 'see the cell\'s container logs and history.ndjson', cause: e });
  }
}

/** The action of the step's own kind: the compiler pairs them. */
function perform<A extends PlaybookStep['action']>(actions: StepActions, action: A, step: StepOf<A>, index: number, lane: Lane): Promise<string | void> {
  return actions[action](step, index, lane);
}

/**
 * Awaits what the clients abandoned at a kill did being recorded — their sends' outcomes, within
 * their grace (run/workload.ts), and their final positions — and returns the producers' totals.
 * The verification read needs none of it: the caller reads meanwhile.
 */
async function settleWorkload(d: DrillContext, workload: Workload): Promise<string> {
  await Promise.all([workload.settle(), ...d.lanes.map((l) => l.settle())]);
  const t = workload.totals;
  return `acked ${t.acked}, indeterminate ${t.indeterminate}, failed ${t.failed}`;
}

/** Without a kill, lets every MM2 catch up before its backup is read, so "not replicated" means not replicated. */
async function catchUp(d: DrillContext, p: Parts): Promise<void> {
  if (p.killed.has('primary') || !p.mirrors.isRunning('forward')) return;
  await Promise.all(d.sides.map((side) => catchUpSide(d, side)));
}

async function catchUpSide(d: DrillContext, side: DrillSide): Promise<void> {
  const s = d.ctx.cell.scenario;
  const topics = s.topics.map((t) => t.name);
  const backup = side.admins.get('backup');
  const transactional = s.workload.transactionRecords > 0;
  // MM2 restarted by the timeline copies again what it copied since its last offset flush: those
  // duplicates take offsets on the backup, so its sum passes the primary's before MM2 is done.
  const recopies = s.timeline.some((x) => x.action !== 'kill-primary' && x.action.fault === 'restart');
  let last = -1;
  let since = Date.now();
  await waitUntil(async () => {
    const copied = await totalOffsets(backup, side.env.remoteTopics);
    const met = copied >= (await totalOffsets(d.admins.get('primary'), topics));
    if (met && !recopies) return true;
    // A transactional producer's commit markers take offsets on the primary that MM2 never writes
    // on the backup (KIP-98 control records are not returned to consumers): the sums never meet,
    // and the backup's end offsets holding still is what says MM2 is done.
    if (copied !== last) [last, since] = [copied, Date.now()];
    return (transactional || met) && Date.now() - since >= SETTLE_MS;
  }, { what: 'MM2 to catch up with the primary', timeoutMs: 60_000, signal: d.sup.signal }).catch(() => undefined);
}

/**
 * Faults the scenario made last past the drain are healed now; what MM2 still had to write
 * lands before the backup is read (as `unreached`, if the consumer had stopped before it).
 */
async function healLateFaults(d: DrillContext, heals: Heals): Promise<void> {
  const before = eventsOf(d.rec.events(), 'fault-end').length;
  await heals.healAll();
  if (eventsOf(d.rec.events(), 'fault-end').length > before) {
    await Promise.all(d.sides.map((side) => untilStill(side.admins.get('backup'), side.env.remoteTopics, { what: "the backup's end offsets to settle after the last heal", timeoutMs: 30_000, signal: d.sup.signal })));
  }
}

type WhenWaiter = ReturnType<typeof whenWaiter>;

/**
 * Resolves when a step's `when` holds (throws WAIT_TIMEOUT after the step's timeout): one time
 * is slept to, one condition polled; several are polled together, the first to hold wins.
 */
function whenWaiter(d: DrillContext, { workload, mirrors, samplers }: Pick<Parts, 'workload' | 'mirrors' | 'samplers'>) {
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
    if ('replicationLagAbove' in w) return async () => (samplers.lag() ?? -1) > w.replicationLagAbove;
    if ('consumerLagBelow' in w) return async () => (await consumerLag(d, d.lanes[0]!)) < w.consumerLagBelow;
    if ('alarm' in w) return async () => samplers.firing(w.alarm);
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
  const side = d.sides[lane.side]!;
  const admin = side.admins.get(c.cluster);
  let lag = 0n;
  for (const t of await side.views(c.cluster)) {
    const committed = await committedOffsets(admin, c.run.groupId, t);
    for (const [p, end] of Object.entries(await endOffsets(admin, t))) {
      const at = standsAt(c.run, tpKey(t, p), committed[p]);
      if (BigInt(end) > at) lag += BigInt(end) - at;
    }
  }
  return Number(lag);
}

/** The verification read, end to end, on the never-faulted ADMIN path. */
async function verify(d: DrillContext, killed: ReadonlySet<Cluster>): Promise<void> {
  const { ctx, env, rec } = d;
  const label = cellLabel(ctx);
  if (!d.explicit) {
    // Each backup is read into its own side's histories only: its records are no other variant's.
    const many = d.sides.length > 1;
    const step = ctx.progress.step(`${label} verify: read ${many ? `each of the ${d.sides.length} backups` : 'the backup'} end to end`);
    const details: string[] = [];
    for (const side of d.sides) {
      const read = await readBackup({ kafka: side.env.backup.kafka('admin', 'mm2-drill-verify', env.kafkaLog), admin: side.admins.get('backup'), topics: side.env.remoteTopics, recorder: side.rec, timeoutMs: 120_000, signal: d.sup.signal });
      d.sup.throwIfInterrupted('while reading the backup');
      side.rec.emit({ type: 'read-complete', what: 'backup', complete: read.complete, detail: read.detail });
      details.push(many ? `${side.lanes[0]!.label} ${read.detail}` : read.detail);
    }
    d.phase('verify-done');
    step(details.join('; '));
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
    d.sup.throwIfInterrupted(`while reading the ${c}`);
    rec.emit({ type: 'read-complete', what: `${c}-copies`, complete: read.complete, detail: read.detail });
    details.push(`${c}: ${read.detail}`);
  }
  d.phase('verify-done');
  step(details.join('; '));
}

