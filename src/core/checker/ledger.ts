/**
 * The ledger: exact per-message accounting of one drill cell, from its history alone. This
 * docblock is the specification of every class; docs/ledger.md explains it with examples.
 *
 * Messages are matched by id (never by offset), so prefixed (`primary.orders`) and identity
 * (`orders`) remote topics are treated alike. Produce outcomes follow Jepsen: `ack` (the broker
 * acknowledged), `fail` (a definite error: not written), `indeterminate` (timeout or a dead
 * connection: it may or may not have been written).
 *
 * The consumer's *final log* is the backup's remote topic after a failover (the primary's topic
 * in a drill without a kill); its *final position* on a partition is where it stood when it
 * stopped (history-index.ts `finalPositions`). An id *was passed* when the final position on the
 * partition holding it is beyond its offset there (its lowest offset, if it has several copies).
 *
 * Every ACKED id falls in exactly one consumer class:
 *  - lost:        never delivered; after a failover, absent from the backup (the data is gone);
 *                 without a failover, passed on the primary and absent from the backup;
 *  - skipped:     never delivered, present in the final log, and passed: the consumer resumed
 *                 or moved past it;
 *  - unreached:   never delivered, present in the final log, and NOT passed: it arrived after
 *                 (or beyond where) the consumer stopped — for example MM2 slowed by a fault and
 *                 healed after the drain. Never counted lost or skipped;
 *  - exactlyOnce: delivered exactly once across both phases;
 *  - duplicated:  delivered two or more times across both phases (`extraDeliveries` counts the
 *                 surplus), split by when the re-delivery happened (an id may be in several):
 *      - duplicatedBeforeKill:    delivered twice or more on the primary (consumer rebalances);
 *      - duplicatedByFailover:    delivered on the primary and again on the backup, a record the
 *                                 consumer had processed on the primary processed again (the
 *                                 failover's resume point was behind what the consumer had processed);
 *      - duplicatedByProducer:    delivered on the primary and on the backup, but never the same
 *                                 record twice: the producer wrote the id more than once (a
 *                                 non-idempotent retry) and the backup delivered a copy the primary
 *                                 consumer never processed — nothing was rewound (history-index.ts
 *                                 `producerDuplicates`);
 *      - duplicatedAfterFailover: delivered twice or more on the backup (rebalances there).
 * The expected bound and the attribution look only at `duplicatedByFailover`.
 *
 * Beside the classes, the replication view:
 *  - notReplicated:          acked but absent from the backup, whether or not the consumer saw it (the RPO);
 *  - expiredBeforeCopy:      of those, the ids whose primary offset lay below the primary's log
 *                            start at some replication sample (`sample` events' `starts`): the
 *                            primary's retention deleted them before MM2 copied them. MM2's next
 *                            fetch there was OFFSET_OUT_OF_RANGE and its source consumer reset by
 *                            auto.offset.reset (MM2 sets earliest): a silent gap in the backup. The
 *                            cause holds wherever the id lands among the consumer classes (lost at a
 *                            failover, or delivered on the primary). 'unknown' when the backup was
 *                            not read completely, when a partition holding a not-replicated id never
 *                            had its log start sampled, or when the backup's own retention deleted
 *                            from its remote partition (its log start passed 0): then a missing id
 *                            may have been copied and expired there;
 *  - replicationDuplicates:  ids at several distinct backup offsets (MM2 is at-least-once), and
 *                            `replicationExtraCopies` the surplus offsets. A record read twice
 *                            by the verification reader is one offset, not a duplicate.
 * Producer outcomes: `indeterminateAppeared` and `failedAppeared` count indeterminate and failed
 * ids that were nevertheless delivered or found on the backup. Neither is ever lost or skipped.
 *
 * Order per key (a keyed workload, `workload.keys: N`): `nonmonotonic` (a value first delivered
 * after a later value of its key), `pollSkip` (a value never delivered while a later value of its
 * key was: each one lost or skipped here) and the expected `rewound` re-deliveries (each one a
 * duplicate here) are defined in key-order.ts.
 *
 * Honesty: when the backup was not read completely, `lost`, `skipped`, `unreached` and
 * `notReplicated` — per cell, per partition and their sample ids — are 'unknown' (absence
 * cannot be proven). When the consumer's final position on a partition is unknown, `skipped`
 * and `unreached` are 'unknown'. The drain's completeness does not change a count: what the
 * consumer did not get to is `unreached`, by definition.
 */
