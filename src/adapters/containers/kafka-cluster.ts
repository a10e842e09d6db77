/**
 * A Kafka cluster of N KRaft combined-mode brokers, each in its own container. The container
 * formats its storage as soon as it runs, while it waits for its configuration (written once
 * Toxiproxy's host ports are known: the advertised addresses need them, the storage does not),
 * then starts Kafka. A killed broker started again skips the format and keeps its data.
 * Host clients reach the brokers only through Toxiproxy (core/kafka/network-layout.ts), so a restored
 * cluster answers at the addresses every client already knows.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GenericContainer, Wait, getContainerRuntimeClient, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { brokerProperties, renderProperties } from '../../core/kafka/broker-config.ts';
import type { PropertyValue } from '../../core/kafka/property-value.ts';
import { type BrokerRef, type ClusterName, proxyFor, type ProxyPlan } from '../../core/kafka/network-layout.ts';
import { logConsumer } from './container-logs.ts';
import { CONFIG_DIR, javaCommand, logConfigFile, type KafkaImage } from './java-command.ts';
import type { Kafka, KafkaConfig } from 'kafkajs';
import { brokerSecurityProperties, kafkajsSasl, type Credentials } from '../../core/kafka/security.ts';
import { kafkaClient, kafkaFromRecipe, type ClientRecipe } from '../clients/kafka-client.ts';
import type { StartedToxiproxy } from './toxiproxy.ts';
import { waitUntil } from '../wait.ts';

const READY_MARK = 'mm2-drill: waiting for configuration';
const GO_FILE = `${CONFIG_DIR}/go`;

export interface StartedBroker {
  readonly ref: BrokerRef;
  readonly container: StartedTestContainer;
  readonly adminAddress: string;
  readonly clientAddress: string;
  readonly logFile: string;
}

/**
 * Who connects, and so by which path: the harness on ADMIN (its own reads, never faulted), the test
 * producer and consumer on CLIENT. On a secured cluster each is its own principal (core/kafka/security.ts).
 */
export type ClientPath = 'admin' | 'producer' | 'consumer';

export interface StartedCluster {
  readonly name: ClusterName;
  /** The broker containers (none for an external cluster). */
  readonly brokers: readonly StartedBroker[];
  /** How many brokers the cluster has (replication factors of the topics the harness creates). */
  readonly nodes: number;
  /** A kafkajs client on one of the paths, with what the cluster needs (security, routing through Toxiproxy). */
  kafka(path: ClientPath, clientId: string, logFile: string): Kafka;
  /** The same client as plain data, for a process of its own to build (adapters/clients/producer-processes.ts). */
  recipe(path: ClientPath, clientId: string, logFile: string): ClientRecipe;
  /** Direct, never-faulted bootstrap for the harness's own reads. */
  readonly adminBootstrap: string[];
  /** Bootstrap through Toxiproxy for the test producer and consumer. */
  readonly clientBootstrap: string[];
  /** Bootstrap through Toxiproxy for MM2, valid inside the drill network. */
  readonly mirrorBootstrap: string[];
  /**
   * SIGKILL every broker (`docker kill`, no timeout): no shutdown hooks, no log flush — a machine
   * lost, not a clean stop. Resolves to what was done, for the history (`SIGKILL`; an external
   * cluster's kill command or client cut says so).
   */
  kill(): Promise<string>;
  /**
   * Starts the killed brokers again, with the data their containers kept, and waits until the
   * cluster answers with every broker and a controller (log recovery after an unclean stop included).
   */
  restore(): Promise<void>;
}

export interface ClusterOptions {
  readonly name: ClusterName;
  readonly brokers: readonly BrokerRef[];
  readonly image: KafkaImage;
  readonly network: StartedNetwork;
  readonly labels: Record<string, string>;
  readonly plan: readonly ProxyPlan[];
  /** Still starting, maybe: a broker's container starts beside it, its configuration waits for it. */
  readonly toxiproxy: Promise<StartedToxiproxy>;
  readonly logDir: string;
  readonly overrides: Record<string, PropertyValue>;
  /** The largest message value the drill writes (bytes). */
  readonly maxValueBytes?: number | undefined;
  readonly kafkaLog: string;
  readonly signal?: AbortSignal;
  /** SASL and the authorizer (`kafka.security`), with the run's passwords; absent: PLAINTEXT, no authorizer. */
  readonly credentials?: Credentials;
  /**
   * Started ahead of its turn (run/run-drill.ts): until this resolves, the brokers start at the
   * lowest CPU weight (they take only what the drill running beside them leaves idle) and nobody
   * waits for them; then their weight is the default and the cluster is awaited as usual.
   */
  readonly turn?: Promise<void> | undefined;
}

