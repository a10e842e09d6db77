/**
 * MM2's restarts (a timeline's `restart` fault, once or as a bounce loop): what each one cost.
 *
 * Specification, per `mirror-restart` event of the history:
 *  - `downMs`: the stop signal → the fresh start of the container.
 *  - `resumeMs`: the stop signal → the first backup end offset seen beyond the ends read just after
 *    the start, i.e. MM2 copying again; `unknown` when the harness saw none before the next restart,
 *    the kill or the cell's end.
 *  - `duplicates`: the acked ids whose copies on the backup straddle this restart — one copy below
 *    the remote partition's end read at the restart and the next copy at or beyond it. MM2 resumes
 *    from the source offsets it last committed (every `offset.flush.interval.ms`, and on a clean
 *    stop: WorkerSourceTask commits on shutdown), so what it copied after that commit is copied
 *    again by the new process. A SIGKILL loses up to one flush interval; a clean stop only records
 *    still unacknowledged by the backup when it committed. Each re-copy counts at the restart it
 *    straddles: an id copied three times (re-copied, then killed again before the new process's
 *    first offset flush) counts at both restarts, so the restarts' counts can sum to more than the
 *    cell's `replicationDuplicates`, which counts ids.
 * `unattributed` counts the replication duplicates no restart explains (both copies on the same
 * side of every restart, or on different partitions): a duplicate from something else, such as a
 * producer retry of MM2. Duplicate counts are `unknown` when the backup was not read completely.
 *
 * Restarts also rebuild MM2's offset-sync store from the offset-syncs topic (KAFKA-14666,
 * KAFKA-15905): a failover soon after one may translate worse; that shows in `translation`.
 */
import { eventsOf } from '../history/history.ts';
import type { HistoryIndex, Located } from '../history/history-index.ts';
import { tpKey } from '../history/topic-partition.ts';
import type { Count } from './ledger.ts';
import type { Checker } from './checker.ts';

export interface MirrorRestart {
  /** The timeline step and the restart's 1-based number within it. */
  step: number;
  restart: number;
  mode: 'kill' | 'clean';
  /** The stop signal, ms from the cell start. */
  atMs: number;
  downMs: number;
  resumeMs: number | 'unknown';
  duplicates: Count;
}

export interface MirrorRestarts {
  restarts: MirrorRestart[];
  /** Replication duplicates no restart explains. */
  unattributed: Count;
}

interface Boundary {
  index: number;
  end: ReadonlyMap<string, bigint>;
}

/** The restart a re-copy belongs to: the first whose end on the partition lies in (first copy, re-copy]. */
function straddled(boundaries: readonly Boundary[], tp: string, before: bigint, after: bigint): number | undefined {
  return boundaries.find((b) => {
    const end = b.end.get(tp);
    return end !== undefined && before < end && end <= after;
  })?.index;
}

/** Which restart each replication duplicate belongs to (by index), and how many belong to none. */
export function attributeRestartDuplicates(ix: HistoryIndex, ends: readonly ReadonlyMap<string, bigint>[]): { perRestart: number[]; unattributed: number } {
  const boundaries = ends.map((end, index) => ({ index, end }));
  const perRestart = ends.map(() => new Set<string>());
  let unattributed = 0;
  for (const [id, copies] of ix.backupCopies) {
    if (copies.length < 2 || !ix.acked.has(id)) continue;
    const sorted = [...copies].sort((a: Located, b: Located) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
    const tps = new Set(sorted.map((c) => tpKey(c.topic, c.partition)));
    const hits = tps.size === 1
      ? sorted.slice(1).map((c, i) => straddled(boundaries, tpKey(c.topic, c.partition), sorted[i]!.offset, c.offset))
      : [undefined];
    if (hits.some((h) => h === undefined)) unattributed += 1;
    for (const h of hits) if (h !== undefined) perRestart[h]!.add(id);
  }
  return { perRestart: perRestart.map((s) => s.size), unattributed };
}

export function mirrorRestartsOf(events: Parameters<typeof eventsOf>[0], ix: HistoryIndex, cellStart: number): MirrorRestarts | null {
  const restarts = eventsOf(events, 'mirror-restart').sort((a, b) => a.stoppedAt - b.stoppedAt);
  if (!restarts.length) return null;
  const ends = restarts.map((r) => new Map(Object.entries(r.backupEnd).map(([tp, o]) => [tp, BigInt(o)])));
  const { perRestart, unattributed } = attributeRestartDuplicates(ix, ends);
  const known = ix.backupReadComplete;
  return {
    restarts: restarts.map((r, i) => ({
      step: r.step,
      restart: r.restart,
      mode: r.mode,
      atMs: r.stoppedAt - cellStart,
      downMs: r.startedAt - r.stoppedAt,
      resumeMs: r.resumedAt === null ? 'unknown' : r.resumedAt - r.stoppedAt,
      duplicates: known ? perRestart[i]! : 'unknown',
    })),
    unattributed: known ? unattributed : 'unknown',
  };
}

export const mirrorRestartsChecker: Checker<MirrorRestarts | null> = {
  name: 'mirror-restarts',
  run: ({ events, ix, cellStart }) => mirrorRestartsOf(events, ix, cellStart),
};
