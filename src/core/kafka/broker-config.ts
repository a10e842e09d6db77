/** server.properties of one KRaft combined-mode broker (broker + controller in one process). */
import { stringify } from 'dot-properties';
import { type BrokerRef, listenerPort, replicationFactorFor } from './network-layout.ts';
import { brokerReleaseProperties } from './kafka-release.ts';
import type { PropertyValue } from './property-value.ts';

export interface BrokerConfigInput {
  readonly broker: BrokerRef;
  readonly clusterBrokers: readonly BrokerRef[];
  /** host:port MM2 reaches this broker at (its MIRROR proxy). */
  readonly mirrorAdvertised: string;
  /** host:port the test clients reach this broker at (its CLIENT proxy, from the host). */
  readonly clientAdvertised: string;
  /** host:port of the never-faulted ADMIN path (its Toxiproxy proxy, from the host). */
  readonly adminAdvertised: string;
  readonly overrides: Readonly<Record<string, PropertyValue>>;
  /** The brokers' Kafka release. */
  readonly version: string;
  /** The largest message value the drill writes (bytes): above Kafka's default, message.max.bytes is raised to hold it. */
  readonly maxValueBytes?: number | undefined;
}

/**
 * A java.util.Properties file that Properties.load reads back exactly: backslashes (a regex's
 * `orders\..*` is written `orders\\..*`), leading blanks and line breaks escaped, and every
 * non-ASCII character as a \u escape, since brokers and MM2 read the file as ISO-8859-1.
 */
export const renderProperties = (props: Readonly<Record<string, PropertyValue>>): string =>
  `${stringify(Object.entries(props).map(([k, v]) => [k, String(v)]), { lineWidth: null, keySep: '=' })}\n`
    .replace(/[\u0080-\u00ff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * The largest message value Kafka's defaults hold: message.max.bytes (brokers) is 1 MiB + 12 and a
 * Java producer's max.request.size 1 MiB, each counting the record's key, headers and batch
 * overhead beside the value.
 */
export const DEFAULT_MAX_VALUE_BYTES = 1_000_000;

/**
 * message.max.bytes / max.request.size that hold values of `bytes` with their overhead (the id
 * header and key, the batch header: well under 64 KiB); null when Kafka's defaults do. The
 * brokers of both clusters and MM2's producers need it, or a 1 MiB value fails with
 * MESSAGE_TOO_LARGE on the primary and RecordTooLargeException in MM2's task on the backup.
 */
export const largeMessageLimit = (bytes: number): number | null => (bytes <= DEFAULT_MAX_VALUE_BYTES ? null : bytes + 64 * 1024);

export function brokerProperties(input: BrokerConfigInput): Record<string, PropertyValue> {
  const { broker, clusterBrokers } = input;
  const n = clusterBrokers.length;
  const rf = replicationFactorFor(n);
  const p = listenerPort;
  return {
    'process.roles': 'broker,controller',
    'node.id': broker.nodeId,
    'controller.quorum.voters': clusterBrokers.map((b) => `${b.nodeId}@${b.alias}:${p.controller}`).join(','),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'INTERNAL',
    listeners: `INTERNAL://0.0.0.0:${p.internal},MIRROR://0.0.0.0:${p.mirror},CONTROLLER://0.0.0.0:${p.controller},CLIENT://0.0.0.0:${p.client},ADMIN://0.0.0.0:${p.admin}`,
    'advertised.listeners': `INTERNAL://${broker.alias}:${p.internal},MIRROR://${input.mirrorAdvertised},CLIENT://${input.clientAdvertised},ADMIN://${input.adminAdvertised}`,
    'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,MIRROR:PLAINTEXT,CONTROLLER:PLAINTEXT,CLIENT:PLAINTEXT,ADMIN:PLAINTEXT',
    'log.dirs': '/tmp/kraft-logs',
    'num.partitions': 1,
    'default.replication.factor': rf,
    'min.insync.replicas': rf >= 3 ? 2 : 1,
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': rf >= 3 ? 2 : 1,
    ...brokerReleaseProperties(input.version, rf),
    // A drill must see every topic it uses created on purpose (by the harness or by MM2).
    'auto.create.topics.enable': false,
    'group.initial.rebalance.delay.ms': 0,
    ...(input.maxValueBytes !== undefined && largeMessageLimit(input.maxValueBytes) !== null ? { 'message.max.bytes': largeMessageLimit(input.maxValueBytes)! } : {}),
    ...input.overrides,
  };
}
