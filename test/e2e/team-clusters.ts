/**
 * "The team's staging": two single-broker Kafka clusters and a MirrorMaker 2 between them,
 * started by the test itself with plain containers — not by the harness, which is then handed
 * only their addresses, as it would be handed a real staging environment. Each broker listens
 * on a fixed host port it also advertises (127.0.0.1:<port>), so a broker started again after
 * `docker kill` answers where it did; MM2 reaches the brokers inside their own network. A second
 * host listener asks for SASL/PLAIN (saslUser), as a team's staging does of its clients.
 */
import { GenericContainer, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { renderProperties } from '../../src/core/kafka/broker-config.ts';
import { readVersions } from '../../src/adapters/containers/images.ts';
import { CONFIG_DIR, javaCommand, logConfigFile } from '../../src/adapters/containers/java-command.ts';
import { kafkaClient } from '../../src/adapters/clients/kafka-client.ts';
import { newClusterId } from '../../src/adapters/containers/kafka-cluster.ts';
import { freePort } from '../../src/adapters/containers/external-environment.ts';
import { waitUntil } from '../../src/adapters/wait.ts';

export interface TeamCluster {
  readonly container: StartedTestContainer;
  readonly bootstrap: string;
  /** The same broker through its SASL_PLAINTEXT listener (saslUser's credentials). */
  readonly saslBootstrap: string;
}

/** The one client account of the SASL listeners. */
export const saslUser = { username: 'harness', password: 'Planted-SaslPw-1e8c' } as const;

export interface TeamStaging {
  readonly east: TeamCluster;
  readonly west: TeamCluster;
  readonly mirror: StartedTestContainer;
  /** Resolves once both clusters answer (a broker started again recovers its log first). */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

/** Resolves once the cluster answers a metadata request. */
export async function answering(bootstrap: string): Promise<void> {
  const admin = kafkaClient([bootstrap], 'team-ready', '/dev/null').admin();
  try {
    await waitUntil(async () => (await admin.connect(), (await admin.describeCluster()).brokers.length > 0), { what: `the cluster at ${bootstrap}`, timeoutMs: 120_000, intervalMs: 1000 });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const version = (): string => readVersions().kafka;
const image = (): string => `mm2-drill/kafka:${version()}`;

async function startBroker(network: StartedNetwork, alias: string): Promise<TeamCluster> {
  const port = await freePort();
  const saslPort = await freePort();
  const props = renderProperties({
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${alias}:9093`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'INTERNAL',
    listeners: `INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093,HOST://0.0.0.0:${port},SASL://0.0.0.0:${saslPort}`,
    'advertised.listeners': `INTERNAL://${alias}:9092,HOST://127.0.0.1:${port},SASL://127.0.0.1:${saslPort}`,
    'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,HOST:PLAINTEXT,SASL:SASL_PLAINTEXT',
    'sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.sasl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_${saslUser.username}="${saslUser.password}";`,
    'log.dirs': '/tmp/kraft-logs',
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    // As most production clusters run: a client's metadata request never creates a topic.
    'auto.create.topics.enable': false,
  });
  const start = [
    'set -e',
    javaCommand(version(), 'kafka.tools.StorageTool', `format --ignore-formatted -t ${newClusterId()} -c ${CONFIG_DIR}/server.properties`),
    `exec ${javaCommand(version(), 'kafka.Kafka', `${CONFIG_DIR}/server.properties`)}`,
  ].join('\n');
  const container = await new GenericContainer(image())
    .withNetwork(network)
    .withNetworkAliases(alias)
    .withHostname(alias)
    .withExposedPorts({ container: port, host: port }, { container: saslPort, host: saslPort })
    .withCopyContentToContainer([
      { content: props, target: `${CONFIG_DIR}/server.properties` },
      logConfigFile(version()),
      { content: `${start}\n`, target: `${CONFIG_DIR}/start.sh` },
    ])
    .withCommand(['sh', `${CONFIG_DIR}/start.sh`])
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  return { container, bootstrap: `127.0.0.1:${port}`, saslBootstrap: `127.0.0.1:${saslPort}` };
}

/** The team's MM2: their aliases (east, west), their patterns, intervals short enough for a test. */
const mm2Properties = renderProperties({
  clusters: 'east,west',
  'east.bootstrap.servers': 'east:9092',
  'west.bootstrap.servers': 'west:9092',
  'east->west.enabled': true,
  'west->east.enabled': false,
  'west->east.emit.heartbeats.enabled': false,
  'east->west.topics': 'drill-.*|team-.*',
  'east->west.groups': 'drill-.*',
  'replication.factor': 1,
  'checkpoints.topic.replication.factor': 1,
  'heartbeats.topic.replication.factor': 1,
  'offset-syncs.topic.replication.factor': 1,
  'offset.storage.replication.factor': 1,
  'status.storage.replication.factor': 1,
  'config.storage.replication.factor': 1,
  'refresh.topics.interval.seconds': 2,
  'refresh.groups.interval.seconds': 2,
  'emit.checkpoints.interval.seconds': 1,
  'sync.group.offsets.enabled': true,
  'sync.group.offsets.interval.seconds': 1,
  'offset.flush.interval.ms': 1000,
  'west.offset.flush.interval.ms': 1000,
});

export async function startTeamStaging(): Promise<TeamStaging> {
  const network = await new Network().start();
  const [east, west] = await Promise.all([startBroker(network, 'east'), startBroker(network, 'west')]);
  // A topic of the team's that the drill must leave alone.
  await answering(east.bootstrap);
  const admin = kafkaClient([east.bootstrap], 'team-setup', '/dev/null').admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'team-payments', numPartitions: 1, replicationFactor: 1 }] });
  await admin.disconnect();
  const mirror = await new GenericContainer(image())
    .withNetwork(network)
    .withCopyContentToContainer([
      { content: mm2Properties, target: `${CONFIG_DIR}/mm2.properties` },
      logConfigFile(version()),
    ])
    .withCommand(['sh', '-c', `exec ${javaCommand(version(), 'org.apache.kafka.connect.mirror.MirrorMaker', `${CONFIG_DIR}/mm2.properties`)}`])
    .start();
  return {
    east, west, mirror,
    ready: async () => {
      await Promise.all([answering(east.bootstrap), answering(west.bootstrap)]);
    },
    stop: async () => {
      await Promise.allSettled([mirror, east.container, west.container].map((c) => c.stop({ timeout: 0, remove: true })));
      await network.stop().catch(() => undefined);
    },
  };
}
