/**
 * The drill's message format. Each value is JSON carrying the unique id and produce timestamp,
 * padded to the scenario's size; the id is also a header. MM2 copies values and headers
 * unchanged, so the same id identifies a message on the primary and on the backup.
 */
export const ID_HEADER = 'mm2-drill-id';

/**
 * The most messages of one topic the producer puts in one send: at most 500, and at most 512 KiB
 * of them, so that after a stalled send the backlog goes out in pieces, each partition's share
 * well under the broker's message.max.bytes (1 MiB by default), or the whole batch fails.
 */
export const sendCap = (messageBytes: number): number => Math.max(1, Math.min(500, Math.floor((512 * 1024) / messageBytes)));

/**
 * The most messages of one topic in one send outside a transaction: each partition's share at
 * most sendCap (round robin spreads them), and 2,000 in all. kafkajs encodes a send on the event
 * loop at some 25–50 µs a record on a 2-core machine, and more per record as a partition's share
 * grows (it groups a send's messages by copying the partition's list at each message; measured:
 * 70–90 µs a record at 5,000–15,000 a batch): a send of tens of thousands blocks the loop for
 * seconds — the timeline's steps and the samplers fall behind (a kill 15 s late was seen) — and
 * the backlog, and the next send, grow. (Those figures are kafkajs's own encoding: the harness
 * now replaces its grouping and record encoding, adapters/clients/kafkajs-hot-path.ts, at some
 * 1.5 µs a record, linear in the send.)
 */
export const backlogCap = (messageBytes: number, partitions: number): number => Math.max(1, Math.min(sendCap(messageBytes) * partitions, 2000));

/** Padding to cut from: a slice of one string costs nothing per message, a repeat allocates. */
let padding = 'x'.repeat(1024);

/** `{"id":…,"ts":…,"pad":"xx…"}`, exactly what JSON.stringify makes of it, written out by hand: the producer's hot path. */
export function encodeMessage(id: string, producedAt: number, bytes: number): string {
  const head = `{"id":${JSON.stringify(id)},"ts":${JSON.stringify(producedAt)},"pad":"`;
  const pad = Math.max(0, bytes - head.length - 2);
  if (pad > padding.length) padding = 'x'.repeat(pad);
  return `${head}${padding.slice(0, pad)}"}`;
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
const headerString = (v: HeaderValue): string | undefined => (v === undefined ? undefined : Array.isArray(v) ? headerString(v[0]) : v.toString());

/** The id of a consumed message: the header if present (as kafkajs hands it over), else the JSON value; null if neither. */
export function decodeId(header: HeaderValue, value: string | undefined): string | null {
  const headerValue = headerString(header);
  if (headerValue) return headerValue;
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && 'id' in parsed && typeof parsed.id === 'string' ? parsed.id : null;
  } catch {
    return null;
  }
}
