/**
 * MM2's own bookkeeping, read and written on the never-faulted ADMIN path:
 * - the source offsets a dedicated-mode herder stored (`mm2-offsets.<source>.internal` on the
 *   target, format in core/kafka/mm2-names.ts), followed continuously: a mirror's lag is its source's
 *   end offsets minus what it stored as copied — MM2's own account, flushed every
 *   `offset.flush.interval.ms`, so a lag of zero is never claimed early;
 * - seeding those offsets before a mirror starts;
 * - the offset syncs of a flow (`mm2-offset-syncs.<target>.internal` on the source; their format:
 *   core/kafka/checkpoint.ts `decodeOffsetSync`).
 */
import type { Admin, Kafka } from 'kafkajs';
import { decodeOffsetSync, type OffsetSync } from '../../core/kafka/checkpoint.ts';
import { parseSourceOffsetKey, sourceOffsetKey, sourceOffsetsTopic } from '../../core/kafka/mm2-names.ts';
import { parseTp, tpKey } from '../../core/history/topic-partition.ts';
import { closeQuietly, endOffsets } from './kafka-client.ts';
import { followTopic, readToEnd } from './topic-reader.ts';

export interface SourceOffsetsWatch {
  /** Next source offset to copy per source `topic/partition` (stored offset + 1), as last flushed. */
  readonly next: ReadonlyMap<string, bigint>;
  stop(): Promise<void>;
}

/** Follows the source offsets a mirror stores on its target (the topic may not exist yet). */
export function watchSourceOffsets(o: { kafka: Kafka; admin: Admin; source: string; namespace?: string | undefined; signal: AbortSignal }): SourceOffsetsWatch {
  const next = new Map<string, bigint>();
  const follower = followTopic({ kafka: o.kafka, admin: () => o.admin, topic: sourceOffsetsTopic(o.source, o.namespace), group: `mm2-drill-offsets-${o.source}`, signal: o.signal }, (message) => {
    const key = message.key && parseSourceOffsetKey(message.key.toString());
    if (!key || key.cluster !== o.source) return;
    const value = message.value ? (JSON.parse(message.value.toString()) as { offset?: unknown }) : null;
    const stored = typeof value?.offset === 'number' ? BigInt(value.offset) : -1n;
    next.set(tpKey(key.topic, key.partition), stored + 1n);
  });
  return { next, stop: () => follower.stop() };
}

export interface MirrorLag {
  /** Messages on the mirror's source topics it has not copied yet, by its own stored offsets. */
  readonly messages: number;
  /**
   * Source partitions where MM2's stored offset runs past the end: the topic was deleted and
   * recreated (or truncated) since MM2 stored it. There the lag is unknown: MM2 may reset to
   * earliest at its next fetch, or wait for the new topic to pass the stored offset.
   */
  readonly beyondEnd: readonly string[];
}

export async function mirrorLag(sourceAdmin: Admin, topics: readonly string[], next: ReadonlyMap<string, bigint>, startAt: ReadonlyMap<string, bigint>): Promise<MirrorLag> {
  let lag = 0n;
  const beyondEnd: string[] = [];
  for (const topic of topics) {
    for (const [p, end] of Object.entries(await endOffsets(sourceAdmin, topic))) {
      const key = tpKey(topic, p);
      const from = next.get(key) ?? startAt.get(key) ?? 0n;
      if (BigInt(end) > from) lag += BigInt(end) - from;
      else if (next.has(key) && from > BigInt(end)) beyondEnd.push(`${key} stored ${from - 1n}, end ${end}`);
    }
  }
  return { messages: Number(lag), beyondEnd };
}

/** Below n messages, and known on every partition. */
export const lagBelow = (l: MirrorLag, n: number): boolean => l.beyondEnd.length === 0 && l.messages < n;

/** "N message(s)", and the partitions where the lag is unknown. */
export const describeLag = (l: MirrorLag): string =>
  `${l.messages} message(s)${l.beyondEnd.length ? `; stored offsets beyond the source's end on ${l.beyondEnd.join(', ')}` : ''}`;

/**
 * Writes a flow's source offsets into MM2's offsets topic on its target before the mirror starts
 * (creating the topic compacted, as Connect requires): the task seeks to `next` on each partition.
 */
export async function seedSourceOffsets(o: { kafka: Kafka; admin: Admin; source: string; namespace?: string | undefined; next: ReadonlyMap<string, bigint>; replicationFactor: number }): Promise<void> {
  const topic = sourceOffsetsTopic(o.source, o.namespace);
  if (!(await o.admin.listTopics()).includes(topic)) {
    await o.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: o.replicationFactor, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
  }
  const producer = o.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const messages = [...o.next].filter(([, n]) => n > 0n).map(([tp, n]) => {
      const { topic: t, partition } = parseTp(tp);
      return { key: sourceOffsetKey(o.source, t, partition), value: JSON.stringify({ offset: Number(n - 1n) }) };
    });
    if (messages.length) await producer.send({ topic, acks: -1, messages });
  } finally {
    await closeQuietly(producer);
  }
}

/**
 * Tombstones for every stored source offset of `topic` in MM2's offsets topic, with the exact key
 * bytes MM2 wrote (Connect looks offsets up by those bytes). Only while the mirror is stopped: a
 * running task would flush its in-memory offsets again. Returns the partitions forgotten.
 */
export async function resetSourceOffsets(o: { kafka: Kafka; admin: Admin; source: string; namespace?: string | undefined; topic: string; timeoutMs: number }): Promise<number[]> {
  const offsetsTopic = sourceOffsetsTopic(o.source, o.namespace);
  const stored = new Map<number, Buffer>();
  await readToEnd({ kafka: o.kafka, admin: o.admin, topic: offsetsTopic, timeoutMs: o.timeoutMs, group: 'mm2-drill-offsets-reset' }, (message) => {
    const key = message.key && parseSourceOffsetKey(message.key.toString());
    if (!key || key.cluster !== o.source || key.topic !== o.topic) return;
    if (message.value) stored.set(key.partition, message.key!);
    else stored.delete(key.partition);
  });
  if (stored.size === 0) return [];
  const producer = o.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic: offsetsTopic, acks: -1, messages: [...stored.values()].map((key) => ({ key, value: null })) });
  } finally {
    await closeQuietly(producer);
  }
  return [...stored.keys()].sort((a, b) => a - b);
}

/** Every offset sync of a topic, end to end (empty if the topic does not exist). */
export async function readOffsetSyncs(o: { kafka: Kafka; admin: Admin; topic: string; timeoutMs: number }): Promise<OffsetSync[]> {
  if (!(await o.admin.listTopics()).includes(o.topic)) return [];
  const out: OffsetSync[] = [];
  await readToEnd({ ...o, group: 'mm2-drill-syncs' }, (message) => {
    if (message.key && message.value) out.push(decodeOffsetSync(message.key, message.value));
  });
  return out;
}
