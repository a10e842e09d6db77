/** Toxiproxy in a container, with one proxy per broker per client class (see core/kafka/network-layout.ts). */
import { GenericContainer, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { Toxiproxy } from 'toxiproxy-node-client';
import { hostLinks, TOXIPROXY_ALIAS, TOXIPROXY_API_PORT, type ProxyPlan } from '../../core/kafka/network-layout.ts';
import { logConsumer } from './container-logs.ts';

export interface StartedToxiproxy {
  readonly container: StartedTestContainer;
  readonly api: Toxiproxy;
  /** host:port on the host for a client- or admin-link proxy. */
  hostAddress(proxy: ProxyPlan): string;
  /** host:port inside the drill network (what MM2 dials). */
  networkAddress(proxy: ProxyPlan): string;
}

/** How often the start-up asks Toxiproxy's API whether it answers yet (also each request's timeout). */
const API_POLL_MS = 200;

export async function startToxiproxy(o: {
  image: string;
  network: StartedNetwork;
  labels: Record<string, string>;
  plan: readonly ProxyPlan[];
  logFile: string;
  host: string;
}): Promise<StartedToxiproxy> {
  const hostPorts = o.plan.filter((p) => hostLinks.includes(p.link)).map((p) => p.listenPort);
  const container = await new GenericContainer(o.image)
    .withNetwork(o.network)
    .withNetworkAliases(TOXIPROXY_ALIAS)
    .withLabels(o.labels)
    .withCommand(['-host=0.0.0.0'])
    .withExposedPorts(TOXIPROXY_API_PORT, ...hostPorts)
    // Testcontainers asks again only after its read timeout (1 s by default): the API answers
    // within milliseconds once it listens, and each environment's start waits on it.
    .withWaitStrategy(Wait.forHttp('/version', TOXIPROXY_API_PORT).withReadTimeout(API_POLL_MS))
    .withLogConsumer(logConsumer(o.logFile))
    .start();
  const api = new Toxiproxy(`http://${o.host}:${container.getMappedPort(TOXIPROXY_API_PORT)}`);
  // Toxiproxy dials upstream per connection, so the proxies can exist before the brokers do.
  await api.populate(o.plan.map((p) => ({ name: p.name, listen: `0.0.0.0:${p.listenPort}`, upstream: p.upstream, enabled: true })));
  return {
    container,
    api,
    hostAddress: (p) => `${o.host}:${container.getMappedPort(p.listenPort)}`,
    networkAddress: (p) => `${TOXIPROXY_ALIAS}:${p.listenPort}`,
  };
}
