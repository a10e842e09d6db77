/**
 * The environment of a drill on external clusters (core/external.ts): clusters that exist, the
 * team's own MM2 between them. Nothing is started but a local Toxiproxy between the test clients
 * and the brokers, so that a kill without a command can cut those clients off.
 *
 * Toxiproxy runs on the host's network (the brokers are reached at the addresses they advertise,
 * which only the host is sure to resolve), one proxy per broker on a port the kernel picks. The
 * test clients bootstrap from the advertised addresses and dial every broker through its proxy
 * (a kafkajs socket factory maps host:port to the proxy, keeping TLS's server name). The
 * harness's own ADMIN path goes straight to the cluster.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { Admin, ISocketFactory, KafkaConfig, SASLOptions } from 'kafkajs';
import { GenericContainer, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { Toxiproxy } from 'toxiproxy-node-client';
import { DrillError } from '../core/errors.ts';
import type { ExternalCluster } from '../core/external.ts';
import { findRemoteTopic } from '../core/mm2-config.ts';
import type { Scenario } from '../core/scenario.ts';
import { brokersOf, replicationFactorFor, type ClusterName, type ProxyPlan } from '../core/topology.ts';
import { logConsumer } from './container-logs.ts';
import { HOST, type DrillEnvironment, type EnvironmentOptions } from './environment.ts';
import { closeQuietly, endOffsets, kafkaClient, kafkaErrorDetail } from './kafka-client.ts';
import type { StartedCluster } from './kafka-cluster.ts';
import type { StartedToxiproxy } from './toxiproxy.ts';
import { sleep, waitUntil } from './wait.ts';

/** A port free on this host now (the kernel's pick), for Toxiproxy's API. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject).listen(0, HOST, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

async function startHostToxiproxy(image: string, labels: Record<string, string>, logFile: string): Promise<{ container: StartedTestContainer; api: Toxiproxy }> {
  const port = await freePort();
  const container = await new GenericContainer(image)
    .withNetworkMode('host')
    .withLabels(labels)
    .withCommand([`-host=${HOST}`, `-port=${port}`])
    .withWaitStrategy(Wait.forLogMessage('Starting Toxiproxy HTTP server'))
    .withLogConsumer(logConsumer(logFile))
    .start();
  return { container, api: new Toxiproxy(`http://${HOST}:${port}`) };
}

/** kafkajs security settings of an external cluster (the CA bundle path is relative to the scenario file). */
function securityOf(c: ExternalCluster, scenarioDir: string): Partial<KafkaConfig> {
  const ssl = c.ssl === true ? true : c.ssl === false ? undefined : { rejectUnauthorized: c.ssl.rejectUnauthorized, ...(c.ssl.caFile ? { ca: [readFileSync(resolve(scenarioDir, c.ssl.caFile), 'utf8')] } : {}) };
  return { ...(ssl ? { ssl } : {}), ...(c.sasl ? { sasl: c.sasl as SASLOptions } : {}) };
}

/** Whether something accepts a TCP connection on this host's port now. */
const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = netConnect({ host: HOST, port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.setTimeout(2000, () => (s.destroy(), resolve(false)));
  });

/** Dials each broker through its proxy; a broker that was not there when the drill started is refused (it would bypass the cut). */
function routedSockets(routes: ReadonlyMap<string, number>): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const via = routes.get(`${host}:${port}`);
    if (via === undefined) {
      const s = netConnect({ host: HOST, port: 1 });
      s.destroy(new Error(`broker ${host}:${port} joined after the drill started: it has no proxy, so the harness does not dial it`));
      return s;
    }
    const socket: Socket = ssl ? tlsConnect({ ...ssl, host: HOST, port: via, servername: host }, onConnect) : netConnect({ host: HOST, port: via }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}

