/**
 * What every part of a running drill shares: the environment, the history of what is shared (in
 * every lane's history: `rec` and `phase` write to all of them), the lanes — one per variant's
 * consumer group (run/lane.ts) — the supervisor of its background tasks, and the harness's own
 * admin clients (renewed when a cluster is restored), plus the topics that hold the scenario's
 * messages on each cluster. `ctx` is the first lane's: the environment's settings are every lane's.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { PhaseClock } from '../core/history.ts';
import { viewsOn, type Cluster, type MirrorSpec } from '../core/playbook.ts';
import type { DrillEnvironment } from '../adapters/environment.ts';
import { closeQuietly } from '../adapters/kafka-client.ts';
import type { CellRecorder } from '../adapters/recorder.ts';
import type { CellContext } from './run-cell.ts';
import type { Supervisor } from './supervisor.ts';
import { Lane, type LaneSpec } from './lane.ts';

export interface DrillContext {
  readonly ctx: CellContext;
  readonly env: DrillEnvironment;
  readonly rec: CellRecorder;
  readonly phase: PhaseClock;
  readonly sup: Supervisor;
  /** The scenario's own playbook (true) or the default one (false). */
  readonly explicit: boolean;
  readonly admins: ClusterAdmins;
  /** The consumer groups, one per variant (one when unpaired). */
  readonly lanes: readonly Lane[];
  /** The topics holding the scenario's messages on a cluster (core/playbook.ts `viewsOn`); the default playbook reads the remote topics MM2 created. */
  views(c: Cluster): Promise<string[]>;
  policyOf(m: MirrorSpec): string;
}

/** The harness's admin clients, on the never-faulted ADMIN path. */
export class ClusterAdmins {
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
  const admins = new ClusterAdmins(o.env);
  await admins.connect();
  const policyOf = (m: MirrorSpec) => m.policy ?? s.mirror.policy;
  const views = async (c: Cluster) => {
    if (!o.explicit) return c === 'primary' ? topics : o.env.remoteTopics;
    const existing = await admins.get(c).listTopics();
    return topics.flatMap((t) => viewsOn(c, t, s.mirrors, policyOf)).filter((t) => existing.includes(t));
  };
  return { ...o, admins, policyOf, views, lanes: o.lanes.map((l) => new Lane(l, o.env, o.sup, views)) };
}