/** kafkajs's SASL settings for who connects, on a secured cluster. */
const saslFor = (o: ClusterOptions, path: ClientPath): Partial<KafkaConfig> => (o.credentials ? { sasl: kafkajsSasl(path, o.credentials) } : {});

const FORMAT_PROPERTIES = `${CONFIG_DIR}/format.properties`;

/**
 * The container's command: on its first start, the storage is formatted in the background while
 * the harness writes the configuration (a JVM start saved from the critical path); Kafka starts
 * once both are done. On a restart (a restored cluster) the storage exists: straight to Kafka.
 */
const waitForConfigScript = (format: string): string => [
  `echo '${READY_MARK}'`,
  `if [ -f ${GO_FILE} ]; then exec sh ${CONFIG_DIR}/start.sh; fi`,
  `${format} & formatting=$!`,
  `while [ ! -f ${GO_FILE} ]; do sleep 0.1; done`,
  `wait $formatting || exit 1`,
  `exec sh ${CONFIG_DIR}/start.sh`,
].join('\n');

/**
 * A KRaft cluster id: 16 random bytes, base64url. Like Kafka's Uuid.randomUuid() it never starts
 * with '-', which the storage tool's argument parser would take for an option (1 run in 64).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export async function startCluster(o: ClusterOptions): Promise<StartedCluster> {
  const clusterId = newClusterId();
  const brokers = await Promise.all(o.brokers.map((ref) => startBroker(o, ref, clusterId)));
  const toxiproxy = await o.toxiproxy;
  if (o.turn) {
    await o.turn;
    await Promise.all(brokers.map((b) => setCpuWeight(b.container, DEFAULT_CPU_SHARES, b.logFile)));
  }
  const started: StartedCluster = {
    name: o.name,
    brokers,
    nodes: brokers.length,
    kafka: (path, clientId, logFile) => kafkaFromRecipe(started.recipe(path, clientId, logFile)),
    recipe: (path, clientId, logFile) => ({ brokers: path === 'admin' ? started.adminBootstrap : started.clientBootstrap, clientId, logFile, config: saslFor(o, path) }),
    adminBootstrap: brokers.map((b) => b.adminAddress),
    clientBootstrap: brokers.map((b) => b.clientAddress),
    mirrorBootstrap: o.brokers.map((b) => toxiproxy.networkAddress(proxyFor(o.plan, b, 'mirror'))),
    kill: async () => {
      const client = await getContainerRuntimeClient();
      await Promise.all(brokers.map((b) => client.container.getById(b.container.getId()).kill({ signal: 'SIGKILL' })));
      return 'SIGKILL';
    },
    restore: async () => {
      const client = await getContainerRuntimeClient();
      await Promise.all(brokers.map(async (b) => {
        const c = client.container.getById(b.container.getId());
        await c.start();
        // The first log stream ended with the kill; follow the restarted broker from now on.
        logConsumer(b.logFile)(await c.logs({ follow: true, stdout: true, stderr: true, since: Math.floor(Date.now() / 1000) }) as unknown as Readable);
      }));
      await waitForBrokers(started, o);
    },
  };
  await waitForBrokers(started, o);
  return started;
}

async function startBroker(o: ClusterOptions, ref: BrokerRef, clusterId: string): Promise<StartedBroker> {
  const logFile = join(o.logDir, `${ref.alias}.log`);
  const properties = (advertised: { mirror: string; client: string; admin: string }) => renderProperties(brokerProperties({
    broker: ref,
    clusterBrokers: o.brokers,
    mirrorAdvertised: advertised.mirror,
    clientAdvertised: advertised.client,
    adminAdvertised: advertised.admin,
    overrides: o.credentials ? { ...brokerSecurityProperties(o.credentials), ...o.overrides } : o.overrides,
    version: o.image.version,
    maxValueBytes: o.maxValueBytes,
  }));
  // The storage depends on the node, its quorum and its directories, never on an advertised address.
  const format = javaCommand(o.image.version, 'kafka.tools.StorageTool', `format --ignore-formatted -t ${clusterId} -c ${FORMAT_PROPERTIES}`);
  const container = await new GenericContainer(o.image.name)
    .withNetwork(o.network)
    .withNetworkAliases(ref.alias)
    .withHostname(ref.alias)
    .withLabels(o.labels)
    .withCopyContentToContainer([
      { content: properties({ mirror: 'unknown-yet:1', client: 'unknown-yet:2', admin: 'unknown-yet:3' }), target: FORMAT_PROPERTIES },
      logConfigFile(o.image.version),
    ])
    .withCommand(['sh', '-c', waitForConfigScript(format)])
    .withWaitStrategy(Wait.forLogMessage(READY_MARK))
    .withLogConsumer(logConsumer(logFile))
    .start();
  // Its command has only printed its mark: the storage format's JVM is a few ms old.
  if (o.turn) await setCpuWeight(container, BACKGROUND_CPU_SHARES, logFile);
  const toxiproxy = await o.toxiproxy;
  const adminAddress = toxiproxy.hostAddress(proxyFor(o.plan, ref, 'admin'));
  const clientAddress = toxiproxy.hostAddress(proxyFor(o.plan, ref, 'client'));
  const serverProps = `${CONFIG_DIR}/server.properties`;
  await container.copyContentToContainer([
    { content: properties({ mirror: toxiproxy.networkAddress(proxyFor(o.plan, ref, 'mirror')), client: clientAddress, admin: adminAddress }), target: serverProps },
    { content: `exec ${javaCommand(o.image.version, 'kafka.Kafka', serverProps)}\n`, target: `${CONFIG_DIR}/start.sh` },
  ]);
  await container.copyContentToContainer([{ content: 'go\n', target: GO_FILE }]);
  return { ref, container, adminAddress, clientAddress, logFile };
}

/**
 * CPU weights (cgroup `cpu.shares`; Docker's `--cpu-shares`): relative, so a container at the
 * lowest weight runs on what the containers at the default leave idle, and is not throttled when
 * they leave the cores idle. Docker's default is 1024; 2 its minimum. An engine that cannot set
 * them (a rootless one without the cgroup's cpu controller) leaves the default: the brokers then
 * start ahead at full weight, which the broker's log says.
 */
