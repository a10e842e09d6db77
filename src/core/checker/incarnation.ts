/**
 * Topic incarnations. A topic deleted and created again under the same name is a new topic to
 * Kafka (a new topic id, offsets from 0) and the same topic to MirrorMaker 2, which matches
 * topics by name: the remote topic keeps the old incarnation's records, and the source offsets
 * MM2 stored for the old one now point into the new one (docs/gotchas.md).
 *
 * Incarnation 1 of a topic on a cluster is the one the drill created at set-up; each `created`
 * topic event (core/history/history.ts) starts the next. An acked id belongs to:
 *  - the incarnation current when it was acked, if acked before a deletion was issued or after
 *    the next incarnation's creation was issued (the deletion had completed: the old topic was
 *    gone from the metadata);
 *  - if acked while a deletion was under way: the incarnation after it when the final
 *    verification read found it there at its acked offset, else 'unknown'.
 *
 * Per incarnation, on the other cluster (where MM2 copies it):
 *  - headNotReplicated: ids never copied whose source offset is below the first copied id of
 *    their partition — the head MM2 skipped when it resumed at an old stored offset;
 *  - layouts: per remote partition, the runs of incarnations in offset order; `interleaved` when
 *    an older incarnation follows a newer one (in-order appends read old, then new).
 */
import { eventsOf, type HistoryEvents } from '../history/history.ts';
import type { Count } from './ledger.ts';
import { recordKey, tpKey } from '../history/topic-partition.ts';

export interface AckedAt {
  readonly cluster: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly t: number;
}

