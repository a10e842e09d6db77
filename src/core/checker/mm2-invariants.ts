/**
 * MM2's own invariants, checked as oracles in every drill: a break is a finding about MirrorMaker
 * 2 (reported, the drill's verdict unchanged), never a failure of the harness.
 *
 * Specification, over the checkpoints the drill read (in the order MM2 emitted them per key —
 * a checkpoint topic keeps one key on one partition):
 *  - `checkpoint-rewind`: for one (group, remote topic, partition), a checkpoint whose downstream
 *    offset is below the previous one's while its upstream offset is not below the previous
 *    upstream. The group did not move back, so its translation must not.
 *  - `checkpoint-beyond-backup-end`: a checkpoint whose downstream offset exceeds the remote
 *    partition's end on the backup when MM2 emitted it — MM2 would send a consumer to an offset
 *    that did not exist yet. An end offset never shrinks (a recreated topic aside), so any end
 *    sampled at or after the emission bounds it from above; the tightest bound the history holds
 *    is used and named (`bound`): `sample` — the first replication sample whose reads began at
 *    or after the checkpoint's timestamp (its `readFrom`; in histories without it, a sample whose
 *    predecessor of the same sampler had been recorded by then — a sampler reads one sample after
 *    the other. A sample is recorded when its reads end, up to a second or more after they began:
 *    its `t` alone would compare the checkpoint with an end read before it was emitted); `failover-end` — the backup's end at the failover (the checkpoints
 *    were read then, so every one was emitted before); `verify-end` — the end the final
 *    verification read read up to, the weakest. No bound: `unknown`.
 *
 * Over the offset syncs the drill read (`offset-sync` events, core/checker/offset-syncs.ts; a
 * source partition's syncs in the order MM2 wrote them):
 *  - `offset-sync-rewind`: for one source partition, a sync whose upstream or downstream offset is
 *    below the previous sync's (`went`: `upstream`, `downstream` or `both`). MM2 copies a partition
 *    in order and appends to the remote one, so neither may go back. Explained, not a finding
 *    (`explained`): the source topic (on the primary) or its remote topic (on the backup) was
 *    created again during the drill (a `topic` event; not only between the two syncs: MM2's record
 *    timestamps and the harness's step times do not order them exactly), or — for an upstream-only rewind —
 *    MM2 started again between them (a timeline restart, a playbook's start/restart-mirror): a
 *    new task resumes from the last source offset it flushed and copies part again. Either way
 *    MM2's sync store drops every older sync then (OffsetSyncStore: "old offsets are invalid").
 *  - `offset-sync-misplaced`: a sync whose upstream offset holds a record acked on the primary
 *    (`id`; the backup's own acks sit at offsets of its own topics) on the source partition while
 *    the backup's remote partition holds another record (`found`) at its
 *    downstream offset — the sync would translate a group to the wrong place. A sync is checked
 *    only when both places are known: an acked record at the upstream offset (an unacked write
 *    there: `not-acked`) and a record the verification read found at the downstream one (none:
 *    `not-read`; no remote partition known: `no-remote`; a source or remote topic recreated during
 *    the drill: `recreated` — its incarnations share offsets, so which record a sync names is not known).
 *  - `redelivery-beyond-lag-max`: after a sync, a group at the head re-reads at most
 *    `offset.lag.max` records when it resumes from MM2's translation — the bound Kafka's own
 *    MirrorConnectorsIntegrationBaseTest asserts. Judged per remote partition on the checkpoint a
 *    failover resumes from (the group's last one the drill read at the failover), when all of:
 *    its true equivalent T is known (translation-accuracy.ts; else `truth-unknown`); it carries
 *    its emission time (else `no-timestamp`); a sync of the source partition was written at or
 *    before it (else `no-sync`); the group is at the head of the syncs — its upstream offset U is
 *    at or past the newest sync written by then (else `behind-head`: MM2's sparse sync history
 *    translates a group behind the head from an older sync, a coarser bound, expected-bound.ts);
 *    and MM2 had copied up to the group — a replication sample taken by then saw the remote
 *    partition's end at T or beyond (else `not-copied`: a group ahead of the mirror re-reads what
 *    was not copied yet, whatever the translation). Then MM2 translated from that newest sync s
 *    (D = s.downstream + 1 when U is past it), and MirrorSourceTask writes a new sync once a copy
 *    lands `offset.lag.max` or more past s.downstream + 1 (OffsetSyncWriter, KAFKA-14666), so the
 *    group's re-deliveries T − D stay within `offset.lag.max`; releases from 3.7.0 also sync the
 *    newest record at each offset flush (KAFKA-15906), which only tightens it; up to 3.4.0 MM2
 *    extrapolates from the newest sync (KAFKA-12468): no re-delivery without source gaps, and a
 *    checkpoint ahead of the group (a skip, `translation`) is not what this bound judges. The
 *    failover's other duplicates — what the consumer processed and had not committed, what it
 *    committed after MM2's last checkpoint — are not translation and not bounded here
 *    (expected-bound.ts and attribution.ts count them). A finding names the partition, T, D, the
 *    sync and the bound. The checkpoint task reads the syncs topic
 *    asynchronously: a finding means it translated from a sync older than one written before
 *    the checkpoint. No offset.lag.max recorded: every partition `unknown`.
 * Each `unknown` check's reason is counted in `why`.
 */
