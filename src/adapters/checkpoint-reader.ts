/**
 * Reads MM2's checkpoints topic on the backup end to end (ADMIN path) and records every
 * checkpoint — decoded, with its raw bytes — in the history.
 */
import type { Admin, Kafka } from 'kafkajs';
import { decodeCheckpoint, type Checkpoint } from '../core/checkpoint.ts';
import type { CellRecorder } from './recorder.ts';
import { closeQuietly, endOffsets } from './kafka-client.ts';
import { sleep } from './wait.ts';

export async function readCheckpoints(o: { kafka: Kafka; admin: Admin; topic: string; recorder: CellRecorder; timeoutMs: number }): Promise<Checkpoint[]> {
  const ends = await endOffsets(o.admin, o.topic).catch(() => ({}) as Record<string, string>);
  const target = new Map(Object.entries(ends).map(([p, e]) => [Number(p), BigInt(e)]));
  const reached = new Map<number, bigint>();
  const pending = () => [...target].some(([p, end]) => (reached.get(p) ?? 0n) < end);
  const out: Checkpoint[] = [];
  if (!pending()) return out;
  const consumer = o.kafka.consumer({ groupId: `mm2-drill-checkpoints-${Date.now()}`, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      reached.set(partition, BigInt(message.offset) + 1n);
      if (!message.key || !message.value) return;
      const c = decodeCheckpoint(message.key, message.value);
      out.push(c);
      o.recorder.emit({
        type: 'checkpoint', group: c.group, topic: c.topic, partition: c.partition,
        upstreamOffset: String(c.upstreamOffset), downstreamOffset: String(c.downstreamOffset),
        key: message.key.toString('base64'), value: message.value.toString('base64'),
      });
    },
  });
  const deadline = Date.now() + o.timeoutMs;
  while (pending() && Date.now() < deadline) await sleep(100);
  await closeQuietly(consumer);
  return out;
}
