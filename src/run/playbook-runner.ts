/**
 * Runs a cell's playbook (core/playbook.ts) once the environment is up — the scenario's own, or
 * the default playbook that today's fixed drill is: kill, failover, drain.
 *
 * The producer and the consumer group start on the primary, the timeline's faults run beside the
 * steps, then every step in order, each when its `when` holds, recorded as a `step` start and end.
 * A final drain ends every playbook (added if missing). Then the remaining faults are healed and
 * the verification read runs on the never-faulted ADMIN path: the backup's remote topics for the
 * default playbook (`backup-record`, the classic ledger), every view on both clusters for a
 * scenario's own playbook (`copy`, the round-trip ledger). Background tasks run under a Supervisor.
 */
import type { Admin } from 'kafkajs';
import { DrillError } from '../core/errors.ts';
import { eventsOf, type PhaseName } from '../core/history.ts';
import { describeWhen, remoteTopicOf, stepLabel, stepTarget, viewsOn, type Cluster, type PlaybookStep, type When } from '../core/playbook.ts';
import { tpKey } from '../core/topic-partition.ts';
import { startConsumer, type RunningConsumer } from '../adapters/consumer.ts';
import type { DrillEnvironment } from '../adapters/environment.ts';
import { closeQuietly, committedOffsets, endOffsets, kafkaClient, totalOffsets } from '../adapters/kafka-client.ts';
import { startLagSampler } from '../adapters/lag-sampler.ts';
import { mirrorLag, readOffsetSyncs, seedSourceOffsets, watchSourceOffsets, type SourceOffsetsWatch } from '../adapters/mirror-offsets.ts';
import type { StartedMirror } from '../adapters/mirror-maker.ts';
import { invokeFault, proxyProblems, type Heal } from '../adapters/nemesis.ts';
import { startProducer, type RunningProducer } from '../adapters/producer.ts';
import { readBackup } from '../adapters/backup-reader.ts';
import type { CellRecorder } from '../adapters/recorder.ts';
import { sleep, waitUntil } from '../adapters/wait.ts';
import { drain } from './drain.ts';
import { failover } from './failover.ts';
import type { CellContext } from './run-cell.ts';
import { Supervisor } from './supervisor.ts';
import { startTimeline, type RunningTimeline } from './timeline.ts';

interface MirrorRun {
  readonly started: StartedMirror;
  /** MM2's stored source offsets (followed for a scenario's own playbook only: lag conditions need them). */
  readonly watch: SourceOffsetsWatch | null;
  /** Where the flow began on each source partition with no stored offset (for the lag). */
  readonly startAt: ReadonlyMap<string, bigint>;
  /** The consumer group's committed offsets on the target's remote topics when the mirror started. */
  readonly groupAtStart: ReadonlyMap<string, string>;
}

export interface PlaybookRun {
  readonly steps: readonly PlaybookStep[];
  /** The scenario's own playbook (true) or the default one (false): decides the verification read and the ledger. */
  readonly explicit: boolean;
}

