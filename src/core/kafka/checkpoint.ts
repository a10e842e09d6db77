/**
 * MM2 checkpoint records (`<source>.checkpoints.internal` on the target), decoded as
 * MirrorCheckpointConnector writes them (org.apache.kafka.connect.mirror.Checkpoint, KIP-382):
 *   key   = group: STRING, topic: STRING, partition: INT32
 *   value = version: INT16 (0), upstreamOffset: INT64, offset: INT64, metadata: STRING
 * where STRING is an INT16 byte length then UTF-8 bytes, all big-endian. `topic` is the *remote*
 * topic on the target (MirrorCheckpointTask renames the source partition before writing), and
 * `offset` the group's translated offset there; `upstreamOffset` is its offset on the source.
 */
export interface Checkpoint {
  group: string;
  topic: string;
  partition: number;
  upstreamOffset: bigint;
  downstreamOffset: bigint;
  metadata: string;
}

class Reader {
  private pos = 0;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number, what: string) {
    if (this.pos + n > this.bytes.byteLength) throw new Error(`checkpoint record truncated reading ${what} at byte ${this.pos}`);
  }
  private fixed<T>(size: number, what: string, get: (at: number) => T): T {
    this.need(size, what);
    const v = get(this.pos);
    this.pos += size;
    return v;
  }
  int16 = (what: string) => this.fixed(2, what, (at) => this.view.getInt16(at));
  int32 = (what: string) => this.fixed(4, what, (at) => this.view.getInt32(at));
  int64 = (what: string) => this.fixed(8, what, (at) => this.view.getBigInt64(at));
  string(what: string): string {
    const len = this.int16(`${what} length`);
    if (len < 0) throw new Error(`checkpoint ${what} is null`);
    this.need(len, what);
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
}

export function decodeCheckpoint(key: Uint8Array, value: Uint8Array): Checkpoint {
  const k = new Reader(key);
  const group = k.string('group');
  const topic = k.string('topic');
  const partition = k.int32('partition');
  const v = new Reader(value);
  const version = v.int16('version');
  if (version !== 0) throw new Error(`unknown checkpoint value version ${version} (this decoder knows 0)`);
  return { group, topic, partition, upstreamOffset: v.int64('upstreamOffset'), downstreamOffset: v.int64('offset'), metadata: v.string('metadata') };
}

/**
 * What RemoteClusterUtils.translateOffsets answers: for each partition, the downstream offset of
 * the newest checkpoint of the group (later records win, as in a compacted topic).
 */
export function latestCheckpoints(checkpoints: readonly Checkpoint[], group: string): Map<string, Checkpoint> {
  const latest = new Map<string, Checkpoint>();
  for (const c of checkpoints) if (c.group === group) latest.set(`${c.topic}/${c.partition}`, c);
  return latest;
}

/**
 * An offset sync record (`mm2-offset-syncs.<target>.internal`, on the source cluster unless
 * `offset-syncs.topic.location=target`, KIP-716), as MirrorSourceTask writes it
 * (org.apache.kafka.connect.mirror.OffsetSync, KAFKA-12468 / KAFKA-14666 for when):
 *   key   = topic: STRING, partition: INT32 — the SOURCE topic partition
 *   value = upstreamOffset: INT64, offset: INT64 — no version field
 * `upstreamOffset` is a source record's offset and `offset` (here `downstream`) where MM2 wrote its
 * copy on the target, from the producer's acknowledgement. Every sync goes to partition 0.
 */
export interface OffsetSync {
  readonly topic: string;
  readonly partition: number;
  readonly upstream: bigint;
  readonly downstream: bigint;
}

export function decodeOffsetSync(key: Uint8Array, value: Uint8Array): OffsetSync {
  const k = new Reader(key);
  const topic = k.string('topic');
  const partition = k.int32('partition');
  const v = new Reader(value);
  return { topic, partition, upstream: v.int64('upstreamOffset'), downstream: v.int64('offset') };
}

/**
 * A heartbeat record (`heartbeats` and its remote copies), as MirrorHeartbeatTask writes it
 * (org.apache.kafka.connect.mirror.Heartbeat): key = sourceClusterAlias STRING, targetClusterAlias
 * STRING; value = version INT16 (0), timestamp INT64 — epoch ms when MM2 emitted it.
 */
export interface Heartbeat {
  sourceCluster: string;
  targetCluster: string;
  timestamp: number;
}

export function decodeHeartbeat(key: Uint8Array, value: Uint8Array): Heartbeat {
  const k = new Reader(key);
  const sourceCluster = k.string('sourceClusterAlias');
  const targetCluster = k.string('targetClusterAlias');
  const v = new Reader(value);
  const version = v.int16('version');
  if (version !== 0) throw new Error(`unknown heartbeat value version ${version} (this decoder knows 0)`);
  return { sourceCluster, targetCluster, timestamp: Number(v.int64('timestamp')) };
}
