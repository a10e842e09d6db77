/**
 * Runs a playbook (core/playbook.ts) once the environment is up: the producer and the consumer
 * group start on the primary, then every step in order, each when its `when` holds, recorded
 * as a `step` start and end; a final drain (unless the playbook ends with one), the faults
 * healed, and a verification read of every view of the topics on both clusters (`copy`
 * events) for the round-trip ledger. Background tasks run under a Supervisor.
 */
import type { Admin } from 'kafkajs';
import { DrillError } from '../core/errors.ts';
import type { PhaseName } from '../core/history.ts';
import { describeWhen, remoteTopicOf, stepLabel, viewsOn, type Cluster, type PlaybookStep, type When } from '../core/playbook.ts';
import { tpKey } from '../core/topic-partition.ts';
import { startConsumer, type RunningConsumer } from '../adapters/consumer.ts';
import type { DrillEnvironment } from '../adapters/environment.ts';
import { closeQuietly, committedOffsets, endOffsets, kafkaClient, totalOffsets } from '../adapters/kafka-client.ts';
import { mirrorLag, readOffsetSyncs, seedSourceOffsets, watchSourceOffsets, type SourceOffsetsWatch } from '../adapters/mirror-offsets.ts';
import type { StartedMirror } from '../adapters/mirror-maker.ts';
import { invokeFault, type Heal } from '../adapters/nemesis.ts';
import { startProducer, type RunningProducer } from '../adapters/producer.ts';
import { readBackup } from '../adapters/backup-reader.ts';
import type { CellRecorder } from '../adapters/recorder.ts';
import { sleep, waitUntil } from '../adapters/wait.ts';
import { drain } from './drain.ts';
import type { CellContext } from './run-cell.ts';
import { Supervisor } from './supervisor.ts';

interface MirrorRun {
  readonly started: StartedMirror;
  readonly watch: SourceOffsetsWatch;
  /** Where the flow began on each source partition with no stored offset (for the lag). */
  readonly startAt: ReadonlyMap<string, bigint>;
  /** The consumer group's committed offsets on the target's remote topics when the mirror started. */
  readonly groupAtStart: ReadonlyMap<string, string>;
}

