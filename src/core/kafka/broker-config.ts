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
}

/**
 * A java.util.Properties file that Properties.load reads back exactly: backslashes (a regex's
 * `orders\..*` is written `orders\\..*`), leading blanks and line breaks escaped, and every
 * non-ASCII character as a \u escape, since brokers and MM2 read the file as ISO-8859-1.
 */
export const renderProperties = (props: Readonly<Record<string, PropertyValue>>): string =>
  `${stringify(Object.entries(props).map(([k, v]) => [k, String(v)]), { lineWidth: null, keySep: '=' })}\n`
    .replace(/[\u0080-\u00ff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

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
    ...input.overrides,
  };
}