import type { HistoryEvents } from '../history/history.ts';
import { finalPositions, indexHistory, lowestCopy, producerDuplicates, type HistoryIndex, type Located } from '../history/history-index.ts';
import type { Checker } from './checker.ts';
import { checkConsistency, type Consistency } from './consistency.ts';
import { tpKey } from '../history/topic-partition.ts';

export type Count = number | 'unknown';
export type Sample = string[] | 'unknown';

export interface LedgerCounts {
  acked: number;
  failed: number;
  indeterminate: number;
  lost: Count;
  skipped: Count;
  unreached: Count;
  exactlyOnce: number;
  duplicated: number;
  extraDeliveries: number;
  duplicatedBeforeKill: number;
  duplicatedByFailover: number;
  /** Absent from a round trip's counts (round-trip.ts), which do not split producer duplicates out. */
  duplicatedByProducer?: number;
  duplicatedAfterFailover: number;
  notReplicated: Count;
  /** Absent from a round trip's counts (round-trip.ts), which have no replication samples. */
  expiredBeforeCopy?: Count;
  replicationDuplicates: number;
  replicationExtraCopies: number;
  indeterminateAppeared: number;
  failedAppeared: number;
  /** Deliveries whose id this run never produced (must be 0; otherwise the harness or topic is dirty). */
  foreignDeliveries: number;
  deliveredPrimary: number;
  deliveredBackup: number;
}

export interface LedgerSamples {
  lost: Sample;
  skipped: Sample;
  unreached: Sample;
  duplicated: string[];
  notReplicated: Sample;
  expiredBeforeCopy?: Sample;
}

export interface PartitionCounts {
  acked: number;
  lost: Count;
  skipped: Count;
  unreached: Count;
  exactlyOnce: number;
  duplicated: number;
}

export interface Ledger {
  counts: LedgerCounts;
  /** The consumer classes per source `topic/partition` of the acked messages. */
  partitions: Record<string, PartitionCounts>;
  samples: LedgerSamples;
  /** The failover gap: kill → first delivery on the backup, in ms; null if either is missing. */
  failoverGapMs: number | null;
  consistency: Consistency;
  backupReadComplete: boolean;
  drainComplete: boolean;
}

const SAMPLE = 20;

type Unplaced = 'unplaced';
type NeverDelivered = 'lost' | 'skipped' | 'unreached' | Unplaced;

/** The class of an acked id the consumer never got, by the rules of the docblock. */
function classifyUndelivered(ix: HistoryIndex, positions: ReadonlyMap<string, bigint>, acked: Located, copies: readonly Located[] | undefined): NeverDelivered {
  if (ix.killAt !== null) {
    if (!copies?.length) return 'lost';
    const first = lowestCopy(copies);
    const pos = positions.get(tpKey(first.topic, first.partition));
    if (pos === undefined) return 'unplaced';
    return pos > first.offset ? 'skipped' : 'unreached';
  }
  const pos = positions.get(tpKey(acked.topic, acked.partition));
  if (pos === undefined) return 'unplaced';
  if (pos <= acked.offset) return 'unreached';
  return copies?.length ? 'skipped' : 'lost';
}

export const buildLedger = (events: HistoryEvents): Ledger => ledgerOf(indexHistory(events));

/** The classic ledger of a cell with one failover (a playbook's figures come from its round trip instead). */
export const ledgerChecker: Checker<Ledger> = { name: 'ledger', run: ({ ix }) => ledgerOf(ix) };

