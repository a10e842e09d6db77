/**
 * The test producer: a steady rate of uniquely identified messages, each outcome recorded
 * (ack with its partition and offset, fail, or indeterminate). Partitions are chosen by the
 * harness (round robin) so that every message's offset is known from the batch's base offset.
 * Transactional (`workload.transactionRecords`): one transaction per exactly that many records,
 * acked once committed; a transaction's records of a partition form one record batch, so they
 * sit at consecutive offsets, and its commit marker after them.
 */
import { Partitioners, type Kafka, type Producer, type ProducerBatch, type RecordMetadata } from 'kafkajs';
import type { CellRecorder } from '../recorder.ts';
import { backlogCap, encodeMessage, ID_HEADER, sendCap } from '../../core/history/message.ts';
import { produceOutcome } from '../../core/kafka/produce-outcome.ts';
import { isAuthorizationError } from '../../core/kafka/acl.ts';
import { kafkaErrorTypes } from './kafka-client.ts';
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
}

export interface RunningProducer {
  /** Stops issuing new sends and waits for the batch in flight to resolve. */
  stop(): Promise<void>;
  /** The topic now has this many partitions (recreated or grown): later messages spread over all of them. */
  resize(topic: string, partitions: number): void;
  readonly stats: { acked: number; failed: number; indeterminate: number };
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
  let producer = create();
  let renew = false;
  const keyOf = (id: string, n: number): string | null => (w.keys === 'id' ? id : w.keys === 'none' ? null : `k${n % w.keys}`);
  /** Keyed: the key's own partition (deterministic, like the default partitioner's hash, but known before the send). */
  const partitionOf = (topic: (typeof topics)[number], n: number): number => {
    const slot = topic.sent++ % topic.partitions;
    return typeof w.keys === 'number' ? (n % w.keys) % topic.partitions : slot;
  };
  const stats = { acked: 0, failed: 0, indeterminate: 0 };
  let stopping = false;
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
  const connect = async (p: Producer) => {
    try {
      await p.connect();
      refusedStart = null;
    } catch (e) {
      const types = kafkaErrorTypes(e);
      const denial = types.find(isAuthorizationError);
      if (!denial) throw e;
      refusedStart = `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} (${types.join(', ')})`;
      noteRefusal(denial);
      renew = true;
    }
  };
  await connect(producer);
  let seq = 0;
  const started = Date.now();

  /** Whether more was due at the last take than one send carries. */
  let backlog = false;
  /** The messages due now; with transactions, one transaction's worth once that many are due. */
  const takeDue = () => {
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
   * Plain sends in flight at once. kafkajs's idempotent producer numbers a partition's batches
   * when it builds a request and keeps one request in flight: two sends issued together would
   * carry the same sequence numbers, so it gets one; a plain producer overlaps a few round trips.
   */
  const maxInFlight = w.idempotent ? 1 : 4;
  const inFlight = new Set<Promise<void>>();
  /** Sends what is due; true when a plain send left more due than it carried (a backlog: send again at once). */
  const sendDue = async (): Promise<boolean> => {
    if (perTransaction === 0) {
      let sent = false;
      while (inFlight.size < maxInFlight) {
        const batch = takeDue();
        if (batch.length === 0) break;
        const p: Promise<void> = send(batch).finally(() => inFlight.delete(p));
        inFlight.add(p);
        sent = true;
      }
      // The loop turns again once a send resolves.
      if (inFlight.size > 0) await Promise.race(inFlight);
      return sent && backlog;
    }
    // A backlog goes out one transaction after another; after a failed one the rest stay due
    // for the renewed producer.
    while (!stopping && !renew) {
      const batch = takeDue();
      if (batch.length === 0) return false;
      await send(batch);
    }
    return false;
  };

  /**
   * Marks an error of a transaction with what became of it: `not-begun` and `aborted` committed
   * nothing; `unknown` (a commit or abort that failed) may have committed.
   */
  const txError = (e: unknown, transaction: 'not-begun' | 'aborted' | 'unknown') => Object.assign(e instanceof Error ? e : new Error(String(e)), { transaction });

  /** The batch's request: without transactions, its send; with, a transaction that commits it. */
  const write = async (request: ProducerBatch): Promise<RecordMetadata[]> => {
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

  const send = async (batch: ReturnType<typeof takeDue>) => {
    const byTopic = Map.groupBy(batch, (m) => m.topic);
    try {
      const now = Date.now();
      const meta = await write({
        acks: ACKS[w.acks],
        timeout: 5000,
        topicMessages: [...byTopic].map(([topic, msgs]) => ({
          topic,
          messages: msgs.map((m) => ({ partition: m.partition, key: keyOf(m.id, m.n), value: encodeMessage(m.id, now, m.bytes), headers: { [ID_HEADER]: m.id } })),
        })),
      });
      refused = false;
      const base = new Map(meta.map((r) => [`${r.topicName}/${r.partition}`, BigInt(r.baseOffset ?? '-1')]));
      const index = new Map<string, bigint>();
      for (const m of batch) {
        const key = `${m.topic}/${m.partition}`;
        const i = index.get(key) ?? 0n;
        index.set(key, i + 1n);
        const b = base.get(key);
        // No offset: with acks=0 the write is unconfirmed; with acks=all a base offset of -1 was seen
        // on retries across a broker kill (the write's fate is then unknown). Either way, indeterminate.
        if (b === undefined || b < 0n) {
          stats.indeterminate++;
          o.recorder.emit({ type: 'indeterminate', id: m.id, error: w.acks === 'none' ? 'no offset returned (acks=0)' : 'the broker returned no offset for the batch' });
        } else {
          stats.acked++;
          const key = typeof w.keys === 'number' ? { key: keyOf(m.id, m.n)! } : {};
          o.recorder.emit({ type: 'ack', id: m.id, topic: m.topic, partition: m.partition, offset: String(b + i), ...key, ...(o.cluster ? { cluster: o.cluster } : {}) });
        }
      }
    } catch (e) {
      const types = kafkaErrorTypes(e);
      if (w.idempotent && types.some((t) => fatalForIdempotence.has(t))) renew = true;
      // Only a cleanly aborted transaction leaves kafkajs's producer ready for the next; after any
      // other failure its transaction state is stuck, and a fresh producer (fencing it) carries on.
      const transaction = (e as { transaction?: string }).transaction;
      if (perTransaction > 0 && transaction !== 'aborted') renew = true;
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
      if (renew) {
        await Promise.all(inFlight); // their outcomes belong to the producer that sent them
        renew = false;
        await Promise.race([producer.disconnect().catch(() => undefined), sleep(3000)]);
        producer = create();
        await connect(producer).catch(() => (renew = true)); // retried on the next turn
        if (refusedStart === null) {
          await sleep(20);
          continue;
        }
      }
      if (refusedStart !== null) {
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
    await Promise.all(inFlight);
  })();

  return {
    stats,
    resize: (name, partitions) => {
      for (const t of topics) if (t.name === name) t.partitions = partitions;
      // kafkajs sends nothing to partitions its cached metadata lacks (no offset comes back): a
      // fresh producer reads the topic's metadata anew.
      renew = true;
    },
    stop: async () => {
      stopping = true;
      await loop;
      await Promise.race([producer.disconnect().catch(() => undefined), sleep(3000)]);
    },
  };
}
