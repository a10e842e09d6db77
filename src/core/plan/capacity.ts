/**
 * What a cell needs from the Docker engine, checked before anything starts. Every broker and
 * MM2 is a JVM capped at -Xmx512m (src/adapters/containers/java-command.ts); with metaspace, threads and
 * the OS the resident size is about 768 MiB each. Cells run one at a time, but the next cell's
 * environment starts beside the current one (run/run-drill.ts): two at once, when both fit.
 */
import { totalRate, type Scenario } from '../scenario/scenario.ts';
import { clusterNames, nodesOf } from '../kafka/network-layout.ts';

const MIB = 1024 * 1024;
export const JVM_FOOTPRINT_BYTES = 768 * MIB;
const TOXIPROXY_AND_SLACK_BYTES = 256 * MIB;

/** The brokers of an environment: the primary's, and the backup's once per side (core/plan/pairing.ts). */
const brokers = (s: Scenario, sides = 1): number => clusterNames.reduce((n, c) => n + nodesOf(s.kafka, c) * (c === 'backup' ? sides : 1), 0);

/**
 * An environment's memory; `sides`: MM2-side paired variants, each with its own backup cluster
 * and MM2 (core/plan/pairing.ts), so each further side costs a backup's brokers and one MM2.
 */
export function memoryNeeded(s: Scenario, sides = 1): number {
  // External clusters: only Toxiproxy runs here.
  if (s.external) return TOXIPROXY_AND_SLACK_BYTES;
  const jvms = brokers(s, sides) + Math.max(sides, Object.keys(s.mirrors).length); // brokers + MM2 processes
  return jvms * JVM_FOOTPRINT_BYTES + TOXIPROXY_AND_SLACK_BYTES;
}

/**
 * Most sides (a backup and an MM2 each) in one environment, whatever the memory: each MM2 and
 * each broker is a JVM on the same cores, and a side's MM2 falls behind when they are too many
 * (docs/pairing-and-shards.md, measured on 2 cores).
 */
export const MAX_BACKUPS_PER_ENVIRONMENT = 6;

/**
 * How many sides an environment of this scenario may hold on an engine of `engineBytes`: as many
 * as fit twice (the next environment starts beside the current one, run/run-drill.ts), up
 * to `MAX_BACKUPS_PER_ENVIRONMENT`; on an engine that holds one side only once, one. An engine
 * that does not say how much memory it has gets one.
 */
export function backupsPerEnvironment(s: Scenario, engineBytes: number): number {
  let n = 1;
  while (n < MAX_BACKUPS_PER_ENVIRONMENT && fitsTwice(s, engineBytes, n + 1)) n++;
  return n;
}

/** null when the engine has enough memory, else the message. */
export function memoryShortfall(s: Scenario, engineBytes: number): string | null {
  const need = memoryNeeded(s);
  if (engineBytes <= 0 || engineBytes >= need) return null;
  const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
  return `a cell of this scenario needs about ${gib(need)} GiB for its ${brokers(s)} brokers and MM2, and the Docker engine has ${gib(engineBytes)} GiB`;
}

/**
 * What the harness itself holds per message of an environment (resident memory): its events (the
 * ack, each delivery, the verification read's copy) kept for the checker, and the checker's index
 * of them (typed-array columns: core/history/event-log.ts, id-columns.ts), with the garbage
 * collector's headroom — the peak grew by 891 B a message of 300,000 and by 444 B of 1,000,000;
 * and what each further paired variant adds (its own deliveries, and its columns of the shared
 * acks and verification records, ~45 B an event). Measured: docs/scale.md.
 */
export const HARNESS_BYTES_PER_MESSAGE = 1024;
export const VARIANT_BYTES_PER_MESSAGE = 384;
/** What history.ndjson takes per message of an environment on disk, and per further paired variant (docs/scale.md). */
export const HISTORY_BYTES_PER_MESSAGE = 100;
export const VARIANT_HISTORY_BYTES_PER_MESSAGE = 25;

