/**
 * The ledger: exact per-message accounting of one drill cell, from its history alone.
 *
 * Messages are matched by id (never by offset), so prefixed (`primary.orders`) and identity
 * (`orders`) remote topics are treated alike. Produce outcomes follow Jepsen: `ack` (the broker
 * acknowledged), `fail` (a definite error: not written), `indeterminate` (timeout or a dead
 * connection: it may or may not have been written).
 *
 * Every ACKED id falls in exactly one consumer class:
 *  - lost:         never delivered to the consumer in either phase, and absent from the backup — the data is gone;
 *  - skipped:      never delivered to the consumer, but present on the backup — the failover resumed past it;
 *  - exactlyOnce:  delivered exactly once across both phases;
 *  - duplicated:   delivered two or more times across both phases (`extraDeliveries` counts the surplus).
 * Invariant: lost + skipped + exactlyOnce + duplicated = acked. A mismatch is a harness bug.
 *
 * Beside the classes, the replication view:
 *  - notReplicated:          acked but absent from the backup, whether or not the consumer saw it (the RPO);
 *  - replicationDuplicates:  ids found at several backup offsets (MM2 is at-least-once), and the surplus copies.
 * Indeterminate ids are never counted lost or skipped; the ledger reports how many of them appeared.
 *
 * Honesty: when the backup was not read completely, `lost`, `skipped` and `notReplicated` are
 * 'unknown' (absence cannot be proven); when the drain did not reach the backup's end,
 * `skipped` is 'unknown' too (the consumer may simply not have got there).
 */
import { type ConsumerPhase, type HistoryEvent } from './history.ts';

export type Count = number | 'unknown';

export interface LedgerCounts {
  acked: number;
  failed: number;
  indeterminate: number;
  lost: Count;
  skipped: Count;
  exactlyOnce: number;
  duplicated: number;
  extraDeliveries: number;
  notReplicated: Count;
  replicationDuplicates: number;
  replicationExtraCopies: number;
  /** Indeterminate ids that were nevertheless delivered or found on the backup. */
  indeterminateAppeared: number;
  /** Deliveries whose id this run never produced (must be 0; otherwise the harness or topic is dirty). */
  foreignDeliveries: number;
  deliveredPrimary: number;
  deliveredBackup: number;
}

export interface LedgerSamples {
  lost: string[];
  skipped: string[];
  duplicated: string[];
  notReplicated: string[];
}

export interface PartitionCounts {
  acked: number;
  lost: number;
  skipped: number;
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
  invariant: { holds: boolean; detail: string };
  backupReadComplete: boolean;
  drainComplete: boolean;
}

const SAMPLE = 20;

const increment = (m: Map<string, number>, id: string) => m.set(id, (m.get(id) ?? 0) + 1);

export function buildLedger(events: readonly HistoryEvent[]): Ledger {
  const acked = new Map<string, string>(); // id → topic/partition
  const failed = new Set<string>();
  const indeterminate = new Set<string>();
  const deliveries = new Map<string, number>();
  const byPhase: Record<ConsumerPhase, number> = { primary: 0, backup: 0 };
  const backupCopies = new Map<string, number>();
  let killAt: number | null = null;
  let firstBackupDelivery: number | null = null;
  let backupReadComplete = false;
  let drainComplete = false;

  for (const e of events) {
    switch (e.type) {
      case 'ack': acked.set(e.id, `${e.topic}/${e.partition}`); break;
      case 'fail': failed.add(e.id); break;
      case 'indeterminate': indeterminate.add(e.id); break;
      case 'deliver':
        increment(deliveries, e.id);
        byPhase[e.phase] += 1;
        if (e.phase === 'backup' && firstBackupDelivery === null) firstBackupDelivery = e.t;
        break;
      case 'backup-record': increment(backupCopies, e.id); break;
      case 'kill': killAt ??= e.t; break;
      case 'read-complete':
        if (e.what === 'backup') backupReadComplete = e.complete;
        else drainComplete = e.complete;
        break;
      default: break;
    }
  }

  const lost: string[] = [];
  const skipped: string[] = [];
  const duplicated: string[] = [];
  const notReplicated: string[] = [];
  let exactlyOnce = 0;
  let extraDeliveries = 0;
  const partitions: Record<string, PartitionCounts> = {};
  for (const [id, tp] of acked) {
    const n = deliveries.get(id) ?? 0;
    const onBackup = backupCopies.has(id);
    const p = (partitions[tp] ??= { acked: 0, lost: 0, skipped: 0, exactlyOnce: 0, duplicated: 0 });
    p.acked += 1;
    if (!onBackup) notReplicated.push(id);
    if (n === 0) {
      (onBackup ? skipped : lost).push(id);
      p[onBackup ? 'skipped' : 'lost'] += 1;
    } else if (n === 1) {
      exactlyOnce += 1;
      p.exactlyOnce += 1;
    } else {
      duplicated.push(id);
      p.duplicated += 1;
      extraDeliveries += n - 1;
    }
  }

  const produced = (id: string) => acked.has(id) || failed.has(id) || indeterminate.has(id);
  let foreignDeliveries = 0;
  for (const [id, n] of deliveries) if (!produced(id)) foreignDeliveries += n;
  let indeterminateAppeared = 0;
  for (const id of indeterminate) if (deliveries.has(id) || backupCopies.has(id)) indeterminateAppeared += 1;
  let replicationDuplicates = 0;
  let replicationExtraCopies = 0;
  for (const [id, n] of backupCopies) {
    if (n > 1 && acked.has(id)) {
      replicationDuplicates += 1;
      replicationExtraCopies += n - 1;
    }
  }

  // The classes partition the acked ids by construction; what can break is the history itself
  // (an id recorded both acked and failed/indeterminate means the producer adapter is wrong).
  const sum = lost.length + skipped.length + exactlyOnce + duplicated.length;
  const contradictory = [...acked.keys()].filter((id) => failed.has(id) || indeterminate.has(id));
  const holds = sum === acked.size && contradictory.length === 0;
  const unknownUnless = (known: boolean, n: number): Count => (known ? n : 'unknown');

  return {
    counts: {
      acked: acked.size,
      failed: failed.size,
      indeterminate: indeterminate.size,
      lost: unknownUnless(backupReadComplete, lost.length),
      skipped: unknownUnless(backupReadComplete && drainComplete, skipped.length),
      exactlyOnce,
      duplicated: duplicated.length,
      extraDeliveries,
      notReplicated: unknownUnless(backupReadComplete, notReplicated.length),
      replicationDuplicates,
      replicationExtraCopies,
      indeterminateAppeared,
      foreignDeliveries,
      deliveredPrimary: byPhase.primary,
      deliveredBackup: byPhase.backup,
    },
    partitions,
    samples: {
      lost: lost.slice(0, SAMPLE),
      skipped: skipped.slice(0, SAMPLE),
      duplicated: duplicated.slice(0, SAMPLE),
      notReplicated: notReplicated.slice(0, SAMPLE),
    },
    failoverGapMs: killAt !== null && firstBackupDelivery !== null ? firstBackupDelivery - killAt : null,
    invariant: {
      holds,
      detail:
        `lost ${lost.length} + skipped ${skipped.length} + exactly once ${exactlyOnce} + duplicated ${duplicated.length} = ${sum}, acked ${acked.size}` +
        (contradictory.length ? `; ${contradictory.length} ids both acked and failed/indeterminate (e.g. ${contradictory[0]})` : ''),
    },
    backupReadComplete,
    drainComplete,
  };
}