/** Runs a team's shell command (kill or restore), bounded, its output appended to the cell's log. */
export function runCommand(command: string, o: { cwd: string; env: Record<string, string>; timeoutMs: number; logFile: string; what: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = logConsumer(o.logFile);
    const child = spawn('bash', ['-c', command], { cwd: o.cwd, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d: Buffer) => {
      tail = (tail + d.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    log(child.stdout);
    log(child.stderr);
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.on('error', (e) => reject(new DrillError('STEP_FAILED', `${o.what}: could not run \`${command}\`: ${e.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const why = signal ? `was stopped after ${o.timeoutMs / 1000} s (external.commandTimeoutSeconds)` : `exited ${code}`;
      reject(new DrillError('STEP_FAILED', `${o.what}: \`${command}\` ${why}`, { detail: tail.trim(), fix: `run the command by hand from ${o.cwd}; its output is in ${o.logFile}` }));
    });
  });
}

interface ExternalOptions extends EnvironmentOptions {
  readonly runId: string;
  /** The scenario file's directory: commands run there, file paths are relative to it. */
  readonly scenarioDir: string;
}

interface ConnectedCluster {
  readonly cluster: StartedCluster;
  readonly plan: ProxyPlan[];
  /** Runs the restore command if the drill's kill command left the cluster down (the team's cluster is not left killed). */
  readonly restoreIfKilled: () => Promise<void>;
}

async function connectCluster(name: ClusterName, spec: ExternalCluster, o: ExternalOptions, toxiproxy: Toxiproxy, kafkaLog: string): Promise<ConnectedCluster> {
  const security = securityOf(spec, o.scenarioDir);
  const bootstrap = spec.bootstrapServers.split(',');
  const admin = kafkaClient(bootstrap, `mm2-drill-admin-${name}`, kafkaLog, security).admin();
  let described: Awaited<ReturnType<Admin['describeCluster']>>;
  try {
    await admin.connect();
    described = await admin.describeCluster();
  } catch (e) {
    throw new DrillError('CLUSTER_UNREACHABLE', `the external ${name} cluster at ${spec.bootstrapServers} does not answer: ${kafkaErrorDetail(e)}`, {
      fix: `check external.${name}.bootstrapServers, its ssl / sasl settings, and that this machine reaches every broker it advertises`,
    });
  } finally {
    await closeQuietly(admin);
  }
  const brokers = [...described.brokers].sort((a, b) => a.nodeId - b.nodeId);
  const refs = brokersOf(name, brokers.length);
  const plan: ProxyPlan[] = [];
  const routes = new Map<string, number>();
  for (const [i, b] of brokers.entries()) {
    const proxy = await toxiproxy.createProxy({ name: `${name}-${i}-client`, listen: `${HOST}:0`, upstream: `${b.host}:${b.port}`, enabled: true });
    const listenPort = Number(proxy.listen.split(':').at(-1));
    routes.set(`${b.host}:${b.port}`, listenPort);
    plan.push({ name: proxy.name, broker: refs[i]!, link: 'client', listenPort, upstream: proxy.upstream });
  }
  const advertised = brokers.map((b) => `${b.host}:${b.port}`);
  const clientConfig = { ...security, socketFactory: routedSockets(routes) };
  const setProxies = async (enabled: boolean) => {
    await Promise.all(plan.map(async (p) => (await toxiproxy.get(p.name)).update({ enabled, listen: `${HOST}:${p.listenPort}`, upstream: p.upstream })));
  };
  const command = (which: 'kill' | 'restore', cmd: string) =>
    runCommand(cmd, {
      cwd: o.scenarioDir, timeoutMs: o.scenario.external!.commandTimeoutSeconds * 1000, logFile: join(o.logDir, `${which}-${name}.log`), what: `external.${name}.${which}Command`,
      env: { MM2_DRILL_CLUSTER: name, MM2_DRILL_BOOTSTRAP_SERVERS: spec.bootstrapServers, MM2_DRILL_RUN_ID: o.runId, MM2_DRILL_TOPICS: o.scenario.topics.map((t) => t.name).join(',') },
    });
  /** The cut, checked: a proxy that still accepts a connection would leave the clients connected. */
  const cut = async () => {
    await setProxies(false);
    const open = (await Promise.all(plan.map(async (p) => ((await accepts(p.listenPort)) ? p.name : null)))).filter((n) => n !== null);
    if (open.length) throw new DrillError('FAULT_FAILED', `cutting the test clients off ${name}: ${open.join(', ')} still accept connections`, { fix: 'see toxiproxy.log of this cell' });
  };
  let killedByCommand = false;
  const cluster: StartedCluster = {
    name,
    brokers: [],
    nodes: brokers.length,
    adminBootstrap: bootstrap,
    clientBootstrap: advertised.map((a) => `${a} (via ${HOST}:${routes.get(a)})`),
    mirrorBootstrap: bootstrap,
    kafka: (path, clientId, logFile) => (path === 'admin' ? kafkaClient(bootstrap, clientId, logFile, security) : kafkaClient(advertised, clientId, logFile, clientConfig)),
    kill: async () => {
      if (!spec.killCommand) {
        await cut();
        return 'test clients cut off through Toxiproxy (the cluster keeps running)';
      }
      killedByCommand = true;
      await command('kill', spec.killCommand);
      return `ran killCommand \`${spec.killCommand}\``;
    },
    restore: async () => {
      if (!spec.restoreCommand) return setProxies(true);
      await command('restore', spec.restoreCommand);
      killedByCommand = false;
    },
  };
  return { cluster, plan, restoreIfKilled: async () => (killedByCommand && spec.restoreCommand ? cluster.restore() : undefined) };
}

export async function startExternalEnvironment(o: ExternalOptions, track: (c: StartedTestContainer | StartedNetwork) => void): Promise<DrillEnvironment> {
  const s = o.scenario;
  const x = s.external!;
  const kafkaLog = join(o.logDir, 'kafkajs.log');
  const tp = await startHostToxiproxy(o.images.toxiproxy, o.labels, join(o.logDir, 'toxiproxy.log'));
  track(tp.container);
  const primary = await connectCluster('primary', x.primary, o, tp.api, kafkaLog);
  const backup = await connectCluster('backup', x.backup, o, tp.api, kafkaLog);
  o.onStage('clusters-up');
  const created: string[] = [];
  let remoteTopics: string[] = [];
  const cleanup = async () => {
    const problems: string[] = [];
    for (const c of [primary, backup]) await c.restoreIfKilled().catch((e: unknown) => problems.push(e instanceof Error ? e.message : String(e)));
    return [...problems, ...(await removeDrillData(s, { primary: primary.cluster, backup: backup.cluster }, created, remoteTopics, kafkaLog))];
  };
  try {
    await withAdmin(primary.cluster, kafkaLog, async (admin) => {
      for (const t of s.topics) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic: t.name, numPartitions: t.partitions, replicationFactor: replicationFactorFor(primary.cluster.nodes), configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })) }],
        });
        created.push(t.name);
      }
    });
    remoteTopics = await waitForRemoteTopics(s, backup.cluster, kafkaLog, o.signal);
  } catch (e) {
    await cleanup();
    throw e;
  }
  o.onStage('mirror-ready');
  const toxiproxy: StartedToxiproxy = {
    container: tp.container,
    api: tp.api,
    hostAddress: (p) => `${HOST}:${p.listenPort}`,
    networkAddress: (p) => `${HOST}:${p.listenPort}`,
  };
  return {
    network: null, toxiproxy, plan: [...primary.plan, ...backup.plan], primary: primary.cluster, backup: backup.cluster,
    mirror: null, sourceAlias: x.mirror.sourceAlias, mirrorProperties: {}, mirrors: new Map(), remoteTopics, kafkaLog,
    launchMirror: () => Promise.reject(new DrillError('STEP_FAILED', 'external clusters: the team runs its own MM2')),
    mirrorLogFile: () => join(o.logDir, 'mirror-maker.log'),
    cleanup,
  };
}

