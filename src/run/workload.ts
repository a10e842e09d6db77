/**
 * The workload a playbook moves: one producer and one consumer group, each running on one
 * cluster at a time. Clients on a killed cluster are abandoned, not awaited — their requests in
 * flight end only at their timeouts, and a real application fails over without waiting — and
 * `settle()` awaits them later.
 */
import type { Cluster } from '../core/playbook.ts';
import { startConsumer, type RunningConsumer } from '../adapters/consumer.ts';
import { startProducer, type RunningProducer } from '../adapters/producer.ts';
import type { DrillContext } from './drill-context.ts';

export class Workload {
  private readonly d: DrillContext;
  private producer: { cluster: Cluster; run: RunningProducer } | null = null;
  private consumer: { cluster: Cluster; run: RunningConsumer } | null = null;
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

  get consumerOn(): { cluster: Cluster; run: RunningConsumer } | null {
    return this.consumer;
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
    const topics = ctx.cell.scenario.topics.map((t) => ({ name: t.name, partitions: this.resized.get(`${c}/${t.name}`) ?? t.partitions }));
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

  async startConsuming(c: Cluster, groupId: string, fromBeginning: boolean): Promise<RunningConsumer> {
    const { ctx, env, rec } = this.d;
    const run = await startConsumer({
      kafka: env[c].kafka('client', `mm2-drill-consumer-${c}`, env.kafkaLog), topics: await this.d.views(c), phase: c,
      fromBeginning, settings: { ...ctx.cell.scenario.workload.consumer, groupId }, recorder: rec,
    });
    this.consumer = { cluster: c, run };
    return run;
  }

  /** Takes over a consumer started elsewhere (a failover strategy starts its own). */
  adoptConsumer(c: Cluster, run: RunningConsumer): void {
    this.consumer = { cluster: c, run };
  }

  async stopConsuming(abandon = false): Promise<void> {
    const c = this.consumer;
    if (!c) return;
    this.consumer = null;
    if (abandon) this.pending.push(this.d.sup.watch(c.run.stop(), 'stopping the consumer of a killed cluster'));
    else await c.run.stop();
  }

  /** Awaits the clients abandoned so far. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.pending.splice(0));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.stopProducing(), this.stopConsuming()]);
    await this.settle();
  }
}
