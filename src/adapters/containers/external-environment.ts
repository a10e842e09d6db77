/**
 * The environment of a drill on external clusters (core/scenario/external.ts): clusters that exist, the
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
import { createServer, connect as netConnect } from 'node:net';
import { join, resolve } from 'node:path';
import type { Admin, Kafka, KafkaConfig, SASLOptions } from 'kafkajs';
import { GenericContainer, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { Toxiproxy } from 'toxiproxy-node-client';
import { DrillError } from '../../core/errors.ts';
import { commandEnvironment, type ExternalCluster } from '../../core/scenario/external.ts';
import { preexisting, type ClusterNames } from '../../core/plan/external-run.ts';
import { findRemoteTopic } from '../../core/kafka/mm2-names.ts';
import type { Scenario } from '../../core/scenario/scenario.ts';
import { brokersOf, replicationFactorFor, type ClusterName, type ProxyPlan } from '../../core/kafka/network-layout.ts';
import { logConsumer } from './container-logs.ts';
import { HOST, type DrillEnvironment, type EnvironmentOptions } from './environment.ts';
import { closeQuietly, endOffsets, kafkaClient, kafkaErrorDetail, kafkaFromRecipe } from '../clients/kafka-client.ts';
import type { StartedCluster } from './kafka-cluster.ts';
import type { StartedToxiproxy } from './toxiproxy.ts';
import { sleep, waitUntil } from '../wait.ts';

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

/** How long a command stopped at its timeout has to end after SIGTERM before its group gets SIGKILL. */
const TERM_GRACE_MS = 2000;
/** How long the pipes of a command that ended may stay open (a background child holding them) before the harness stops waiting. */
const PIPES_GRACE_MS = 1000;

/**
 * Runs a team's shell command (kill or restore), bounded, its output appended to the cell's log.
 * The command is the leader of a process group of its own (detached: setsid), so that at the
 * timeout — or when the drill is interrupted — SIGTERM, then SIGKILL, reach everything it
 * started: killing bash alone leaves its children running and holding the pipes open.
 */
export function runCommand(command: string, o: { cwd: string; env: Record<string, string>; timeoutMs: number; logFile: string; what: string; signal?: AbortSignal | undefined }): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = logConsumer(o.logFile);
    const child = spawn('bash', ['-c', command], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let tail = '';
    const keep = (d: Buffer) => {
      tail = (tail + d.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    log(child.stdout);
    log(child.stderr);
    const timers: NodeJS.Timeout[] = [];
    const group = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // The whole group has ended already.
      }
    };
    let stopped: string | null = null;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const stop = (why: string) => {
      if (stopped !== null || exited) return;
      stopped = `${why}: its process group was sent SIGTERM`;
      group('SIGTERM');
      timers.push(setTimeout(() => {
        stopped += `, then SIGKILL ${TERM_GRACE_MS / 1000} s later`;
        group('SIGKILL');
      }, TERM_GRACE_MS));
    };
    const onAbort = () => stop('was stopped: the drill was interrupted');
    timers.push(setTimeout(() => stop(`was stopped at its timeout of ${o.timeoutMs / 1000} s (external.commandTimeoutSeconds)`), o.timeoutMs));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted) onAbort();
    let settled = false;
    const settle = (fail?: DrillError) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      o.signal?.removeEventListener('abort', onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      // A process of a stopped command that outlived SIGTERM (it ignores it) is not left behind.
      if (stopped !== null) group('SIGKILL');
      if (fail) return reject(fail);
      const { code, signal } = exited ?? { code: null, signal: null };
      if (code === 0 && stopped === null) return resolve();
      const why = stopped ?? (code === null ? `was ended by ${signal ?? 'an unknown cause'}` : `exited ${code}`);
      reject(new DrillError('STEP_FAILED', `${o.what}: \`${command}\` ${why}`, { detail: tail.trim(), fix: `run the command by hand from ${o.cwd}; its output is in ${o.logFile}` }));
    };
    child.on('error', (e) => settle(new DrillError('STEP_FAILED', `${o.what}: could not run \`${command}\`: ${e.message}`)));
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      // What the command left running in the background may hold the pipes: the output so far is enough.
      timers.push(setTimeout(() => settle(), PIPES_GRACE_MS));
    });
    child.on('close', () => settle());
  });
}

