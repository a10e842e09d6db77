/**
 * The nemesis: turns a fault into Toxiproxy toxics or container signals, and returns how to heal
 * it. Healing is idempotent and independent per fault, so one failed rollback never stops others.
 */
import { getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { isNetworkFault, type Fault, type NetworkFault } from '../../core/scenario/faults.ts';
import type { ProxyPlan } from '../../core/kafka/network-layout.ts';
import { renderProperties } from '../../core/kafka/broker-config.ts';
import type { StartedCluster } from './kafka-cluster.ts';
import { MM2_PROPERTIES_FILE, type StartedMirror } from './mirror-maker.ts';

/** How to undo a fault; null for one that cannot be undone (a SIGKILLed process stays dead). */
export type Heal = (() => Promise<void>) | null;

export interface NemesisTargets {
  readonly toxiproxy: Toxiproxy;
  readonly plan: readonly ProxyPlan[];
  readonly primary: StartedCluster;
  readonly backup: StartedCluster;
  /** The harness's MM2 (none when the team's own MM2 runs between external clusters). */
  readonly mirror: StartedMirror | null;
}

/** The harness's MM2 container, for a process fault on it. */
const mirrorOf = (t: NemesisTargets): StartedTestContainer => {
  if (!t.mirror) throw new Error('this drill runs no MM2 of its own to fault');
  return t.mirror.container;
};

/** The proxies of a named link: every broker of the link's cluster, for one client class. */
export function proxiesOf(plan: readonly ProxyPlan[], link: NetworkFault['link']): ProxyPlan[] {
  const [klass, cluster] = link.split('-') as ['mm2' | 'clients', 'primary' | 'backup'];
  return plan.filter((p) => p.broker.cluster === cluster && p.link === (klass === 'mm2' ? 'mirror' : 'client'));
}

function toxicOf(f: NetworkFault): { type: 'latency' | 'bandwidth' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data'; attributes: Record<string, number> } | null {
  switch (f.fault) {
    case 'latency': return { type: 'latency', attributes: { latency: f.latencyMs, jitter: f.jitterMs } };
    case 'bandwidth': return { type: 'bandwidth', attributes: { rate: f.rateKBps } };
    case 'partition': return { type: 'timeout', attributes: { timeout: 0 } };
    case 'reset-peer': return { type: 'reset_peer', attributes: { timeout: f.timeoutMs } };
    case 'slicer': return { type: 'slicer', attributes: { average_size: f.averageSize, size_variation: f.sizeVariation, delay: f.delayUs } };
    case 'limit-data': return { type: 'limit_data', attributes: { bytes: f.bytes } };
    case 'refuse': return null;
  }
}

async function networkFault(t: NemesisTargets, f: NetworkFault, name: string): Promise<() => Promise<void>> {
  const proxies = await Promise.all(proxiesOf(t.plan, f.link).map((p) => t.toxiproxy.get(p.name)));
  if (f.fault === 'refuse') {
    await Promise.all(proxies.map((p) => p.update({ enabled: false, listen: p.listen, upstream: p.upstream })));
    return async () => {
      await Promise.all(proxies.map((p) => p.update({ enabled: true, listen: p.listen, upstream: p.upstream })));
    };
  }
  const toxic = toxicOf(f)!;
  const streams = f.direction === 'both' ? (['upstream', 'downstream'] as const) : [f.direction];
  const added = await Promise.all(
    proxies.flatMap((p) => streams.map((stream) => p.addToxic({ name: `${name}-${stream}`, stream, type: toxic.type, toxicity: 1, attributes: toxic.attributes }))),
  );
  return async () => {
    await Promise.all(added.map((x) => x.remove()));
  };
}

export async function invokeFault(t: NemesisTargets, f: Fault, name: string): Promise<Heal> {
  if (isNetworkFault(f)) return networkFault(t, f, name);
  const docker = (await getContainerRuntimeClient()).container;
  const byId = (c: StartedTestContainer) => docker.getById(c.getId());
  switch (f.fault) {
    case 'kill-broker': {
      const broker = (f.cluster === 'primary' ? t.primary : t.backup).brokers[f.broker];
      if (!broker) throw new Error(`${f.cluster} has no broker ${f.broker}`);
      await byId(broker.container).kill({ signal: 'SIGKILL' });
      return null; // a killed broker stays dead for the rest of the cell
    }
    case 'kill-mirror':
      await byId(mirrorOf(t)).kill({ signal: 'SIGKILL' });
      return null;
    case 'pause': {
      const containers = f.target === 'mirror' ? [mirrorOf(t)] : (f.target === 'primary' ? t.primary : t.backup).brokers.map((b) => b.container);
      await Promise.all(containers.map((c) => byId(c).pause()));
      return async () => {
        await Promise.all(containers.map((c) => byId(c).unpause().catch((e: unknown) => {
          // Already running (e.g. the primary was killed while paused) is healed enough.
          if (!/is not paused|not running/i.test(String(e))) throw e;
        })));
      };
    }
    case 'restart':
      await restartMirror(t, f);
      return null;
  }
}

/**
 * Restarts the harness's MM2: SIGKILL (`kill`) or SIGTERM with Docker's 30 s grace (`clean`: MM2's
 * shutdown hook stops its tasks, which commit their source offsets), then a fresh start of the same
 * container with its properties (and any the fault adds).
 */
export async function restartMirror(t: NemesisTargets, f: Extract<Fault, { fault: 'restart' }>): Promise<void> {
  const docker = (await getContainerRuntimeClient()).container;
  const mm2 = docker.getById(mirrorOf(t).getId());
  if (f.properties) {
    // Read at start-up only: the running process keeps its configuration until the stop.
    const content = `${t.mirror!.properties}${renderProperties(f.properties)}`;
    await mirrorOf(t).copyContentToContainer([{ content, target: MM2_PROPERTIES_FILE }]);
  }
  if (f.mode === 'clean') await mm2.stop({ t: 30 });
  else await mm2.kill({ signal: 'SIGKILL' });
  await mm2.start();
}

/**
 * How long the toxics on these proxies can hold back an answer already on its way (ms): the
 * latency and jitter of their `latency` toxics, summed; null when another toxic is on one of them
 * (bandwidth, slicer, timeout…: no such bound). Straight from Toxiproxy's API, as proxyProblems.
 */
export async function answerDelayBound(toxiproxy: Toxiproxy, names: ReadonlySet<string>): Promise<number | null> {
  const res = await fetch(`${toxiproxy.host}/proxies`);
  const all = (await res.json()) as Record<string, { name: string; toxics?: { type: string; attributes?: { latency?: number; jitter?: number } }[] }>;
  let bound = 0;
  for (const x of Object.values(all).filter((p) => names.has(p.name)).flatMap((p) => p.toxics ?? [])) {
    if (x.type !== 'latency') return null;
    bound += (x.attributes?.latency ?? 0) + (x.attributes?.jitter ?? 0);
  }
  return bound;
}

/** Problems left on the proxies after healing (must be none): disabled proxies, remaining toxics. */
export async function proxyProblems(toxiproxy: Toxiproxy, cutOff: ReadonlySet<string> = new Set()): Promise<string[]> {
  // Straight from Toxiproxy's API: the client's proxy objects do not carry their toxics.
  const res = await fetch(`${toxiproxy.host}/proxies`);
  const all = (await res.json()) as Record<string, { name: string; enabled: boolean; toxics?: { name: string }[] }>;
  return Object.values(all).flatMap((p) => [
    ...(p.enabled || cutOff.has(p.name) ? [] : [`${p.name} disabled`]),
    ...(p.toxics ?? []).map((x) => `${p.name} still has toxic ${x.name}`),
  ]);
}
