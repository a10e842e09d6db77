/**
 * Why each failover duplicate and skip happened, in messages, from offsets the drill records.
 * This docblock defines every cause; docs/ledger.md shows them on a worked example.
 *
 * For a partition, let (all source offsets on the primary, "next offset" convention):
 *   C = the primary consumer's last successful commit before the kill;
 *   R = the offset the failed-over consumer resumed from on the backup (its first delivery there);
 *   U = the upstream offset of the newest checkpoint that translates to R (MM2 emits checkpoints
 *       `(group, partition, upstream U, downstream R)` to `<source>.checkpoints.internal`, KIP-382;
 *       translation uses the newest offset sync at or below U and adds 1 unless exact, KAFKA-12468).
 *
 * Each id the failover duplicated (`duplicatedByFailover`; not the producer's own duplicates), at source
 * offset o, has exactly one cause:
 *   commit-lag          o ≥ C: processed but not yet committed at the kill (the consumer's commit interval);
 *   sync-lag            U ≤ o < C: committed after the newest checkpoint MM2 synced to the resume
 *                       offset (emit.checkpoints.interval.seconds, sync.group.offsets.interval.seconds, MM2 lag);
 *   translation-slack   o < U: between the checkpoint's upstream offset and where the translated
 *                       offset really points (offset.lag.max and the offset flush, KAFKA-15906;
 *                       a sparse sync history for lagging groups, KAFKA-14666);
 *   sync-or-translation o < C when no checkpoint translating to R was read: one of the two, split
 *                       unknown — so while it counts anything, sync-lag and translation-slack are
 *                       'unknown' (never 0: some of its messages may be theirs);
 *   copy-lag            raw-copy only, o < C: committed after the offsets were copied (the copy's age);
 *   timestamp-margin    timestamp only: delivered within the seek's margin before the last processed message;
 *   resumed-at-earliest earliest only: everything is read again;
 *   copied-after-lookup latest only: MM2 wrote the record to the backup after the strategy looked
 *                       up the end offsets it resumed from (MM2's delivery lag: a failover without
 *                       delay, latency on MM2's link), though the primary consumer had processed it;
 *   offset-reset        the strategy had no offset for the partition, or one past the backup's
 *                       end at the failover (OFFSET_OUT_OF_RANGE): auto.offset.reset applied.
 *
 * Each skipped id (never delivered, passed on the backup) has one cause:
 *   translation-ahead   mm2-sync / checkpoints: the translated offset was past an id the group had
 *                       not committed (o ≥ C) — what conservative translation should prevent;
 *   committed-unseen    the group committed past it on the primary without the consumer delivering it;
 *   untranslated-offset raw-copy: the copied offset number pointed past it on the backup;
 *   timestamp-ahead     timestamp: the seek by time landed after it;
 *   resumed-at-latest   latest: everything not yet processed at the kill;
 *   offset-reset        no offset for the partition (or one past the backup's end) and auto.offset.reset=latest.
 *   consumer-gap        inside the range the consumer read (a client or harness fault; see consistency).
 * The parts add up to the totals by construction (one cause per id); an id that fits no rule is
 * `unexplained`, which must stay 0.
 */
import { finalPositions, lowestCopy, producerDuplicates, type HistoryIndex, type Located } from '../history/history-index.ts';
import { tpKey } from '../history/topic-partition.ts';
import type { Cause } from '../scenario/failover-causes.ts';
import { traitsOf } from '../scenario/failover-strategy.ts';

export { causes, type Cause } from '../scenario/failover-causes.ts';

export interface Part {
  cause: Cause;
  /** 'unknown': the split that would count it is unknown (see sync-or-translation). */
  messages: number | 'unknown';
  /** The expected bound's prediction for this cause (null: the model predicts none). */
  expectedMax: number | null;
}

export interface Attribution {
  strategy: string;
  duplicates: { total: number; parts: Part[] };
  /** Skips: 'unknown' when the ledger's `skipped` is unknown. */
  skips: { total: number | 'unknown'; parts: Part[] };
  /** Per source `topic/partition`: messages per cause. */
  partitions: Record<string, { duplicates: Partial<Record<Cause, number>>; skips: Partial<Record<Cause, number>> }>;
}

interface Context {
  readonly ix: HistoryIndex;
  readonly strategy: string;
  /** Remote topic/partition → where the consumer resumed. */
  readonly resumed: ReadonlyMap<string, bigint>;
  readonly checkpointsByRemote: ReadonlyMap<string, readonly { upstream: bigint; downstream: bigint }[]>;
}


/** U: the upstream offset of the newest checkpoint of the group whose downstream offset is R. */
function upstreamFor(ctx: Context, remote: string, resume: bigint): bigint | undefined {
  const list = ctx.checkpointsByRemote.get(remote) ?? [];
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.downstream === resume) return list[i]!.upstream;
  return undefined;
}

