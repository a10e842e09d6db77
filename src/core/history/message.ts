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
 * The most messages of one topic in one send outside a transaction: round robin puts at most
 * 512 KiB of them in each partition's record batch (under message.max.bytes), and the request
 * holds at most 16 MiB (under socket.request.max.bytes). Counted in bytes, not in messages: at
 * small sizes a send of a few hundred messages costs the producer a round trip each, and that
 * — not the brokers — held the workload to about 12,000 msg/s.
 */
export const backlogCap = (messageBytes: number, partitions: number): number =>
  Math.max(1, Math.min(Math.floor((512 * 1024) / messageBytes) * partitions, Math.floor((16 * 1024 * 1024) / messageBytes)));

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