export function ledgerOf(ix: HistoryIndex): Ledger {
  const positions = finalPositions(ix);
  const ids: Record<NeverDelivered | 'duplicated' | 'notReplicated' | 'expiredBeforeCopy', string[]> = { lost: [], skipped: [], unreached: [], unplaced: [], duplicated: [], notReplicated: [], expiredBeforeCopy: [] };
  let expiryKnown = true;
  const dup = { beforeKill: 0, byFailover: 0, byProducer: 0, afterFailover: 0 };
  const written = producerDuplicates(ix);
  let exactlyOnce = 0;
  let extraDeliveries = 0;
  const partitions: Record<string, Record<'acked' | 'exactlyOnce' | 'duplicated' | NeverDelivered, number>> = {};
  for (const [id, at] of ix.acked) {
    const d = ix.deliveries.get(id);
    const n = d ? d.primary + d.backup : 0;
    const copies = ix.backupCopies.get(id);
    const tp = tpKey(at.topic, at.partition);
    const p = (partitions[tp] ??= { acked: 0, lost: 0, skipped: 0, unreached: 0, unplaced: 0, exactlyOnce: 0, duplicated: 0 });
    p.acked += 1;
    if (!copies) {
      ids.notReplicated.push(id);
      const starts = ix.logStarts.get(tp);
      if (!starts || starts.backup > 0n) expiryKnown = false;
      else if (at.offset < starts.primary) ids.expiredBeforeCopy.push(id);
    }
    if (!d || n === 0) {
      const c = classifyUndelivered(ix, positions, at, copies);
      ids[c].push(id);
      p[c] += 1;
    } else if (n === 1) {
      exactlyOnce += 1;
      p.exactlyOnce += 1;
    } else {
      ids.duplicated.push(id);
      p.duplicated += 1;
      extraDeliveries += n - 1;
      if (d.primary >= 2) dup.beforeKill += 1;
      if (written.has(id)) dup.byProducer += 1;
      else if (d.primary >= 1 && d.backup >= 1) dup.byFailover += 1;
      if (d.backup >= 2) dup.afterFailover += 1;
    }
  }

  const produced = (id: string) => ix.acked.has(id) || ix.failed.has(id) || ix.indeterminate.has(id);
  const appeared = (id: string) => ix.deliveries.has(id) || ix.backupCopies.has(id);
  let foreignDeliveries = 0;
  for (const [id, d] of ix.deliveries) if (!produced(id)) foreignDeliveries += d.primary + d.backup;
  let replicationDuplicates = 0;
  let replicationExtraCopies = 0;
  for (const [id, copies] of ix.backupCopies) {
    if (copies.length > 1 && ix.acked.has(id)) {
      replicationDuplicates += 1;
      replicationExtraCopies += copies.length - 1;
    }
  }

  const read = ix.backupReadComplete;
  const placed = read && ids.unplaced.length === 0;
  const count = (known: boolean, n: number): Count => (known ? n : 'unknown');
  const sample = (known: boolean, list: readonly string[]): Sample => (known ? list.slice(0, SAMPLE) : 'unknown');
  const perPartition = Object.fromEntries(
    Object.entries(partitions).map(([tp, p]) => {
      const partPlaced = read && p.unplaced === 0;
      return [tp, { acked: p.acked, lost: count(read, p.lost), skipped: count(partPlaced, p.skipped), unreached: count(partPlaced, p.unreached), exactlyOnce: p.exactlyOnce, duplicated: p.duplicated }];
    }),
  );

  return {
    counts: {
      acked: ix.acked.size,
      failed: ix.failed.size,
      indeterminate: ix.indeterminate.size,
      lost: count(read, ids.lost.length),
      skipped: count(placed, ids.skipped.length),
      unreached: count(placed, ids.unreached.length),
      exactlyOnce,
      duplicated: ids.duplicated.length,
      extraDeliveries,
      duplicatedBeforeKill: dup.beforeKill,
      duplicatedByFailover: dup.byFailover,
      duplicatedByProducer: dup.byProducer,
      duplicatedAfterFailover: dup.afterFailover,
      notReplicated: count(read, ids.notReplicated.length),
      expiredBeforeCopy: count(read && expiryKnown, ids.expiredBeforeCopy.length),
      replicationDuplicates,
      replicationExtraCopies,
      indeterminateAppeared: [...ix.indeterminate].filter(appeared).length,
      failedAppeared: [...ix.failed].filter(appeared).length,
      foreignDeliveries,
      deliveredPrimary: ix.delivered.primary.length,
      deliveredBackup: ix.delivered.backup.length,
    },
    partitions: perPartition,
    samples: {
      lost: sample(read, ids.lost),
      skipped: sample(placed, ids.skipped),
      unreached: sample(placed, ids.unreached),
      duplicated: ids.duplicated.slice(0, SAMPLE),
      notReplicated: sample(read, ids.notReplicated),
      expiredBeforeCopy: sample(read && expiryKnown, ids.expiredBeforeCopy),
    },
    failoverGapMs: ix.killAt !== null && ix.firstBackupDelivery !== null ? ix.firstBackupDelivery - ix.killAt : null,
    consistency: checkConsistency(ix, positions),
    backupReadComplete: read,
    drainComplete: ix.drainComplete,
  };
}