const DEFAULT_CPU_SHARES = 1024;
const BACKGROUND_CPU_SHARES = 2;

async function setCpuWeight(container: StartedTestContainer, shares: number, logFile: string): Promise<void> {
  try {
    const client = await getContainerRuntimeClient();
    await client.container.getById(container.getId()).update({ CpuShares: shares });
  } catch (e) {
    appendFileSync(logFile, `mm2-drill: could not set the container's CPU weight to ${shares} (${e instanceof Error ? e.message : String(e)}): it keeps the engine's default\n`);
  }
}

/**
 * How often a start-up wait looks again: each look is one light request, and what it waits for
 * is the next environment's critical path (a run waits on it), so it is noticed within 0.1 s.
 */
export const READY_POLL_MS = 100;

async function waitForBrokers(c: StartedCluster, o: ClusterOptions): Promise<void> {
  // No retries of kafkajs's own: their growing back-off would hide a broker that came up between them.
  const admin = kafkaClient(c.adminBootstrap, `mm2-drill-ready-${c.name}`, o.kafkaLog, { ...saslFor(o, 'admin'), retry: { retries: 0 } }).admin();
  try {
    await waitUntil(
      async () => {
        await admin.connect();
        const d = await admin.describeCluster();
        return d.brokers.length === c.brokers.length && d.controller !== null;
      },
      { what: `cluster ${c.name} (${c.brokers.length} broker(s)) to answer on its ADMIN listener`, timeoutMs: 120_000, intervalMs: READY_POLL_MS, logFile: c.brokers[0]?.logFile, signal: o.signal },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
