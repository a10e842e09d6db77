/**
 * What a cell needs from the Docker engine, checked before anything starts. Every broker and
 * MM2 is a JVM capped at -Xmx512m (src/adapters/containers/java-command.ts); with metaspace, threads and
 * the OS the resident size is about 768 MiB each. Cells run one at a time, but the next cell's
 * environment may start while the current one drains (run/run-drill.ts): two at once, when both fit.
 */
import type { Scenario } from '../scenario/scenario.ts';
import { clusterNames, nodesOf } from '../kafka/network-layout.ts';

const MIB = 1024 * 1024;
export const JVM_FOOTPRINT_BYTES = 768 * MIB;
const TOXIPROXY_AND_SLACK_BYTES = 256 * MIB;

const brokers = (s: Scenario): number => clusterNames.reduce((n, c) => n + nodesOf(s.kafka, c), 0);

export function memoryNeeded(s: Scenario): number {
  // External clusters: only Toxiproxy runs here.
  if (s.external) return TOXIPROXY_AND_SLACK_BYTES;
  const jvms = brokers(s) + Math.max(1, Object.keys(s.mirrors).length); // brokers + MM2 processes
  return jvms * JVM_FOOTPRINT_BYTES + TOXIPROXY_AND_SLACK_BYTES;
}

/** null when the engine has enough memory, else the message. */
export function memoryShortfall(s: Scenario, engineBytes: number): string | null {
  const need = memoryNeeded(s);
  if (engineBytes <= 0 || engineBytes >= need) return null;
  const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
  return `a cell of this scenario needs about ${gib(need)} GiB for its ${brokers(s)} brokers and MM2, and the Docker engine has ${gib(engineBytes)} GiB`;
}

/**
 * Whether two environments of this scenario fit at once: the next one is started ahead only
 * then. An engine that does not say how much memory it has is not asked to hold two.
 */
export function fitsTwice(s: Scenario, engineBytes: number): boolean {
  return engineBytes > 0 && engineBytes >= 2 * memoryNeeded(s);
}