/**
 * About how many messages one cell run produces, or null when the scenario does not say (a kill
 * on replication lag without a duration, a playbook's own producer moves): the producer writes
 * until the kill, or until `workload.durationSeconds`, whichever is first.
 */
export function expectedMessages(s: Scenario): number | null {
  const rate = totalRate(s);
  const end = s.workload.durationSeconds;
  const kill = s.playbook === undefined ? s.timeline.find((x) => x.action === 'kill-primary') : undefined;
  const at = kill?.at;
  if (typeof at === 'number') return Math.ceil(rate * Math.min(end ?? Infinity, at + (kill?.jitterSeconds ?? 0)));
  if (typeof at === 'object' && 'acked' in at) return end === undefined ? at.acked : Math.min(at.acked, Math.ceil(rate * end));
  return end === undefined ? null : Math.ceil(rate * end);
}

export interface HarnessRoom {
  /** Memory the harness may use (bytes): what the machine has free. */
  readonly freeMemory: number;
  /** Free space where the run directory is written (bytes). */
  readonly freeDisk: number;
}

const human = (b: number) => (b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(b / 1024 ** 2)} MiB`);
const count = (n: number) => Math.floor(n).toLocaleString('en-US');

/**
 * null when this machine holds what a run records, else what it needs and what the machine can
 * hold. In memory: one environment at a time, with its paired variants (`variants`); on disk:
 * every environment of the run (`environments`).
 */
export function harnessShortfall(s: Scenario, variants: number, environments: number, room: HarnessRoom): string | null {
  const messages = expectedMessages(s);
  if (messages === null) return null;
  const rate = totalRate(s);
  const seconds = (n: number) => `${(n / rate).toFixed(0)} s at ${count(rate)} msg/s`;
  const perMessage = HARNESS_BYTES_PER_MESSAGE + (variants - 1) * VARIANT_BYTES_PER_MESSAGE;
  const memory = messages * perMessage;
  if (room.freeMemory > 0 && memory > room.freeMemory) {
    const holds = room.freeMemory / perMessage;
    return `a cell run of this scenario produces about ${count(messages)} messages (${seconds(messages)}) and the harness keeps about ${perMessage} B of each for the checker${variants > 1 ? ` (with its ${variants} paired variants)` : ''}: ${human(memory)}; this machine has ${human(room.freeMemory)} free, which holds about ${count(holds)} messages a cell run (${seconds(holds)})`;
  }
  const perEnvironment = HISTORY_BYTES_PER_MESSAGE + (variants - 1) * VARIANT_HISTORY_BYTES_PER_MESSAGE;
  const disk = messages * environments * perEnvironment;
  if (room.freeDisk > 0 && disk > room.freeDisk) {
    const holds = room.freeDisk / (environments * perEnvironment);
    return `the run's ${environments} environment(s) record about ${count(messages)} messages each (${seconds(messages)}) and history.ndjson takes about ${perEnvironment} B of each: ${human(disk)}; the results directory has ${human(room.freeDisk)} free, which holds about ${count(holds)} messages an environment (${seconds(holds)})`;
  }
  return null;
}

/**
 * Whether two environments of this scenario (with `sides` backups and MM2s each) fit at once:
 * the next one is started ahead only then. An engine that does not say how much memory it has is not asked to hold two.
 */
export function fitsTwice(s: Scenario, engineBytes: number, sides = 1): boolean {
  return engineBytes > 0 && engineBytes >= 2 * memoryNeeded(s, sides);
}

/**
 * null when the machine has a core for each producer process of the scenario
 * (`workload.processes`), else the message: processes beyond the cores only take turns on them,
 * and slow each other and the harness's own consumers, kill and verification read.
 */
export function coresShortfall(s: Scenario, cores: number): string | null {
  const n = s.workload.processes;
  if (n <= cores) return null;
  return `workload.processes is ${n} and this machine has ${cores} core(s): processes beyond the cores only take turns on them`;
}