async function withAdmin<T>(cluster: StartedCluster, kafkaLog: string, f: (a: Admin) => Promise<T>): Promise<T> {
  const admin = cluster.kafka('admin', `mm2-drill-setup-${cluster.name}`, kafkaLog).admin();
  await admin.connect();
  try {
    return await f(admin);
  } finally {
    await closeQuietly(admin);
  }
}

/** The team's MM2 creates the remote topics at its next topic refresh (refresh.topics.interval.seconds). */
async function waitForRemoteTopics(s: Scenario, backup: StartedCluster, kafkaLog: string, signal?: AbortSignal): Promise<string[]> {
  const x = s.external!;
  return withAdmin(backup, kafkaLog, (admin) =>
    waitUntil(
      async () => {
        const topics = await admin.listTopics();
        const remote: string[] = [];
        for (const t of s.topics) {
          const name = findRemoteTopic(s.mirror.policy, t.name, topics, x.mirror.sourceAlias);
          if (!name || Object.keys(await endOffsets(admin, name)).length < t.partitions) return false;
          remote.push(name);
        }
        return remote;
      },
      {
        what: `your MM2 to create the remote topic(s) of ${s.topics.map((t) => t.name).join(', ')} on the backup (policy ${s.mirror.policy}, source alias "${x.mirror.sourceAlias}"; it looks for new topics every refresh.topics.interval.seconds, and its topics pattern must match them)`,
        timeoutMs: x.mirror.discoveryTimeoutSeconds * 1000, intervalMs: 2000, signal,
      },
    ),
  );
}