export async function runPlaybook(ctx: CellContext, env: DrillEnvironment, rec: CellRecorder, phase: (p: PhaseName) => void, steps: readonly PlaybookStep[]): Promise<void> {
  const s = ctx.cell.scenario;
  const sup = new Supervisor(ctx.signal);
  const signal = sup.signal;
  const label = `[${ctx.cell.id}#${ctx.repetition}]`;
  const topics = s.topics.map((t) => t.name);
  const bootstrap = { primary: env.primary, backup: env.backup };
  const adminOf = (c: Cluster) => kafkaClient(bootstrap[c].adminBootstrap, `mm2-drill-admin-${c}`, env.kafkaLog);
  const admins: Record<Cluster, Admin> = { primary: adminOf('primary').admin(), backup: adminOf('backup').admin() };
  await Promise.all(Object.values(admins).map((a) => a.connect()));
  const policyOf = (m: { policy?: 'default' | 'identity' | undefined }) => (m.policy ?? s.mirror.policy) as 'default' | 'identity';
  const views = async (c: Cluster) => {
    const existing = await admins[c].listTopics();
    return topics.flatMap((t) => viewsOn(c, t, s.mirrors, policyOf)).filter((t) => existing.includes(t));
  };
  const mirrors = new Map<string, MirrorRun>();
  const heals: { heal: NonNullable<Heal>; what: string }[] = [];
  const pending: Promise<unknown>[] = [];
  let producer: { cluster: Cluster; run: RunningProducer } | null = null;
  let consumer: { cluster: Cluster; run: RunningConsumer } | null = null;
  let producers = 0;
  let acked = 0;
  const ackedNow = () => acked + (producer?.run.stats.acked ?? 0);

  const startProducing = async (c: Cluster) => {
    const run = await startProducer({
      kafka: kafkaClient(bootstrap[c].clientBootstrap, `mm2-drill-workload-${c}`, env.kafkaLog), topics: s.topics,
      settings: { ...s.workload, durationSeconds: undefined }, idPrefix: `${ctx.runId}-${ctx.repetition}-${producers++}`, recorder: rec, cluster: c,
    });
    producer = { cluster: c, run };
  };
  /** Stops the producer; `abandon` when its cluster is dead (its requests end only at their timeouts). */
  const stopProducing = async (abandon = false) => {
    const p = producer;
    if (!p) return;
    producer = null;
    acked += p.run.stats.acked;
    const stopping = p.run.stop();
    if (abandon) pending.push(sup.watch(stopping, 'stopping the producer of a killed cluster'));
    else await stopping;
  };
  const startConsuming = async (c: Cluster, group: string, fromBeginning: boolean) => {
    const run = await startConsumer({
      kafka: kafkaClient(bootstrap[c].clientBootstrap, `mm2-drill-consumer-${c}`, env.kafkaLog), topics: await views(c), phase: c,
      fromBeginning, settings: { ...s.workload.consumer, groupId: group }, recorder: rec,
    });
    consumer = { cluster: c, run };
  };
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
    if (!m || !run) throw new DrillError('SCENARIO_INVALID', `mirror "${name}" is not running`);
    return mirrorLag(admins[m.source], topics, run.watch.next, run.startAt);
  };

  const actions: { [A in PlaybookStep['action']]: (step: Extract<PlaybookStep, { action: A }>) => Promise<string | void> } = {
    'kill-cluster': async (step) => {
      for (const t of topics) rec.emit({ type: 'offsets', label: 'before-kill-end', cluster: step.cluster, topic: t, offsets: await endOffsets(admins[step.cluster], t) });
      await bootstrap[step.cluster].kill();
      rec.emit({ type: 'kill', target: step.cluster, signal: 'SIGKILL' });
      if (step.cluster === 'primary') phase('kill');
      if (producer?.cluster === step.cluster) await stopProducing(true);
      if (consumer?.cluster === step.cluster) await stopConsuming(true);
    },
    'restore-cluster': async (step) => {
      // The clients abandoned at the kill must be gone before their cluster answers again.
      await Promise.allSettled(pending);
      // What the other cluster held just before: the ledger tells resurrected data from replicated data.
      const other: Cluster = step.cluster === 'primary' ? 'backup' : 'primary';
      for (const t of await views(other)) rec.emit({ type: 'offsets', label: 'before-restore-end', cluster: other, topic: t, offsets: await endOffsets(admins[other], t) });
      await bootstrap[step.cluster].restore();
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
      const base = s.workload.consumer.groupId;
      const group = step.strategy === 'mm2-sync' ? base : `${base}-${step.to}-${step.strategy}`;
      const on = await views(step.to);
      // What the group finds on its new cluster: offsets MM2's group sync translated, offsets it
      // committed there earlier (before a kill), or nothing (auto.offset.reset decides).
      const found: string[] = [];
      for (const t of on) {
        const committed = await committedOffsets(admins[step.to], group, t);
        rec.emit({ type: 'offsets', label: `move-${step.to}-committed`, cluster: step.to, topic: t, offsets: committed });
        const have = Object.values(committed).filter((o) => Number(o) >= 0).length;
        found.push(`${t} ${have}/${Object.keys(committed).length}`);
        if (step.strategy !== 'mm2-sync') {
          const ends = await admins[step.to].fetchTopicOffsets(t);
          await admins[step.to].setOffsets({ groupId: group, topic: t, partitions: ends.map((o) => ({ partition: o.partition, offset: step.strategy === 'earliest' ? o.low : o.high })) });
        }
      }
      await startConsuming(step.to, group, s.failover.autoOffsetReset === 'earliest');
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
      return was ? `stopped on ${was}; ${acked} acked in all` : 'no producer was running';
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
      const group = s.workload.consumer.groupId;
      const remote = topics.map((t) => remoteTopicOf(m, policyOf(m), t));
      const t0 = Date.now();
      // Synced = written by this mirror: present, and not what the group had there when the mirror
      // started (under Identity that is the group's own commit from before the kill).
      await waitUntil(async () => {
        for (const t of remote) {
          for (const [p, o] of Object.entries(await committedOffsets(admins[m.target], group, t))) {
            if (Number(o) < 0 || run.groupAtStart.get(tpKey(t, p)) === o) return false;
          }
        }
        return true;
      }, { what: `mirror ${step.mirror} to sync group ${group}'s offsets on ${remote.join(', ')} (${m.target})`, timeoutMs: step.timeoutSeconds * 1000, intervalMs: 500, signal });
      return `group ${group} has offsets on every partition of ${remote.join(', ')} on ${m.target} after ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    },
    fault: async (step) => {
      const heal = await invokeFault({ toxiproxy: env.toxiproxy.api, plan: env.plan, primary: env.primary, backup: env.backup, mirror: env.mirror.container }, step.fault, `step${steps.indexOf(step)}`);
      if (!heal) return;
      if (step.durationSeconds === undefined) heals.push({ heal, what: step.fault.fault });
      else pending.push(sup.watch(sleep(step.durationSeconds * 1000, signal).then(heal), `healing ${step.fault.fault}`));
    },
    'drain-consumers': async () => drainConsumer(),
  };

  async function startMirror(name: string): Promise<string> {
    const m = s.mirrors[name];
    if (!m) throw new DrillError('SCENARIO_INVALID', `no mirror named "${name}"`);
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
    const started = env.mirrors.get(name) && !mirrors.has(name) && m.startAt === 'setup' ? env.mirrors.get(name)! : await env.launchMirror(name);
    const watch = await watchSourceOffsets({ kafka: adminOf(m.target), admin: admins[m.target], source: m.source, signal });
    const groupAtStart = new Map<string, string>();
    for (const t of topics.map((x) => remoteTopicOf(m, policyOf(m), x))) {
      const committed = await committedOffsets(admins[m.target], s.workload.consumer.groupId, t).catch(() => ({}));
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

  async function drainConsumer(): Promise<string> {
    const c = consumer;
    if (!c) return 'no consumer was running';
    const on = await views(c.cluster);
    const drained = await drain({ admin: admins[c.cluster], consumer: c.run, groupId: c.run.groupId, topics: on, timeoutMs: s.failover.drainTimeoutSeconds * 1000, signal });
    rec.emit({ type: 'read-complete', what: 'drain', complete: drained.complete, detail: drained.detail });
    for (const l of drained.last) {
      rec.emit({ type: 'offsets', label: 'drain-end', cluster: c.cluster, topic: l.topic, offsets: l.end });
      rec.emit({ type: 'offsets', label: 'drain-end-committed', cluster: c.cluster, topic: l.topic, offsets: l.committed });
    }
    await stopConsuming();
    phase('drain-done');
    return `${c.run.delivered()} delivered on ${c.cluster}; ${drained.detail}`;
  }

  const waitFor = async (w: When | undefined, workloadStart: number, timeoutMs: number) => {
    if (!w) return;
    if ('at' in w) return sleep(workloadStart + w.at * 1000 - Date.now(), signal);
    if ('afterSeconds' in w) return sleep(w.afterSeconds * 1000, signal);
    const holds = 'acked' in w ? async () => ackedNow() >= w.acked
      : 'lagBelow' in w ? async () => (await lagOf(w.mirror)) < w.lagBelow : async () => (await lagOf(w.mirror)) > w.lagAbove;
    await waitUntil(holds, { what: describeWhen(w), timeoutMs, intervalMs: 100, signal });
  };

  try {
    for (const [name, m] of Object.entries(s.mirrors)) if (m.startAt === 'setup') await startMirror(name);
    await startProducing('primary');
    phase('workload-started');
    const workloadStart = Date.now();
    await startConsuming('primary', s.workload.consumer.groupId, true);
    const progress = ctx.progress.step(`${label} playbook: ${steps.length} step(s)`);
    await waitUntil(async () => (await totalOffsets(admins.backup, env.remoteTopics)) > 0, {
      what: 'the first replicated record on the backup', timeoutMs: 120_000, logFile: env.mirror.logFile, signal,
    });
    phase('mirror-replicating');
    const all = steps.at(-1)?.action === 'drain-consumers' ? steps : [...steps, { action: 'drain-consumers', timeoutSeconds: 180 } satisfies PlaybookStep];
    for (const [index, step] of all.entries()) {
      const stepName = stepLabel(step, index);
      await waitFor(step.when, workloadStart, step.timeoutSeconds * 1000);
      sup.check();
      if (signal.aborted) throw new DrillError('INTERRUPTED', `interrupted before step "${stepName}"`);
      rec.emit({ type: 'step', index, label: stepName, action: step.action, state: 'start' });
      try {
        const detail = await (actions[step.action] as (x: PlaybookStep) => Promise<string | void>)(step);
        rec.emit({ type: 'step', index, label: stepName, action: step.action, state: 'end', ...(detail ? { detail } : {}) });
        ctx.progress.info(`${label} ${stepName}${detail ? `: ${detail}` : ''}`);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        rec.emit({ type: 'step', index, label: stepName, action: step.action, state: 'failed', detail: error });
        if (e instanceof DrillError) throw e;
        throw new DrillError('STEP_FAILED', `playbook step "${stepName}" failed: ${error}`, { fix: 'see the cell\'s container logs and history.ndjson', cause: e });
      }
    }
    progress(`${all.length} step(s) done`);
    await stopProducing();
    for (const h of heals.splice(0)) await h.heal();
    await Promise.all(pending.splice(0));
    phase('faults-healed');
    // Verify: every view on both clusters, end to end, on the never-faulted ADMIN path.
    const verify = ctx.progress.step(`${label} verify: read both clusters end to end`);
    const details: string[] = [];
    for (const c of ['primary', 'backup'] as const) {
      const read = await readBackup({ kafka: adminOf(c), admin: admins[c], topics: await views(c), recorder: rec, timeoutMs: 120_000, signal, cluster: c }).catch((e: unknown) => ({
        complete: false, detail: `unreadable: ${e instanceof Error ? e.message : String(e)}`, records: 0,
      }));
      rec.emit({ type: 'read-complete', what: `${c}-copies`, complete: read.complete, detail: read.detail });
      details.push(`${c}: ${read.detail}`);
    }
    phase('verify-done');
    verify(details.join('; '));
  } catch (e) {
    sup.check();
    throw e;
  } finally {
    await Promise.allSettled([stopProducing(), stopConsuming(), ...[...mirrors.values()].map((m) => m.watch.stop()), ...heals.map((h) => h.heal())]);
    await Promise.allSettled(pending);
    await Promise.all(Object.values(admins).map((a) => closeQuietly(a, 2000)));
  }
}
