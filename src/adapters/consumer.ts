/**
 * The test consumer: a real consumer group that processes and commits, recording every delivery
 * with the phase it happened in (`primary` before the kill, `backup` after the failover).
 */
import type { Consumer, Kafka } from 'kafkajs';
import { decodeId } from '../core/message.ts';
import { ID_HEADER } from '../core/message.ts';
import type { ConsumerPhase } from '../core/history.ts';
import type { CellRecorder } from './recorder.ts';
import { closeQuietly } from './kafka-client.ts';

export interface ConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly phase: ConsumerPhase;
  /** auto.offset.reset for partitions without a committed offset. */
  readonly fromBeginning: boolean;
  readonly recorder: CellRecorder;
  /** Called on the first delivery of this consumer. */
  readonly onFirstDelivery?: () => void;
}

export interface RunningConsumer {
  readonly consumer: Consumer;
  /** Next offset to consume per `topic/partition`, from what was delivered. */
  readonly positions: ReadonlyMap<string, bigint>;
  readonly delivered: () => number;
  stop(): Promise<void>;
}

const headerString = (v: Buffer | string | (Buffer | string)[] | undefined): string | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? headerString(v[0]) : v.toString();

export async function startConsumer(o: ConsumerOptions): Promise<RunningConsumer> {
  const consumer = o.kafka.consumer({ groupId: o.groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 250 });
  const positions = new Map<string, bigint>();
  let delivered = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [...o.topics], fromBeginning: o.fromBeginning });
  await consumer.run({
    autoCommit: true,
    autoCommitInterval: 1000,
    eachMessage: async ({ topic, partition, message }) => {
      const id = decodeId(headerString(message.headers?.[ID_HEADER]), message.value?.toString());
      if (delivered++ === 0) o.onFirstDelivery?.();
      positions.set(`${topic}/${partition}`, BigInt(message.offset) + 1n);
      o.recorder.emit({ type: 'deliver', id: id ?? `(undecodable ${topic}/${partition}@${message.offset})`, phase: o.phase, topic, partition, offset: message.offset });
    },
  });
  return {
    consumer,
    positions,
    delivered: () => delivered,
    stop: async () => {
      await Promise.race([consumer.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
      await closeQuietly(consumer);
    },
  };
}