import type { HistoryIndex } from '../history/history-index.ts';
import { eachOf, eventsOf, type EventOf, type HistoryEvents } from '../history/history.ts';
import { offsetsLabels } from '../history/offsets-labels.ts';
import { tpKey } from '../history/topic-partition.ts';
import type { CellSettings } from '../history/cell-settings.ts';
import type { Checker } from './checker.ts';
import { offsetLagMaxOf, syncsByPartition, type SyncPoint } from './offset-syncs.ts';
import { sourcesOfRemote, translationAccuracy, type TranslationPoint } from './translation-accuracy.ts';

export type InvariantName = 'checkpoint-rewind' | 'checkpoint-beyond-backup-end' | 'offset-sync-rewind' | 'offset-sync-misplaced' | 'redelivery-beyond-lag-max';
export type EndBound = 'sample' | 'failover-end' | 'verify-end';

export interface InvariantFinding {
  /** The checkpoint's group (absent for a sync). */
  group?: string;
  /** Remote `topic/partition` (a checkpoint, a re-delivery bound) or source one (a sync). */
  tp: string;
  upstream: string;
  downstream: string;
  /** The previous checkpoint's or sync's offsets (a rewind) or the backup's end it exceeded, and which bound that end was. */
  previous?: { upstream: string; downstream: string };
  backupEnd?: { offset: string; bound: EndBound };
  /** `offset-sync-rewind`: which offset went back. */
  went?: 'upstream' | 'downstream' | 'both';
  /** `offset-sync-misplaced`: the acked id at the upstream offset, the id found at the downstream one, and where the backup holds the first. */
  id?: string;
  found?: string;
  copies?: string[];
  /** `redelivery-beyond-lag-max`: the true equivalent, the re-deliveries (truth − downstream), the sync translated from and the bound. */
  truth?: string;
  redeliveries?: number;
  sync?: SyncPoint;
  bound?: number;
}

export interface InvariantCheck {
  name: InvariantName;
  /** `broken`: at least one finding; `unknown`: nothing could be checked. */
  verdict: 'holds' | 'broken' | 'unknown';
  /** Checkpoints (or successive pairs, for a rewind) checked. */
  checked: number;
  /** Those that could not be checked (no bound). */
  unknown: number;
  /** How many checks used each bound (`checkpoint-beyond-backup-end` only). */
  bounds?: Partial<Record<EndBound, number>>;
  /** Pairs a known cause explains (`offset-sync-rewind`: a recreated topic, an MM2 restart). */
  explained?: number;
  /** Why each unknown one could not be checked, counted. */
  why?: Record<string, number>;
  findings: number;
  /** The first findings, at most 20. */
  samples: InvariantFinding[];
}

const SAMPLE = 20;

function verdictOf(name: InvariantName, checked: number, unknown: number, found: InvariantFinding[], more: Pick<InvariantCheck, 'bounds' | 'explained' | 'why'> = {}): InvariantCheck {
  return {
    name, verdict: found.length ? 'broken' : checked ? 'holds' : 'unknown', checked, unknown,
    ...more, findings: found.length, samples: found.slice(0, SAMPLE),
  };
}

