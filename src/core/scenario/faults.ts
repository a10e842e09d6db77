/**
 * Faults a timeline can inject (the nemesis vocabulary). Network faults act on a named link —
 * the Toxiproxy proxies of every broker of one cluster for one client class — and process
 * faults on containers. The harness's own ADMIN path is never a link, so it is never faulted.
 */
import { z } from 'zod';
import { clusterNames } from '../kafka/network-layout.ts';

export const linkNames = ['mm2-primary', 'mm2-backup', 'clients-primary', 'clients-backup'] as const;
export type LinkName = (typeof linkNames)[number];

const link = z.enum(linkNames);
/** upstream = client → broker, downstream = broker → client (Toxiproxy's terms). */
const direction = z.enum(['upstream', 'downstream', 'both']).default('both');
const cluster = z.enum(clusterNames);

export const faultSchema = z.discriminatedUnion('fault', [
  z.strictObject({ fault: z.literal('latency'), link, direction, latencyMs: z.int().min(1).max(600_000), jitterMs: z.int().min(0).max(600_000).default(0) }),
  z.strictObject({ fault: z.literal('bandwidth'), link, direction, rateKBps: z.int().min(1).max(10_000_000) }),
  /** A black hole: data is swallowed and connections hang (Toxiproxy `timeout` with 0). */
  z.strictObject({ fault: z.literal('partition'), link, direction }),
  /** Connections refused: the proxies are disabled. */
  z.strictObject({ fault: z.literal('refuse'), link }),
  z.strictObject({ fault: z.literal('reset-peer'), link, direction, timeoutMs: z.int().min(0).max(600_000).default(0) }),
  z.strictObject({
    fault: z.literal('slicer'), link, direction,
    averageSize: z.int().min(1).max(1_000_000).default(64), sizeVariation: z.int().min(0).max(1_000_000).default(32), delayUs: z.int().min(0).max(10_000_000).default(10),
  }),
  z.strictObject({ fault: z.literal('limit-data'), link, direction, bytes: z.int().min(1).max(1_000_000_000_000) }),
  /** SIGKILL one broker (0-based index) of a cluster. */
  z.strictObject({ fault: z.literal('kill-broker'), cluster, broker: z.int().min(0).max(4) }),
  /** SIGKILL MirrorMaker 2. */
  z.strictObject({ fault: z.literal('kill-mirror') }),
  /** Freeze (SIGSTOP via `docker pause`) a cluster or MM2; resumed when the step's duration ends. */
  z.strictObject({ fault: z.literal('pause'), target: z.enum(['primary', 'backup', 'mirror']) }),
  /**
   * Restart MM2 (SIGKILL, then a fresh start of the same container). Brokers are not restarted:
   * Docker may publish a restarted container on new host ports, breaking advertised listeners.
   * With `properties`, MM2 comes back with them appended to its mm2.properties (a later line wins
   * in java.util.Properties): a redeploy that drifted, e.g. a `groups.exclude` matching the
   * consumer group stops its checkpoints and group offset sync while data keeps flowing (docs/alarms.md).
   */
  z.strictObject({
    fault: z.literal('restart'), target: z.literal('mirror'),
    properties: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
]);

export type Fault = z.output<typeof faultSchema>;
export type NetworkFault = Extract<Fault, { link: LinkName }>;

export const isNetworkFault = (f: Fault): f is NetworkFault => 'link' in f;

/** A short human label: "latency 500±100 ms on mm2-primary (both)". */
export function describeFault(f: Fault): string {
  switch (f.fault) {
    case 'latency': return `latency ${f.latencyMs}${f.jitterMs ? `±${f.jitterMs}` : ''} ms on ${f.link} (${f.direction})`;
    case 'bandwidth': return `bandwidth ${f.rateKBps} KB/s on ${f.link} (${f.direction})`;
    case 'partition': return `partition of ${f.link} (${f.direction})`;
    case 'refuse': return `connections refused on ${f.link}`;
    case 'reset-peer': return `reset peer after ${f.timeoutMs} ms on ${f.link} (${f.direction})`;
    case 'slicer': return `slicer ${f.averageSize}±${f.sizeVariation} B on ${f.link} (${f.direction})`;
    case 'limit-data': return `limit ${f.bytes} B on ${f.link} (${f.direction})`;
    case 'kill-broker': return `SIGKILL ${f.cluster} broker ${f.broker}`;
    case 'kill-mirror': return 'SIGKILL MirrorMaker 2';
    case 'pause': return `pause ${f.target}`;
    case 'restart': {
      const changed = Object.entries(f.properties ?? {}).map(([k, v]) => `${k}=${String(v)}`);
      return `restart MirrorMaker 2${changed.length ? ` with ${changed.join(', ')}` : ''}`;
    }
  }
}
