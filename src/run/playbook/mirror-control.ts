/**
 * A playbook's named mirrors: each a MirrorMaker 2 process started, stopped and measured by name.
 * A mirror's lag is its source's end offsets minus the source offsets MM2 itself stored as copied
 * (adapters/clients/mirror-offsets.ts); `seeded` mirrors get their source offsets written before they start.
 */
import { mirrorNamespace, remoteTopicOf, type Cluster } from '../../core/scenario/playbook.ts';
import { DrillError } from '../../core/errors.ts';
import { offsetsLabels } from '../../core/history/offsets-labels.ts';
import { tpKey } from '../../core/history/topic-partition.ts';
import { replicationFactorFor } from '../../core/kafka/network-layout.ts';
import { flowProperties } from '../../core/scenario/mirror-flow.ts';
import { sourceOffsetsTopic } from '../../core/kafka/mm2-names.ts';
import { topicsOfFlow } from '../../core/kafka/mm2-topic-filter.ts';
import { keepsTopicNames } from '../../core/kafka/replication-policy.ts';
import { committedOffsets, endOffsets } from '../../adapters/clients/kafka-client.ts';
import { describeLag, mirrorLag, readOffsetSyncs, resetSourceOffsets, type MirrorLag, seedSourceOffsets, watchSourceOffsets, type SourceOffsetsWatch } from '../../adapters/clients/mirror-offsets.ts';
import type { StartedMirror } from '../../adapters/containers/mirror-maker.ts';
import { sleep, waitUntil } from '../../adapters/wait.ts';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { DrillContext } from '../cell-context.ts';

interface MirrorRun {
  readonly started: StartedMirror;
  /** MM2's stored source offsets (followed for a scenario's own playbook only: lag conditions need them). */
  readonly watch: SourceOffsetsWatch | null;
  /** Where the flow began on each source partition with no stored offset (for the lag). */
  readonly startAt: ReadonlyMap<string, bigint>;
  /** The consumer group's committed offsets on the target's remote topics when the mirror started. */
  readonly groupAtStart: ReadonlyMap<string, string>;
}

const TASK_STARTED = /WorkerSourceTask\{id=MirrorSourceConnector-\d+\} Source task finished initialization and start/g;

