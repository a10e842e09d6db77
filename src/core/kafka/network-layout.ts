/**
 * The network layout of a drill (docs/how-it-works.md "Network layout"), as plain data. Kafka clients learn broker
 * addresses from metadata, so one bootstrap proxy would be bypassed: every broker gets its own
 * Toxiproxy proxy per client class, each advertised on its own listener.
 *
 *  INTERNAL (inter-broker) and CONTROLLER are never proxied;
 *  MIRROR   is advertised as the Toxiproxy address MM2 uses (faults on the MM2 ↔ cluster link);
 *  CLIENT   is advertised as the Toxiproxy address the test producer/consumer use from the host;
 *  ADMIN    is the harness's own path (verification, offsets, health), through Toxiproxy but
 *           never faulted. Every address a host client knows is a Toxiproxy port, which outlives
 *           the brokers: a broker restarted with its data (`restore-cluster`) is reachable at the
 *           same addresses, whereas a Docker-published broker port may change on restart.
 */
export const listenerPort = { internal: 9091, mirror: 9092, controller: 9093, client: 9094, admin: 9095 } as const;
export const TOXIPROXY_ALIAS = 'toxiproxy';
export const TOXIPROXY_API_PORT = 8474;
const FIRST_PROXY_PORT = 20000;

/** The drill's clusters (the one home of their names). */
export const clusterNames = ['primary', 'backup'] as const;
export type ClusterName = (typeof clusterNames)[number];

/** Brokers of a cluster: `kafka.backupNodes` defaults to `kafka.nodes`. */
export const nodesOf = (kafka: { readonly nodes: number; readonly backupNodes?: number | undefined }, cluster: ClusterName): number =>
  cluster === 'primary' ? kafka.nodes : (kafka.backupNodes ?? kafka.nodes);

/**
 * Replication factor of every topic on a cluster of `brokers` brokers — the drill's, MM2's
 * internal ones and the harness's — so that losing one broker of three leaves each partition a
 * leader: a replica-less partition makes every client's metadata refresh fail (kafkajs retries
 * LEADER_NOT_AVAILABLE until it gives up).
 */
export const replicationFactorFor = (brokers: number): number => Math.min(3, brokers);
export type LinkClass = 'mirror' | 'client' | 'admin';
/** The link classes that host clients use (published on the host). */
export const hostLinks: readonly LinkClass[] = ['client', 'admin'];

export interface BrokerRef {
  readonly cluster: ClusterName;
  readonly index: number;
  /** KRaft node id, 1-based. */
  readonly nodeId: number;
  /** Network alias of the broker container. */
  readonly alias: string;
}

export interface ProxyPlan {
  /** Toxiproxy proxy name, e.g. `primary-0-mirror`. */
  readonly name: string;
  readonly broker: BrokerRef;
  readonly link: LinkClass;
  /** Port Toxiproxy listens on inside its container. */
  readonly listenPort: number;
  /** Upstream broker listener, resolved by Toxiproxy per connection (so brokers may start later). */
  readonly upstream: string;
}

/** A cluster's brokers; `name`: the aliases' prefix when an environment has several backups (`backup2-0`, core/plan/pairing.ts). */
export const brokersOf = (cluster: ClusterName, nodes: number, name: string = cluster): BrokerRef[] =>
  Array.from({ length: nodes }, (_, index) => ({ cluster, index, nodeId: index + 1, alias: `${name}-${index}` }));

export function planProxies(brokers: readonly BrokerRef[]): ProxyPlan[] {
  const links: LinkClass[] = ['mirror', 'client', 'admin'];
  return brokers.flatMap((broker, b) =>
    links.map((link, l) => ({
      name: `${broker.alias}-${link}`,
      broker,
      link,
      listenPort: FIRST_PROXY_PORT + b * links.length + l,
      upstream: `${broker.alias}:${listenerPort[link]}`,
    })),
  );
}

export const proxyFor = (plan: readonly ProxyPlan[], broker: BrokerRef, link: LinkClass): ProxyPlan => {
  const p = plan.find((x) => x.broker.alias === broker.alias && x.link === link);
  if (!p) throw new Error(`no ${link} proxy planned for ${broker.alias}`);
  return p;
};
