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
 *    is used and named (`bound`): `sample` — the first replication sample at or after the
 *    checkpoint's timestamp; `failover-end` — the backup's end at the failover (the checkpoints
 *    were read then, so every one was emitted before); `verify-end` — the end the final
 *    verification read read up to, the weakest. No bound: `unknown`.
 * Offset syncs are not recorded in the history (the drill does not read the offset-syncs topic),
 * so their monotonicity is not checked here.
 */
import type { HistoryIndex } from '../history/history-index.ts';
import { eventsOf, type EventOf, type HistoryEvent } from '../history/history.ts';
import { offsetsLabels } from '../history/offsets-labels.ts';
import { tpKey } from '../history/topic-partition.ts';
import type { Checker } from './checker.ts';
import { sourcesOfRemote } from './translation-accuracy.ts';

export type InvariantName = 'checkpoint-rewind' | 'checkpoint-beyond-backup-end';
export type EndBound = 'sample' | 'failover-end' | 'verify-end';

export interface InvariantFinding {
  group: string;
  /** Remote `topic/partition`. */
  tp: string;
  upstream: string;
  downstream: string;
  /** The previous checkpoint's offsets (a rewind) or the backup's end it exceeded, and which bound that end was. */
  previous?: { upstream: string; downstream: string };
  backupEnd?: { offset: string; bound: EndBound };
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
  findings: number;
  /** The first findings, at most 20. */
  samples: InvariantFinding[];
}

const SAMPLE = 20;

function verdictOf(name: InvariantName, checked: number, unknown: number, found: InvariantFinding[], bounds?: Partial<Record<EndBound, number>>): InvariantCheck {
  return {
    name, verdict: found.length ? 'broken' : checked ? 'holds' : 'unknown', checked, unknown,
    ...(bounds ? { bounds } : {}), findings: found.length, samples: found.slice(0, SAMPLE),
  };
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
    const s = samples.find((x) => x.t >= c.ts! && x.ends?.[source] !== undefined);
    if (s) return { offset: BigInt(s.ends![source]![1]), bound: 'sample' };
  }
  const f = failoverEnd.get(tp);
  if (f !== undefined) return { offset: f, bound: 'failover-end' };
  const v = verifyEnd.get(tp);
  return v === undefined ? null : { offset: v, bound: 'verify-end' };
}

export function checkpointsWithinBackupEnd(ix: HistoryIndex, events: readonly HistoryEvent[]): InvariantCheck {
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
  return verdictOf('checkpoint-beyond-backup-end', checked, unknown, found, bounds);
}

export const mm2InvariantsChecker: Checker<InvariantCheck[]> = {
  name: 'mm2-invariants',
  run: ({ ix, events }) => [checkpointRewinds(ix.checkpoints), checkpointsWithinBackupEnd(ix, events)],
};
