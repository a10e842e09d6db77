/**
 * Reads MM2's small internal topics with throwaway groups (kafkajs has no manual assignment):
 * end to end once (`readToEnd`), or from the beginning on as records arrive (`followTopic`).
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { closeQuietly, onBatchEnd } from './kafka-client.ts';
import { sleep } from '../wait.ts';

/**
 * A topic's partitions with their log start and end offsets, or none when the topic does not
 * exist. A look-up that fails while the topic exists — a cluster just restored, its partitions
 * without a leader yet; a topic just recreated, whose old metadata kafkajs still holds (its answer
 * then has no topic at all) — is tried again until the deadline, then fails: reading it as empty
 * would pass for "nothing there" (a reverse mirror seeded with no offset syncs copies everything back).
 */
export async function topicOffsetsOrNone(admin: Pick<Admin, 'listTopics' | 'fetchTopicOffsets'>, topic: string, timeoutMs: number, retryMs = 250): Promise<{ partition: number; low: string; high: string }[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (e) {
      const exists = await admin.listTopics().then((ts) => ts.includes(topic), () => true);
      if (!exists) return [];
      if (Date.now() + retryMs > deadline) throw new Error(`could not look up the end offsets of ${topic} within ${timeoutMs} ms: ${e instanceof Error ? e.message : String(e)}`);
      await sleep(retryMs);
    }
  }
}

/** The end offsets a read goes up to (partition → offset); a topic that does not exist has none. */
export async function endOffsetsToRead(admin: Pick<Admin, 'listTopics' | 'fetchTopicOffsets'>, topic: string, timeoutMs: number, retryMs = 250): Promise<Record<string, string>> {
  return Object.fromEntries((await topicOffsetsOrNone(admin, topic, timeoutMs, retryMs)).map((o) => [String(o.partition), o.high]));
}

/** Reads a topic end to end, once: up to the end offsets taken at the start. A topic that does not exist reads as empty. */
export async function readToEnd(o: { kafka: Kafka; admin: Admin; topic: string; timeoutMs: number; group: string }, onMessage: (message: KafkaMessage, partition: number) => void): Promise<void> {
  const ends = await endOffsetsToRead(o.admin, o.topic, o.timeoutMs);
  const target = new Map(Object.entries(ends).map(([p, e]) => [Number(p), BigInt(e)]));
  const reached = new Map<number, bigint>();
  const pending = () => [...target].some(([p, end]) => (reached.get(p) ?? 0n) < end);
  if (!pending()) return;
  const consumer = o.kafka.consumer({ groupId: `${o.group}-${Date.now()}`, maxWaitTimeInMs: 250 });
  const advance = (partition: number, next: bigint) => {
    if (next > (reached.get(partition) ?? 0n)) reached.set(partition, next);
  };
  // An exactly-once MM2 writes its checkpoints and its source offsets in transactions too: their markers end the topic (onBatchEnd).
  onBatchEnd(consumer, (_topic, partition, next) => advance(partition, next));
  await consumer.connect();
  await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      advance(partition, BigInt(message.offset) + 1n);
      onMessage(message, partition);
    },
  });
  const deadline = Date.now() + o.timeoutMs;
  while (pending() && Date.now() < deadline) await sleep(100);
  await closeQuietly(consumer);
}

export interface TopicFollower {
  stop(): Promise<void>;
}

/**
 * Follows a topic from its beginning, calling `onMessage` for each record as it arrives. The
 * topic may not exist yet (MM2 creates its internal topics as it starts): the follower waits for
 * it, and tries again while its cluster cannot be reached. `admin` is looked up at each check (the
 * harness renews its clients after a restore). Each follower is a group of its own: kafkajs's
 * group leader assigns only the topics it subscribed to itself.
 */
export function followTopic(o: { kafka: Kafka; admin: () => Admin; topic: string; group: string; signal: AbortSignal }, onMessage: (message: KafkaMessage, partition: number) => void): TopicFollower {
  const stopped = new AbortController();
  const signal = AbortSignal.any([stopped.signal, o.signal]);
  const consumer = o.kafka.consumer({ groupId: `${o.group}-${randomUUID()}`, maxWaitTimeInMs: 250 });
  const loop = (async () => {
    while (!signal.aborted) {
      try {
        if (!(await o.admin().listTopics()).includes(o.topic)) throw new Error('not yet');
        await consumer.connect();
        await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
        await consumer.run({ autoCommit: false, eachMessage: async ({ partition, message }) => onMessage(message, partition) });
        return;
      } catch {
        await sleep(500, signal);
      }
    }
  })();
  return {
    stop: async () => {
      stopped.abort();
      await loop;
      await closeQuietly(consumer, 2000);
    },
  };
}
