/**
 * One variant's consumer group in a running drill (core/plan/pairing.ts): its cell, its history, its
 * phases and its consumer, on one cluster at a time. An unpaired drill has one lane; paired
 * variants have one each in a shared environment. Consumers on a killed cluster are abandoned,
 * not awaited — a real application fails over without waiting: `settle()` awaits their final
 * positions, recorded at once, and `closed()` their kafkajs clients, cut off the network
 * once their positions are recorded (their requests to the dead cluster would otherwise end only
 * at their timeouts). Its environment is its side's (run/cell-context.ts
 * `DrillSide`): the backup it fails over to is its own MM2's. A consumer that starts late
 * (`join()`) starts after its scenario's start delay, supervised; `joined` settles when it has.
 */
import type { PhaseClock } from '../../core/history/history.ts';
import type { Cluster } from '../../core/scenario/playbook.ts';
import type { Scenario } from '../../core/scenario/scenario.ts';
import { startConsumer, type RunningConsumer } from '../../adapters/clients/consumer.ts';
import { startStandby, type StandbyMember } from '../../adapters/clients/standby-member.ts';
import type { Admin } from 'kafkajs';
import type { DrillEnvironment } from '../../adapters/containers/environment.ts';
import type { CellRecorder } from '../../adapters/recorder.ts';
import { sleep } from '../../adapters/wait.ts';
import type { CellContext, Lane, LaneSpec } from '../cell-context.ts';
import type { Supervisor } from '../supervisor.ts';

export class ConsumerLane implements Lane {
  readonly ctx: CellContext;
  readonly rec: CellRecorder;
  readonly phase: PhaseClock;
  readonly side: number;
  private readonly env: DrillEnvironment;
  private readonly sup: Supervisor;
  private readonly views: (c: Cluster) => Promise<string[]>;
  private consumer: { cluster: Cluster; run: RunningConsumer } | null = null;
  private readonly pending: Promise<unknown>[] = [];
  private readonly closing: Promise<unknown>[] = [];
  private started: Promise<unknown> = Promise.resolve();
  private standby: StandbyMember | null = null;

  constructor(spec: LaneSpec, env: DrillEnvironment, sup: Supervisor, views: (c: Cluster) => Promise<string[]>) {
    this.ctx = spec.ctx;
    this.rec = spec.rec;
    this.phase = spec.phase;
    this.side = spec.side;
    this.env = env;
    this.sup = sup;
    this.views = views;
  }

  get scenario(): Scenario {
    return this.ctx.cell.scenario;
  }

  get groupId(): string {
    return this.scenario.workload.consumer.groupId;
  }

  /** `[cell#repetition]`, the prefix of this lane's progress lines. */
  get label(): string {
    return `[${this.ctx.cell.id}#${this.ctx.repetition}]`;
  }

  get consumerOn(): { cluster: Cluster; run: RunningConsumer } | null {
    return this.consumer;
  }

  get joined(): Promise<unknown> {
    return this.started;
  }

  /** A consumer that starts late is already far behind when it joins. */
  join(what: string): void {
    const signal = this.sup.signal;
    this.started = this.sup.watch(sleep(this.scenario.workload.consumer.startDelaySeconds * 1000, signal).then(async () => {
      if (!signal.aborted && !this.consumer) await this.startConsuming('primary', this.groupId, true);
    }), what);
  }

  async startConsuming(c: Cluster, groupId: string, fromBeginning: boolean): Promise<RunningConsumer> {
    const run = await startConsumer({
      kafka: this.env[c].kafka('consumer', `mm2-drill-consumer-${c}`, this.env.kafkaLog), topics: await this.views(c), phase: c,
      fromBeginning, settings: { ...this.scenario.workload.consumer, groupId }, recorder: this.rec,
    });
    this.consumer = { cluster: c, run };
    return run;
  }

  /** The warm standby member of the group on the backup, when the scenario has one (`failover.standbyOnBackup`). */
  async startStandby(admin: Admin): Promise<void> {
    if (!this.scenario.failover.standbyOnBackup || this.standby) return;
    this.standby = await startStandby({
      kafka: this.env.backup.kafka('consumer', 'mm2-drill-standby', this.env.kafkaLog), admin, groupId: this.groupId, topics: await this.views('backup'), recorder: this.rec,
    });
  }

  /** The standby leaves the group: once the failover consumer joined it, or at the end of the drill. */
  async handOver(): Promise<void> {
    const s = this.standby;
    this.standby = null;
    await s?.leave();
  }

  /** Takes over a consumer started elsewhere (a failover strategy starts its own). */
  adoptConsumer(c: Cluster, run: RunningConsumer): void {
    this.consumer = { cluster: c, run };
  }

  async stopConsuming(abandon = false): Promise<void> {
    const c = this.consumer;
    if (!c) return;
    this.consumer = null;
    if (abandon) {
      const abandoned = c.run.abandon();
      this.pending.push(this.sup.watch(abandoned.recorded, 'stopping the consumer of a killed cluster'));
      this.closing.push(abandoned.closed);
    } else await c.run.stop();
  }

  /** Awaits the final positions of the consumers abandoned so far. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.pending.splice(0));
  }

  async closed(): Promise<void> {
    await Promise.allSettled(this.closing.splice(0));
  }

  async stop(): Promise<void> {
    await this.stopConsuming().catch(() => undefined);
    await this.handOver().catch(() => undefined);
    await this.settle();
  }
}
