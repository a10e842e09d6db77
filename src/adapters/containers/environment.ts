/**
 * One drill environment: a private network, Toxiproxy, the primary and backup clusters and
 * MM2 between them. Each container and the network is handed to `track` as soon as it exists,
 * so the caller's cleanup removes exactly what was started, even when a later stage fails.
 *
 * MM2 reaches the brokers through Toxiproxy, whose addresses exist before any broker does: the
 * default drill's MM2 starts while the clusters start (its clients retry until the brokers
 * answer, and it finds the drill's topics at its next topic refresh). A playbook's mirrors start
 * after the topics exist: under Identity a mirror could otherwise create on the backup a topic
 * the harness is about to create there itself.
 *
 * MM2-side paired variants (core/plan/pairing.ts) share the primary and Toxiproxy: each side has
 * its own backup cluster (brokers `backup<n>-<i>`) and its own MM2 copying primary → that backup
 * only (`sides`); `DrillEnvironment`'s backup, mirror and remote topics are the first side's, and
 * `sideOf` gives the environment as another side sees it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { clientSecurityProperties, mm2Acls, passwordVariable, principalRoles, type Credentials, type PrincipalRole } from '../../core/kafka/security.ts';
import { securityAcls, type Security } from '../../core/scenario/security.ts';
import type { PropertyValue } from '../../core/kafka/property-value.ts';
import { createAcls } from '../clients/acl-admin.ts';
import { rememberSecrets } from '../secrets.ts';
import { Network, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { renderProperties } from '../../core/kafka/broker-config.ts';
import { mirrorSettings, type FlowSpec } from '../../core/plan/mm2-settings.ts';
import { separatorOf } from '../../core/scenario/mirror-flow.ts';
import { findRemoteTopic } from '../../core/kafka/mm2-names.ts';
import { SOURCE_ALIAS } from '../../core/kafka/replication-policy.ts';
import type { PropertyChange } from '../../core/kafka/mm2-properties-file.ts';
import { mirrorNamespace } from '../../core/scenario/playbook.ts';
import { maxMessageBytes, playbookOf, type Scenario } from '../../core/scenario/scenario.ts';
import { brokersOf, clusterNames, nodesOf, planProxies, proxyFor, replicationFactorFor, type BrokerRef, type ProxyPlan } from '../../core/kafka/network-layout.ts';
import type { ResolvedImages } from './images.ts';
import { mirrorRelease } from '../../core/kafka/kafka-release.ts';
import { endOffsets, isConnectionError } from '../clients/kafka-client.ts';
import { READY_POLL_MS, startCluster, type StartedCluster } from './kafka-cluster.ts';
import { startMirrorMaker, type StartedMirror } from './mirror-maker.ts';
import { startToxiproxy, type StartedToxiproxy } from './toxiproxy.ts';
import type { PreparedPolicy } from './custom-policy.ts';
import { waitUntil } from '../wait.ts';

export interface DrillEnvironment {
  /** The drill's private network (none when the clusters are external). */
  readonly network: StartedNetwork | null;
  readonly toxiproxy: StartedToxiproxy;
  readonly plan: readonly ProxyPlan[];
  readonly primary: StartedCluster;
  readonly backup: StartedCluster;
  /** The mirror started with the environment (a playbook's first `startAt: setup` mirror); null when the team's own MM2 runs between external clusters. */
  readonly mirror: StartedMirror | null;
  /** The alias the running MM2 gives the primary (names its remote topics and checkpoints topic). */
  readonly sourceAlias: string;
  /** Brings back what the drill's own kill command took down (external clusters), `--keep` or not; problems are returned, not thrown. */
  restore?(): Promise<string[]>;
  /** Removes what the drill created on clusters it did not start (external clusters); problems are returned, not thrown. */
  cleanup?(): Promise<string[]>;
  readonly mirrorProperties: Record<string, string | number | boolean>;
  /** What the drill changed of the team's properties file in `mirrorProperties` (none without a file). */
  readonly mirrorChanges?: PropertyChange[];
  /** A playbook's running mirrors by name (the setup ones first). */
  readonly mirrors: Map<string, StartedMirror>;
  /** Starts a playbook mirror by name in a new container (tracked for cleanup like the others). */
  launchMirror(name: string): Promise<StartedMirror>;
  /** Where a playbook mirror's MM2 log goes (each start of it appends). */
  mirrorLogFile(name: string): string;
  /** Remote topic names on the backup, in scenario topic order. */
  readonly remoteTopics: string[];
  readonly kafkaLog: string;
  /** Every side's backup and MM2 (MM2-side paired variants), the first side's first; absent: one side, this environment's own. */
  readonly sides?: readonly BackupSide[];
}