interface ExternalOptions extends EnvironmentOptions {
  readonly runId: string;
  /** The scenario file's directory: commands run there, file paths are relative to it. */
  readonly scenarioDir: string;
  /** Every paired variant's consumer group (the scenario's own when unpaired): none may exist before the cell run. */
  readonly groups: readonly string[];
  /** A line the user must read (what the clean-up could not remove when start-up failed). */
  readonly warn: (line: string) => void;
}

interface ConnectedCluster {
  readonly cluster: StartedCluster;
  readonly plan: ProxyPlan[];
  /** Runs the restore command if the drill's kill command left the cluster down (the team's cluster is not left killed). */
  readonly restoreIfKilled: () => Promise<void>;
}

/**
 * The client with every consumer group its consumers join, or its admin commits offsets for,
 * added to `groups`: the clean-up removes exactly those, on both clusters (the team's MM2 copies
 * a group's offsets from the primary to the backup under the same name).
 */
function recordingGroups(kafka: Kafka, groups: Set<string>): Kafka {
  const consumer = kafka.consumer.bind(kafka);
  const admin = kafka.admin.bind(kafka);
  kafka.consumer = (config) => (groups.add(config.groupId), consumer(config));
  kafka.admin = (config) => {
    const a = admin(config);
    const setOffsets = a.setOffsets.bind(a);
    const resetOffsets = a.resetOffsets.bind(a);
    a.setOffsets = (o) => (groups.add(o.groupId), setOffsets(o));
    a.resetOffsets = (o) => (groups.add(o.groupId), resetOffsets(o));
    return a;
  };
  return kafka;
}

async function connectCluster(name: ClusterName, spec: ExternalCluster, o: ExternalOptions, toxiproxy: Toxiproxy, kafkaLog: string, groups: Set<string>): Promise<ConnectedCluster> {
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
  // Producer hosts on other machines reach the proxies at this machine's address (`workload.hosts.address`).
  const listenOn = o.scenario.workload.hosts?.address ? '0.0.0.0' : HOST;
  for (const [i, b] of brokers.entries()) {
    const proxy = await toxiproxy.createProxy({ name: `${name}-${i}-client`, listen: `${listenOn}:0`, upstream: `${b.host}:${b.port}`, enabled: true });
    const listenPort = Number(proxy.listen.split(':').at(-1));
    routes.set(`${b.host}:${b.port}`, listenPort);
    plan.push({ name: proxy.name, broker: refs[i]!, link: 'client', listenPort, upstream: proxy.upstream });
  }
  const advertised = brokers.map((b) => `${b.host}:${b.port}`);
  const setProxies = async (enabled: boolean) => {
    await Promise.all(plan.map(async (p) => (await toxiproxy.get(p.name)).update({ enabled, listen: `${listenOn}:${p.listenPort}`, upstream: p.upstream })));
  };
  const x = o.scenario.external!;
  const command = (which: 'kill' | 'restore', cmd: string) =>
    runCommand(cmd, {
      cwd: o.scenarioDir, timeoutMs: x.commandTimeoutSeconds * 1000, logFile: join(o.logDir, `${which}-${name}.log`), what: `external.${name}.${which}Command`,
      env: commandEnvironment(process.env, x.commandEnv, { MM2_DRILL_CLUSTER: name, MM2_DRILL_BOOTSTRAP_SERVERS: spec.bootstrapServers, MM2_DRILL_RUN_ID: o.runId, MM2_DRILL_TOPICS: o.scenario.topics.map((t) => t.name).join(',') }),
      // An interrupted drill stops a kill still running; a restore runs to its end (or its timeout).
      signal: which === 'kill' ? o.signal : undefined,
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
    kafka: (path, clientId, logFile) => recordingGroups(kafkaFromRecipe(cluster.recipe(path, clientId, logFile)), groups),
    // The test clients reach the advertised brokers only through their proxies (routedSockets).
    recipe: (path, clientId, logFile) => (path === 'admin' ? { brokers: bootstrap, clientId, logFile, config: security } : { brokers: advertised, clientId, logFile, config: security, routes: { host: HOST, ports: routes } }),
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
  // Every group the drill's clients use, on either cluster: what the clean-up removes.
  const groups = new Set<string>();
  const primary = await connectCluster('primary', x.primary, o, tp.api, kafkaLog, groups);
  const backup = await connectCluster('backup', x.backup, o, tp.api, kafkaLog, groups);
  o.onStage('clusters-up');
  const clusters = { primary: primary.cluster, backup: backup.cluster };
  const created: string[] = [];
  let remoteTopics: string[] = [];
  const restore = async () => {
    const problems: string[] = [];
    for (const c of [primary, backup]) await c.restoreIfKilled().catch((e: unknown) => problems.push(e instanceof Error ? e.message : String(e)));
    return problems;
  };
  try {
    await refusePreexisting(s, o.groups, clusters, kafkaLog);
    await withAdmin(primary.cluster, kafkaLog, async (admin) => {
      for (const t of s.topics) {
        const made = await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic: t.name, numPartitions: t.partitions, replicationFactor: replicationFactorFor(primary.cluster.nodes), configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })) }],
        });
        // false: the topic appeared since it was looked for. It is not the drill's.
        if (!made) throw refusal([`topic ${t.name} on the primary`]);
        created.push(t.name);
      }
    });
    remoteTopics = await waitForRemoteTopics(s, backup.cluster, kafkaLog, o.signal);
  } catch (e) {
    for (const p of await removeDrillData(s, clusters, created, groups, kafkaLog)) o.warn(p);
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
    restore,
    cleanup: () => removeDrillData(s, clusters, created, groups, kafkaLog),
  };
}

