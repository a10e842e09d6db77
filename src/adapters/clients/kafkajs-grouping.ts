/**
 * kafkajs groups a send's messages by partition with a copy of the partition's list at each
 * message (`[...current, message]` in src/producer/groupMessagesPerPartition.js): quadratic in a
 * partition's share of the send. At the harness's sends (2,000 records over 3 partitions) that was
 * 14 % of the producing thread (CPU profile of `npm run bench -- --scale`); at 15,000 records a
 * send it blocked the event loop for seconds. The fix proposed upstream (kafkajs PR #1576) is
 * unreleased: this module puts a linear grouping, with the same result (partition → its messages
 * in send order), in the place kafkajs loads it from. It must run before kafkajs's producer module
 * is first loaded, so kafka-client.ts and producer.ts import it ahead of kafkajs; `groupingIsLinear`
 * says whether it did.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const groupingPath = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
const sendMessagesPath = require.resolve('kafkajs/src/producer/sendMessages.js');

interface GroupArgs<M> {
  readonly topic: string;
  readonly partitionMetadata: readonly unknown[];
  readonly messages: readonly M[];
  readonly partitioner: (a: { topic: string; partitionMetadata: readonly unknown[]; message: M }) => number;
}

/** Partition → its messages, in the order given. */
export function groupMessagesPerPartition<M>({ topic, partitionMetadata, messages, partitioner }: GroupArgs<M>): Record<number, M[]> {
  const result: Record<number, M[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

/** Marks the replacement: a module graph evaluated again (a test runner's) finds the one already in place. */
const LINEAR = Symbol.for('mm2-drill.kafkajs-linear-grouping');
Object.defineProperty(groupMessagesPerPartition, LINEAR, { value: true });
const isLinear = (f: unknown): boolean => typeof f === 'function' && (f as unknown as Record<symbol, unknown>)[LINEAR] === true;

// Too late once kafkajs's send path holds the original: then nothing is replaced (the result is the same, only slower).
if (!require.cache[sendMessagesPath]) {
  require(groupingPath);
  const cached = require.cache[groupingPath];
  if (cached && !isLinear(cached.exports)) cached.exports = groupMessagesPerPartition;
}

/** Whether kafkajs's producers group messages with the linear version (kafkajs loaded it from here). */
export const groupingIsLinear = (): boolean => require.cache[sendMessagesPath] !== undefined && isLinear(require.cache[groupingPath]?.exports);