/** One side of an environment: a backup cluster and the MM2 copying the primary into it. */
export type BackupSide = Pick<DrillEnvironment, 'backup' | 'mirror' | 'remoteTopics' | 'mirrorProperties' | 'mirrorChanges'>;

/** The environment as side `side` sees it: its own backup, MM2 and remote topics; the rest shared. */
export const sideOf = (env: DrillEnvironment, side: number): DrillEnvironment => (side === 0 || !env.sides ? env : { ...env, ...env.sides[side]! });

export interface EnvironmentOptions {
  readonly scenario: Scenario;
  readonly images: ResolvedImages;
  readonly policy: PreparedPolicy;
  readonly labels: Record<string, string>;
  readonly logDir: string;
  readonly signal?: AbortSignal;
  /** Called as each stage completes (progress and history). */
  readonly onStage: (stage: 'clusters-up' | 'mirror-ready') => void;
  /**
   * MM2-side paired variants: each side's scenario (the first is `scenario`), each with its own
   * backup and MM2 on the default playbook's forward flow (core/plan/pairing.ts says when).
   */
  readonly sides?: readonly Scenario[];
  /**
   * Started ahead of its turn (run/run-drill.ts): the network, Toxiproxy and the brokers start at
   * once — the brokers at the lowest CPU weight, beside a drill that is still measuring — and
   * MM2 only once this resolves. MM2's own timers (the checkpoint, group-sync and offset-flush
   * intervals) count from its start: an MM2 idling ahead would meet its workload at another
   * phase of them than one started just before it, and a drill's figures near such an interval
   * would depend on the cell run's place in the plan. Rejects: the run stopped before the turn.
   */
  readonly turn?: Promise<void>;
}

// Docker publishes ports on every interface; kafkajs would try ::1 first for "localhost".
export const HOST = '127.0.0.1';

