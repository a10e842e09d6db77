/**
 * The test producer: a steady rate of uniquely identified messages, each outcome recorded
 * (ack with its partition and offset, fail, or indeterminate). Partitions are chosen by the
 * harness (round robin) so that every message's offset is known from the batch's base offset.
 * Without transactions the partitions are shared out among a few lanes, each a producer of its
 * own with its own send in flight (core/kafka/produce-lanes.ts): each partition still has one
 * writer and its messages in issue order.
 * Transactional (`workload.transactionRecords`): one transaction per exactly that many records,
 * acked once committed; a transaction's records of a partition form one record batch, so they
 * sit at consecutive offsets, and its commit marker after them.
 */
// Ahead of kafkajs: it replaces slow steps of kafkajs's producer before kafkajs loads them.
import './kafkajs-hot-path.ts';
import { Partitioners, type Kafka, type Producer, type ProducerBatch, type RecordMetadata } from 'kafkajs';
import type { CellRecorder } from '../recorder.ts';
import type { EventBody } from '../../core/history/history.ts';
import { FULL_SEND, laneCount, laneOf, sendOffsets } from '../../core/kafka/produce-lanes.ts';
import { backlogCap, encodeMessage, ID_HEADER, sendCap } from '../../core/history/message.ts';
import { produceOutcome } from '../../core/kafka/produce-outcome.ts';
import { isAuthorizationError } from '../../core/kafka/acl.ts';
import { cutOff, isRequestTimeout, kafkaErrorTypes, type Abandoned } from './kafka-client.ts';
import { sleep } from '../wait.ts';
import type { Scenario } from '../../core/scenario/scenario.ts';

export interface ProducerOptions {
  readonly kafka: Kafka;
  /** Each topic with its rate and message size (core/scenario/scenario.ts topicRates). */
  readonly topics: readonly { name: string; partitions: number; ratePerSecond: number; messageBytes: number }[];
  readonly settings: Scenario['workload'];
  readonly idPrefix: string;
  readonly recorder: CellRecorder;
  /** The cluster written to, recorded with each ack when a playbook moves producers. */
  readonly cluster?: string;
  /** How many lanes instead of laneCount's (the bench compares them). */
  readonly lanes?: number;
}

export interface RunningProducer {
  /** Stops issuing new sends and waits for the batch in flight to resolve. */
  stop(): Promise<void>;
  /**
   * Its cluster was killed: stops issuing new sends, and gives those in flight `graceMs` to be
   * answered (null: until they end, as `stop`). What is still unanswered then is recorded
   * `indeterminate` — the broker may have written it before it died — and an answer after that
   * is ignored. `recorded` resolves once every message sent has its outcome in the history;
   * `closed` once the client is gone: cut off the network (`cutOff`) once `recorded` — kafkajs
   * would retry a request to a dead broker on a new connection, which Toxiproxy accepts and
   * holds, until its request timeout.
   */
  abandon(graceMs: number | null): Abandoned;
  /** The topic now has this many partitions (recreated or grown): later messages spread over all of them. */
  resize(topic: string, partitions: number): void;
  readonly stats: { acked: number; failed: number; indeterminate: number };
  /**
   * Producer processes (adapters/clients/producer-processes.ts), once stopped: records in the
   * cell's history what they recorded apart. Seconds of work at high rates, so it waits until
   * nothing is measured (run/workload.ts); absent: every outcome is recorded as it happens.
   */
  record?(): void;
}

const ACKS = { all: -1, leader: 1, none: 0 } as const;

/**
 * Errors after which kafkajs's idempotent producer never recovers: it has no epoch bump
 * (KIP-360), so every later batch of the partition fails too (seen: 1797 sends rejected with
 * OUT_OF_ORDER_SEQUENCE_NUMBER after a primary broker was killed). The Java producer bumps its
 * epoch and carries on; the harness starts a fresh producer (a new producer id) to the same effect.
 */
const fatalForIdempotence = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

