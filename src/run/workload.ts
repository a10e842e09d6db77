/**
 * The producer a playbook moves, on one cluster at a time (the consumer groups are the lanes':
 * run/lane.ts). A producer on a killed cluster is abandoned, not awaited — its requests in flight
 * end only at their timeouts, and a real application fails over without waiting — and `settle()`
 * awaits it later.
 */
import type { Cluster } from '../core/playbook.ts';
import { topicRates } from '../core/scenario.ts';
import { startProducer, type RunningProducer } from '../adapters/producer.ts';
import type { DrillContext } from './drill-context.ts';

export class Workload {
  private readonly d: DrillContext;
  private producer: { cluster: Cluster; run: RunningProducer } | null = null;
  private producers = 0;
  /** Partition counts of topics recreated or grown by the playbook (`cluster/topic` → partitions). */
  private readonly resized = new Map<string, number>();
  private readonly pending: Promise<unknown>[] = [];
  readonly totals = { acked: 0, failed: 0, indeterminate: 0 };

  constructor(d: DrillContext) {
    this.d = d;
  }

  get producerCluster(): Cluster | null {
    return this.producer?.cluster ?? null;
  }

  /** Acked so far, by every producer. */
  acked(): number {
    return this.totals.acked + (this.producer?.run.stats.acked ?? 0);
  }

  /** A topic of cluster `c` now has `partitions` partitions: the producer spreads over all of them. */
  resize(c: Cluster, topic: string, partitions: number): void {
    this.resized.set(`${c}/${topic}`, partitions);
    if (this.producer?.cluster === c) this.producer.run.resize(topic, partitions);
  }

  async startProducing(c: Cluster): Promise<void> {
    const { ctx, env, rec, explicit } = this.d;
    const topics = topicRates(ctx.cell.scenario).map((t) => ({ ...t, partitions: this.resized.get(`${c}/${t.name}`) ?? t.partitions }));
    const run = await startProducer({
      kafka: env[c].kafka('client', `mm2-drill-workload-${c}`, env.kafkaLog), topics,
      settings: ctx.cell.scenario.workload, idPrefix: `${ctx.runId}-${ctx.repetition}${explicit ? `-${this.producers}` : ''}`, recorder: rec, ...(explicit ? { cluster: c } : {}),
    });
    this.producers += 1;
    this.producer = { cluster: c, run };
  }

  /** Stops the producer; `abandon` when its cluster is dead. */
  async stopProducing(abandon = false): Promise<void> {
    const p = this.producer;
    if (!p) return;
    this.producer = null;
    this.totals.acked += p.run.stats.acked;
    const stopping = p.run.stop().then(() => {
      this.totals.failed += p.run.stats.failed;
      this.totals.indeterminate += p.run.stats.indeterminate;
    });
    if (abandon) this.pending.push(this.d.sup.watch(stopping, 'stopping the producer of a killed cluster'));
    else await stopping;
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
