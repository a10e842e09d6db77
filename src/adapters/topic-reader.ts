/**
 * Reads one of MM2's small internal topics end to end, once: up to the end offsets taken at the
 * start, with a throwaway group (kafkajs has no manual assignment). A topic that does not exist
 * reads as empty.
 */
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { closeQuietly, endOffsets } from './kafka-client.ts';
import { sleep } from './wait.ts';

export async function readToEnd(o: { kafka: Kafka; admin: Admin; topic: string; timeoutMs: number; group: string }, onMessage: (message: KafkaMessage, partition: number) => void): Promise<void> {
  const ends = await endOffsets(o.admin, o.topic).catch(() => ({}) as Record<string, string>);
  const target = new Map(Object.entries(ends).map(([p, e]) => [Number(p), BigInt(e)]));
  const reached = new Map<number, bigint>();
  const pending = () => [...target].some(([p, end]) => (reached.get(p) ?? 0n) < end);
  if (!pending()) return;
  const consumer = o.kafka.consumer({ groupId: `${o.group}-${Date.now()}`, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      reached.set(partition, BigInt(message.offset) + 1n);
      onMessage(message, partition);
    },
  });
  const deadline = Date.now() + o.timeoutMs;
  while (pending() && Date.now() < deadline) await sleep(100);
  await closeQuietly(consumer);
}