export async function startProducer(o: ProducerOptions): Promise<RunningProducer> {
  const w = o.settings;
  const perTransaction = w.transactionRecords;
  const create = (): Producer => o.kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner, // unused: every message names its partition
    idempotent: w.idempotent,
    ...(w.idempotent ? { maxInFlightRequests: 1 } : {}),
    // One transactional id per producer of the cell: a renewed producer fences the one before it.
    ...(perTransaction > 0 ? { transactionalId: `${o.idPrefix}-tx` } : {}),
    // The coordinator answers a transaction's first send with CONCURRENT_TRANSACTIONS until the
    // previous commit's markers are written, a few ms: retried at kafkajs's default 300 ms, that
    // would hold the producer to a few transactions a second.
    retry: perTransaction > 0 ? { retries: 8, initialRetryTime: 10, maxRetryTime: 2000 } : { retries: 2, maxRetryTime: 2000 },
  });
  // Each topic on its own schedule (sent = messages issued so far), its partitions in turn.
  const topics = o.topics.map((t) => ({ ...t, sent: 0 }));
  const keyOf = (id: string, n: number): string | null => (w.keys === 'id' ? id : w.keys === 'none' ? null : `k${n % w.keys}`);
  /** Keyed: the key's own partition (deterministic, like the default partitioner's hash, but known before the send). */
  const partitionOf = (topic: (typeof topics)[number], n: number): number => {
    const slot = topic.sent++ % topic.partitions;
    return typeof w.keys === 'number' ? (n % w.keys) % topic.partitions : slot;
  };
  // Lanes (core/kafka/produce-lanes.ts): one producer each, writing the partitions laneOf gives it.
  const lanes: Lane[] = Array.from({ length: perTransaction > 0 ? 1 : (o.lanes ?? laneCount(topics.map((t) => ({ partitions: t.partitions, sendCap: sendCap(t.messageBytes) })), false)) }, () => ({ producer: create(), renew: false, renewing: null, inFlight: new Set(), queue: [] }));
  const stats = { acked: 0, failed: 0, indeterminate: 0 };
  let stopping = false;
  /** The sends not answered yet: an abandoned producer records these as indeterminate once its grace is over. */
  const unanswered = new Set<readonly Message[]>();
  /** Refused by the authorizer since the last accepted send: one `auth-error` per refusal spell. */
  let refused = false;
  const noteRefusal = (denial: string | undefined) => {
    if (denial && !refused) o.recorder.emit({ type: 'auth-error', client: 'producer', cluster: o.cluster ?? 'primary', error: denial });
    refused = denial !== undefined;
  };
  /**
   * Why the producer could not start, when the authorizer refused it: an idempotent producer's
   * InitProducerId needs WRITE on some topic (KIP-679), which a producer moved to a backup
   * without its ACLs lacks. Like a Java producer in that state, it writes nothing: every message
   * due is refused (failed: not written) until a restart, once a second, is allowed.
   */
  let refusedStart: string | null = null;
  const connect = async (lane: Lane) => {
    try {
      await lane.producer.connect();
      refusedStart = null;
    } catch (e) {
      const types = kafkaErrorTypes(e);
      const denial = types.find(isAuthorizationError);
      if (!denial) throw e;
      refusedStart = `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} (${types.join(', ')})`;
      noteRefusal(denial);
      lane.renew = true;
    }
  };
  const connected = await Promise.allSettled(lanes.map(connect));
  const failed = connected.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(lanes.map((l) => Promise.race([l.producer.disconnect().catch(() => undefined), sleep(3000)])));
    throw failed.reason;
  }
  let seq = 0;
  const started = Date.now();
  const disconnect = () => Promise.all(lanes.map((l) => Promise.race([l.producer.disconnect().catch(() => undefined), sleep(3000)]))).then(() => undefined);

  /** Whether more was due at the last take than one send carries. */
  let backlog = false;
  /** The messages due now; with transactions, one transaction's worth once that many are due. */
  const takeDue = (): Message[] => {
    const elapsed = Math.min(Date.now() - started, (w.durationSeconds ?? Infinity) * 1000);
    // A transaction is one send of at most sendCap per topic (its validation says so); a plain send carries a backlog's worth.
    const cap = (topic: (typeof topics)[number]) => (perTransaction > 0 ? sendCap(topic.messageBytes) : backlogCap(topic.messageBytes, topic.partitions));
    const owed = topics.map((topic) => Math.floor((elapsed / 1000) * topic.ratePerSecond) - topic.sent);
    backlog = owed.some((n, i) => n > cap(topics[i]!));
    const due = owed.map((n, i) => Math.max(0, Math.min(cap(topics[i]!), n)));
    let budget = perTransaction === 0 ? Infinity : due.reduce((a, b) => a + b, 0) >= perTransaction ? perTransaction : 0;
    return topics.flatMap((topic, i) => {
      const n = Math.min(due[i]!, budget);
      budget -= n;
      return Array.from({ length: n }, () => {
        const n = seq++;
        const partition = partitionOf(topic, n);
        return { id: `${o.idPrefix}-${n}`, n, topic: topic.name, partition, bytes: topic.messageBytes };
      });
    });
  };

  /**
   * Plain sends in flight at once per lane. kafkajs's idempotent producer numbers a partition's
   * batches when it builds a request and keeps one request in flight: two sends issued together
   * would carry the same sequence numbers, so it gets one; a plain producer overlaps a few round trips.
   */
  const maxInFlight = w.idempotent ? 1 : 4;
  /** Messages of every lane issued but not yet sent: more are taken once fewer than a backlog's worth per lane wait. */
  const refillBelow = topics.reduce((a, t) => a + backlogCap(t.messageBytes, t.partitions), 0) * lanes.length;
  const capOf = new Map(topics.map((t) => [t.name, sendCap(t.messageBytes)]));
  /** The next send of a lane: its queue's head, each partition's share at most sendCap, 2,000 in all (message.ts backlogCap). */
  const nextSend = (lane: Lane): Message[] => {
    const share = new Map<string, number[]>(); // topic → messages per partition
    let i = 0;
    for (; i < lane.queue.length && i < FULL_SEND; i++) {
      const m = lane.queue[i]!;
      let counts = share.get(m.topic);
      if (!counts) share.set(m.topic, (counts = []));
      const n = (counts[m.partition] ?? 0) + 1;
      if (n > capOf.get(m.topic)!) break;
      counts[m.partition] = n;
    }
    return lane.queue.splice(0, i);
  };
  /** Sends what is due; true when more is due or waiting than went out (a backlog: send again at once). */
  const sendDue = async (): Promise<boolean> => {
    if (perTransaction === 0) {
      if (lanes.reduce((a, l) => a + l.queue.length, 0) < refillBelow) {
        for (const m of takeDue()) lanes[laneOf(m.partition, lanes.length)]!.queue.push(m);
      }
      let sent = false;
      for (const lane of lanes) {
        if (lane.renew && !lane.renewing) renewLane(lane);
        while (!lane.renewing && lane.inFlight.size < maxInFlight && lane.queue.length > 0) {
          const p: Promise<void> = send(lane, nextSend(lane)).finally(() => lane.inFlight.delete(p));
          lane.inFlight.add(p);
          sent = true;
        }
      }
      // The loop turns again once a send resolves (or a renewed producer is ready); while a lane
      // could take more, within 20 ms too: a send stalled on one lane's broker holds up no other lane.
      const pending = lanes.flatMap((l) => [...l.inFlight, ...(l.renewing ? [l.renewing] : [])]);
      const canTake = lanes.some((l) => !l.renewing && l.inFlight.size < maxInFlight);
      if (pending.length > 0) await Promise.race(canTake ? [...pending, sleep(20)] : pending);
      return sent && (backlog || lanes.some((l) => l.queue.length > 0));
    }
    // A backlog goes out one transaction after another; after a failed one the rest stay due
    // for the renewed producer.
    const lane = lanes[0]!;
    if (lane.renew) {
      renewLane(lane);
      await lane.renewing;
      return false;
    }
    while (!stopping && !lane.renew) {
      const batch = takeDue();
      if (batch.length === 0) return false;
      await send(lane, batch);
    }
    return false;
  };

  /** A fresh producer for the lane (a new producer id) once its sends in flight are done: their outcomes belong to the producer that sent them. */
  const renewLane = (lane: Lane): void => {
    lane.renewing = (async () => {
      await Promise.all(lane.inFlight);
      lane.renew = false;
      await Promise.race([lane.producer.disconnect().catch(() => undefined), sleep(3000)]);
      lane.producer = create();
      await connect(lane).catch(() => (lane.renew = true)); // retried on the next turn
    })().finally(() => (lane.renewing = null));
  };

  /**
   * Marks an error of a transaction with what became of it: `not-begun` and `aborted` committed
   * nothing; `unknown` (a commit or abort that failed) may have committed.
   */
  const txError = (e: unknown, transaction: 'not-begun' | 'aborted' | 'unknown') => Object.assign(e instanceof Error ? e : new Error(String(e)), { transaction });

  /** The batch's request: without transactions, its send; with, a transaction that commits it. */
  const write = async (producer: Producer, request: ProducerBatch): Promise<RecordMetadata[]> => {
    if (perTransaction === 0) return producer.sendBatch(request);
    const tx = await producer.transaction().catch((e: unknown) => { throw txError(e, 'not-begun'); });
    let meta: RecordMetadata[];
    try {
      meta = await tx.sendBatch(request);
    } catch (e) {
      // Aborted: read_committed consumers never see the records, but MM2 (read_uncommitted,
      // its consumer's default) may already have copied them. Not aborted: the outcome is unknown.
      throw txError(e, await tx.abort().then(() => 'aborted' as const, () => 'unknown' as const));
    }
    try {
      await tx.commit();
    } catch (e) {
      throw txError(e, 'unknown');
    }
    return meta;
  };

  const keyed = typeof w.keys === 'number';
  const send = async (lane: Lane, batch: readonly Message[]) => {
    const byTopic = Map.groupBy(batch, (m) => m.topic);
    unanswered.add(batch);
    try {
      const now = Date.now();
      const meta = await write(lane.producer, {
        acks: ACKS[w.acks],
        timeout: 5000,
        topicMessages: [...byTopic].map(([topic, msgs]) => ({
          topic,
          messages: msgs.map((m) => ({ partition: m.partition, key: keyOf(m.id, m.n), value: encodeMessage(m.id, now, m.bytes), headers: { [ID_HEADER]: m.id } })),
        })),
      });
      // Already recorded indeterminate by an abandoned producer: its fate was declared unknown.
      if (!unanswered.delete(batch)) return;
      refused = false;
      for (const [topic, msgs] of byTopic) {
        const base = new Map(meta.filter((r) => r.topicName === topic).map((r) => [r.partition, r.baseOffset ?? '-1']));
        const offsets = sendOffsets(msgs.map((m) => m.partition), base);
        for (let i = 0; i < msgs.length; i++) {
          const m = msgs[i]!;
          const offset = offsets[i];
          // No offset: with acks=0 the write is unconfirmed; with acks=all a base offset of -1 was seen
          // on retries across a broker kill (the write's fate is then unknown). Either way, indeterminate.
          if (offset === null || offset === undefined) {
            stats.indeterminate++;
            o.recorder.emit({ type: 'indeterminate', id: m.id, error: w.acks === 'none' ? 'no offset returned (acks=0)' : 'the broker returned no offset for the batch' });
            continue;
          }
          stats.acked++;
          const ack: EventBody & { type: 'ack' } = { type: 'ack', id: m.id, topic, partition: m.partition, offset };
          if (keyed) ack.key = keyOf(m.id, m.n)!;
          if (o.cluster) ack.cluster = o.cluster;
          o.recorder.emit(ack);
        }
      }
    } catch (e) {
      if (!unanswered.delete(batch)) return;
      const types = kafkaErrorTypes(e);
      if (w.idempotent && types.some((t) => fatalForIdempotence.has(t))) lane.renew = true;
      // A fresh producer reads the current leaders: kafkajs's own would keep sending to a dead
      // leader until its metadata ages out (isRequestTimeout), as a broker's loss showed.
      if (isRequestTimeout(e)) lane.renew = true;
      // Only a cleanly aborted transaction leaves kafkajs's producer ready for the next; after any
      // other failure its transaction state is stuck, and a fresh producer (fencing it) carries on.
      const transaction = (e as { transaction?: string }).transaction;
      if (perTransaction > 0 && transaction !== 'aborted') lane.renew = true;
      const outcome = perTransaction > 0 ? (transaction === 'unknown' ? 'indeterminate' : 'fail') : produceOutcome({ kafkaErrorTypes: types });
      // The broker's error codes, which kafkajs's messages leave out ("Not authorized to access topics").
      const error = `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}${types.length ? ` (${types.join(', ')})` : ''}`;
      noteRefusal(types.find(isAuthorizationError));
      for (const m of batch) {
        stats[outcome === 'fail' ? 'failed' : 'indeterminate']++;
        o.recorder.emit({ type: outcome, id: m.id, error });
      }
    }
  };

  const loop = (async () => {
    while (!stopping) {
      if (refusedStart !== null) {
        // Refused by the authorizer: the refused lanes start again (renewLane), once a second;
        // meanwhile every message due is refused.
        for (const lane of lanes) if (lane.renew && !lane.renewing) renewLane(lane);
        for (const m of takeDue()) {
          stats.failed++;
          o.recorder.emit({ type: 'fail', id: m.id, error: refusedStart });
        }
        await sleep(1000);
        continue;
      }
      if (await sendDue()) {
        // A backlog goes out at once, one send after another, each turn letting the loop breathe.
        await sleep(0);
        continue;
      }
      await sleep(20);
    }
    await Promise.all(lanes.flatMap((l) => [...l.inFlight, ...(l.renewing ? [l.renewing] : [])]));
  })();

  return {
    stats,
    resize: (name, partitions) => {
      for (const t of topics) if (t.name === name) t.partitions = partitions;
      // Messages issued for the old partitions and not yet sent are issued again (new ids) over the new ones.
      for (const l of lanes) {
        const kept = l.queue.filter((m) => m.topic !== name);
        for (const t of topics) if (t.name === name) t.sent -= l.queue.length - kept.length;
        l.queue.splice(0, l.queue.length, ...kept);
      }
      // kafkajs sends nothing to partitions its cached metadata lacks (no offset comes back): a
      // fresh producer reads the topic's metadata anew.
      for (const l of lanes) l.renew = true;
    },
    stop: async () => {
      stopping = true;
      await loop;
      await disconnect();
    },
    abandon: (graceMs) => {
      stopping = true;
      const gone = loop.then(disconnect).catch(() => undefined);
      const recorded = (async () => {
        if (graceMs === null) return loop;
        if (await Promise.race([loop.then(() => true), sleep(graceMs).then(() => false)])) return;
        const error = `no answer within ${graceMs} ms of its cluster's kill: the producer was abandoned, the broker may have written it`;
        for (const batch of unanswered) {
          for (const m of batch) {
            stats.indeterminate++;
            o.recorder.emit({ type: 'indeterminate', id: m.id, error });
          }
        }
        unanswered.clear();
      })();
      // Once every send has its outcome, a late answer is ignored: the client is cut off then,
      // not left to retry into its request timeouts.
      return { recorded, closed: recorded.then(() => (cutOff(o.kafka) ? undefined : gone)) };
    },
  };
}

interface Message { readonly id: string; readonly n: number; readonly topic: string; readonly partition: number; readonly bytes: number }

interface Lane {
  producer: Producer;
  /** A fatal error (or a resize) asks for a fresh producer. */
  renew: boolean;
  renewing: Promise<void> | null;
  readonly inFlight: Set<Promise<void>>;
  /** Messages issued to this lane's partitions, not yet sent, in issue order. */
  readonly queue: Message[];
}