export interface CopyAt {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

type Copies = Record<'primary' | 'backup', ReadonlyMap<string, ReadonlyMap<string, CopyAt>>>;

/** One incarnation of a topic that a playbook deleted or created. */
export interface IncarnationSpan {
  cluster: string;
  topic: string;
  incarnation: number;
  /** Since the cell's start; null for the drill's own set-up. */
  createdMs: number | null;
  deletedMs: number | null;
  /** Partitions it was created with (null: the scenario's, at set-up). */
  partitions: number | null;
  config: Record<string, string>;
}

/** Runs of incarnations along one remote partition, in offset order. */
export interface RemoteLayout {
  cluster: string;
  topic: string;
  partition: number;
  runs: { incarnation: number | 'unknown'; count: number; from: string; to: string }[];
  interleaved: boolean;
}

export interface IncarnationIndex {
  readonly spans: readonly IncarnationSpan[];
  /** An acked id's incarnation; null when its topic was never deleted nor recreated. */
  of(id: string): number | 'unknown' | null;
  /** `cluster/topic#n` of an id (null: not a recreated topic, or unknown). */
  keyOf(id: string): string | null;
}

export const spanKey = (cluster: string, topic: string, incarnation: number): string => `${cluster}/${topic}#${incarnation}`;

export function incarnationIndex(events: HistoryEvents, acks: ReadonlyMap<string, AckedAt>, copies: Copies, cellStart: number): IncarnationIndex {
  const changes = eventsOf(events, 'topic').filter((e) => e.change !== 'altered');
  const spans: IncarnationSpan[] = [];
  const byTopic = Map.groupBy(changes, (e) => `${e.cluster}/${e.topic}`);
  /** Per cluster/topic: incarnation k spans [starts[k-1], ends[k-1]). */
  const bounds = new Map<string, { starts: number[]; ends: number[] }>();
  for (const [key, list] of byTopic) {
    const { cluster, topic } = list[0]!;
    const starts = [-Infinity];
    const ends: number[] = [];
    spans.push({ cluster, topic, incarnation: 1, createdMs: null, deletedMs: null, partitions: null, config: {} });
    for (const e of list) {
      const cur = spans.at(-1)!;
      if (e.change === 'deleted' && ends.length < starts.length) {
        ends.push(e.t);
        cur.deletedMs = e.t - cellStart;
      } else if (e.change === 'created') {
        if (ends.length < starts.length) ends.push(e.t); // created over a live topic: cannot happen, but keep spans disjoint
        starts.push(e.t);
        spans.push({ cluster, topic, incarnation: starts.length, createdMs: e.t - cellStart, deletedMs: null, partitions: e.partitions ?? null, config: e.config ?? {} });
      }
    }
    bounds.set(key, { starts, ends });
  }
  const memo = new Map<string, number | 'unknown' | null>();
  const of = (id: string): number | 'unknown' | null => {
    if (memo.has(id)) return memo.get(id)!;
    const a = acks.get(id);
    const b = a && bounds.get(`${a.cluster}/${a.topic}`);
    let result: number | 'unknown' | null = null;
    if (a && b) {
      result = 'unknown';
      for (let k = 0; k < b.starts.length; k++) {
        const end = b.ends[k] ?? Infinity;
        if (a.t >= b.starts[k]! && a.t < end) result = k + 1;
        else if (a.t >= end && a.t < (b.starts[k + 1] ?? Infinity)) {
          // Acked while the deletion was under way: only where the final read found it says which.
          const last = b.starts.length === k + 2 && b.ends.length < b.starts.length;
          const found = copies[a.cluster as 'primary' | 'backup']?.get(id)?.has(recordKey(a.topic, a.partition, a.offset)) ?? false;
          result = last && found ? k + 2 : 'unknown';
        }
      }
    }
    memo.set(id, result);
    return result;
  };
  return {
    spans,
    of,
    keyOf: (id) => {
      const n = of(id);
      const a = acks.get(id);
      return typeof n === 'number' && a ? spanKey(a.cluster, a.topic, n) : null;
    },
  };
}

const other = (c: string): 'primary' | 'backup' => (c === 'backup' ? 'primary' : 'backup');

/** Ids of each incarnation never copied to the other cluster, below the first copied offset of their partition. */
export function headsNotReplicated(ix: IncarnationIndex, acks: ReadonlyMap<string, AckedAt>, copies: Copies, readComplete: Record<'primary' | 'backup', boolean>): Map<string, Count> {
  const firstCopied = new Map<string, bigint>();
  const uncopied = new Map<string, bigint[]>();
  for (const [id, a] of acks) {
    const k = ix.keyOf(id);
    if (!k) continue;
    const part = `${k}/${a.partition}`;
    if (copies[other(a.cluster)].has(id)) {
      if (a.offset < (firstCopied.get(part) ?? BigInt(Number.MAX_SAFE_INTEGER))) firstCopied.set(part, a.offset);
    } else uncopied.set(part, [...(uncopied.get(part) ?? []), a.offset]);
  }
  const out = new Map<string, Count>();
  for (const span of ix.spans) {
    const k = spanKey(span.cluster, span.topic, span.incarnation);
    if (!readComplete[other(span.cluster)]) {
      out.set(k, 'unknown');
      continue;
    }
    let n = 0;
    for (const [part, offsets] of uncopied) {
      if (!part.startsWith(`${k}/`)) continue;
      const first = firstCopied.get(part);
      if (first !== undefined) n += offsets.filter((o) => o < first).length;
    }
    out.set(k, n);
  }
  return out;
}

/** Per partition of the other cluster holding copies of a recreated topic's ids: its incarnations in offset order. */
export function remoteLayouts(ix: IncarnationIndex, acks: ReadonlyMap<string, AckedAt>, copies: Copies): RemoteLayout[] {
  const cells = new Map<string, { cluster: string; topic: string; partition: number; items: { offset: bigint; incarnation: number | 'unknown' }[] }>();
  for (const [id, a] of acks) {
    const n = ix.of(id);
    if (n === null) continue;
    const on = other(a.cluster);
    for (const c of copies[on].get(id)?.values() ?? []) {
      const key = `${on}/${tpKey(c.topic, c.partition)}`;
      const cell = cells.get(key) ?? { cluster: on, topic: c.topic, partition: c.partition, items: [] };
      cell.items.push({ offset: c.offset, incarnation: n });
      cells.set(key, cell);
    }
  }
  return [...cells.values()].map(({ items, ...where }) => {
    items.sort((x, y) => (x.offset < y.offset ? -1 : x.offset > y.offset ? 1 : 0));
    const runs: RemoteLayout['runs'] = [];
    for (const it of items) {
      const last = runs.at(-1);
      if (last && last.incarnation === it.incarnation) Object.assign(last, { count: last.count + 1, to: String(it.offset) });
      else runs.push({ incarnation: it.incarnation, count: 1, from: String(it.offset), to: String(it.offset) });
    }
    const known = runs.map((r) => r.incarnation).filter((n): n is number => typeof n === 'number');
    return { ...where, runs, interleaved: known.some((n, i) => i > 0 && n < known[i - 1]!) };
  }).sort((x, y) => `${x.cluster}/${x.topic}`.localeCompare(`${y.cluster}/${y.topic}`) || x.partition - y.partition);
}