const logSize = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/** How many MirrorSourceConnector tasks the log reports started after byte `from` (reads only that part). */
function tasksStarted(file: string, from: number): number {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(Math.max(0, fstatSync(fd).size - from));
    readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8').match(TASK_STARTED)?.length ?? 0;
  } catch {
    return 0;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export class MirrorControl {
  private readonly d: DrillContext;
  private readonly running = new Map<string, MirrorRun>();
  /** Mirrors ever started: the environment's set-up process serves only the first start; a start after a stop launches a new one. */
  private readonly started = new Set<string>();

  constructor(d: DrillContext) {
    this.d = d;
  }

  private get s() {
    return this.d.ctx.cell.scenario;
  }

  private spec(name: string) {
    const m = this.s.mirrors[name];
    if (!m) throw new DrillError('SCENARIO_INVALID', `no mirror named "${name}"`);
    return m;
  }

  private namespace(name: string): string | undefined {
    return mirrorNamespace(this.s.mirrors, name);
  }

  private run(name: string): MirrorRun {
    const r = this.running.get(name);
    if (!r) throw new DrillError('STEP_FAILED', `mirror "${name}" is not running`);
    return r;
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  logFile(name: string): string | undefined {
    return this.running.get(name)?.started.logFile;
  }

  /** The group's offsets on the mirror's target when it started (`topic/partition` → offset). */
  groupAtStart(name: string): ReadonlyMap<string, string> {
    return this.run(name).groupAtStart;
  }

  /** Messages on the mirror's source it has not copied yet, by its own stored offsets. */
  async lag(name: string): Promise<MirrorLag> {
    const r = this.run(name);
    if (!r.watch) throw new DrillError('STEP_FAILED', `mirror "${name}" has no measured lag in the default playbook`);
    return mirrorLag(this.d.admins.get(this.spec(name).source), this.topicsOf(name), r.watch.next, r.startAt);
  }

  private get topics() {
    return this.s.topics.map((t) => t.name);
  }

  /** The scenario's topics this mirror copies (its `topics` list may name only some). */
  private topicsOf(name: string): string[] {
    const m = this.spec(name);
    return topicsOfFlow(this.topics, { ...flowProperties(this.s), ...m.properties }, `${m.source}->${m.target}`);
  }

  async start(name: string): Promise<string> {
    const m = this.spec(name);
    const { env, admins, rec } = this.d;
    if (this.running.has(name)) return `${name} is already running`;
    const setup = m.startAt === 'setup' && !this.started.has(name) ? env.mirrors.get(name) : undefined;
    this.started.add(name);
    if (!this.d.explicit && setup) {
      this.running.set(name, { started: setup, watch: null, startAt: new Map(), groupAtStart: new Map() });
      return `${m.source} → ${m.target}`;
    }
    const startAt = new Map<string, bigint>();
    let detail = `${m.source} → ${m.target}, from ${m.startFrom}`;
    if (m.startFrom === 'seeded') {
      const seeds = await this.seedsFor(m.source, m.target);
      for (const [tp, n] of seeds) startAt.set(tp, n);
      await seedSourceOffsets({ kafka: admins.client(m.target), admin: admins.get(m.target), source: m.source, namespace: this.namespace(name), next: seeds, replicationFactor: replicationFactorFor(env[m.target].nodes) });
      for (const t of this.topics) {
        rec.emit({ type: 'offsets', label: offsetsLabels.seed(name), cluster: m.source, topic: t, offsets: Object.fromEntries([...seeds].filter(([tp]) => tp.startsWith(`${t}/`)).map(([tp, n]) => [tp.slice(t.length + 1), String(n)])) });
      }
      detail += ` (${[...seeds].map(([tp, n]) => `${tp}@${n}`).join(', ') || 'nothing to skip'})`;
    }
    const logFrom = setup ? 0 : logSize(env.mirrorLogFile(name));
    const started = setup ?? (await env.launchMirror(name));
    // Started = its source tasks run (Connect logs each one): only then is "latest" where it begins.
    const tasks = Math.min(this.s.mirror.tasksMax, this.s.topics.filter((t) => this.topicsOf(name).includes(t.name)).reduce((n, t) => n + t.partitions, 0));
    const t0 = Date.now();
    await waitUntil(async () => tasksStarted(started.logFile, logFrom) >= tasks, {
      what: `mirror ${name}'s ${tasks} source task(s) to start`, timeoutMs: 180_000, intervalMs: 250, logFile: started.logFile, signal: this.d.sup.signal,
    });
    detail += `; replicating after ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    for (const t of this.topics) {
      for (const o of await admins.get(m.source).fetchTopicOffsets(t)) {
        const key = tpKey(t, o.partition);
        if (!startAt.has(key)) startAt.set(key, BigInt(m.startFrom === 'latest' ? o.high : o.low));
      }
    }
    const watch = await watchSourceOffsets({ kafka: admins.client(m.target), admin: admins.get(m.target), source: m.source, namespace: this.namespace(name), signal: this.d.sup.signal });
    const groupAtStart = new Map<string, string>();
    for (const t of this.topics.map((x) => remoteTopicOf(m, this.d.policyOf(m), x))) {
      const committed = await committedOffsets(admins.get(m.target), this.s.workload.consumer.groupId, t).catch(() => ({}));
      for (const [p, o] of Object.entries(committed)) groupAtStart.set(tpKey(t, p), o);
    }
    this.running.set(name, { started, watch, startAt, groupAtStart });
    return detail;
  }

  /**
   * `sourceDown`: the drill killed the mirror's source and has not restored it. Nothing there
   * answers, so its end offsets are not asked for (each read would only wait out the client's
   * retries): the lag is unknown, and the stop is recorded with no source end offsets.
   */
  async stop(name: string, sourceDown = false): Promise<string> {
    const r = this.running.get(name);
    if (!r) return `${name} was not running`;
    this.running.delete(name);
    // SIGTERM: MM2 commits the offsets of what it copied; after 30 s Docker kills it.
    await r.started.container.stop({ timeout: 30_000 });
    if (!r.watch) return 'stopped';
    await sleep(1500, this.d.sup.signal); // the last offsets flush reaches the watch
    const m = this.spec(name);
    const source = this.d.admins.get(m.source);
    const lag = sourceDown ? null : await mirrorLag(source, this.topicsOf(name), r.watch.next, r.startAt).catch(() => null);
    await r.watch.stop();
    for (const t of this.topics) {
      this.d.rec.emit({ type: 'offsets', label: offsetsLabels.stoppedSourceEnd(name), cluster: m.source, topic: t, offsets: sourceDown ? {} : await endOffsets(source, t).catch(() => ({})) });
      // MM2's own account of what it copied (next source offset per partition), after its last flush.
      const copied = [...r.watch.next].filter(([tp]) => tp.startsWith(`${t}/`)).map(([tp, n]) => [tp.slice(t.length + 1), String(n)]);
      this.d.rec.emit({ type: 'offsets', label: offsetsLabels.stoppedCopied(name), cluster: m.source, topic: t, offsets: Object.fromEntries(copied) });
    }
    return `stopped; ${lag === null ? `lag unknown (source ${sourceDown ? 'killed' : 'unreachable'})` : `${describeLag(lag)} on ${m.source} not copied`}`;
  }

  /**
   * Seeds for a flow `source → target`: where the opposite flow stopped copying into `source`,
   * by its offset syncs (newest sync per partition: downstream + 1). Partitions of a topic the
   * opposite flow never wrote (a remote-named copy under the Default policy) start at 0.
   */
  private async seedsFor(source: Cluster, target: Cluster): Promise<Map<string, bigint>> {
    const opposite = Object.values(this.s.mirrors).find((m) => m.source === target && m.target === source);
    const seeds = new Map<string, bigint>();
    if (!opposite || !keepsTopicNames(this.d.policyOf(opposite))) return seeds;
    // The opposite flow's syncs live on its source (our target): mm2-offset-syncs.<its target>.internal.
    const syncs = await readOffsetSyncs({ kafka: this.d.admins.client(target), admin: this.d.admins.get(target), topic: `mm2-offset-syncs.${source}.internal`, timeoutMs: 30_000 });
    for (const sync of syncs) seeds.set(tpKey(sync.topic, sync.partition), sync.downstream + 1n);
    return seeds;
  }

  /** Forgets what the (stopped) mirror copied from `topic`: its tasks start that topic again from auto.offset.reset. */
  async resetOffsets(name: string, topic: string): Promise<string> {
    if (this.running.has(name)) throw new DrillError('STEP_FAILED', `mirror "${name}" is running: stop it before resetting its offsets (a running task flushes them again)`);
    const m = this.spec(name);
    const namespace = this.namespace(name);
    const partitions = await resetSourceOffsets({ kafka: this.d.admins.client(m.target), admin: this.d.admins.get(m.target), source: m.source, namespace, topic, timeoutMs: 30_000 });
    const stored = sourceOffsetsTopic(m.source, namespace);
    return partitions.length ? `tombstones for ${topic} partition(s) ${partitions.join(', ')} in ${stored} on ${m.target}` : `no stored offset for ${topic} in ${stored}`;
  }

  /** Stops following the mirrors' offsets (their containers are removed with the cell). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((r) => r.watch?.stop()));
  }
}
