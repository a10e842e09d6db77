/**
 * The producers a playbook moves: one on the primary to begin with, and one more per cluster a
 * `start-producers` step adds (active-active: producers writing on both clusters). The consumer
 * groups are the lanes' (run/lane.ts). A producer on a killed cluster is abandoned, not awaited —
 * its requests in flight end only at their timeouts, and a real application fails over without
 * waiting — and `settle()` awaits it later.
 */
import type { Cluster } from '../core/playbook.ts';
import { topicRates } from '../core/scenario.ts';
import { startProducer, type RunningProducer } from '../adapters/producer.ts';
import type { DrillContext } from './drill-context.ts';

export class Workload {
  private readonly d: DrillContext;
  private readonly running = new Map<Cluster, RunningProducer>();
  private producers = 0;
  /** Partition counts of topics recreated or grown by the playbook (`cluster/topic` → partitions). */
  private readonly resized = new Map<string, number>();
  private readonly pending: Promise<unknown>[] = [];
  readonly totals = { acked: 0, failed: 0, indeterminate: 0 };

  constructor(d: DrillContext) {
    this.d = d;
  }

  /** The clusters producers write to now. */
  get producerClusters(): Cluster[] {
    return [...this.running.keys()];
  }

  /** Acked so far, by every producer. */
  acked(): number {
    return this.totals.acked + [...this.running.values()].reduce((n, p) => n + p.stats.acked, 0);
  }

  /** A topic of cluster `c` now has `partitions` partitions: the producer spreads over all of them. */
  resize(c: Cluster, topic: string, partitions: number): void {
    this.resized.set(`${c}/${topic}`, partitions);
    this.running.get(c)?.resize(topic, partitions);
  }

  /** Starts a producer on `c` (one per cluster), writing the scenario's topics there. */
  async startProducing(c: Cluster): Promise<void> {
    if (this.running.has(c)) return;
    const { ctx, env, rec, explicit } = this.d;
    const topics = topicRates(ctx.cell.scenario).map((t) => ({ ...t, partitions: this.resized.get(`${c}/${t.name}`) ?? t.partitions }));
    const run = await startProducer({
      kafka: env[c].kafka('client', `mm2-drill-workload-${c}`, env.kafkaLog), topics,
      settings: ctx.cell.scenario.workload, idPrefix: `${ctx.runId}-${ctx.repetition}${explicit ? `-${this.producers}` : ''}`, recorder: rec, ...(explicit ? { cluster: c } : {}),
    });
    this.producers += 1;
    this.running.set(c, run);
  }

  /** Stops the producers (those on `only`, else all); `abandon` when their cluster is dead. */
  async stopProducing(opts: { abandon?: boolean; only?: Cluster } = {}): Promise<void> {
    for (const [c, run] of [...this.running]) {
      if (opts.only !== undefined && c !== opts.only) continue;
      this.running.delete(c);
      this.totals.acked += run.stats.acked;
      const stopping = run.stop().then(() => {
        this.totals.failed += run.stats.failed;
        this.totals.indeterminate += run.stats.indeterminate;
      });
      if (opts.abandon) this.pending.push(this.d.sup.watch(stopping, 'stopping the producer of a killed cluster'));
      else await stopping;
    }
  }

  /** Awaits the clients abandoned so far. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.pending.splice(0));
  }

  async stop(): Promise<void> {
    await this.stopProducing().catch(() => undefined);
    await this.settle();
  }
}