/**
 * Deletes what the drill made, and only that: the topics it created on the primary, the remote
 * topics MM2 made of them (their names carry the run id), and the drill's consumer groups on both
 * clusters (the group and its per-strategy variants, `<group>-<strategy>`). A cluster just
 * restored may take a while to answer: each removal is retried for up to a minute, then reported.
 */
async function removeDrillData(s: Scenario, clusters: Record<ClusterName, StartedCluster>, created: readonly string[], remote: readonly string[], kafkaLog: string): Promise<string[]> {
  const problems: string[] = [];
  const group = s.workload.consumer.groupId;
  const attempt = async (what: string, f: () => Promise<unknown>) => {
    try {
      await waitUntil(async () => (await f(), true), { what, timeoutMs: 60_000, intervalMs: 2000 });
    } catch (e) {
      problems.push(kafkaErrorDetail(e));
    }
  };
  for (const [name, topics] of [['primary', created], ['backup', remote]] as const) {
    await attempt(`removing the drill's topics and groups on ${name}`, () =>
      withAdmin(clusters[name], kafkaLog, async (admin) => {
        // A restored broker lists only the groups its coordinator has loaded: describing the
        // drill's group first waits (kafkajs retries COORDINATOR_LOAD_IN_PROGRESS) until it has.
        await admin.describeGroups([group]);
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g === group || g.startsWith(`${group}-`));
        if (groups.length) await admin.deleteGroups(groups);
        const existing = new Set(await admin.listTopics());
        const mine = topics.filter((t) => existing.has(t));
        if (mine.length) await admin.deleteTopics({ topics: mine });
      }),
    );
  }
  // A broker with auto.create.topics.enable re-creates a topic a client still asks about — MM2's
  // source consumer does until its next topic refresh. Say so rather than claim it is gone.
  await sleep(3000);
  for (const [name, topics] of [['primary', created], ['backup', remote]] as const) {
    await attempt(`checking the drill's topics are gone from ${name}`, () =>
      withAdmin(clusters[name], kafkaLog, async (admin) => {
        const back = new Set(await admin.listTopics());
        const again = topics.filter((t) => back.has(t));
        if (again.length) problems.push(`${again.join(', ')} re-created on ${name} after deletion (auto.create.topics.enable and a client still asking, e.g. MM2 before its next topic refresh): delete by hand`);
      }),
    );
  }
  return problems;
}