/** Counts unknown checks by reason. */
class Unknowns {
  readonly why: Record<string, number> = {};
  count = 0;
  add(reason: string): void {
    this.why[reason] = (this.why[reason] ?? 0) + 1;
    this.count += 1;
  }
}

const keyOf = (c: EventOf<'checkpoint'>) => `${c.group}\u0000${tpKey(c.topic, c.partition)}`;

export function checkpointRewinds(checkpoints: readonly EventOf<'checkpoint'>[]): InvariantCheck {
  const last = new Map<string, EventOf<'checkpoint'>>();
  const found: InvariantFinding[] = [];
  let checked = 0;
  for (const c of checkpoints) {
    const p = last.get(keyOf(c));
    last.set(keyOf(c), c);
    if (!p) continue;
    checked += 1;
    if (BigInt(c.downstreamOffset) < BigInt(p.downstreamOffset) && BigInt(c.upstreamOffset) >= BigInt(p.upstreamOffset)) {
      found.push({ group: c.group, tp: tpKey(c.topic, c.partition), upstream: c.upstreamOffset, downstream: c.downstreamOffset, previous: { upstream: p.upstreamOffset, downstream: p.downstreamOffset } });
    }
  }
  return verdictOf('checkpoint-rewind', checked, 0, found);
}

/** The tightest end of a remote partition known at or after a checkpoint's emission, by the docblock's order. */
export function backupEndAt(
  c: EventOf<'checkpoint'>, samples: readonly EventOf<'sample'>[], source: string | undefined,
  failoverEnd: ReadonlyMap<string, bigint>, verifyEnd: ReadonlyMap<string, bigint>,
): { offset: bigint; bound: EndBound } | null {
  const tp = tpKey(c.topic, c.partition);
  if (c.ts !== undefined && source !== undefined) {
    const own = samples.filter((x) => x.ends?.[source] !== undefined);
    const s = own.find((x, i) => (x.readFrom ?? own[i - 1]?.t ?? -Infinity) >= c.ts!);
    if (s) return { offset: BigInt(s.ends![source]![1]), bound: 'sample' };
  }
  const f = failoverEnd.get(tp);
  if (f !== undefined) return { offset: f, bound: 'failover-end' };
  const v = verifyEnd.get(tp);
  return v === undefined ? null : { offset: v, bound: 'verify-end' };
}

export function checkpointsWithinBackupEnd(ix: HistoryIndex, events: HistoryEvents): InvariantCheck {
  const samples = eventsOf(events, 'sample');
  const sources = sourcesOfRemote(ix);
  const failoverEnd = ix.offsets(offsetsLabels.failover.end, 'backup');
  const verifyEnd = ix.offsets(offsetsLabels.verifyEnd, 'backup');
  const found: InvariantFinding[] = [];
  const bounds: Partial<Record<EndBound, number>> = {};
  let checked = 0;
  let unknown = 0;
  for (const c of ix.checkpoints) {
    const end = backupEndAt(c, samples, sources.get(tpKey(c.topic, c.partition)), failoverEnd, verifyEnd);
    if (!end) { unknown += 1; continue; }
    checked += 1;
    bounds[end.bound] = (bounds[end.bound] ?? 0) + 1;
    if (BigInt(c.downstreamOffset) > end.offset) {
      found.push({ group: c.group, tp: tpKey(c.topic, c.partition), upstream: c.upstreamOffset, downstream: c.downstreamOffset, backupEnd: { offset: String(end.offset), bound: end.bound } });
    }
  }
  return verdictOf('checkpoint-beyond-backup-end', checked, unknown, found, { bounds });
}

/**
 * Each remote `topic/partition` → its source one, from where the backup holds ids acked on the
 * primary: the classic verification read's records, and a playbook's backup copies.
 */
function remoteSources(ix: HistoryIndex, events: HistoryEvents): Map<string, string> {
  const out = sourcesOfRemote(ix);
  // An id acked on the backup itself sits in its own topic there, not in a remote one.
  const local = new Set<string>();
  for (const a of eachOf(events, 'ack')) if (a.cluster === 'backup') local.add(a.id);
  for (const e of eachOf(events, 'copy')) {
    if (e.cluster !== 'backup' || local.has(e.id) || out.has(tpKey(e.topic, e.partition))) continue;
    const a = ix.acked.get(e.id);
    if (a) out.set(tpKey(e.topic, e.partition), tpKey(a.topic, a.partition));
  }
  return out;
}

