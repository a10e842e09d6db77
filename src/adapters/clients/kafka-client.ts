/** kafkajs clients with drill-friendly timeouts; kafkajs' own log goes to a file, not the terminal. */
import { createWriteStream, type WriteStream } from 'node:fs';
// Ahead of kafkajs: it replaces slow steps of kafkajs's producer before kafkajs loads them.
import './kafkajs-hot-path.ts';
import { connect as netConnect, isIP, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import kafkajs, { Kafka, logLevel, type Admin, type Cluster, type Consumer, type ISocketFactory, type KafkaConfig, type TopicOffsets } from 'kafkajs';
import { scrub } from '../secrets.ts';

// kafkajs is CommonJS: Node's named-export detection misses its enums. Every value of kafkajs's
// is taken from here (or producer.ts), after the hot path: a module that loaded kafkajs before
// this one would leave kafkajs its own grouping of a send's messages.
export const { ConfigResourceTypes, AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

const logStreams = new Map<string, WriteStream>();
const logTo = (file: string): WriteStream => {
  let s = logStreams.get(file);
  if (!s) logStreams.set(file, (s = createWriteStream(file, { flags: 'a' })));
  return s;
};

/** What `cutOff` does to each client made here: destroys its sockets and refuses it new ones. */
const cutters = new WeakMap<Kafka, () => void>();

export function kafkaClient(brokers: readonly string[], clientId: string, logFile: string, extra: Partial<KafkaConfig> = {}): Kafka {
  const sockets = new Set<Socket>();
  let cut = false;
  const dial = extra.socketFactory ?? dialDirect;
  const socketFactory: ISocketFactory = (args) => {
    if (cut) return refused(`the client ${clientId} was cut off from its cluster`);
    const socket = dial(args);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  const kafka = new Kafka({
    clientId,
    brokers: [...brokers],
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.INFO,
    logCreator: () => ({ label, log }) => {
      const { message, timestamp, ...rest } = log;
      logTo(logFile).write(scrub(`${timestamp} ${label} [${clientId}] ${message} ${JSON.stringify(rest)}\n`));
    },
    ...extra,
    socketFactory,
  });
  cutters.set(kafka, () => {
    cut = true;
    // With an error: kafkajs fails a connection's requests on its socket's 'error', not on 'close'.
    for (const socket of sockets) socket.destroy(new Error(`the client ${clientId} was cut off from its cluster`));
  });
  return kafka;
}

/**
 * Cuts a client made by `kafkaClient` off the network for good: its connections are closed and
 * it dials nothing more, whatever its retries and timers still do. A client abandoned with its
 * killed cluster (its outcomes recorded) is then harmless at once — kafkajs would otherwise retry
 * its requests on new connections until their timeouts, and a retry that outlived its
 * environment could reach a later environment's proxy on the same host port. False for a client
 * made elsewhere (nothing was cut).
 */
export function cutOff(kafka: Kafka): boolean {
  const cut = cutters.get(kafka);
  cut?.();
  return cut !== undefined;
}

/** kafkajs's own way of dialling a broker (its network/socketFactory.js). */
const dialDirect: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : netConnect({ host, port }, onConnect);
  socket.setKeepAlive(true, 60_000);
  return socket;
};

/** A socket that never dials: it fails at once with `why`, as a refused connection does. */
function refused(why: string): Socket {
  const socket = new Socket();
  process.nextTick(() => socket.destroy(new Error(why)));
  return socket;
}

/**
 * A kafkajs client as plain data (structured-clone safe): what a producer process builds its own
 * client from (adapters/clients/producer-processes.ts), and every client of a cluster is built from.
 */
export interface ClientRecipe {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logFile: string;
  /** Security (ssl, sasl): plain values only, never a function. */
  readonly config: Partial<KafkaConfig>;
  /** Each advertised `host:port` dialled at a port of `host` instead: an external cluster's proxies. */
  readonly routes?: { readonly host: string; readonly ports: ReadonlyMap<string, number> };
  /** Its SASL password left out, for a producer host to read from this variable (adapters/clients/host-password.ts). */
  readonly passwordFrom?: string;
}

/**
 * The recipe for a client on another machine (a producer host, `workload.hosts.address`): every
 * broker address it dials — the bootstrap, and each one Kafka advertises — is dialled at the same
 * port of `address`, where this machine publishes its proxies. The advertised addresses name
 * this machine's loopback (a drill's own clusters) or the team's brokers (external clusters,
 * whose routes already lead to a proxy here): either way only the proxies are dialled, so the
 * kill and the faults cut that client off too.
 */
export function reachedAt(r: ClientRecipe, address: string): ClientRecipe {
  const ports = r.routes?.ports ?? new Map(r.brokers.map((b) => [b, Number(b.slice(b.lastIndexOf(':') + 1))]));
  return { ...r, routes: { host: address, ports } };
}

export const kafkaFromRecipe = (r: ClientRecipe): Kafka =>
  kafkaClient(r.brokers, r.clientId, r.logFile, r.routes ? { ...r.config, socketFactory: routedSockets(r.routes.host, r.routes.ports) } : r.config);

/** Dials each broker through its proxy; a broker that was not there when the drill started is refused (it would bypass the cut). */
function routedSockets(via: string, routes: ReadonlyMap<string, number>): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const to = routes.get(`${host}:${port}`);
    if (to === undefined) return refused(`broker ${host}:${port} joined after the drill started: it has no proxy, so the harness does not dial it`);
    const socket: Socket = ssl ? tlsConnect({ ...ssl, host: via, port: to, servername: host }, onConnect) : netConnect({ host: via, port: to }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}

/** The high-water mark of every partition of `topic`, as partition → offset. */
export async function endOffsets(admin: Admin, topic: string): Promise<Record<string, string>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return Object.fromEntries(offsets.map((o) => [String(o.partition), o.high]));
}

/** Every partition of `topic` at the start (earliest) or the end (latest) of its log: what a group is set to when it starts over. */
export async function logEdge(admin: Admin, topic: string, edge: 'earliest' | 'latest'): Promise<TopicOffsets> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return { topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: edge === 'earliest' ? o.low : o.high })) };
}

