/**
 * What watches a running drill beside its steps: each lane's lag sampler (its own group's synced
 * and committed offsets, adapters/clients/lag-sampler.ts), from the start until the primary is killed,
 * MM2's health monitor (adapters/containers/health-monitor.ts) once the workload starts, when the
 * scenario has alarms — watched like an operator's monitoring would — and the forward flow's offset
 * syncs (adapters/clients/offset-sync-reader.ts), read up to just before their cluster is killed.
 * A team's MM2 between external clusters names its syncs topic after a target alias the scenario
 * does not give: its syncs are not read (their checks are `unknown`), never guessed. With several
 * sides (core/plan/pairing.ts) each lane's lag is its own backup's, and each side's syncs are read
 * from its own MM2's topic into its own lanes' histories. And each side's backup's end offsets,
 * from the first replicated record until the backup is killed or the drill ends, for the drain's
 * settle period (run/still-ends.ts).
 */
import type { SignalName } from '../../core/history/health-signals.ts';
import { ackedOffsets } from '../../core/checker/lag.ts';
import { checkpointsTopic, heartbeatsTopics, offsetSyncsTopic } from '../../core/kafka/mm2-names.ts';
import { flowProperties, separatorOf } from '../../core/scenario/mirror-flow.ts';
import type { Cluster } from '../../core/scenario/playbook.ts';
import { tpKey } from '../../core/history/topic-partition.ts';
import { startHealthMonitor, type HealthMonitor } from '../../adapters/containers/health-monitor.ts';
import { startLagSampler, type LagSampler } from '../../adapters/clients/lag-sampler.ts';
import { followOffsetSyncs, type OffsetSyncReader } from '../../adapters/clients/offset-sync-reader.ts';
import type { DrillContext } from '../cell-context.ts';
import { startAclSampler } from '../../adapters/clients/acl-sampler.ts';
import { watchEnds, type EndsWatch, type Stillness } from '../still-ends.ts';

/** How long the syncs read may take to reach the topic's end before a kill: it follows live, so it is there within a fetch. */
const SYNCS_SETTLE_MS = 5_000;

export class Samplers implements AsyncDisposable {
  private readonly d: DrillContext;
  private readonly lagSamplers: readonly LagSampler[];
  private lagStopped = false;
  private health: HealthMonitor | undefined;
  private readonly acls: { stop(): Promise<void> } | undefined;
  private syncs: { readonly cluster: Cluster; readonly reader: OffsetSyncReader }[] = [];
  /** Each side's watch of its backup's end offsets, by side. */
  private ends: EndsWatch[] = [];

  private constructor(d: DrillContext, lagSamplers: readonly LagSampler[], acls?: { stop(): Promise<void> }) {
    this.d = d;
    this.lagSamplers = lagSamplers;
    this.acls = acls;
  }

  /** Follows each side's forward flow's offset syncs from now on (not between external clusters: the topic's name is not known there). */
  followSyncs(): void {
    const { ctx, sides, sup } = this.d;
    const s = ctx.cell.scenario;
    if (s.external || this.syncs.length) return;
    this.syncs = sides.map(({ admins, rec, lanes }) => {
      const where = offsetSyncsTopic(flowProperties(lanes[0]!.scenario));
      return {
        cluster: where.cluster,
        reader: followOffsetSyncs({
          kafka: admins.client(where.cluster), admin: () => admins.get(where.cluster), topic: where.topic,
          sourceTopics: new Set(s.topics.map((t) => t.name)), recorder: rec, signal: sup.signal,
        }),
      };
    });
  }

  /** Watches each side's backup's end offsets from now on, on the topics its consumers read there. */
  async watchEnds(): Promise<void> {
    const { sides, sup } = this.d;
    this.ends = await Promise.all(sides.map(async (side) => watchEnds({ admin: () => side.admins.get('backup'), topics: await side.views('backup'), signal: sup.signal })));
  }

