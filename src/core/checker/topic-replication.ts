/**
 * Replication per topic, for the question "should we split flows?": how far each topic's copy on
 * the backup trailed its source during the drill, and what of it never reached the backup.
 *
 * One MM2 source task copies every partition assigned to it through one consumer and one
 * producer: when a hot topic's backlog fills that producer's buffer (or a slow link drains it),
 * the cold topic's records wait behind the hot ones — head-of-line blocking. Its signature is a
 * cold topic whose lag in *seconds* tracks the hot topic's, although it has few messages to copy.
 *
 *  - lag in seconds, per sample (every second from the workload's start to the kill): for each
 *    source partition, the age at the sample of the oldest message acked on the primary and not
 *    yet on the backup (the remote partition's end offset is at or below its offset); 0 when the
 *    backup had everything acked by then. A topic's lag is its worst partition's. This reads a
 *    remote offset as the source offset of the same number, which holds while MM2 copies a topic
 *    from its start, once, and nothing else writes the remote partition: the verification read
 *    checks it — every copy of the topic's ids must sit at its ack's partition and offset — and
 *    the lag is unknown when a copy does not (a re-copy after a restart, a mirror started from
 *    `latest`, local writes into an Identity-named topic) or the backup was not read completely.
 *  - lag in messages: the primary's end offsets minus the backup's, summed over the topic.
 *  - notReplicated: acked on the primary before the kill and absent from the backup when it was
 *    read end to end after the drill (records MM2 had fetched still land after the kill); unknown
 *    when that read was incomplete.
 *  - rpoSeconds: the kill's time minus the ack of the oldest such message — the window of writes
 *    the backup lacks for this topic; null when nothing is missing or nothing was killed.
 */
import { eachOf, eventsOf, type EventOf, type HistoryEvents } from '../history/history.ts';
import { IdTable, IntColumn, NameTable, OffsetColumn } from '../history/id-columns.ts';
import { parseTp, tpKey } from '../history/topic-partition.ts';
import type { Checker } from './checker.ts';

export interface TopicReplication {
  readonly topic: string;
  /** Acked on the primary (before the kill, if there was one). */
  readonly acked: number;
  /** Over the samples from the workload's start to the kill; null without samples, or when remote offsets cannot be read as source offsets. */
  readonly lagSeconds: { readonly median: number; readonly max: number; readonly samples: number } | null;
  readonly lagMessagesMax: number | null;
  readonly notReplicated: number | 'unknown';
  readonly rpoSeconds: number | null | 'unknown';
  /** [seconds from the cell's start, lag in seconds] per sample: the report's chart. */
  readonly series: readonly (readonly [number, number])[];
}

/** The median of a non-empty list. */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * The acks a topic's figures read, in columns (core/history/id-columns.ts): per ack its
 * topic-partition, offset, time and id row; per partition its acks in offset order. An object
 * and a BigInt per message would set the peak of a large drill's check (docs/scale.md).
 */
class Acks {
  readonly ids = new IdTable();
  readonly tps = new NameTable();
  readonly tp = new IntColumn();
  readonly row = new IntColumn();
  readonly offset = new OffsetColumn();
  private t = new Float64Array(1024);
  /** Id row → its last ack + 1 (0: none), and whether a copy of it was found on the backup. */
  readonly lastOf = new IntColumn();
  readonly copied = new IntColumn();
  size = 0;

  add(a: EventOf<'ack'>): void {
    const i = this.size++;
    this.tp.set(i, this.tps.number(tpKey(a.topic, a.partition)));
    this.offset.set(i, a.offset);
    if (i >= this.t.length) {
      const grown = new Float64Array(this.t.length * 2);
      grown.set(this.t);
      this.t = grown;
    }
    this.t[i] = a.t;
    const row = this.ids.add(a.id);
    this.row.set(i, row);
    this.lastOf.set(row, i + 1);
  }

  timeOf(i: number): number {
    return this.t[i]!;
  }

  /** Offsets in order (int64: exact as numbers where they are one, else as bigints). */
  compare(i: number, j: number): number {
    const [x, y] = [this.offset.number(i), this.offset.number(j)];
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
    const [a, b] = [this.offset.bigint(i), this.offset.bigint(j)];
    return a < b ? -1 : a > b ? 1 : 0;
  }

  below(i: number, offset: number): boolean {
    const x = this.offset.number(i);
    return Number.isNaN(x) ? this.offset.bigint(i) < BigInt(offset) : x < offset;
  }

  /** The first of a partition's acks (in offset order) whose offset is at least `offset`. */
  firstAtOrAbove(list: Int32Array, offset: number): number | undefined {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.below(list[mid]!, offset)) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo] : undefined;
  }
}

export const topicsChecker: Checker<TopicReplication[]> = { name: 'topic-replication', run: ({ events, cellStart }) => topicReplication(events, cellStart) };

