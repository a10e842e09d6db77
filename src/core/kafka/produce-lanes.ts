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

/**
 * How many lanes: one per partition of the widest topic, up to MAX_LANES; one with transactions
 * (a transaction spans the topics, and its records count as one commit).
 */
export const laneCount = (partitions: readonly number[], transactional: boolean): number =>
  transactional ? 1 : Math.max(1, Math.min(MAX_LANES, Math.max(...partitions)));

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