  /** What a side's watch saw of `cluster`'s end offsets (only backups are watched). */
  seenEnds(side: number, cluster: Cluster): Stillness | undefined {
    return cluster === 'backup' ? this.ends[side]?.seen() : undefined;
  }

  /** Just before `cluster` is killed: the offset syncs on it are read to their end, then no more; its end offsets are no longer watched. */
  async beforeKill(cluster: Cluster): Promise<void> {
    if (cluster === 'backup') this.stopEnds();
    await Promise.all(this.syncs.filter((x) => x.cluster === cluster).map((x) => x.reader.settle(SYNCS_SETTLE_MS)));
  }

  /** Starts every lane's lag sampler, and on secured clusters the ACL readings of both clusters (live ones only). */
  static start(d: DrillContext, killed: ReadonlySet<Cluster>): Samplers {
    const s = d.ctx.cell.scenario;
    const topics = s.topics.map((t) => t.name);
    // Behind a transactional producer the lag counts the acked records, not the offsets its commit markers take.
    const acked = s.workload.transactionRecords > 0 ? () => ackedOffsets(d.rec.events()) : undefined;
    const acls = s.kafka.security && !s.external ? startAclSampler({ admin: (c) => d.admins.get(c), readable: (c) => !killed.has(c), recorder: d.rec }) : undefined;
    return new Samplers(d, d.lanes.map((l) => {
      const side = d.sides[l.side]!;
      return startLagSampler({
        primary: () => d.admins.get('primary'), backup: () => side.admins.get('backup'), topics, remoteTopics: side.env.remoteTopics, groupId: l.groupId, recorder: l.rec, acked,
      });
    }), acls);
  }

  /** Starts MM2's health monitor when the scenario has alarms on it, each lane with its own group. */
  watchHealth(killed: ReadonlySet<Cluster>): void {
    const { ctx, env, admins, lanes, sup } = this.d;
    const s = ctx.cell.scenario;
    if (Object.keys(s.alarms).length === 0) return;
    this.health = startHealthMonitor({
      alarms: s.alarms,
      topics: {
        heartbeats: heartbeatsTopics(separatorOf(s), env.sourceAlias),
        checkpoints: checkpointsTopic(flowProperties(s), env.sourceAlias),
        offsetSyncs: s.external ? null : offsetSyncsTopic(flowProperties(s)),
        // The drill's own forward flow, or a playbook's first mirror primary → backup (no namespace).
        sourceOffsets: s.external ? null : { source: env.sourceAlias },
      },
      lanes: lanes.map((l) => ({ groupId: l.groupId, recorder: l.rec })),
      partitions: s.topics.flatMap((t) => Array.from({ length: t.partitions }, (_, p) => tpKey(t.name, p))),
      client: (c) => admins.client(c),
      admin: (c) => admins.get(c),
      reachable: (c) => !killed.has(c),
      signal: sup.signal,
    });
  }

  /** The first lane's latest replication lag in messages, once sampled. */
  lag(): number | undefined {
    return this.lagSamplers[0]!.latest();
  }

  firing(a: SignalName): boolean {
    return this.health?.firing(a) ?? false;
  }

  /** Stops the lag samplers (once: before the primary is killed, as the classic drill's did, or at the end). */
  async stopLag(): Promise<void> {
    if (this.lagStopped) return;
    this.lagStopped = true;
    await Promise.all(this.lagSamplers.map((x) => x.stop()));
  }

  private stopEnds(): void {
    for (const w of this.ends.splice(0)) w.stop();
  }

  /** At the end of the steps: the end-offset watches and lag samplers, then the health monitor. */
  async stop(): Promise<void> {
    this.stopEnds();
    await this.stopLag();
    await this.health?.stop();
    await this.acls?.stop();
    await Promise.all(this.syncs.map((x) => x.reader.settle(SYNCS_SETTLE_MS)));
  }

  /** On the way out: both at once. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.stopEnds();
    await Promise.all([this.stopLag(), this.health?.stop(), this.acls?.stop(), ...this.syncs.map((x) => x.reader.stop())]);
  }
}
