/**
 * Builds what every part of a running drill shares (`DrillContext`, run/cell-context.ts): the
 * harness's own admin clients (renewed when a cluster is restored), the lanes — one per variant's
 * consumer group (run/playbook/lane.ts) — and the topics that hold the scenario's messages on each cluster.
 */
import type { Admin, Kafka } from 'kafkajs';
import { viewsOn, type Cluster, type MirrorSpec } from '../../core/scenario/playbook.ts';
import type { DrillEnvironment } from '../../adapters/containers/environment.ts';
import { closeQuietly } from '../../adapters/clients/kafka-client.ts';
import type { ClusterAdmins, DrillContext, LaneSpec } from '../cell-context.ts';
import { ConsumerLane } from './lane.ts';

/** The harness's admin clients, on the never-faulted ADMIN path. */
export class AdminClients implements ClusterAdmins {
  private readonly admins = new Map<Cluster, Admin>();
  private readonly env: DrillEnvironment;

  constructor(env: DrillEnvironment) {
    this.env = env;
  }

  /** A client for the cluster's ADMIN path (readers and seeding build their consumers and producers from it). */
  client(c: Cluster): Kafka {
    return this.env[c].kafka('admin', `mm2-drill-admin-${c}`, this.env.kafkaLog);
  }

  async connect(): Promise<void> {
    for (const c of ['primary', 'backup'] as const) await this.renew(c);
  }

  get(c: Cluster): Admin {
    const a = this.admins.get(c);
    if (!a) throw new Error(`no admin client for ${c}`);
    return a;
  }

  /** A fresh client (after a restore the old one's connections and metadata are stale). */
  async renew(c: Cluster): Promise<void> {
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

export async function createDrillContext(o: Omit<DrillContext, 'admins' | 'views' | 'policyOf' | 'lanes'> & { lanes: readonly LaneSpec[] }): Promise<DrillContext> {
  const s = o.ctx.cell.scenario;
  const topics = s.topics.map((t) => t.name);
  const admins = new AdminClients(o.env);
  await admins.connect();
  const policyOf = (m: MirrorSpec) => m.policy ?? s.mirror.policy;
  const views = async (c: Cluster) => {
    if (!o.explicit) return c === 'primary' ? topics : o.env.remoteTopics;
    const existing = await admins.get(c).listTopics();
    return topics.flatMap((t) => viewsOn(c, t, s.mirrors, policyOf)).filter((t) => existing.includes(t));
  };
  return { ...o, admins, policyOf, views, lanes: o.lanes.map((l) => new ConsumerLane(l, o.env, o.sup, views)) };
}
