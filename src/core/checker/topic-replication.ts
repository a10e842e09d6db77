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
import { eventsOf, type EventOf, type HistoryEvents } from '../history/history.ts';
import { IdMap, IdTable, IntColumn } from '../history/id-columns.ts';
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

type Ack = EventOf<'ack'>;
const PLAIN = /^(0|[1-9]\d*)$/;
/** Offsets (int64 decimal text) in order: plain ones (no sign, no leading zero) by length then digits, any other as bigints. */
const byOffset = (x: Ack, y: Ack): number => {
  if (PLAIN.test(x.offset) && PLAIN.test(y.offset)) return x.offset.length - y.offset.length || (x.offset < y.offset ? -1 : x.offset > y.offset ? 1 : 0);
  const [a, b] = [BigInt(x.offset), BigInt(y.offset)];
  return a < b ? -1 : a > b ? 1 : 0;
};

/** The first index of a sorted list whose offset is at least `offset`. */
function firstAtOrAbove(acks: readonly Ack[], offset: bigint): number {
  let lo = 0;
  let hi = acks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (BigInt(acks[mid]!.offset) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const topicsChecker: Checker<TopicReplication[]> = { name: 'topic-replication', run: ({ events, cellStart }) => topicReplication(events, cellStart) };

/** Every topic the producer wrote on the primary, in the order of their first ack. */
export function topicReplication(events: HistoryEvents, cellStart: number): TopicReplication[] {
  const killT = eventsOf(events, 'kill').find((k) => k.target === 'primary')?.t ?? Infinity;
  const workloadStart = eventsOf(events, 'phase').find((p) => p.phase === 'workload-started')?.t ?? -Infinity;
  const acks = eventsOf(events, 'ack').filter((a) => (a.cluster ?? 'primary') === 'primary' && a.t <= killT);
  // The ack events themselves per partition, and ids in typed-array tables (core/history/id-columns.ts):
  // an object, a BigInt and a Map entry per message set the peak of a large drill's check.
  const byPartition = new Map<string, Ack[]>();
  for (const a of acks) {
    const key = tpKey(a.topic, a.partition);
    const list = byPartition.get(key) ?? [];
    list.push(a);
    byPartition.set(key, list);
  }
  const topics = [...new Set(acks.map((a) => a.topic))];
  for (const list of byPartition.values()) list.sort(byOffset);

  const samples = eventsOf(events, 'sample').filter((s) => s.ends !== undefined && s.t >= workloadStart && s.t <= killT);
  // A playbook reads every view of the backup (`copy`), a timeline drill its remote topics (`backup-record`).
  const reads = eventsOf(events, 'read-complete').filter((r) => r.what === 'backup' || r.what === 'backup-copies');
  const readComplete = reads.length > 0 && reads.every((r) => r.complete);
  const copies = [...eventsOf(events, 'backup-record'), ...eventsOf(events, 'copy').filter((c) => c.cluster === 'backup')];
  const copiedIds = new IdTable();
  for (const c of copies) copiedIds.add(c.id);
  const onBackup = (id: string) => copiedIds.find(id) >= 0;
  // Topics with a copy away from its ack's partition and offset: their remote offsets are not source offsets.
  const ackIndex = new IntColumn();
  const ackOf = new IdMap(new IdTable(), (entry) => acks[ackIndex.get(entry)]!);
  for (const [i, a] of acks.entries()) ackIndex.set(ackOf.enter(a.id).entry, i);
  const misaligned = new Set(copies.flatMap((c) => {
    const a = ackOf.get(c.id);
    return a && (a.partition !== c.partition || a.offset !== c.offset) ? [a.topic] : [];
  }));

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
      const list = byPartition.get(key) ?? [];
      const oldest = list[firstAtOrAbove(list, BigInt(backupEnd))];
      if (oldest && oldest.t <= s.t) lag.worst = Math.max(lag.worst, s.t - oldest.t);
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
    const mine = partitions.flatMap((k) => byPartition.get(k)!);
    const missing = mine.filter((a) => !onBackup(a.id));
    const oldestMissing = missing.reduce((m, a) => Math.min(m, a.t), Infinity);
    return {
      topic,
      acked: mine.length,
      lagSeconds: lags.length ? { median: round1(median(lags)), max: Math.max(...lags), samples: lags.length } : null,
      lagMessagesMax: aligned ? lagMessagesMax : null,
      notReplicated: readComplete ? missing.length : 'unknown',
      rpoSeconds: !readComplete ? 'unknown' : missing.length && killT !== Infinity ? round1((killT - oldestMissing) / 1000) : null,
      series: aligned ? series : [],
    };
  });
}
