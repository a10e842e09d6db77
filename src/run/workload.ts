/**
 * The producers a playbook moves: one on the primary to begin with, and one more for each
 * `start-producers` step (active-active: producers writing on both clusters). The consumer
 * groups are the lanes' (run/playbook/lane.ts). A producer on a killed cluster is abandoned, not
 * awaited — a real application fails over without waiting: its sends in flight have a grace
 * (`graceAfterKill`) to be answered, what is unanswered then is recorded indeterminate, and
 * `settle()` awaits that; its client, then cut off the network, is gone at `closed()`.
 */
import type { Cluster } from '../core/scenario/playbook.ts';
import { topicRates } from '../core/scenario/scenario.ts';
import { startProducer, type RunningProducer } from '../adapters/clients/producer.ts';
import { startProducerProcesses } from '../adapters/clients/producer-processes.ts';
import { answerDelayBound } from '../adapters/containers/nemesis.ts';
import type { DrillContext } from './cell-context.ts';

/** What an answer already on its way needs beyond the toxics' delays (`graceAfterKill`). */
const ANSWER_MARGIN_MS = 5000;

export class Workload {
  private readonly d: DrillContext;
  private running: { cluster: Cluster; run: RunningProducer }[] = [];
  /** Producers abandoned on a killed cluster since the last move: the applications that fail over with the next one. */
  private displaced = 0;
  private producers = 0;
  /** Partition counts of topics recreated or grown by the playbook (`cluster/topic` → partitions). */
  private readonly resized = new Map<string, number>();
  private readonly pending: Promise<unknown>[] = [];
  /** Stopped producer processes whose outcomes are not yet in the history (`recordApart`). */
  private readonly unrecorded: (() => void)[] = [];
  private readonly closing: Promise<unknown>[] = [];
  readonly totals = { acked: 0, failed: 0, indeterminate: 0 };

  constructor(d: DrillContext) {
    this.d = d;
  }

  /** The clusters producers write to now, one entry per producer. */
  get producerClusters(): Cluster[] {
    return this.running.map((p) => p.cluster);
  }

  /** Acked so far, by every producer. */
  acked(): number {
    return this.totals.acked + this.running.reduce((n, p) => n + p.run.stats.acked, 0);
  }

  /** A topic of cluster `c` now has `partitions` partitions: the producer spreads over all of them. */
  resize(c: Cluster, topic: string, partitions: number): void {
    this.resized.set(`${c}/${topic}`, partitions);
    for (const p of this.running) if (p.cluster === c) p.run.resize(topic, partitions);
  }

  /** Starts a producer on `c`, writing the scenario's topics there. */
  async startProducing(c: Cluster): Promise<void> {
    const { ctx, env, rec, explicit } = this.d;
    const topics = topicRates(ctx.cell.scenario).map((t) => ({ ...t, partitions: this.resized.get(`${c}/${t.name}`) ?? t.partitions }));
    const w = ctx.cell.scenario.workload;
    const clientId = `mm2-drill-workload-${c}`;
    const o = { topics, settings: w, idPrefix: `${ctx.runId}-${ctx.repetition}${explicit ? `-${this.producers}` : ''}`, recorder: rec, ...(explicit ? { cluster: c } : {}) };
    // Several processes (workload.processes) or hosts (workload.hosts): the producers there, their acks recorded here when they stop.
    const run = w.processes > 1 || w.hosts
      ? await startProducerProcesses({ ...o, recipe: env[c].recipe('producer', clientId, env.kafkaLog), processes: w.processes, dir: ctx.runDir, hosts: w.hosts })
      : await startProducer({ ...o, kafka: env[c].kafka('producer', clientId, env.kafkaLog) });
    this.producers += 1;
    this.running.push({ cluster: c, run });
  }

  /**
   * Moves every producer to `c`: those elsewhere, and those a kill displaced since the last move,
   * start again on `c`; those already writing on `c` go on (one starts if none writes anywhere).
   * Returns how many moved.
   */
  async moveTo(c: Cluster): Promise<number> {
    const moved = (await this.stopProducing({ except: c })) + this.displaced;
    this.displaced = 0;
    const starts = moved || (this.running.length ? 0 : 1);
    for (let i = 0; i < starts; i++) await this.startProducing(c);
    return starts;
  }

  /** Stops the producers (those on `only`, or all but those on `except`, else all); `abandon` when their cluster is dead. Returns how many. */
  async stopProducing(opts: { abandon?: boolean; only?: Cluster; except?: Cluster } = {}): Promise<number> {
    const stopped = this.running.filter((p) => (opts.only === undefined || p.cluster === opts.only) && p.cluster !== opts.except);
    this.running = this.running.filter((p) => !stopped.includes(p));
    if (opts.abandon) this.displaced += stopped.length;
    else if (opts.only === undefined && opts.except === undefined) this.displaced = 0;
    const grace = opts.abandon && opts.only !== undefined && stopped.length > 0 ? await this.graceAfterKill(opts.only) : null;
    for (const { run } of stopped) {
      const ackedAtStop = run.stats.acked;
      this.totals.acked += ackedAtStop;
      const count = () => {
        // Acks of the sends in flight at the stop (and a producer process's last count).
        this.totals.acked += run.stats.acked - ackedAtStop;
        this.totals.failed += run.stats.failed;
        this.totals.indeterminate += run.stats.indeterminate;
      };
      // What producer processes recorded apart is the history's, whatever became of them.
      const keep = () => {
        if (run.record) this.unrecorded.push(() => run.record!());
      };
      if (opts.abandon) {
        const abandoned = run.abandon(grace);
        this.pending.push(this.d.sup.watch(abandoned.recorded.then(count).finally(keep), 'stopping the producer of a killed cluster'));
        this.closing.push(abandoned.closed);
      } else await run.stop().then(count).finally(keep);
    }
    return stopped.length;
  }

  /**
   * How long the sends in flight when `c` was killed may still be answered: an answer its broker
   * sent before it died reaches the client through Toxiproxy, which then closes the connection
   * (kafkajs fails the request, "Closed connection": 1–5.4 s after the kill on a loaded 2-core
   * machine), later than that only as long as the toxics on the client path hold it back. Null
   * (wait until the requests end) when a toxic there has no such bound.
   */
  private async graceAfterKill(c: Cluster): Promise<number | null> {
    const { env } = this.d;
    const proxies = new Set(env.plan.filter((x) => x.broker.cluster === c && x.link === 'client').map((x) => x.name));
    const held = await answerDelayBound(env.toxiproxy.api, proxies).catch(() => null);
    return held === null ? null : ANSWER_MARGIN_MS + held;
  }

  /** Awaits the outcomes of the producers abandoned so far. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.pending.splice(0));
  }

  /**
   * Records in the history what stopped producer processes recorded apart: once nothing is
   * measured any more (it holds the event loop for seconds at high rates), before the checker.
   */
  recordApart(): void {
    for (const record of this.unrecorded.splice(0)) record();
  }

  /** Awaits the clients of the producers abandoned so far being gone. */
  async closed(): Promise<void> {
    await Promise.allSettled(this.closing.splice(0));
  }

  async stop(): Promise<void> {
    await this.stopProducing().catch(() => undefined);
    await this.settle();
    this.recordApart();
  }
}