export async function startEnvironment(o: EnvironmentOptions, track: (c: StartedTestContainer | StartedNetwork) => void): Promise<DrillEnvironment> {
  const s = o.scenario;
  const kafkaLog = join(o.logDir, 'kafkajs.log');
  const network = await new Network().start();
  track(network);
  const primaryBrokers = brokersOf('primary', nodesOf(s.kafka, 'primary'));
  const sides = o.sides ?? [s];
  const backupBrokers = sides.map((_, i) => brokersOf('backup', nodesOf(s.kafka, 'backup'), i === 0 ? 'backup' : `backup${i + 1}`));
  const plan = planProxies([...primaryBrokers, ...backupBrokers.flat()]);
  // The brokers' containers start beside Toxiproxy: only their configuration needs its host ports.
  const starting = startToxiproxy({ image: o.images.toxiproxy, network, labels: o.labels, plan, logFile: join(o.logDir, 'toxiproxy.log'), host: HOST }).then((t) => (track(t.container), t));
  const security = s.kafka.security;
  const credentials = security ? newCredentials() : undefined;
  const common = {
    image: o.images.kafka(s.kafka.version), network, labels: o.labels, plan, toxiproxy: starting, logDir: o.logDir, overrides: s.kafka.brokerConfig, maxValueBytes: maxMessageBytes(s), kafkaLog, signal: o.signal, turn: o.turn,
    ...(credentials ? { credentials } : {}),
  };
  const clusters = Promise.all([
    startCluster({ ...common, name: 'primary', brokers: primaryBrokers }).then((c) => (c.brokers.forEach((b) => track(b.container)), c)),
    ...backupBrokers.map((brokers) => startCluster({ ...common, name: 'backup', brokers }).then((c) => (c.brokers.forEach((b) => track(b.container)), c))),
  ]);
  // Its failure is reported by the await below; Toxiproxy's failure first would leave it unhandled.
  clusters.catch(() => undefined);
  const toxiproxy = await starting.catch(async (e: unknown) => {
    // The brokers' starts end at once without it: awaited, so nothing starts after the cell's clean-up.
    await clusters.catch(() => undefined);
    throw e;
  });

  const mirrorBootstrap = (brokers: readonly BrokerRef[]) => brokers.map((b) => toxiproxy.networkAddress(proxyFor(plan, b, 'mirror'))).join(',');
  const endpoints = (side: number) => ({
    primaryBootstrap: mirrorBootstrap(primaryBrokers), backupBootstrap: mirrorBootstrap(backupBrokers[side]!),
    ...(credentials ? { clientSecurity: mirrorClientSecurity(credentials) } : {}),
  });
  const mirrors = new Map<string, StartedMirror>();
  const mirrorLogFile = (name: string) => join(o.logDir, `mirror-maker-${name}.log`);
  const launch = async (name: string, flow?: FlowSpec, side = 0) => {
    const sc = sides[side]!;
    const { properties: props, changes } = mirrorSettings(sc, endpoints(side), flow);
    const nth = side === 0 ? '' : `-${side + 1}`;
    const m = await startMirrorMaker({
      image: o.images.kafka(mirrorRelease(sc)), network, labels: o.labels, properties: renderProperties(props), alias: `mm2-${name}${nth}`,
      logFile: flow ? mirrorLogFile(name) : join(o.logDir, `mirror-maker${nth}.log`), policy: o.policy,
    });
    track(m.container);
    return { mirror: m, props, changes };
  };
  const flowOf = (name: string): FlowSpec => {
    const m = s.mirrors[name];
    if (!m) throw new Error(`no mirror named "${name}"`);
    return { source: m.source, target: m.target, policy: m.policy ?? s.mirror.policy, startFrom: m.startFrom, properties: m.properties, namespace: mirrorNamespace(s.mirrors, name) };
  };
  const playbook = playbookOf(s) !== null;
  // A secured cluster refuses MM2 until the harness granted its ACLs: it starts after them.
  const early = playbook || security ? undefined : (o.turn ?? Promise.resolve()).then(() => Promise.all(sides.map((_, i) => launch('forward', undefined, i))));
  // Its failure is reported by the await below; a cluster's failure first would leave it unhandled.
  early?.catch(() => undefined);
  // A failed start awaits MM2's container too: nothing of it may appear after the cell's clean-up.
  const [primary, ...backups] = await clusters.catch(async (e: unknown) => {
    await early?.catch(() => undefined);
    throw e;
  });
  const backup = backups[0]!;
  o.onStage('clusters-up');
  if (security) await grantSetupAcls(primary, backup, security, kafkaLog);
  // Beside the topics and MM2's start: a consumer started before then crashes out of its group.
  const coordinators = Promise.all([primary, ...backups].map((c) => groupCoordinatorsReady(c, kafkaLog, o.signal)));
  coordinators.catch(() => undefined);

  await createTopics(primary, s, kafkaLog, o.signal);
  // A playbook may move the producers to the backup: their topics exist there too.
  if (playbook) await createTopics(backup, s, kafkaLog, o.signal);
  // The forward flow first: the drill waits for its remote topics on the backup.
  const setup = playbook ? Object.keys(s.mirrors).filter((n) => s.mirrors[n]?.startAt === 'setup').sort((a, b) => Number(s.mirrors[b]?.source === 'primary') - Number(s.mirrors[a]?.source === 'primary')) : [];
  const forward = await (early ?? (playbook ? undefined : Promise.all([launch('forward')])));
  let first = forward?.[0];
  if (first) mirrors.set('forward', first.mirror);
  for (const name of setup) {
    const started = await launch(name, flowOf(name));
    mirrors.set(name, started.mirror);
    first ??= started;
  }
  if (!first) throw new Error('a playbook needs a mirror with startAt "setup" (checked when the scenario is loaded)');
  const policy = playbook ? flowOf(setup[0]!).policy : s.mirror.policy;
  const remote = await Promise.all(backups.map((b, i) => {
    const m = i === 0 ? first! : forward![i]!;
    return waitForRemoteTopics(b, sides[i]!, i === 0 ? policy : sides[i]!.mirror.policy, kafkaLog, m.mirror.logFile, o.signal);
  }));
  const remoteTopics = remote[0]!;
  await coordinators;
  o.onStage('mirror-ready');

  return {
    network, toxiproxy, plan, primary, backup, mirror: first.mirror, sourceAlias: SOURCE_ALIAS, mirrorProperties: first.props, mirrorChanges: first.changes, remoteTopics, kafkaLog, mirrors, mirrorLogFile,
    ...(forward && forward.length > 1 ? {
      sides: forward.map((m, i) => ({ backup: backups[i]!, mirror: m.mirror, remoteTopics: remote[i]!, mirrorProperties: m.props, mirrorChanges: m.changes })),
    } : {}),
    launchMirror: async (name) => {
      const { mirror } = await launch(name, flowOf(name));
      mirrors.set(name, mirror);
      return mirror;
    },
  };
}

