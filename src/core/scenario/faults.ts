/**
 * Faults a timeline can inject (the nemesis vocabulary). Network faults act on a named link —
 * the Toxiproxy proxies of every broker of one cluster for one client class — and process
 * faults on containers. The harness's own ADMIN path is never a link, so it is never faulted.
 */
import { z } from 'zod';
import { clusterNames } from '../kafka/network-layout.ts';

export const linkNames = ['mm2-primary', 'mm2-backup', 'clients-primary', 'clients-backup'] as const;
export type LinkName = (typeof linkNames)[number];

const link = z.enum(linkNames)
  .describe('The link faulted: `mm2-primary`, `mm2-backup` (MM2 ↔ cluster) or `clients-primary`, `clients-backup` (test producer and consumer ↔ cluster), each the Toxiproxy proxies of every broker of that cluster.');
const direction = z.enum(['upstream', 'downstream', 'both']).default('both')
  .describe('`upstream` (client → broker), `downstream` (broker → client) or `both`.');
const cluster = z.enum(clusterNames).describe('The cluster.');

export const faultSchema = z.discriminatedUnion('fault', [
  z.strictObject({
    fault: z.literal('latency'), link, direction,
    latencyMs: z.int().min(1).max(600_000).describe('Delay added to the data, ms.'),
    jitterMs: z.int().min(0).max(600_000).default(0).describe('Random variation of the delay, ± ms.'),
  }).describe('Delays data on the link.'),
  z.strictObject({ fault: z.literal('bandwidth'), link, direction, rateKBps: z.int().min(1).max(10_000_000).describe('The cap, KB/s.') }).describe('Caps throughput on the link.'),
  z.strictObject({ fault: z.literal('partition'), link, direction }).describe('A black hole: data is swallowed and connections hang (Toxiproxy `timeout` with 0).'),
  z.strictObject({ fault: z.literal('refuse'), link }).describe('Connections refused: the proxies are disabled.'),
  z.strictObject({
    fault: z.literal('reset-peer'), link, direction,
    timeoutMs: z.int().min(0).max(600_000).default(0).describe('Reset connections after this many ms (0: at once).'),
  }).describe('Connections reset (TCP RST).'),
  z.strictObject({
    fault: z.literal('slicer'), link, direction,
    averageSize: z.int().min(1).max(1_000_000).default(64).describe('Average size of a slice, bytes.'),
    sizeVariation: z.int().min(0).max(1_000_000).default(32).describe('Variation of the slice size, bytes.'),
    delayUs: z.int().min(0).max(10_000_000).default(10).describe('Delay between slices, µs.'),
  }).describe('Data cut into small, delayed packets.'),
  z.strictObject({ fault: z.literal('limit-data'), link, direction, bytes: z.int().min(1).max(1_000_000_000_000).describe('Bytes let through before the connection is closed.') })
    .describe('Connections closed after N bytes.'),
  z.strictObject({ fault: z.literal('kill-broker'), cluster, broker: z.int().min(0).max(4).describe("The broker's 0-based index, below the cluster's broker count.") })
    .describe('SIGKILL one broker of a cluster (it stays dead).'),
  z.strictObject({ fault: z.literal('kill-mirror') }).describe('SIGKILL MirrorMaker 2 (it stays dead).'),
  z.strictObject({ fault: z.literal('pause'), target: z.enum(['primary', 'backup', 'mirror']).describe('A cluster (all its brokers) or MM2.') })
    .describe("Freeze (SIGSTOP via `docker pause`) a cluster or MM2; resumed when the step's duration ends."),
  // Brokers are not restarted: Docker may publish a restarted container on new host ports, breaking advertised listeners.
  z.strictObject({
    fault: z.literal('restart'), target: z.literal('mirror').describe('MM2 (brokers are not restarted).'),
    properties: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional()
      .describe('mm2.properties entries MM2 comes back with, appended (a later line wins in java.util.Properties): a redeploy that drifted, e.g. a `groups.exclude` matching the consumer group stops its checkpoints and group offset sync while data keeps flowing (docs/alarms.md).'),
    mode: z.enum(['kill', 'clean']).default('kill')
      .describe("`kill`: SIGKILL — MM2 loses what it copied since its last offset flush (`offset.flush.interval.ms`) and copies it again, replication duplicates; `clean`: SIGTERM, MM2 stops its tasks and commits their source offsets first (Docker kills it after 30 s)."),
    every: z.number().min(1).max(3600).optional()
      .describe('A bounce loop, as Kafka\'s system tests bounce mirror makers: restart again every this many seconds (from the previous stop). Each restart is recorded with its replication duplicates and the time MM2 took to copy again (results.json `restarts`). Timeline steps only: a `fault` step of a playbook restarts once.'),
    times: z.int().min(1).max(1000).optional()
      .describe('With `every`: how many restarts in all (default: until the primary is killed).'),
  }).refine((f) => f.times === undefined || f.every !== undefined, { message: '`times` needs `every`' })
    .describe('Restart MM2: stop it (SIGKILL or SIGTERM), then a fresh start of the same container; once, or every `every` s.'),
]).meta({
  id: 'fault',
  title: 'Fault',
  description: "A fault of the timeline (`timeline[].action`) or of a playbook's `fault` step, chosen by `fault`. A fault with a duration is healed when it ends; every other fault at the end of the cell. The harness's own verification path is never a link, so it is never faulted.",
});

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
      const loop = f.every === undefined ? '' : ` every ${f.every}s${f.times ? `, ${f.times} times` : ' until the kill'}`;
      return `${f.mode === 'clean' ? 'clean ' : ''}restart MirrorMaker 2${loop}${changed.length ? ` with ${changed.join(', ')}` : ''}`;
    }
  }
}
