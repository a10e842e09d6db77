/**
 * Two steps of kafkajs's producer that cost the harness's producing thread far more than they
 * need to, replaced in the places kafkajs loads them from, with the same results:
 *
 *  - grouping a send's messages by partition: kafkajs copies the partition's list at each message
 *    (`[...current, message]` in src/producer/groupMessagesPerPartition.js), quadratic in a
 *    partition's share of the send — 14 % of the thread at 2,000-record sends over 3 partitions
 *    (CPU profile of `npm run bench -- --scale`), seconds of blocked event loop at 15,000. The fix
 *    proposed upstream (kafkajs PR #1576) is unreleased; this one is linear.
 *  - encoding a record (src/protocol/recordBatch/record/v0): an Encoder per record and per header,
 *    each a zero-filled 512-byte buffer, a Long object per varlong and a Buffer per varint — some
 *    4 µs a record of 100 B. Here: its exact size first, then one buffer written in place, byte
 *    for byte what kafkajs writes (test/unit/kafkajs-hot-path.test.ts compares them). Records
 *    outside the common shapes (header arrays, null header values, timestamps beyond 32 bits)
 *    go to kafkajs's own encoder.
 *  - the CRC-32C of each record batch (src/protocol/recordBatch/crc32C): a byte at a time; here
 *    eight at a time (the "slicing-by-8" tables), the same checksum — a fifth of the encoding
 *    once records are cheap.
 *
 * It must run before kafkajs first loads those modules (its producer's send path, a produce
 * request), so kafka-client.ts and producer.ts import it ahead of kafkajs; `hotPathReplaced`
 * says whether it did.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const groupingPath = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
const sendMessagesPath = require.resolve('kafkajs/src/producer/sendMessages.js');
const recordPath = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const produceRequestPath = require.resolve('kafkajs/src/protocol/requests/produce/v3/request.js');
const crcPath = require.resolve('kafkajs/src/protocol/recordBatch/crc32C/index.js');
const recordBatchPath = require.resolve('kafkajs/src/protocol/recordBatch/v0/index.js');

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

type Bytes = string | Buffer | null | undefined;
export interface RecordInput {
  readonly offsetDelta?: number;
  readonly timestampDelta?: unknown;
  readonly key?: Bytes;
  readonly value?: Bytes;
  readonly headers?: Record<string, unknown>;
}
/** What RecordBatch takes of an encoded record: a Buffer `buf`, and `buffer`, the bytes. */
export interface EncodedRecord { readonly buf: Buffer; readonly buffer: Buffer }

const isInt32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff;
/** Zig-zag (Kafka's signed varint and varlong) of a 32-bit value, as an unsigned number. */
const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);
const uvarintSize = (u: number): number => (u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x200000 ? 3 : u < 0x10000000 ? 4 : 5);
const isBytes = (b: unknown): b is Bytes => b == null || typeof b === 'string' || Buffer.isBuffer(b);
const byteLength = (b: string | Buffer): number => (typeof b === 'string' ? Buffer.byteLength(b, 'utf8') : b.length);
const bytesSize = (b: Bytes): number => (b == null ? 1 : uvarintSize(zigzag(byteLength(b))) + byteLength(b));

