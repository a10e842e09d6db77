/**
 * Builds what every part of a running drill shares (`DrillContext`, run/cell-context.ts): the
 * harness's own admin clients (renewed when a cluster is restored), the lanes — one per variant's
 * consumer group (run/playbook/lane.ts) — the sides — one per backup and its MM2, each with its
 * lanes, its admin clients and a recorder for its lanes only — and the topics that hold the
 * scenario's messages on each cluster.
 */
import type { Admin, Kafka } from 'kafkajs';
import { viewsOn, type Cluster, type MirrorSpec } from '../../core/scenario/playbook.ts';
import { sideOf, type DrillEnvironment } from '../../adapters/containers/environment.ts';
import { closeQuietly } from '../../adapters/clients/kafka-client.ts';
import { broadcastRecorder } from '../../adapters/recorder.ts';
import type { ClusterAdmins, DrillContext, DrillSide, LaneSpec } from '../cell-context.ts';
import { ConsumerLane } from './lane.ts';

/** The harness's admin clients, on the never-faulted ADMIN path. */
export class AdminClients implements ClusterAdmins {
  private readonly admins = new Map<Cluster, Admin>();
  private readonly env: DrillEnvironment;
  /** Another side's clients, whose primary is this side's too. */
  private readonly shared: ClusterAdmins | undefined;

  constructor(env: DrillEnvironment, shared?: ClusterAdmins) {
    this.env = env;
    this.shared = shared;
  }

  /** A client for the cluster's ADMIN path (readers and seeding build their consumers and producers from it). */
  client(c: Cluster): Kafka {
    if (c === 'primary' && this.shared) return this.shared.client(c);
    return this.env[c].kafka('admin', `mm2-drill-admin-${c}`, this.env.kafkaLog);
  }

  async connect(): Promise<void> {
    for (const c of this.shared ? (['backup'] as const) : (['primary', 'backup'] as const)) await this.renew(c);
  }

  get(c: Cluster): Admin {
    if (c === 'primary' && this.shared) return this.shared.get(c);
    const a = this.admins.get(c);
    if (!a) throw new Error(`no admin client for ${c}`);
    return a;
  }

  /** A fresh client (after a restore the old one's connections and metadata are stale). */
  async renew(c: Cluster): Promise<void> {
    if (c === 'primary' && this.shared) return this.shared.renew(c);
    const old = this.admins.get(c);
    if (old) await closeQuietly(old);
    const a = this.client(c).admin();
    await a.connect();
    this.admins.set(c, a);
  }

  async close(): Promise<void> {
    await Promise.all([...this.admins.values()].map((a) => closeQuietly(a, 2000)));
  }
}

export async function createDrillContext(o: Omit<DrillContext, 'admins' | 'views' | 'policyOf' | 'lanes' | 'sides'> & { lanes: readonly LaneSpec[] }): Promise<DrillContext> {
  const s = o.ctx.cell.scenario;
  const topics = s.topics.map((t) => t.name);
  const admins = new AdminClients(o.env);
  await admins.connect();
  const policyOf = (m: MirrorSpec) => m.policy ?? s.mirror.policy;
  const viewsOf = (env: DrillEnvironment, a: ClusterAdmins) => async (c: Cluster) => {
    if (!o.explicit) return c === 'primary' ? topics : env.remoteTopics;
    const existing = await a.get(c).listTopics();
    return topics.flatMap((t) => viewsOn(c, t, s.mirrors, policyOf)).filter((t) => existing.includes(t));
  };
  const count = Math.max(...o.lanes.map((l) => l.side)) + 1;
  const sides: DrillSide[] = [];
  const built = new Map<LaneSpec, ConsumerLane>();
  for (let i = 0; i < count; i++) {
    const env = sideOf(o.env, i);
    const a = i === 0 ? admins : new AdminClients(env, admins);
    if (i > 0) await a.connect();
    const views = viewsOf(env, a);
    const specs = o.lanes.filter((l) => l.side === i);
    const lanes = specs.map((l) => built.set(l, new ConsumerLane(l, env, o.sup, views)).get(l)!);
    // One side: it is the whole drill, and its recorder the drill's.
    sides.push({ env, admins: a, views, lanes, rec: count === 1 ? o.rec : broadcastRecorder(specs.map((l) => l.rec)) });
  }
  // The lanes in their variants' order.
  return { ...o, admins, policyOf, views: sides[0]!.views, lanes: o.lanes.map((l) => built.get(l)!), sides };
}