/** Source `topic/partition` → its remote one (`remoteSources` turned around). */
function remotesOfSource(ix: HistoryIndex, events: HistoryEvents): Map<string, string> {
  const out = new Map<string, string>();
  for (const [remote, source] of remoteSources(ix, events)) if (!out.has(source)) out.set(source, remote);
  return out;
}

/** Between two syncs' times (exclusive, inclusive), whether a topic or MM2 started anew, by the docblock's rules. */
function rewindCauses(ix: HistoryIndex, events: HistoryEvents): (sourceTp: string, from: number, to: number) => { recreated: boolean; restarted: boolean } {
  const remotes = remotesOfSource(ix, events);
  const recreations = eventsOf(events, 'topic').filter((e) => e.change === 'created' || e.change === 'deleted');
  const starts = [
    ...eventsOf(events, 'mirror-restart').map((r) => r.startedAt),
    ...eventsOf(events, 'step').filter((e) => e.state === 'end' && (e.action === 'start-mirror' || e.action === 'restart-mirror')).map((e) => e.t),
  ];
  return (sourceTp, from, to) => {
    const source = sourceTp.slice(0, sourceTp.lastIndexOf('/'));
    const remote = remotes.get(sourceTp);
    const remoteTopic = remote?.slice(0, remote.lastIndexOf('/'));
    const within = (t: number) => t > from && t <= to;
    return {
      // Not only between the two syncs: MM2's record timestamps and the harness's step times do not
      // order a recreation exactly against the syncs around it, and a recreated topic's offsets
      // start again at 0 — a rewind on a partition whose topic was recreated during the drill is its doing.
      recreated: recreations.some((e) => (e.cluster === 'primary' && e.topic === source) || (e.cluster === 'backup' && e.topic === remoteTopic)),
      restarted: starts.some(within),
    };
  };
}

export function offsetSyncRewinds(ix: HistoryIndex, events: HistoryEvents): InvariantCheck {
  const causes = rewindCauses(ix, events);
  const found: InvariantFinding[] = [];
  let checked = 0;
  let explained = 0;
  for (const [tp, syncs] of syncsByPartition(events)) {
    for (const [i, c] of syncs.entries()) {
      const p = syncs[i - 1];
      if (!p) continue;
      checked += 1;
      const up = BigInt(c.upstreamOffset) < BigInt(p.upstreamOffset);
      const down = BigInt(c.downstreamOffset) < BigInt(p.downstreamOffset);
      if (!up && !down) continue;
      const why = causes(tp, p.ts, c.ts);
      if (why.recreated || (why.restarted && !down)) {
        explained += 1;
        continue;
      }
      found.push({ tp, upstream: c.upstreamOffset, downstream: c.downstreamOffset, previous: { upstream: p.upstreamOffset, downstream: p.downstreamOffset }, went: up && down ? 'both' : up ? 'upstream' : 'downstream' });
    }
  }
  return verdictOf('offset-sync-rewind', checked, 0, found, { explained });
}

