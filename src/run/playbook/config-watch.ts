/**
 * Follows the configs of topics a playbook altered or recreated, and of their remote copies:
 * every second, a snapshot of each (partitions, replication factor, config values) on the ADMIN
 * path, recorded as a `topic-config` event whenever it changed. The ledger reads from these
 * when each change reached the remote topic, and what the remote topic was at a failover.
 */
import type { Cluster } from '../../core/scenario/playbook.ts';
import { remoteTopicOf } from '../../core/scenario/playbook.ts';
import { snapshotTopics } from '../../adapters/clients/topic-configs.ts';
import { sleep } from '../../adapters/wait.ts';
import type { DrillContext } from '../cell-context.ts';

export class ConfigWatch {
  private readonly d: DrillContext;
  private readonly killed: ReadonlySet<Cluster>;
  private readonly watched = new Map<string, { cluster: Cluster; topic: string; last: string }>();
  private loop: Promise<void> | null = null;
  private running = true;

  constructor(d: DrillContext, killed: ReadonlySet<Cluster>) {
    this.d = d;
    this.killed = killed;
  }

  /** Follow `topic` on `cluster` and its remote copy on every mirror's target from there. */
  follow(cluster: Cluster, topic: string): void {
    const s = this.d.ctx.cell.scenario;
    const targets: [Cluster, string][] = [[cluster, topic], ...Object.values(s.mirrors).filter((m) => m.source === cluster).map((m) => [m.target, remoteTopicOf(m, this.d.policyOf(m), topic)] as [Cluster, string])];
    for (const [c, t] of targets) if (!this.watched.has(`${c}/${t}`)) this.watched.set(`${c}/${t}`, { cluster: c, topic: t, last: '' });
    this.loop ??= this.run();
  }

  /** Records what every followed topic looks like now (e.g. at a failover), changed or not. */
  async snapshot(label: string): Promise<void> {
    await this.sample(label);
  }

  private async sample(label?: string): Promise<void> {
    for (const w of this.watched.values()) {
      if (this.killed.has(w.cluster)) continue;
      const [snap] = await snapshotTopics(this.d.admins.get(w.cluster), [w.topic]).catch(() => []);
      if (!snap) continue;
      const configs = Object.fromEntries(Object.entries(snap.configs).filter(([, v]) => !v.sensitive && v.value !== null).map(([k, v]) => [k, v.value!]));
      const key = JSON.stringify([snap.partitions, snap.replicationFactor, configs]);
      if (key === w.last && label === undefined) continue;
      w.last = key;
      this.d.rec.emit({ type: 'topic-config', cluster: w.cluster, topic: w.topic, partitions: snap.partitions, replicationFactor: snap.replicationFactor, configs, ...(label ? { label } : {}) });
    }
  }

  private async run(): Promise<void> {
    while (this.running && !this.d.sup.signal.aborted) {
      await this.sample();
      await sleep(1000, this.d.sup.signal).catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop?.catch(() => undefined);
  }
}
