/**
 * The producer's lanes: independent Kafka producers over disjoint partitions, each with its own
 * send in flight. An idempotent producer keeps one request in flight (kafkajs numbers a
 * partition's batches when it builds the request; two overlapping sends would reuse sequence
 * numbers, KIP-98), so one producer waits a round trip between sends while its thread has
 * nothing to do; several producers, each the only writer of its partitions, overlap those
 * waits. Each partition keeps one writer (one producer id, one sequence) and its messages in
 * the order they were issued, so offsets and key order are as with one producer.
 */

/** The most lanes: past a few, the sending thread is busy anyway and more only adds connections. */
export const MAX_LANES = 4;

/** The most records in one send (core/history/message.ts backlogCap). */
export const FULL_SEND = 2000;

/**
 * How many lanes: as many as still each carry a full send when every partition takes its share
 * (sendCap records) — a lane's send costs the thread about as much whether it carries 500 records
 * or 2,000, so splitting a send over lanes costs more than it overlaps (3 partitions of 100 B:
 * 1 lane ~20 % faster than 3 on the 2-core bench machine; 64 partitions: 4 lanes faster than 1,
 * docs/development.md) — at most MAX_LANES and one per partition; one with transactions (a
 * transaction spans the topics, and its records count as one commit).
 */
export function laneCount(topics: readonly { partitions: number; sendCap: number }[], transactional: boolean): number {
  if (transactional) return 1;
  const records = topics.reduce((n, t) => n + t.partitions * t.sendCap, 0);
  return Math.max(1, Math.min(MAX_LANES, Math.max(0, ...topics.map((t) => t.partitions)), Math.floor(records / FULL_SEND)));
}

/** The lane writing partition `p` of every topic. */
export const laneOf = (partition: number, lanes: number): number => partition % lanes;

/**
 * The offset of each message of a send, in send order, from the base offset Kafka returned per
 * partition (a partition's messages of one send are one record batch, at consecutive offsets):
 * null where no base offset came back (acks=0, or -1 seen on retries across a broker kill).
 */
export function sendOffsets(partitions: ArrayLike<number>, base: ReadonlyMap<number, string>): (string | null)[] {
  // Plain numbers while they stay exact (any real log): a BigInt per message costs the hot path.
  const next = new Map<number, number | bigint>();
  for (const [p, b] of base) {
    const big = BigInt(b);
    if (big >= 0n) next.set(p, big + BigInt(partitions.length) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big);
  }
  const out: (string | null)[] = new Array<string | null>(partitions.length);
  for (let i = 0; i < partitions.length; i++) {
    const p = partitions[i]!;
    const o = next.get(p);
    if (o === undefined) out[i] = null;
    else {
      out[i] = String(o);
      next.set(p, typeof o === 'number' ? o + 1 : o + 1n);
    }
  }
  return out;
}