export function offsetSyncsPlaced(ix: HistoryIndex, events: HistoryEvents): InvariantCheck {
  const remotes = remotesOfSource(ix, events);
  // The syncs name the forward flow's source partitions: the primary's (an id acked on the backup sits at its own offsets there).
  // Only the records the syncs name are looked up: a map of every ack would hold a key string a message.
  const bySource = syncsByPartition(events);
  const named = new Set([...bySource].flatMap(([tp, syncs]) => syncs.map((s) => `${tp}@${s.upstreamOffset}`)));
  const ackedAt = new Map<string, string>();
  for (const a of eachOf(events, 'ack')) {
    const at = `${tpKey(a.topic, a.partition)}@${a.offset}`;
    if ((a.cluster ?? 'primary') === 'primary' && named.has(at)) ackedAt.set(at, a.id);
  }
  // A playbook's copies on the backup, over the classic verification read's records.
  const copiedAt = new Map<string, string>();
  for (const e of eachOf(events, 'copy')) if (e.cluster === 'backup') copiedAt.set(`${tpKey(e.topic, e.partition)}@${e.offset}`, e.id);
  const backupAt = (at: string) => copiedAt.get(at) ?? ix.backupAt.get(at);
  // A recreated topic's incarnations share offsets: which record a sync names is not known.
  const recreated = new Set(eventsOf(events, 'topic').filter((e) => e.change === 'created' || e.change === 'deleted').map((e) => `${e.cluster}:${e.topic}`));
  const found: InvariantFinding[] = [];
  const unknown = new Unknowns();
  let checked = 0;
  for (const [tp, syncs] of bySource) {
    const remote = remotes.get(tp);
    const topicOf = (x: string) => x.slice(0, x.lastIndexOf('/'));
    const ambiguous = recreated.has(`primary:${topicOf(tp)}`) || (remote !== undefined && recreated.has(`backup:${topicOf(remote)}`));
    for (const s of syncs) {
      if (ambiguous) { unknown.add('recreated'); continue; }
      const id = ackedAt.get(`${tp}@${s.upstreamOffset}`);
      if (id === undefined) { unknown.add('not-acked'); continue; }
      if (remote === undefined) { unknown.add('no-remote'); continue; }
      const there = backupAt(`${remote}@${s.downstreamOffset}`);
      if (there === undefined) { unknown.add('not-read'); continue; }
      checked += 1;
      if (there !== id) {
        const copies = (ix.backupCopies.get(id) ?? []).map((c) => `${tpKey(c.topic, c.partition)}@${c.offset}`);
        found.push({ tp, upstream: s.upstreamOffset, downstream: s.downstreamOffset, id, found: there, copies });
      }
    }
  }
  return verdictOf('offset-sync-misplaced', checked, unknown.count, found, { why: unknown.why });
}

/** The last point of each remote partition: the checkpoint the failover read last. */
const lastPoints = (points: readonly TranslationPoint[]): TranslationPoint[] => [...new Map(points.map((p) => [p.tp, p])).values()];

export function redeliveriesWithinLagMax(ix: HistoryIndex, events: HistoryEvents, settings: CellSettings, points: readonly TranslationPoint[]): InvariantCheck {
  const lagMax = offsetLagMaxOf(settings);
  const sources = remoteSources(ix, events);
  const syncs = syncsByPartition(events);
  const samples = eventsOf(events, 'sample');
  const found: InvariantFinding[] = [];
  const unknown = new Unknowns();
  let checked = 0;
  for (const p of lastPoints(points)) {
    if (lagMax === null) { unknown.add('no-offset-lag-max'); continue; }
    if (p.error === null || p.truth === null) { unknown.add('truth-unknown'); continue; }
    if (p.ts === null) { unknown.add('no-timestamp'); continue; }
    const source = sources.get(p.tp);
    const before = (source === undefined ? [] : syncs.get(source) ?? []).filter((s) => s.ts <= p.ts!);
    const newest = before.at(-1);
    if (!newest) { unknown.add('no-sync'); continue; }
    if (BigInt(p.upstream) < BigInt(newest.upstreamOffset)) { unknown.add('behind-head'); continue; }
    const truth = BigInt(p.truth);
    if (!samples.some((x) => x.t <= p.ts! && x.ends?.[source!] !== undefined && BigInt(x.ends[source!]![1]) >= truth)) { unknown.add('not-copied'); continue; }
    checked += 1;
    const redeliveries = Number(truth - BigInt(p.downstream));
    if (redeliveries > lagMax) {
      found.push({ tp: p.tp, upstream: p.upstream, downstream: p.downstream, truth: p.truth, redeliveries, sync: { upstream: newest.upstreamOffset, downstream: newest.downstreamOffset }, bound: lagMax });
    }
  }
  return verdictOf('redelivery-beyond-lag-max', checked, unknown.count, found, { why: unknown.why });
}

export const mm2InvariantsChecker: Checker<InvariantCheck[]> = {
  name: 'mm2-invariants',
  run: ({ ix, events, settings }) => [
    checkpointRewinds(ix.checkpoints), checkpointsWithinBackupEnd(ix, events),
    offsetSyncRewinds(ix, events), offsetSyncsPlaced(ix, events),
    redeliveriesWithinLagMax(ix, events, settings, translationAccuracy(ix, events).points),
  ],
};