function writeUVarint(buf: Buffer, at: number, u: number): number {
  while (u >= 0x80) {
    buf[at++] = (u & 0x7f) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[at++] = u;
  return at;
}
function writeBytes(buf: Buffer, at: number, b: Bytes): number {
  if (b == null) return writeUVarint(buf, at, 1); // -1: null
  const n = byteLength(b);
  at = writeUVarint(buf, at, zigzag(n));
  if (typeof b === 'string') buf.write(b, at, n, 'utf8');
  else b.copy(buf, at);
  return at + n;
}

/** kafkajs's record encoding for the shapes above, else undefined (kafkajs's own then encodes it). */
export function encodeRecord({ offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }: RecordInput): EncodedRecord | undefined {
  if (!isInt32(offsetDelta) || !isInt32(timestampDelta) || !isBytes(key) || !isBytes(value)) return undefined;
  const names = Object.keys(headers);
  let headersSize = uvarintSize(zigzag(names.length));
  for (const name of names) {
    const v = headers[name];
    if (typeof v !== 'string' && !Buffer.isBuffer(v)) return undefined;
    headersSize += bytesSize(name) + bytesSize(v);
  }
  const body = 1 + uvarintSize(zigzag(timestampDelta)) + uvarintSize(zigzag(offsetDelta)) + bytesSize(key) + bytesSize(value) + headersSize;
  const buf = Buffer.allocUnsafe(uvarintSize(zigzag(body)) + body);
  let at = writeUVarint(buf, 0, zigzag(body));
  buf[at++] = 0; // attributes: none
  at = writeUVarint(buf, at, zigzag(timestampDelta));
  at = writeUVarint(buf, at, zigzag(offsetDelta));
  at = writeBytes(buf, at, key);
  at = writeBytes(buf, at, value);
  at = writeUVarint(buf, at, zigzag(names.length));
  for (const name of names) {
    at = writeBytes(buf, at, name);
    at = writeBytes(buf, at, headers[name] as string | Buffer);
  }
  return { buf, buffer: buf };
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) tables: T[k][b] is byte b's contribution k bytes ahead of the end. */
const CRC_TABLES = (() => {
  const t = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[0]![b] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) for (let b = 0; b < 256; b++) t[k]![b] = (t[k - 1]![b]! >>> 8) ^ t[0]![t[k - 1]![b]! & 0xff]!;
  return t;
})();

/** The CRC-32C of `buf` (unsigned), eight bytes a step. */
export function crc32c(buf: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let crc = 0xffffffff;
  let i = 0;
  for (const end = buf.length - 8; i <= end; i += 8) {
    const a = (crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
    crc = t7[a & 0xff]! ^ t6[(a >>> 8) & 0xff]! ^ t5[(a >>> 16) & 0xff]! ^ t4[a >>> 24]! ^ t3[buf[i + 4]!]! ^ t2[buf[i + 5]!]! ^ t1[buf[i + 6]!]! ^ t0[buf[i + 7]!]!;
  }
  for (; i < buf.length; i++) crc = t0[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Marks a replacement (a module graph evaluated again, a test runner's, finds the one already in
 * place) and keeps kafkajs's own with it (the tests compare the two).
 */
const OURS = Symbol.for('mm2-drill.kafkajs-hot-path');
const mark = <F extends object>(f: F, original: unknown): F => Object.defineProperty(f, OURS, { value: original });
const isOurs = (f: unknown): boolean => typeof f === 'function' && OURS in f;
/** kafkajs's own version of a module replaced here. */
export const kafkajsOriginal = (f: unknown): unknown => (isOurs(f) ? (f as unknown as Record<symbol, unknown>)[OURS] : undefined);

/**
 * The kafkajs release whose modules these replace, compared byte for byte by the unit tests: under
 * any other release (a semver range lets one in) kafkajs keeps its own, slower but its own.
 */
export const HOT_PATH_KAFKAJS = '2.2.4';
const kafkajsVersion = (require('kafkajs/package.json') as { version: string }).version;

/** Puts `make(original)` where kafkajs loads the module at `path` from, unless `user` (the module that takes it in) is loaded already. */
function replace(path: string, user: string, make: (original: (...a: never[]) => unknown) => object): void {
  if (kafkajsVersion !== HOT_PATH_KAFKAJS) return;
  // Too late once kafkajs holds the original: then nothing is replaced (the result is the same, only slower).
  if (require.cache[user]) return;
  require(path);
  const cached = require.cache[path];
  if (cached && !isOurs(cached.exports)) cached.exports = mark(make(cached.exports as (...a: never[]) => unknown), cached.exports);
}
replace(groupingPath, sendMessagesPath, () => groupMessagesPerPartition);
replace(crcPath, recordBatchPath, () => crc32c);
replace(recordPath, produceRequestPath, (original) => (r: RecordInput) => encodeRecord(r) ?? (original as (r: RecordInput) => unknown)(r));

/** Whether kafkajs's producers use the replacements (its send path and produce request took them from here). */
export const hotPathReplaced = (): boolean =>
  [[groupingPath, sendMessagesPath], [recordPath, produceRequestPath], [crcPath, recordBatchPath]].every(([path, user]) => require.cache[user!] !== undefined && isOurs(require.cache[path!]?.exports));
