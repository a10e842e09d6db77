/**
 * Translation accuracy: every checkpoint MM2 emitted for the drill's group, against the truth the
 * drill knows from the ids.
 *
 * Specification. A checkpoint says: the group's committed offset U on the source partition S
 * (`upstreamOffset`) is D on its remote partition R on the backup (`downstreamOffset`). The group
 * had consumed every record of S below U and none from U on, so the TRUE equivalent T of U is the
 * backup offset where the first record of S at or after U sits on R — the lowest copy of that
 * record, the one a consumer reading R meets first (MM2 is at-least-once). The drill knows where
 * each acked id sits on S (its `ack`) and on R (the verification read's `backup-record` or, in a
 * playbook, the backup's `copy` events), so T is known exactly when:
 *  - the record at U on S is acked and has a copy on R: T is that copy's offset; or
 *  - no acked record sits at U (a transaction's commit marker, an unacked write, or the log's
 *    end), the last acked record below U (prev) has a copy on R, and nothing lies on R between
 *    prev's copy and the candidate — the copy of the first acked record above U, or, when there
 *    is none, the end the verification read read R up to (a complete read only): whatever the
 *    source held in between was never copied as a record, so T is the candidate, prev's copy + 1.
 * Otherwise the checkpoint is `unknown` (with its reason), never guessed: `not-acked` (no acked
 * record below U to anchor the gap, or records of unknown origin between the anchors on R),
 * `not-copied` (the record at U, or prev, has no copy on R and the read was complete), `not-read`
 * (the same, the read incomplete), `beyond-read` (no acked record at or after U, and the backup was
 * not read completely).
 *
 * The error is D − T records: negative, the checkpoint is behind the group (a consumer resuming
 * there re-reads −error records: duplicates); positive, ahead (it skips error records). Figures per
 * remote topic/partition and over all: the distribution over the run (min / median / max / count
 * of the known errors), the unknown count, and the error at the failover — the partition's last
 * checkpoint the drill read when it failed over (checkpoints are read once, then).
 */
import type { HistoryIndex } from '../history/history-index.ts';
import { eachOf, eventsOf, type HistoryEvents } from '../history/history.ts';
import { offsetsLabels } from '../history/offsets-labels.ts';
import { tpKey } from '../history/topic-partition.ts';
import type { Checker } from './checker.ts';
import { median } from './topic-replication.ts';

export type TruthUnknown = 'not-acked' | 'not-copied' | 'not-read' | 'beyond-read';

/** One checkpoint judged against its true equivalent. */
export interface TranslationPoint {
  /** Remote `topic/partition` the checkpoint names. */
  readonly tp: string;
  /** When MM2 emitted it (the record's timestamp, epoch ms); null: not recorded (older histories). */
  readonly ts: number | null;
  readonly upstream: string;
  readonly downstream: string;
  /** The true equivalent on the backup; null: unknown. */
  readonly truth: string | null;
  /** downstream − truth, in records; null: unknown (`unknown` says why). */
  readonly error: number | null;
  readonly unknown?: TruthUnknown;
}

export interface ErrorDistribution {
  min: number;
  median: number;
  max: number;
  /** Checkpoints whose error is known. */
  count: number;
}

export interface TranslationFigures {
  checkpoints: number;
  /** Checkpoints whose true equivalent could not be known (never guessed). */
  unknown: number;
  /** Over the known errors; null when none is known. */
  error: ErrorDistribution | null;
  /** The error of the last checkpoint read at the failover: a number, `unknown`, or null without a checkpoint. */
  atFailover: number | 'unknown' | null;
}

export interface TranslationAccuracy extends TranslationFigures {
  /** The group the checkpoints are MM2's translation for (the drill's consumer group). */
  group: string | null;
  /** Per remote `topic/partition`. */
  partitions: Record<string, TranslationFigures>;
  /** Every checkpoint judged, in the order MM2 emitted them per partition (the report's chart). */
  points: TranslationPoint[];
}

/** Each remote `topic/partition` the verification read found acked ids in → the source one they came from (by id, so any naming policy). */
export function sourcesOfRemote(ix: HistoryIndex): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, copies] of ix.backupCopies) {
    const a = ix.acked.get(id);
    if (!a) continue;
    for (const c of copies) if (!out.has(tpKey(c.topic, c.partition))) out.set(tpKey(c.topic, c.partition), tpKey(a.topic, a.partition));
  }
  return out;
}

/** An acked record of one source partition: its offset there and its lowest copy on the remote partition (undefined: none). */
interface Anchor {
  readonly offset: bigint;
  readonly copy: bigint | undefined;
}

/** One remote partition as the backup holds it: the offsets read there (ascending), and each id's lowest copy there. */
interface RemoteLog {
  readonly occupied: readonly bigint[];
  readonly firstCopy: ReadonlyMap<string, bigint>;
}