/**
 * One password per principal, remembered as secrets before anything can print them: from
 * `MM2_DRILL_PASSWORD_<ROLE>` (ADMIN, PRODUCER, CONSUMER, MM2) when set, else made for this run.
 */
function newCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  const c = Object.fromEntries(principalRoles.map((r) => [r, env[passwordVariable(r)] || randomBytes(18).toString('base64url')])) as Record<PrincipalRole, string>;
  rememberSecrets(Object.values(c));
  return c;
}

/** MM2's principal on both clusters (`<alias>.security.protocol`…: every client MM2 makes for that cluster). */
const mirrorClientSecurity = (c: Credentials): Record<string, PropertyValue> =>
  Object.assign({}, ...clusterNames.map((alias) => clientSecurityProperties('mm2', c.mm2, `${alias}.`)));

/** MM2's ACLs on both clusters, the scenario's on the primary (and on the backup with `grantOnBackup`). */
async function grantSetupAcls(primary: StartedCluster, backup: StartedCluster, security: Security, kafkaLog: string): Promise<void> {
  for (const cluster of [primary, backup]) {
    const admin = cluster.kafka('admin', 'mm2-drill-acls', kafkaLog).admin();
    await admin.connect();
    try {
      const own = cluster === primary || security.grantOnBackup ? securityAcls(security) : [];
      await createAcls(admin, [...mm2Acls(), ...own]);
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * Creates the scenario's topics and waits until every partition has a leader. Not kafkajs's own
 * wait (`waitForLeaders`): it gives up on the first UNKNOWN_TOPIC_OR_PARTITION, which a broker
 * busy starting MM2 answers while its metadata still lags the controller's.
 */
async function createTopics(cluster: StartedCluster, s: Scenario, kafkaLog: string, signal?: AbortSignal): Promise<void> {
  const admin = cluster.kafka('admin', 'mm2-drill-setup', kafkaLog).admin();
  try {
    // Asked again while the connection fails: a broker of a cluster just up may still close one
    // (seen: "Closed connection" on a 3-broker cluster, 29 ms after every broker was registered).
    // Topics created by an earlier attempt answer "already exists", which kafkajs takes as done.
    // Any other error (a config the broker refuses) is the answer: not asked again.
    let refused: unknown;
    await waitUntil(async () => {
      try {
        await admin.connect();
        await admin.createTopics({
          waitForLeaders: false,
          topics: s.topics.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: replicationFactorFor(cluster.brokers.length),
            configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (e) {
        if (isConnectionError(e)) throw e;
        refused = e;
      }
      return true;
    }, { what: `the topics ${s.topics.map((t) => t.name).join(', ')} created on the ${cluster.name}`, timeoutMs: 60_000, intervalMs: 200, signal });
    if (refused !== undefined) throw refused;
    await waitUntil(async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: s.topics.map((t) => t.name) });
      return s.topics.every((t) => {
        const found = topics.find((x) => x.name === t.name);
        return found !== undefined && found.partitions.length === t.partitions && found.partitions.every((p) => p.leader >= 0);
      });
    }, { what: `a leader for every partition of ${s.topics.map((t) => t.name).join(', ')} on the ${cluster.name}`, timeoutMs: 60_000, intervalMs: 200, signal });
  } finally {
    await admin.disconnect();
  }
}

/**
 * A fresh cluster creates its group coordinators' topic (`__consumer_offsets`, 50 partitions) at
 * the first group lookup, and answers group requests with COORDINATOR_NOT_AVAILABLE,
 * COORDINATOR_LOAD_IN_PROGRESS or NOT_COORDINATOR until each partition has a leader that loaded
 * it. kafkajs gives a joining consumer a few retries, then crashes it, and a consumer restarted
 * after such a crash was seen never to rejoin (four paired variants' groups joining at once: no
 * delivery on the primary before the kill). So the cluster is ready for consumers once the
 * topic exists with a leader on every partition and a group lookup on it is answered.
 */
async function groupCoordinatorsReady(cluster: StartedCluster, kafkaLog: string, signal?: AbortSignal): Promise<void> {
  const admin = cluster.kafka('admin', 'mm2-drill-setup', kafkaLog).admin();
  try {
    await waitUntil(async () => {
      await admin.connect();
      await admin.describeGroups(['mm2-drill-coordinator-probe']);
      const { topics } = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
      const offsets = topics.find((t) => t.name === '__consumer_offsets');
      return offsets !== undefined && offsets.partitions.length > 0 && offsets.partitions.every((p) => p.leader >= 0);
    }, { what: `the group coordinators of the ${cluster.name} (__consumer_offsets led and loaded)`, timeoutMs: 120_000, intervalMs: 250, signal });
  } finally {
    await admin.disconnect();
  }
}

/** MM2 is ready when every remote topic exists on the backup with all its partitions; returns their names. */
async function waitForRemoteTopics(backup: StartedCluster, s: Scenario, policy: string, kafkaLog: string, mirrorLog: string, signal?: AbortSignal): Promise<string[]> {
  const admin = backup.kafka('admin', 'mm2-drill-mirror-ready', kafkaLog).admin();
  await admin.connect();
  try {
    return await waitUntil(
      async () => {
        const topics = await admin.listTopics();
        const remote: string[] = [];
        for (const t of s.topics) {
          const name = findRemoteTopic(policy, t.name, topics, SOURCE_ALIAS, separatorOf(s));
          if (!name || Object.keys(await endOffsets(admin, name)).length < t.partitions) return false;
          remote.push(name);
        }
        return remote;
      },
      { what: `MM2 to create the remote topic(s) of ${s.topics.map((t) => t.name).join(', ')} on the backup (policy ${policy})`, timeoutMs: 180_000, intervalMs: READY_POLL_MS, logFile: mirrorLog, signal },
    );
  } finally {
    await admin.disconnect();
  }
}