/** The group's committed offsets on `topic` (partition → offset; -1 when none). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Record<string, string>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries((entry?.partitions ?? []).map((p) => [String(p.partition), p.offset]));
}

/** The client's own cluster, from kafkajs's private factory (the one `kafka.admin()` uses): for the requests kafkajs offers no public call for. */
function privateCluster(kafka: Kafka): Cluster {
  const factory = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = factory && (kafka as unknown as Record<symbol, unknown>)[factory];
  if (typeof create !== 'function') throw new Error('this kafkajs release has no cluster factory: the standalone offset commit and the coordinator probe need updating');
  return (create as (o: { allowAutoTopicCreation: boolean }) => Cluster)({ allowAutoTopicCreation: false });
}

/**
 * Why the group's coordinator cannot be found, as the broker says it. kafkajs's consumer reports
 * every FindCoordinator refusal as "Failed to find group coordinator" and drops the broker's
 * error (GROUP_AUTHORIZATION_FAILED for a principal without DESCRIBE on the group): one request of
 * the client's own, to its seed broker, gets it back. Undefined when the broker answers.
 */
export async function coordinatorError(kafka: Kafka, groupId: string): Promise<string | undefined> {
  const cluster = privateCluster(kafka);
  try {
    await cluster.connect();
    const seed = (cluster as unknown as { brokerPool: { seedBroker: { findGroupCoordinator(o: { groupId: string; coordinatorType: number }): Promise<unknown> } } }).brokerPool.seedBroker;
    await seed.findGroupCoordinator({ groupId, coordinatorType: 0 });
    return undefined;
  } catch (e) {
    return kafkaErrorTypes(e)[0];
  } finally {
    await closeQuietly(cluster);
  }
}

/**
 * Sets an idle consumer group's committed offsets in one request, as Kafka's own
 * `Admin.alterConsumerGroupOffsets` does: an OffsetCommit to the group's coordinator with
 * generation -1 and no member id (a "standalone" commit, which the broker accepts while the group
 * has no members and refuses with UNKNOWN_MEMBER_ID otherwise). kafkajs's `admin.setOffsets` joins
 * the group as a consumer instead and waits for a fetch cycle (~5 s per topic), which a failover
 * would count in its gap as if the strategy had spent it. kafkajs offers no public call for this
 * commit: the cluster comes from the client's private factory (the one `kafka.admin()` uses) and
 * the request is its broker's own `offsetCommit`.
 */
export async function commitGroupOffsets(kafka: Kafka, groupId: string, topics: readonly TopicOffsets[]): Promise<void> {
  const cluster = privateCluster(kafka);
  await cluster.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        // The coordinator is looked up again on each attempt: NOT_COORDINATOR means it moved.
        const coordinator = await cluster.findGroupCoordinator({ groupId });
        await coordinator.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', topics: [...topics] });
        return;
      } catch (e) {
        if (attempt >= 5 || (e as { retriable?: boolean }).retriable !== true) throw e;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  } finally {
    await closeQuietly(cluster);
  }
}

/** Sum over the topics' partitions of an offset look-up (end offsets by default); "no offset" (-1) counts 0. */
export async function totalOffsets(
  admin: Admin,
  topics: readonly string[],
  lookup: (a: Admin, topic: string) => Promise<Record<string, string>> = endOffsets,
): Promise<number> {
  const all = await Promise.all(topics.map((t) => lookup(admin, t)));
  return all.reduce((sum, offsets) => sum + Object.values(offsets).reduce((a, o) => a + Math.max(0, Number(o)), 0), 0);
}