/** Every topic the producer wrote on the primary, in the order of their first ack. */
export function topicReplication(events: HistoryEvents, cellStart: number): TopicReplication[] {
  const killT = eventsOf(events, 'kill').find((k) => k.target === 'primary')?.t ?? Infinity;
  const workloadStart = eventsOf(events, 'phase').find((p) => p.phase === 'workload-started')?.t ?? -Infinity;
  const acks = new Acks();
  const topicsSeen = new NameTable();
  for (const a of eachOf(events, 'ack')) {
    if ((a.cluster ?? 'primary') !== 'primary' || a.t > killT) continue;
    acks.add(a);
    topicsSeen.number(a.topic);
  }
  // Per partition, its acks in offset order.
  const lists = new Map<string, number[]>();
  for (let i = 0; i < acks.size; i++) {
    const key = acks.tps.names[acks.tp.get(i)]!;
    const list = lists.get(key);
    if (list) list.push(i);
    else lists.set(key, [i]);
  }
  const byPartition = new Map<string, Int32Array>();
  for (const [key, list] of lists) byPartition.set(key, Int32Array.from(list).sort((i, j) => acks.compare(i, j)));
  lists.clear();
  const topics = topicsSeen.names;

  const samples = eventsOf(events, 'sample').filter((s) => s.ends !== undefined && s.t >= workloadStart && s.t <= killT);
  // A playbook reads every view of the backup (`copy`), a timeline drill its remote topics (`backup-record`).
  const reads = eventsOf(events, 'read-complete').filter((r) => r.what === 'backup' || r.what === 'backup-copies');
  const readComplete = reads.length > 0 && reads.every((r) => r.complete);
  // Topics with a copy away from its ack's partition and offset: their remote offsets are not source offsets.
  const misaligned = new Set<string>();
  const copied = (c: { id: string; topic: string; partition: number; offset: string }) => {
    const row = acks.ids.find(c.id);
    if (row < 0) return;
    acks.copied.set(row, 1);
    const a = acks.lastOf.get(row) - 1;
    if (a < 0) return;
    const { topic, partition } = parseTp(acks.tps.names[acks.tp.get(a)]!);
    if (partition !== c.partition || acks.offset.text(a) !== c.offset) misaligned.add(topic);
  };
  for (const c of eachOf(events, 'backup-record')) copied(c);
  for (const c of eachOf(events, 'copy')) if (c.cluster === 'backup') copied(c);

  // Each partition's topic, parsed once: with many topics, parsing every sample's keys for each
  // topic costs topics × samples × partitions.
  const topicOfKey = new Map<string, string>();
  const topicOf = (key: string): string => {
    let t = topicOfKey.get(key);
    if (t === undefined) topicOfKey.set(key, (t = parseTp(key).topic));
    return t;
  };
  const partitionsOf = Map.groupBy(byPartition.keys(), topicOf);
  // Per sample, per topic: its worst lag in time and its lag in messages, in one pass over the sample.
  const perSample = samples.map((s) => {
    const byTopic = new Map<string, { worst: number; messages: number }>();
    for (const [key, [primaryEnd, backupEnd]] of Object.entries(s.ends!)) {
      const topic = topicOf(key);
      let lag = byTopic.get(topic);
      if (!lag) byTopic.set(topic, (lag = { worst: 0, messages: 0 }));
      lag.messages += Math.max(0, primaryEnd - backupEnd);
      const list = byPartition.get(key);
      const oldest = list ? acks.firstAtOrAbove(list, backupEnd) : undefined;
      if (oldest !== undefined && acks.timeOf(oldest) <= s.t) lag.worst = Math.max(lag.worst, s.t - acks.timeOf(oldest));
    }
    return { t: s.t, byTopic };
  });

  return topics.map((topic) => {
    const partitions = partitionsOf.get(topic) ?? [];
    const series: [number, number][] = [];
    let lagMessagesMax: number | null = null;
    for (const s of perSample) {
      const lag = s.byTopic.get(topic) ?? { worst: 0, messages: 0 };
      series.push([round1((s.t - cellStart) / 1000), round1(lag.worst / 1000)]);
      lagMessagesMax = Math.max(lagMessagesMax ?? 0, lag.messages);
    }
    const aligned = readComplete && !misaligned.has(topic);
    const lags = aligned ? series.map(([, l]) => l) : [];
    let mine = 0;
    let missing = 0;
    let oldestMissing = Infinity;
    for (const k of partitions) {
      for (const a of byPartition.get(k)!) {
        mine += 1;
        if (acks.copied.get(acks.row.get(a)) === 1) continue;
        missing += 1;
        oldestMissing = Math.min(oldestMissing, acks.timeOf(a));
      }
    }
    return {
      topic,
      acked: mine,
      lagSeconds: lags.length ? { median: round1(median(lags)), max: Math.max(...lags), samples: lags.length } : null,
      lagMessagesMax: aligned ? lagMessagesMax : null,
      notReplicated: readComplete ? missing : 'unknown',
      rpoSeconds: !readComplete ? 'unknown' : missing && killT !== Infinity ? round1((killT - oldestMissing) / 1000) : null,
      series: aligned ? series : [],
    };
  });
}