function duplicateCause(ctx: Context, source: Located, remote: string): Cause {
  const resume = ctx.resumed.get(remote);
  if (resume === undefined || !ctx.ix.chosen?.offsets.has(remote) || ctx.ix.chosen.outOfRange.has(remote)) return 'offset-reset';
  // Each strategy's rule is its entry in the strategy table; a recorded name no entry has is unexplained.
  const rule = traitsOf(ctx.strategy)?.duplicateCause;
  if (!rule) return 'unexplained';
  return rule({ offset: source.offset, lastCommit: ctx.ix.lastCommit.get(tpKey(source.topic, source.partition)), upstream: () => upstreamFor(ctx, remote, resume) });
}

function skipCause(ctx: Context, source: Located, copy: Located): Cause {
  const remote = tpKey(copy.topic, copy.partition);
  const resume = ctx.resumed.get(remote);
  if (resume !== undefined && copy.offset >= resume) return 'consumer-gap';
  if (!ctx.ix.chosen?.offsets.has(remote) || ctx.ix.chosen.outOfRange.has(remote)) return 'offset-reset';
  const c = ctx.ix.lastCommit.get(tpKey(source.topic, source.partition));
  if (c !== undefined && source.offset < c) return 'committed-unseen';
  return traitsOf(ctx.strategy)?.skipCause ?? 'unexplained';
}

function context(ix: HistoryIndex): Context | null {
  if (!ix.chosen) return null;
  // The first delivery is where the consumer really resumed (it can differ from the choice:
  // see consistency's resume-at-chosen-offsets).
  const resumed = new Map([...ix.chosen.offsets, ...ix.firstBackupOffsets]);
  const checkpointsByRemote = new Map<string, { upstream: bigint; downstream: bigint }[]>();
  for (const c of ix.checkpoints) {
    if (c.group !== ix.groupId) continue;
    const tp = tpKey(c.topic, c.partition);
    checkpointsByRemote.set(tp, [...(checkpointsByRemote.get(tp) ?? []), { upstream: BigInt(c.upstreamOffset), downstream: BigInt(c.downstreamOffset) }]);
  }
  return { ix, strategy: ix.chosen.strategy, resumed, checkpointsByRemote };
}

/**
 * Attributes the failover's duplicates and skips of a cell (null without a failover).
 * `expected` gives the expected bound's prediction per cause, when the model has one.
 */
export function attribute(ix: HistoryIndex, expected: Partial<Record<Cause, number>> = {}, skippedKnown = true): Attribution | null {
  const ctx = context(ix);
  if (!ctx) return null;
  const positions = finalPositions(ix);
  const dup = new Map<Cause, number>();
  const skip = new Map<Cause, number>();
  const partitions: Attribution['partitions'] = {};
  const bump = (m: Map<Cause, number>, which: 'duplicates' | 'skips', tp: string, cause: Cause) => {
    m.set(cause, (m.get(cause) ?? 0) + 1);
    const p = (partitions[tp] ??= { duplicates: {}, skips: {} });
    p[which][cause] = (p[which][cause] ?? 0) + 1;
  };
  const firstBackup = new Map<string, string>();
  for (const d of ix.delivered.backup) if (!firstBackup.has(d.id)) firstBackup.set(d.id, tpKey(d.topic, d.partition));
  const written = producerDuplicates(ix);
  for (const [id, source] of ix.acked) {
    const d = ix.deliveries.get(id);
    const tp = tpKey(source.topic, source.partition);
    if (d && d.primary >= 1 && d.backup >= 1 && !written.has(id)) bump(dup, 'duplicates', tp, duplicateCause(ctx, source, firstBackup.get(id)!));
    if (!d) {
      const copies = ix.backupCopies.get(id);
      if (!copies?.length) continue;
      const copy = lowestCopy(copies);
      const pos = positions.get(tpKey(copy.topic, copy.partition));
      if (pos !== undefined && pos > copy.offset) bump(skip, 'skips', tp, skipCause(ctx, source, copy));
    }
  }
  // Without the checkpoint for the resume offset, sync lag and translation slack cannot be told apart.
  const unsplit = new Set<Cause>((dup.get('sync-or-translation') ?? 0) > 0 ? ['sync-lag', 'translation-slack'] : []);
  const parts = (m: Map<Cause, number>, unknown = new Set<Cause>()): Part[] =>
    [...m].map(([cause, messages]) => ({ cause, messages: unknown.has(cause) ? 'unknown' : messages, expectedMax: expected[cause] ?? null }));
  const sum = (m: Map<Cause, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const total = sum(dup);
  // Causes the model predicts are listed even when nothing fell in them (0 of ≤ N is a finding).
  for (const cause of Object.keys(expected) as Cause[]) if (!dup.has(cause)) dup.set(cause, 0);
  return {
    strategy: ctx.strategy,
    duplicates: { total, parts: parts(dup, unsplit) },
    skips: { total: skippedKnown ? sum(skip) : 'unknown', parts: skippedKnown ? parts(skip) : [] },
    partitions,
  };
}