export async function runPlaybook(ctx: CellContext, env: DrillEnvironment, rec: CellRecorder, phase: (p: PhaseName) => void, book: PlaybookRun): Promise<void> {
  const s = ctx.cell.scenario;
  const sup = new Supervisor(ctx.signal);
  const signal = sup.signal;
  const label = `[${ctx.cell.id}#${ctx.repetition}]`;
  const topics = s.topics.map((t) => t.name);
  const groupId = s.workload.consumer.groupId;
  const bootstrap = { primary: env.primary, backup: env.backup };
  const adminOf = (c: Cluster) => kafkaClient(bootstrap[c].adminBootstrap, `mm2-drill-admin-${c}`, env.kafkaLog);
  const admins: Record<Cluster, Admin> = { primary: adminOf('primary').admin(), backup: adminOf('backup').admin() };
  await Promise.all(Object.values(admins).map((a) => a.connect()));
  const policyOf = (m: { policy?: 'default' | 'identity' | undefined }) => (m.policy ?? s.mirror.policy) as 'default' | 'identity';
  /** The topics holding the scenario's messages on a cluster (core/playbook.ts `viewsOn`); the default playbook reads the remote topics MM2 created. */
  const views = async (c: Cluster): Promise<string[]> => {
    if (!book.explicit) return c === 'primary' ? topics : env.remoteTopics;
    const existing = await admins[c].listTopics();
    return topics.flatMap((t) => viewsOn(c, t, s.mirrors, policyOf)).filter((t) => existing.includes(t));
  };
  const mirrors = new Map<string, MirrorRun>();
  const killed = new Set<Cluster>();
  const heals: { heal: NonNullable<Heal>; what: string }[] = [];
  const pending: Promise<unknown>[] = [];
  let producer: { cluster: Cluster; run: RunningProducer } | null = null;
  let consumer: { cluster: Cluster; run: RunningConsumer } | null = null;
  let producers = 0;
  const acked = { done: 0, failed: 0, indeterminate: 0 };
  const ackedNow = () => acked.done + (producer?.run.stats.acked ?? 0);
  const sampler = startLagSampler({ primary: admins.primary, backup: admins.backup, topics, remoteTopics: env.remoteTopics, groupId, recorder: rec });
  let samplerStopped = false;
  const stopSampler = async () => {
    if (samplerStopped) return;
    samplerStopped = true;
    await sampler.stop();
  };

  const startProducing = async (c: Cluster) => {
    const run = await startProducer({
      kafka: kafkaClient(bootstrap[c].clientBootstrap, `mm2-drill-workload-${c}`, env.kafkaLog), topics: s.topics,
      settings: s.workload, idPrefix: `${ctx.runId}-${ctx.repetition}${book.explicit ? `-${producers}` : ''}`, recorder: rec, ...(book.explicit ? { cluster: c } : {}),
    });
    producers += 1;
    producer = { cluster: c, run };
  };
  /** Stops the producer; `abandon` when its cluster is dead (its requests end only at their timeouts). */
  const stopProducing = async (abandon = false) => {
    const p = producer;
    if (!p) return;
    producer = null;
    const stopping = p.run.stop().then(() => {
      acked.failed += p.run.stats.failed;
      acked.indeterminate += p.run.stats.indeterminate;
    });
    acked.done += p.run.stats.acked;
    if (abandon) pending.push(sup.watch(stopping, 'stopping the producer of a killed cluster'));
    else await stopping;
  };
  const consumerClient = (c: Cluster) => kafkaClient(bootstrap[c].clientBootstrap, `mm2-drill-consumer-${c}`, env.kafkaLog);
  const stopConsuming = async (abandon = false) => {
    const c = consumer;
    if (!c) return;
    consumer = null;
    if (abandon) pending.push(sup.watch(c.run.stop(), 'stopping the consumer of a killed cluster'));
    else await c.run.stop();
  };
  const lagOf = async (name: string): Promise<number> => {
    const m = s.mirrors[name];
    const run = mirrors.get(name);
    if (!m || !run?.watch) throw new DrillError('STEP_FAILED', `mirror "${name}" is not running`);
    return mirrorLag(admins[m.source], topics, run.watch.next, run.startAt);
  };
  const faultTargets = () => ({ toxiproxy: env.toxiproxy.api, plan: env.plan, primary: env.primary, backup: env.backup, mirror: env.mirror.container });

  const actions: { [A in PlaybookStep['action']]: (step: Extract<PlaybookStep, { action: A }>, index: number) => Promise<string | void> } = {
    'kill-cluster': async (step) => {
      if (step.cluster === 'primary') await stopSampler();
      await snapshot('before-kill');
      await bootstrap[step.cluster].kill();
      killed.add(step.cluster);
      rec.emit({ type: 'kill', target: step.cluster, signal: 'SIGKILL' });
      if (step.cluster === 'primary') phase('kill');
      // The clients of the dead cluster are abandoned, not awaited: their requests in flight only
      // end at their timeouts (10 s), and a real application fails over without waiting for them.
      const delivered = consumer?.cluster === step.cluster ? consumer.run.delivered() : 0;
      if (producer?.cluster === step.cluster) await stopProducing(true);
      if (consumer?.cluster === step.cluster) await stopConsuming(true);
      return `acked ${ackedNow()} so far; consumed ${delivered} on ${step.cluster}`;
    },
    'restore-cluster': async (step) => {
      // The clients abandoned at the kill must be gone before their cluster answers again.
      await Promise.allSettled(pending);
      // What the other cluster held just before: the ledger tells resurrected data from replicated data.
      const other: Cluster = step.cluster === 'primary' ? 'backup' : 'primary';
      for (const t of await views(other)) rec.emit({ type: 'offsets', label: 'before-restore-end', cluster: other, topic: t, offsets: await endOffsets(admins[other], t) });
      await bootstrap[step.cluster].restore();
      killed.delete(step.cluster);
      await closeQuietly(admins[step.cluster]);
      admins[step.cluster] = adminOf(step.cluster).admin();
      await admins[step.cluster].connect();
    },
    'check-health': async (step) => {
      const admin = admins[step.cluster];
      const brokers = bootstrap[step.cluster].brokers.length;
      return waitUntil(async () => {
        const d = await admin.describeCluster();
        if (d.brokers.length < brokers || d.controller === null) return false;
        const meta = await admin.fetchTopicMetadata();
        const under = meta.topics.flatMap((t) => t.partitions.filter((p) => p.isr.length < p.replicas.length || p.leader < 0).map((p) => tpKey(t.name, p.partitionId)));
        return under.length === 0 && `${d.brokers.length} broker(s), controller ${d.controller}, ${meta.topics.length} topic(s), no under-replicated partition`;
      }, { what: `cluster ${step.cluster} to be healthy (every broker, a controller, no under-replicated partition)`, timeoutMs: step.timeoutSeconds * 1000, intervalMs: 1000, signal });
    },
    'start-mirror': async (step) => startMirror(step.mirror),
    'stop-mirror': async (step) => stopMirror(step.mirror),
    'restart-mirror': async (step) => `${await stopMirror(step.mirror)}; ${await startMirror(step.mirror)}`,
    'move-consumers': async (step) => {
      const from = consumer?.cluster;
      await stopConsuming();
      const on = await views(step.to);
      if (step.to === 'backup') {
        // Across the forward flow: any failover strategy (run/failover.ts).
        const run = await failover({ ctx, env, rec, phase, backupAdmin: admins.backup, strategy: step.strategy, topics: on });
        consumer = { cluster: 'backup', run };
        return `group ${run.groupId}${from ? ` from ${from}` : ''} on ${on.join(', ')} (${step.strategy})`;
      }
      const group = step.strategy === 'mm2-sync' ? groupId : `${groupId}-${step.to}-${step.strategy}`;
      // What the group finds on its new cluster: offsets MM2's group sync translated, offsets it
      // committed there earlier (before a kill), or nothing (auto.offset.reset decides).
      const found: string[] = [];
      for (const t of on) {
        const committed = await committedOffsets(admins[step.to], group, t);
        rec.emit({ type: 'offsets', label: `move-${step.to}-committed`, cluster: step.to, topic: t, offsets: committed });
        found.push(`${t} ${Object.values(committed).filter((o) => Number(o) >= 0).length}/${Object.keys(committed).length}`);
        if (step.strategy !== 'mm2-sync') {
          const ends = await admins[step.to].fetchTopicOffsets(t);
          await admins[step.to].setOffsets({ groupId: group, topic: t, partitions: ends.map((o) => ({ partition: o.partition, offset: step.strategy === 'earliest' ? o.low : o.high })) });
        }
      }
      const run = await startConsumer({ kafka: consumerClient(step.to), topics: on, phase: step.to, fromBeginning: s.failover.autoOffsetReset === 'earliest', settings: { ...s.workload.consumer, groupId: group }, recorder: rec });
      consumer = { cluster: step.to, run };
      const fallback = step.strategy === 'mm2-sync' ? `; partitions without a committed offset start at ${s.failover.autoOffsetReset}` : '';
      return `group ${group}${from ? ` from ${from}` : ''} on ${on.join(', ')}; committed offsets found per topic: ${found.join(', ')}${fallback}`;
    },
    'move-producers': async (step) => {
      const from = producer?.cluster;
      await stopProducing();
      await startProducing(step.to);
      return `${from ? `producer stopped on ${from}; ` : ''}writing on ${step.to}`;
    },
    'stop-producers': async () => {
      const was = producer?.cluster;
      await stopProducing();
      return was ? `stopped on ${was}; ${acked.done} acked, ${acked.indeterminate} indeterminate, ${acked.failed} failed in all` : 'no producer was running';
    },
    'wait-mirror-drained': async (step) => {
      const before = await lagOf(step.mirror);
      const t0 = Date.now();
      await waitUntil(async () => (await lagOf(step.mirror)) === 0, {
        what: `mirror ${step.mirror} to copy everything on its source (lag ${before} at the start)`, timeoutMs: step.timeoutSeconds * 1000, intervalMs: 250,
        logFile: mirrors.get(step.mirror)?.started.logFile, signal,
      });
      return `lag ${before} → 0 in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    },
    'wait-group-synced': async (step) => {
      const m = s.mirrors[step.mirror]!;
      const run = mirrors.get(step.mirror);
      if (!run) throw new DrillError('STEP_FAILED', `mirror "${step.mirror}" is not running`);
      const remote = topics.map((t) => remoteTopicOf(m, policyOf(m), t));
      const t0 = Date.now();
      // Synced = written by this mirror: present, and not what the group had there when the mirror
      // started (under Identity that is the group's own commit from before the kill).
      await waitUntil(async () => {
        for (const t of remote) {
          for (const [p, o] of Object.entries(await committedOffsets(admins[m.target], groupId, t))) {
            if (Number(o) < 0 || run.groupAtStart.get(tpKey(t, p)) === o) return false;
          }
        }
        return true;
      }, { what: `mirror ${step.mirror} to sync group ${groupId}'s offsets on ${remote.join(', ')} (${m.target})`, timeoutMs: step.timeoutSeconds * 1000, intervalMs: 500, signal });
      return `group ${groupId} has offsets on every partition of ${remote.join(', ')} on ${m.target} after ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    },
    fault: async (step, index) => {
      const heal = await invokeFault(faultTargets(), step.fault, `playbook${index}`);
      if (!heal) return;
      if (step.durationSeconds === undefined) heals.push({ heal, what: step.fault.fault });
      else pending.push(sup.watch(sleep(step.durationSeconds * 1000, signal).then(heal), `healing ${step.fault.fault}`));
    },
    'drain-consumers': async () => drainConsumer(),
  };

  /** End offsets and the group's committed offsets on every live cluster (a failed look-up is left out: the step must happen on time). */
  async function snapshot(name: string): Promise<void> {
    const take = async (c: Cluster, t: string) => {
      const [end, committed] = await Promise.allSettled([endOffsets(admins[c], t), committedOffsets(admins[c], groupId, t)]);
      if (end.status === 'fulfilled') rec.emit({ type: 'offsets', label: `${name}-end`, cluster: c, topic: t, offsets: end.value });
      if (committed.status === 'fulfilled') rec.emit({ type: 'offsets', label: `${name}-committed`, cluster: c, topic: t, offsets: committed.value });
    };
    const live = (['primary', 'backup'] as const).filter((c) => !killed.has(c));
    await Promise.all((await Promise.all(live.map(async (c) => (await views(c)).map((t) => [c, t] as const)))).flat().map(([c, t]) => take(c, t)));
  }

  async function startMirror(name: string): Promise<string> {
    const m = s.mirrors[name];
    if (!m) throw new DrillError('SCENARIO_INVALID', `no mirror named "${name}"`);
    const setup = m.startAt === 'setup' && !mirrors.has(name) && env.mirrors.get(name);
    if (!book.explicit && setup) {
      mirrors.set(name, { started: setup, watch: null, startAt: new Map(), groupAtStart: new Map() });
      return `${m.source} → ${m.target}`;
    }
    const source = admins[m.source];
    const startAt = new Map<string, bigint>();
    for (const t of topics) {
      for (const o of await source.fetchTopicOffsets(t)) startAt.set(tpKey(t, o.partition), BigInt(m.startFrom === 'latest' ? o.high : o.low));
    }
    let detail = `${m.source} → ${m.target}, from ${m.startFrom}`;
    if (m.startFrom === 'seeded') {
      const seeds = await seedsFor(m.source, m.target);
      for (const [tp, n] of seeds) startAt.set(tp, n);
      await seedSourceOffsets({ kafka: adminOf(m.target), admin: admins[m.target], source: m.source, next: seeds, replicationFactor: Math.min(3, bootstrap[m.target].brokers.length) });
      for (const t of topics) {
        rec.emit({ type: 'offsets', label: `seed-${name}`, cluster: m.source, topic: t, offsets: Object.fromEntries([...seeds].filter(([tp]) => tp.startsWith(`${t}/`)).map(([tp, n]) => [tp.slice(t.length + 1), String(n)])) });
      }
      detail += ` (${[...seeds].map(([tp, n]) => `${tp}@${n}`).join(', ') || 'nothing to skip'})`;
    }
    const started = setup || (await env.launchMirror(name));
    const watch = await watchSourceOffsets({ kafka: adminOf(m.target), admin: admins[m.target], source: m.source, signal });
    const groupAtStart = new Map<string, string>();
    for (const t of topics.map((x) => remoteTopicOf(m, policyOf(m), x))) {
      const committed = await committedOffsets(admins[m.target], groupId, t).catch(() => ({}));
      for (const [p, o] of Object.entries(committed)) groupAtStart.set(tpKey(t, p), o);
    }
    mirrors.set(name, { started, watch, startAt, groupAtStart });
    return detail;
  }

  async function stopMirror(name: string): Promise<string> {
    const run = mirrors.get(name);
    if (!run) return `${name} was not running`;
    mirrors.delete(name);
    // SIGTERM: MM2 commits the offsets of what it copied; after 30 s Docker kills it.
    await run.started.container.stop({ timeout: 30_000 });
    if (!run.watch) return 'stopped';
    await sleep(1500, signal); // the last offsets flush reaches the watch
    const m = s.mirrors[name]!;
    const lag = await mirrorLag(admins[m.source], topics, run.watch.next, run.startAt).catch(() => null);
    await run.watch.stop();
    for (const t of topics) {
      rec.emit({ type: 'offsets', label: `stopped-${name}-source-end`, cluster: m.source, topic: t, offsets: await endOffsets(admins[m.source], t).catch(() => ({})) });
      // MM2's own account of what it copied (next source offset per partition), after its last flush.
      const copied = [...run.watch.next].filter(([tp]) => tp.startsWith(`${t}/`)).map(([tp, n]) => [tp.slice(t.length + 1), String(n)]);
      rec.emit({ type: 'offsets', label: `stopped-${name}-copied`, cluster: m.source, topic: t, offsets: Object.fromEntries(copied) });
    }
    return `stopped; ${lag === null ? 'lag unknown (source unreachable)' : `${lag} message(s) on ${m.source} not copied`}`;
  }

  /**
   * Seeds for a flow `source → target`: where the opposite flow stopped copying into `source`,
   * by its offset syncs (newest sync per partition: downstream + 1). Partitions of a topic the
   * opposite flow never wrote (a remote-named copy under the Default policy) start at 0.
   */
  async function seedsFor(source: Cluster, target: Cluster): Promise<Map<string, bigint>> {
    const opposite = Object.values(s.mirrors).find((m) => m.source === target && m.target === source);
    const seeds = new Map<string, bigint>();
    if (!opposite || policyOf(opposite) !== 'identity') return seeds;
    // The opposite flow's syncs live on its source (our target): mm2-offset-syncs.<its target>.internal.
    const syncs = await readOffsetSyncs({ kafka: adminOf(target), admin: admins[target], topic: `mm2-offset-syncs.${source}.internal`, timeoutMs: 30_000 });
    for (const sync of syncs) seeds.set(tpKey(sync.topic, sync.partition), sync.downstream + 1n);
    return seeds;
  }

  /**
   * Heals the faults without a duration first (a fault still on during the drain would leave
   * messages the consumer never had the chance to read), then drains the consumer's cluster.
   */
  async function drainConsumer(): Promise<string> {
    healProblems.push(...((await timeline?.healUndated()) ?? []), ...(await healPlaybookFaults()));
    phase('faults-healed');
    phase('drain-started');
    const c = consumer;
    if (!c) return 'no consumer was running';
    const on = await views(c.cluster);
    const step = ctx.progress.step(`${label} drain on the ${c.cluster}`);
    const drained = await drain({ admin: admins[c.cluster], consumer: c.run, groupId: c.run.groupId, topics: on, timeoutMs: s.failover.drainTimeoutSeconds * 1000, signal });
    throwIfInterrupted('during the drain');
    rec.emit({ type: 'read-complete', what: 'drain', complete: drained.complete, detail: drained.detail });
    for (const l of drained.last) {
      rec.emit({ type: 'offsets', label: 'drain-end', cluster: c.cluster, topic: l.topic, offsets: l.end });
      rec.emit({ type: 'offsets', label: 'drain-end-committed', cluster: c.cluster, topic: l.topic, offsets: l.committed });
    }
    await stopConsuming();
    phase('drain-done');
    const detail = `${c.run.delivered()} delivered on ${c.cluster}; ${drained.detail}`;
    step(detail);
    return detail;
  }

  const healPlaybookFaults = async (): Promise<string[]> => {
    const problems: string[] = [];
    for (const h of heals.splice(0)) await h.heal().catch((e: unknown) => problems.push(`healing ${h.what} failed: ${e instanceof Error ? e.message : String(e)}`));
    return problems;
  };

  function throwIfInterrupted(where: string): void {
    sup.check();
    if (signal.aborted) throw new DrillError('INTERRUPTED', `interrupted ${where}`);
  }

  const waitFor = async (w: When | undefined, index: number, workloadStart: number, timeoutMs: number) => {
    if (!w) return;
    if ('at' in w) {
      // MM2 checkpoints and syncs on fixed schedules: jitter makes repeated runs sample their phases.
      const atSeconds = w.at + Math.random() * (w.jitterSeconds ?? 0);
      if (w.jitterSeconds) rec.emit({ type: 'step-scheduled', step: index, atSeconds });
      return sleep(workloadStart + atSeconds * 1000 - Date.now(), signal);
    }
    if ('afterSeconds' in w) return sleep(w.afterSeconds * 1000, signal);
    const holds = 'acked' in w ? async () => ackedNow() >= w.acked
      : 'replicationLagAbove' in w ? async () => (sampler.latest() ?? -1) > w.replicationLagAbove
      : 'lagBelow' in w ? async () => (await lagOf(w.mirror)) < w.lagBelow : async () => (await lagOf(w.mirror)) > w.lagAbove;
    await waitUntil(holds, { what: describeWhen(w), timeoutMs, intervalMs: 50, signal });
  };

  const healProblems: string[] = [];
  let timeline: RunningTimeline | undefined;
  let consumerReady: Promise<void> = Promise.resolve();
  try {
    for (const [name, m] of Object.entries(s.mirrors)) if (m.startAt === 'setup') await startMirror(name);
    await startProducing('primary');
    phase('workload-started');
    const workloadStart = Date.now();
    // The timeline's faults (its kill is the default playbook's first step, not run there).
    timeline = startTimeline({ steps: s.timeline, workloadStart, signal, rec, acked: ackedNow, lag: sampler.latest, invoke: (fault, name) => invokeFault(faultTargets(), fault, name) });
    // A consumer that starts late is already far behind when it joins.
    consumerReady = sup.watch(sleep(s.workload.consumer.startDelaySeconds * 1000, signal).then(async () => {
      if (signal.aborted || consumer) return;
      const run = await startConsumer({ kafka: consumerClient('primary'), topics: await views('primary'), phase: 'primary', fromBeginning: true, settings: s.workload.consumer, recorder: rec });
      consumer = { cluster: 'primary', run };
    }), 'the consumer on the primary');
    const progress = ctx.progress.step(`${label} playbook: ${book.steps.map((x, i) => `${stepLabel(x, i)} ${describeWhen(x.when)}`).join(' → ')}`);
    await waitUntil(async () => (await totalOffsets(admins.backup, env.remoteTopics)) > 0, {
      what: 'the first replicated record on the backup', timeoutMs: 120_000, logFile: env.mirror.logFile, signal,
    });
    throwIfInterrupted('while waiting for replication');
    phase('mirror-replicating');
    const all = book.steps.at(-1)?.action === 'drain-consumers' ? book.steps : [...book.steps, { action: 'drain-consumers', timeoutSeconds: 3600 } satisfies PlaybookStep];
    for (const [index, step] of all.entries()) {
      const name = stepLabel(step, index);
      await waitFor(step.when, index, workloadStart, step.timeoutSeconds * 1000);
      throwIfInterrupted(`before step "${name}"`);
      // The consumer that starts late must exist before its cluster is killed, or it is moved or drained.
      if (step.action === 'kill-cluster' || step.action === 'move-consumers' || step.action === 'drain-consumers') await consumerReady;
      const target = stepTarget(step);
      const id = { index, label: name, action: step.action, ...(target ? { target } : {}) };
      rec.emit({ type: 'step', ...id, state: 'start' });
      try {
        const detail = await (actions[step.action] as (x: PlaybookStep, i: number) => Promise<string | void>)(step, index);
        rec.emit({ type: 'step', ...id, state: 'end', ...(detail ? { detail } : {}) });
        if (book.explicit) ctx.progress.info(`${label} ${name}${detail ? `: ${detail}` : ''}`);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        rec.emit({ type: 'step', ...id, state: 'failed', detail: error });
        sup.check();
        if (e instanceof DrillError) throw e;
        throw new DrillError('STEP_FAILED', `playbook step "${name}" failed: ${error}`, { fix: 'see the cell\'s container logs and history.ndjson', cause: e });
      }
    }
    await stopProducing();
    await Promise.all(pending.splice(0));
    progress(`acked ${acked.done}, indeterminate ${acked.indeterminate}, failed ${acked.failed}`);
    // Without a kill, let MM2 catch up before the backup is read, so "not replicated" means not replicated.
    if (!killed.has('primary') && mirrors.has('forward')) {
      await waitUntil(async () => (await totalOffsets(admins.backup, env.remoteTopics)) >= (await totalOffsets(admins.primary, topics)), {
        what: 'MM2 to catch up with the primary', timeoutMs: 60_000, signal,
      }).catch(() => undefined);
    }
    await stopSampler();
    // Faults the scenario made last past the drain are healed now; what MM2 still had to write
    // lands before the backup is read (as `unreached`, if the consumer had stopped before it).
    const lateHeals = eventsOf(rec.events(), 'fault-end').length;
    healProblems.push(...((await timeline?.healAll()) ?? []), ...(await healPlaybookFaults()));
    if (eventsOf(rec.events(), 'fault-end').length > lateHeals) await stableEnds(admins.backup, env.remoteTopics, signal);
    const leftOnProxies = await proxyProblems(env.toxiproxy.api);
    await verify();
    const faultProblems = [...(timeline?.errors ?? []), ...healProblems, ...leftOnProxies];
    if (faultProblems.length > 0) {
      throw new DrillError('FAULT_FAILED', `the timeline did not run as written: ${faultProblems.join('; ')}`, { fix: 'see toxiproxy.log and the container logs of this cell' });
    }
  } catch (e) {
    sup.check(); // a background task's failure is the cause, not the interruption it triggered
    throw e;
  } finally {
    await timeline?.healAll().catch(() => undefined);
    await Promise.allSettled([stopSampler(), stopProducing(), stopConsuming(), ...[...mirrors.values()].map((m) => m.watch?.stop()), healPlaybookFaults()]);
    await Promise.allSettled([...pending, consumerReady]);
    await Promise.all(Object.values(admins).map((a) => closeQuietly(a, 2000)));
  }

  /** The verification read, end to end, on the never-faulted ADMIN path. */
  async function verify(): Promise<void> {
    if (!book.explicit) {
      const step = ctx.progress.step(`${label} verify: read the backup end to end`);
      const read = await readBackup({ kafka: kafkaClient(env.backup.adminBootstrap, 'mm2-drill-verify', env.kafkaLog), admin: admins.backup, topics: env.remoteTopics, recorder: rec, timeoutMs: 120_000, signal });
      throwIfInterrupted('while reading the backup');
      rec.emit({ type: 'read-complete', what: 'backup', complete: read.complete, detail: read.detail });
      phase('verify-done');
      step(read.detail);
      return;
    }
    const step = ctx.progress.step(`${label} verify: read both clusters end to end`);
    const details: string[] = [];
    for (const c of ['primary', 'backup'] as const) {
      const read = await readBackup({ kafka: adminOf(c), admin: admins[c], topics: await views(c), recorder: rec, timeoutMs: 120_000, signal, cluster: c }).catch((e: unknown) => ({
        complete: false, detail: `unreadable: ${e instanceof Error ? e.message : String(e)}`, records: 0,
      }));
      throwIfInterrupted(`while reading the ${c}`);
      rec.emit({ type: 'read-complete', what: `${c}-copies`, complete: read.complete, detail: read.detail });
      details.push(`${c}: ${read.detail}`);
    }
    phase('verify-done');
    step(details.join('; '));
  }
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