/**
 * Calls `f` after each batch a consumer went through: the offset after its last one, transaction
 * markers and aborted records included, and how many records it handed over. A read_committed
 * consumer (kafkajs's default) never hands over a commit or abort marker nor an aborted record,
 * yet its position moves past them, as a Java consumer's does: behind a transactional writer (an
 * exactly-once MM2, KIP-618) the last offsets of a partition are such, and a reader that counts
 * only the records it was handed would never reach the end. A batch of only those never reaches
 * eachMessage or eachBatch, only this.
 */
export function onBatchEnd(consumer: Consumer, f: (topic: string, partition: number, next: bigint, records: number) => void): void {
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => f(payload.topic, payload.partition, BigInt(payload.lastOffset) + 1n, payload.batchSize));
}

/** A client given up with its killed cluster (`abandon`): when what it did is recorded, and when it is gone. */
export interface Abandoned {
  readonly recorded: Promise<void>;
  readonly closed: Promise<void>;
}

/** Disconnects without letting a dead broker hold the drill up. */
export async function closeQuietly(c: { disconnect(): Promise<void> }, ms = 5000): Promise<void> {
  await Promise.race([c.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, ms).unref())]);
}

/**
 * Sets some of a topic's configs and keeps the others. kafkajs speaks only the legacy
 * AlterConfigs, which replaces the whole set (what it omits returns to the default): the topic's
 * current overrides are read first and sent along.
 */
export async function alterTopicConfig(admin: Admin, topic: string, changes: Readonly<Record<string, string>>): Promise<void> {
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
  const current = (described.resources[0]?.configEntries ?? []).filter((e) => !e.isDefault && !e.readOnly && !e.isSensitive && e.configSource === 1);
  const merged = { ...Object.fromEntries(current.map((e) => [e.configName, e.configValue])), ...changes };
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: Object.entries(merged).map(([name, value]) => ({ name, value })) }] });
}

/**
 * Kafka error type names along an error's cause chain: kafkajs wraps a protocol error in its
 * retrier's errors (retries exhausted; or not retriable, as an authorization failure is).
 * Empty when anything else is on the chain (a connection error: nothing known of the broker's answer).
 */
/**
 * Whether a request of `e`'s went unanswered until kafkajs's request timeout (anywhere along its
 * causes). kafkajs refreshes its metadata on a closed connection or a broker's "not leader", not on
 * a timeout: a broker that died behind a connection that stays open (a proxy that still accepts)
 * keeps its partitions' leadership in kafkajs's view until `metadataMaxAge` (5 minutes). The Java
 * client disconnects the node and asks for a metadata update when a request times out
 * (NetworkClient#handleTimedOutRequests).
 */
export function isRequestTimeout(e: unknown): boolean {
  for (const o of causes(e)) if (o.name === 'KafkaJSRequestTimeoutError') return true;
  return false;
}

/** Whether a connection to a broker failed or was closed anywhere along `e`'s causes (nothing known of the broker's answer). */
export function isConnectionError(e: unknown): boolean {
  for (const o of causes(e)) if (o.name === 'KafkaJSConnectionError' || o.name === 'KafkaJSConnectionClosedError') return true;
  return false;
}

/** A kafkajs error and the errors it wraps (`originalError`, `cause`), at most five deep. */
function* causes(e: unknown): Generator<{ name?: unknown; type?: unknown; originalError?: unknown; cause?: unknown }> {
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const o = cur as { name?: unknown; type?: unknown; originalError?: unknown; cause?: unknown };
    yield o;
    const next = o.originalError ?? o.cause;
    if (next === cur) break;
    cur = next;
  }
}

export function kafkaErrorTypes(e: unknown): string[] {
  const types: string[] = [];
  for (const o of causes(e)) {
    if (o.name === 'KafkaJSProtocolError' && typeof o.type === 'string') types.push(o.type);
    else if (o.name !== 'KafkaJSNumberOfRetriesExceeded' && o.name !== 'KafkaJSNonRetriableError' && o.name !== 'KafkaJSProtocolError') return [];
  }
  return types;
}

/** A kafkajs error with the broker's error codes it aggregates (kafkajs's own message hides them). */
export function kafkaErrorDetail(e: unknown): string {
  const inner = (e as { errors?: { type?: string; message?: string }[] }).errors;
  const message = e instanceof Error ? e.message : String(e);
  return inner?.length ? `${message}: ${inner.map((x) => x.type ?? x.message).join(', ')}` : message;
}