const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** The first index of an ascending list whose value exceeds `x`. */
function firstAbove(xs: readonly bigint[], x: bigint): number {
  let [lo, hi] = [0, xs.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The truth of U on one partition pair, by the docblock's rules (`anchors` ascending by source offset). */
function truthOf(u: bigint, anchors: readonly Anchor[], r: RemoteLog, readEnd: bigint | undefined, complete: boolean): bigint | TruthUnknown {
  let [lo, hi] = [0, anchors.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (anchors[mid]!.offset >= u) hi = mid;
    else lo = mid + 1;
  }
  const next = anchors[lo];
  const noCopy: TruthUnknown = complete ? 'not-copied' : 'not-read';
  if (next && next.offset === u) return next.copy ?? noCopy;
  const prev = anchors[lo - 1];
  if (!prev) return 'not-acked';
  if (prev.copy === undefined) return noCopy;
  let candidate: bigint;
  if (next) {
    if (next.copy === undefined) return noCopy;
    candidate = next.copy;
  } else {
    if (!complete || readEnd === undefined) return 'beyond-read';
    candidate = readEnd;
  }
  // Anything on R strictly between prev's copy and the candidate came from an unknown place on S.
  const between = r.occupied[firstAbove(r.occupied, prev.copy)];
  return between !== undefined && between < candidate ? 'not-acked' : candidate;
}

const distribution = (errors: readonly number[]): ErrorDistribution | null =>
  errors.length ? { min: Math.min(...errors), median: median(errors), max: Math.max(...errors), count: errors.length } : null;

function figuresOf(points: readonly TranslationPoint[], last: readonly TranslationPoint[]): TranslationFigures {
  const known = points.filter((p) => p.error !== null).map((p) => p.error!);
  const atFailover = last.length === 0 ? null : last.some((p) => p.error === null) ? 'unknown' : Math.max(...last.map((p) => p.error!));
  return { checkpoints: points.length, unknown: points.length - known.length, error: distribution(known), atFailover };
}

/**
 * The translation accuracy of one cell run. `backupComplete`: whether the backup was read end to
 * end (the classic verification read, or a playbook's backup copies).
 */
export function translationAccuracy(ix: HistoryIndex, events: HistoryEvents): TranslationAccuracy {
  const group = ix.groupId;
  const mine = ix.checkpoints.filter((c) => group === null || c.group === group);
  const complete = ix.backupReadComplete || eventsOf(events, 'read-complete').some((e) => e.what === 'backup-copies' && e.complete);
  const readEnds = ix.offsets(offsetsLabels.verifyEnd, 'backup');
  // Only the remote partitions the checkpoints name are laid out (a playbook's history holds tens of thousands of copies).
  const wanted = new Set(mine.map((c) => tpKey(c.topic, c.partition)));
  const logs = new Map<string, { occupied: bigint[]; firstCopy: Map<string, bigint> }>();
  const add = (topic: string, partition: number, offset: bigint, id: string) => {
    const tp = tpKey(topic, partition);
    if (!wanted.has(tp)) return;
    const r = logs.get(tp) ?? { occupied: [], firstCopy: new Map<string, bigint>() };
    r.occupied.push(offset);
    const first = r.firstCopy.get(id);
    if (first === undefined || offset < first) r.firstCopy.set(id, offset);
    logs.set(tp, r);
  };
  for (const [id, cs] of ix.backupCopies) for (const c of cs) add(c.topic, c.partition, c.offset, id);
  for (const e of eachOf(events, 'copy')) if (e.cluster === 'backup') add(e.topic, e.partition, BigInt(e.offset), e.id);
  const onBackup = new Set<string>();
  for (const e of eachOf(events, 'ack')) if (e.cluster === 'backup') onBackup.add(e.id);
  const anchorsOf = new Map<string, { anchors: Anchor[]; log: RemoteLog } | null>();
  const pair = (tp: string) => {
    if (anchorsOf.has(tp)) return anchorsOf.get(tp)!;
    const log = logs.get(tp);
    const sourceId = log && [...log.firstCopy.keys()].find((id) => ix.acked.has(id));
    const source = sourceId === undefined ? undefined : ix.acked.get(sourceId)!;
    let out: { anchors: Anchor[]; log: RemoteLog } | null = null;
    if (log && source) {
      const anchors: Anchor[] = [];
      // The source partition is the primary's: ids acked on the backup (a playbook's outage, active-active) sit at offsets of their own there.
      for (const [id, a] of ix.acked) if (a.partition === source.partition && a.topic === source.topic && !onBackup.has(id)) anchors.push({ offset: a.offset, copy: log.firstCopy.get(id) });
      anchors.sort((x, y) => ascending(x.offset, y.offset));
      out = { anchors, log: { occupied: [...new Set(log.occupied)].sort(ascending), firstCopy: log.firstCopy } };
    }
    anchorsOf.set(tp, out);
    return out;
  };
  const points: TranslationPoint[] = [];
  for (const c of mine) {
    const tp = tpKey(c.topic, c.partition);
    const p = pair(tp);
    const truth = p === null ? 'not-acked' : truthOf(BigInt(c.upstreamOffset), p.anchors, p.log, readEnds.get(tp), complete);
    const base = { tp, ts: c.ts ?? null, upstream: c.upstreamOffset, downstream: c.downstreamOffset };
    points.push(typeof truth === 'bigint'
      ? { ...base, truth: String(truth), error: Number(BigInt(c.downstreamOffset) - truth) }
      : { ...base, truth: null, error: null, unknown: truth });
  }
  const byTp = new Map<string, TranslationPoint[]>();
  for (const p of points) byTp.set(p.tp, [...(byTp.get(p.tp) ?? []), p]);
  const partitions = Object.fromEntries([...byTp].sort(([a], [b]) => a.localeCompare(b)).map(([tp, ps]) => [tp, figuresOf(ps, [ps.at(-1)!])]));
  return { group, ...figuresOf(points, [...byTp.values()].map((ps) => ps.at(-1)!)), partitions, points };
}

export const translationChecker: Checker<TranslationAccuracy> = { name: 'translation-accuracy', run: ({ ix, events }) => translationAccuracy(ix, events) };