const refusal = (found: readonly string[]): DrillError =>
  new DrillError('STEP_FAILED', `refused: ${found.join(', ')} ${found.length > 1 ? 'exist' : 'exists'} before the drill created ${found.length > 1 ? 'them' : 'it'}, and the drill never writes to or deletes what it did not create`, {
    fix: 'if they are left over from an earlier drill (their names carry its run id), delete them by hand; otherwise rename the scenario\'s topics or workload.consumer.groupId',
  });

/** A drill topic, its remote topic or a drill group that exists before the cell run is a refusal: nothing is touched. */
async function refusePreexisting(s: Scenario, groups: readonly string[], clusters: Record<ClusterName, StartedCluster>, kafkaLog: string): Promise<void> {
  const names = async (c: StartedCluster): Promise<ClusterNames> =>
    withAdmin(c, kafkaLog, async (admin) => ({ topics: await admin.listTopics(), groups: (await admin.listGroups()).groups.map((g) => g.groupId) }));
  const found = preexisting(s, groups, { primary: await names(clusters.primary), backup: await names(clusters.backup) });
  if (found.length) throw refusal(found);
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

/** The drill's topics still on each cluster: those it created on the primary, and their remote topics MM2 made on the backup. */
function drillTopics(s: Scenario, created: readonly string[], on: Record<ClusterName, readonly string[]>): Record<ClusterName, string[]> {
  const alias = s.external!.mirror.sourceAlias;
  return {
    primary: created.filter((t) => on.primary.includes(t)),
    // None of these names existed before the cell run (refusePreexisting): MM2 made them.
    backup: created.flatMap((t) => findRemoteTopic(s.mirror.policy, t, on.backup, alias) ?? []),
  };
}

/**
 * Deletes what the cell run made, and only that: the topics it created on the primary, the remote
 * topics MM2 made of them, and every consumer group its clients used (`groups`: each variant's,
 * the failover strategies', the harness's own readers'), on both clusters — the primary first,
 * so that the team's MM2 has no fresh offsets left to copy back to the backup. Then it looks
 * again: what is still there (a removal that failed, a topic or group MM2 re-created in the
 * meantime) is removed once more, and what remains is named, one line each.
 */
async function removeDrillData(s: Scenario, clusters: Record<ClusterName, StartedCluster>, created: readonly string[], groups: ReadonlySet<string>, kafkaLog: string): Promise<string[]> {
  if (!created.length && !groups.size) return [];
  const why = new Map<string, string>();
  const leftovers = async (name: ClusterName): Promise<{ topics: string[]; groups: string[] }> =>
    withAdmin(clusters[name], kafkaLog, async (admin) => {
      // A restored broker lists only the groups its coordinator has loaded: describing the
      // drill's groups first waits (kafkajs retries COORDINATOR_LOAD_IN_PROGRESS) until it has.
      if (groups.size) await admin.describeGroups([...groups]);
      const listed = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
      const topics = await admin.listTopics();
      return { topics: drillTopics(s, created, { primary: topics, backup: topics })[name], groups: [...groups].filter((g) => listed.has(g)) };
    });
  const remove = async (name: ClusterName) => {
    try {
      await waitUntil(
        async () => {
          const left = await leftovers(name);
          await withAdmin(clusters[name], kafkaLog, async (admin) => {
            if (left.topics.length) await admin.deleteTopics({ topics: left.topics });
            // A group is not empty while a member of a consumer that died with a killed broker
            // lingers, until its session times out after the restore: tried again until then.
            if (left.groups.length) await admin.deleteGroups(left.groups).catch((e: unknown) => noteGroups(e, name, why));
          });
          return true;
        },
        { what: `removing the drill's topics and groups on the ${name}`, timeoutMs: 60_000, intervalMs: 2000 },
      );
    } catch (e) {
      why.set(name, kafkaErrorDetail(e));
    }
  };
  const clusterOrder = ['primary', 'backup'] as const;
  for (const name of clusterOrder) await remove(name);
  // A broker with auto.create.topics.enable re-creates a topic a client still asks about — MM2's
  // source consumer does until its next topic refresh — and MM2 may copy a group's last offsets
  // to the backup once more: look again, remove again, and say what stays.
  await sleep(3000);
  const problems: string[] = [];
  for (const name of clusterOrder) {
    let left = await leftovers(name).catch(() => null);
    if (left && (left.topics.length || left.groups.length)) {
      await remove(name);
      await sleep(3000);
      left = await leftovers(name).catch(() => null);
    }
    if (!left) {
      const names = [...(name === 'primary' ? created : created.map((t) => `the remote topic of ${t}`)), ...groups];
      if (names.length) problems.push(`could not check what the drill left on the ${name} (${why.get(name) ?? 'it does not answer'}): look for ${names.join(', ')} and delete them by hand`);
      continue;
    }
    for (const t of left.topics) problems.push(`topic ${t} is still on the ${name}${why.has(name) ? ` (${why.get(name)})` : ' (re-created after deletion: auto.create.topics.enable and a client still asking, e.g. MM2 before its next topic refresh)'}: delete it by hand`);
    for (const g of left.groups) {
      const reason = why.get(`${name}/${g}`) ?? why.get(name) ?? (name === 'backup' ? "re-created: the team's MM2 copies a group's last offsets until its next groups refresh, refresh.groups.interval.seconds" : 're-created after deletion');
      problems.push(`group ${g} is still on the ${name} (${reason}): delete it by hand`);
    }
  }
  return problems;
}

/** Notes why each group a deleteGroups refused was not removed (a group with members cannot be), and fails the attempt. */
function noteGroups(e: unknown, cluster: ClusterName, why: Map<string, string>): never {
  const failed = (e as { groups?: { groupId: string; error?: unknown }[] }).groups;
  if (!failed) throw e;
  for (const g of failed) if (g.error) why.set(`${cluster}/${g.groupId}`, kafkaErrorDetail(g.error));
  throw e;
}
