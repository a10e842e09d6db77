/**
 * Consistency checks: cross-checks between independent records of the same drill, each of
 * which can fail. The ledger's classes partition the acked ids by construction, so "the classes
 * add up" proves nothing; these compare what different parts of the harness recorded:
 *
 *  - outcomes-exclusive:          no id is both acked and failed/indeterminate (the producer adapter);
 *  - deliveries-counted:          each consumer's own delivery count equals its `deliver` events
 *                                 (the recorder lost nothing);
 *  - primary-offsets-match-acks:  every primary delivery of an acked id is at the offset its ack
 *                                 reported, or is the earlier copy of an id the producer wrote
 *                                 twice (the producer's offset bookkeeping);
 *  - backup-reads-agree:          the consumer and the verification reader found the same id at
 *                                 every backup offset both read (two independent reads of one log);
 *  - backup-deliveries-in-range:  every backup delivery lies in [resume offset, verified end);
 *  - deliveries-contiguous:       on every partition, every record between where the consumer
 *                                 started and its final position was delivered (no hidden gap);
 *  - resume-at-chosen-offsets:    the failed-over consumer started each partition exactly at the
 *                                 offset the failover strategy chose (unless it was past the
 *                                 backup's end: then auto.offset.reset decides, as in Kafka).
 *
 * Verdicts are three-valued: a check that lacks its inputs (e.g. an incomplete backup read) is
 * `unknown`, never `pass`. A `fail` is a harness (or client) bug and fails the cell.
 */
import { traitsOf } from '../scenario/failover-strategy.ts';
import type { EventOf } from '../history/history.ts';
import type { HistoryIndex } from '../history/history-index.ts';
import { RecordSet } from '../history/id-columns.ts';
import { offsetsLabels } from '../history/offsets-labels.ts';
import { recordKey, tpKey } from '../history/topic-partition.ts';
import type { Verdict } from './verdict.ts';

export interface ConsistencyCheck {
  name: string;
  verdict: Verdict;
  detail: string;
}

export interface Consistency {
  /** No check failed (`unknown` does not fail the cell: it is reported as not proven). */
  holds: boolean;
  checks: ConsistencyCheck[];
}

type Deliver = EventOf<'deliver'>;
const where = (d: Deliver) => recordKey(d.topic, d.partition, d.offset);
/** A check from its problems: `fail` with the first few of them, else `pass` saying what was checked. */
export const fromList = (name: string, problems: readonly string[], ok: string): ConsistencyCheck =>
  problems.length
    ? { name, verdict: 'fail', detail: `${problems.length} problem(s), e.g. ${problems.slice(0, 3).join('; ')}` }
    : { name, verdict: 'pass', detail: ok };

export function outcomesExclusive(ix: HistoryIndex): ConsistencyCheck {
  const both: string[] = [];
  for (const id of ix.acked.keys()) if (ix.failed.has(id) || ix.indeterminate.has(id)) both.push(id);
  return fromList('outcomes-exclusive', both.map((id) => `${id} both acked and failed/indeterminate`), `${ix.acked.size} acked ids, none also failed or indeterminate`);
}

function deliveriesCounted(ix: HistoryIndex): ConsistencyCheck {
  const phases = (['primary', 'backup'] as const).filter((p) => ix.positions[p] !== null || ix.delivered[p].length > 0);
  const missing = phases.filter((p) => ix.positions[p] === null);
  if (missing.length) return { name: 'deliveries-counted', verdict: 'unknown', detail: `no final report of the ${missing.join(' and ')} consumer` };
  const off = phases.filter((p) => ix.positions[p]!.delivered !== ix.delivered[p].length)
    .map((p) => `${p}: the consumer counted ${ix.positions[p]!.delivered}, the history holds ${ix.delivered[p].length}`);
  return fromList('deliveries-counted', off, phases.map((p) => `${p} ${ix.delivered[p].length}`).join(', ') || 'no deliveries');
}

/**
 * Every primary delivery is at its id's acked offset — or the id was written twice: its acked
 * offset was delivered with it too, and the other copy is the producer's (a retry the broker did
 * not deduplicate; seen once with kafkajs's idempotent producer when a primary broker was killed
 * mid-batch). The consumer may also have stopped between the two copies (the kill): a delivery
 * before the acked offset on its partition, at an offset no other acked id holds, when the
 * consumer delivered nothing there from the acked offset on, is that first copy. A delivery
 * that fits neither is a harness bug.
 */
function primaryOffsetsMatchAcks(ix: HistoryIndex): ConsistencyCheck {
  // Records as typed-array sets (core/history/id-columns.ts), not a key string a message.
  const ackedAt = new RecordSet();
  for (const a of ix.acked.values()) ackedAt.add(tpKey(a.topic, a.partition), a.offset);
  const furthest = new Map<string, bigint>();
  for (const d of ix.delivered.primary) {
    const tp = tpKey(d.topic, d.partition);
    if (!furthest.has(tp) || BigInt(d.offset) > furthest.get(tp)!) furthest.set(tp, BigInt(d.offset));
  }
  const ackedWhere = (d: Deliver) => {
    const a = ix.acked.get(d.id);
    return a && { a, at: recordKey(a.topic, a.partition, a.offset) };
  };
  // The deliveries elsewhere than their acked record are few: only their ids' records are gathered.
  const elsewhere = ix.delivered.primary.filter((d) => {
    const acked = ackedWhere(d);
    return acked !== undefined && acked.at !== where(d);
  });
  const ids = new Set(elsewhere.map((d) => d.id));
  const seenAt = new Set(ix.delivered.primary.filter((d) => ids.has(d.id)).map((d) => `${d.id}@${where(d)}`));
  const twice = new Set<string>();
  const off = elsewhere.flatMap((d) => {
    const { a, at: acked } = ackedWhere(d)!;
    const firstCopy = a.topic === d.topic && a.partition === d.partition && BigInt(d.offset) < a.offset
      && !ackedAt.has(tpKey(d.topic, d.partition), d.offset) && furthest.get(tpKey(d.topic, d.partition))! < a.offset;
    if (seenAt.has(`${d.id}@${acked}`) || firstCopy) {
      twice.add(d.id);
      return [];
    }
    return [`${d.id} delivered at ${where(d)}, acked at ${acked}`];
  });
  if (off.length && ix.idempotent === false) {
    return { name: 'primary-offsets-match-acks', verdict: 'unknown', detail: `${off.length} deliveries at another offset than their ack: a non-idempotent producer's retries write an id twice` };
  }
  const written = twice.size ? `; ${twice.size} id(s) also at a second offset, written twice by the producer (e.g. ${[...twice][0]})` : '';
  return fromList('primary-offsets-match-acks', off, `${ix.delivered.primary.length} primary deliveries at their acked offsets${written}`);
}

function backupReadsAgree(ix: HistoryIndex): ConsistencyCheck {
  let compared = 0;
  const off = ix.delivered.backup.flatMap((d) => {
    const read = ix.backupAt.get(where(d));
    if (read === undefined) return [];
    compared += 1;
    return read === d.id ? [] : [`${where(d)}: the consumer got ${d.id}, the verification read ${read}`];
  });
  if (!off.length && compared < ix.delivered.backup.length && !ix.backupReadComplete) {
    return { name: 'backup-reads-agree', verdict: 'unknown', detail: `the backup read was incomplete: ${compared} of ${ix.delivered.backup.length} deliveries compared` };
  }
  return fromList('backup-reads-agree', off, `${compared} backup deliveries compared with the verification read`);
}

function backupDeliveriesInRange(ix: HistoryIndex): ConsistencyCheck {
  if (ix.delivered.backup.length === 0) return { name: 'backup-deliveries-in-range', verdict: 'pass', detail: 'no backup deliveries' };
  const end = ix.offsets(offsetsLabels.verifyEnd, 'backup');
  if (end.size === 0) return { name: 'backup-deliveries-in-range', verdict: 'unknown', detail: 'the verified end offsets were not recorded' };
  const off = ix.delivered.backup.flatMap((d) => {
    const tp = tpKey(d.topic, d.partition);
    const o = BigInt(d.offset);
    const low = ix.chosen?.outOfRange.has(tp) ? 0n : (ix.chosen?.offsets.get(tp) ?? 0n);
    const high = end.get(tp);
    return high === undefined || o < low || o >= high ? [`${where(d)} outside [${low}, ${high ?? '?'})`] : [];
  });
  return fromList('backup-deliveries-in-range', off, `${ix.delivered.backup.length} backup deliveries within [resume offset, verified end)`);
}

/** Offsets of `records` on each partition, for the records that exist in the log. */
function gaps(delivered: Iterable<Deliver>, exists: Iterable<[string, bigint]>, positions: ReadonlyMap<string, bigint>): string[] {
  const got = new RecordSet();
  const start = new Map<string, bigint>();
  for (const d of delivered) {
    const tp = tpKey(d.topic, d.partition);
    const o = BigInt(d.offset);
    got.add(tp, d.offset);
    if (!start.has(tp) || o < start.get(tp)!) start.set(tp, o);
  }
  const out: string[] = [];
  for (const [tp, o] of exists) {
    const from = start.get(tp);
    const to = positions.get(tp);
    if (from !== undefined && to !== undefined && o >= from && o < to && !got.has(tp, o)) out.push(`${tp}@${o} never delivered, between ${from} and the final position ${to}`);
  }
  return out;
}

/** Each acked record as `[topic/partition, offset]`, read from the index as it is iterated. */
function* ackedRecords(ix: HistoryIndex): Generator<[string, bigint], undefined> {
  for (const a of ix.acked.values()) yield [tpKey(a.topic, a.partition), a.offset];
  return undefined;
}

/** Each record the verification read found on the backup as `[topic/partition, offset]`. */
function* backupRecords(ix: HistoryIndex): Generator<[string, bigint], undefined> {
  for (const k of ix.backupAt.keys()) {
    const at = k.lastIndexOf('@');
    yield [k.slice(0, at), BigInt(k.slice(at + 1))];
  }
  return undefined;
}

function deliveriesContiguous(ix: HistoryIndex, finalPositions: ReadonlyMap<string, bigint>): ConsistencyCheck {
  const name = 'deliveries-contiguous';
  const primaryPositions = new Map(Object.entries(ix.positions.primary?.offsets ?? {}).map(([tp, o]) => [tp, BigInt(o)]));
  const problems = gaps(ix.delivered.primary, ackedRecords(ix), primaryPositions);
  if (ix.delivered.backup.length) {
    if (!ix.backupReadComplete) return { name, verdict: 'unknown', detail: 'the backup read was incomplete' };
    problems.push(...gaps(ix.delivered.backup, backupRecords(ix), finalPositions));
  }
  return fromList(name, problems, 'every record between each partition\'s first delivery and the final position was delivered');
}

function resumeAtChosenOffsets(ix: HistoryIndex): ConsistencyCheck {
  const name = 'resume-at-chosen-offsets';
  if (!ix.chosen) return { name, verdict: 'pass', detail: 'no failover' };
  const first = ix.firstBackupOffsets;
  const off: string[] = [];
  const late: string[] = [];
  const reset = [...ix.chosen.outOfRange];
  const synced = traitsOf(ix.chosen.strategy)?.syncedGroup ?? false;
  for (const [tp, chosen] of ix.chosen.offsets) {
    const f = first.get(tp);
    // Past the backup's end, Kafka resets the consumer by auto.offset.reset: it starts elsewhere on purpose.
    if (f === undefined || f === chosen || ix.chosen.outOfRange.has(tp)) continue;
    // MM2 keeps syncing an idle group (KIP-545): where the consumer resumes as the synced group
    // (mm2-sync) it may have written a newer offset between the harness reading it and the consumer joining.
    if (synced && f > chosen) late.push(`${tp} started at ${f}, read ${chosen}`);
    else off.push(`${tp} started at ${f}, chosen ${chosen}`);
  }
  if (off.length === 0 && late.length) return { name, verdict: 'unknown', detail: `MM2 may have synced a newer offset after it was read: ${late.join('; ')}` };
  const resetText = reset.length ? `; ${reset.join(', ')} chosen past the backup's end: reset by auto.offset.reset` : '';
  return fromList(name, off, `every partition started at the ${ix.chosen.strategy} strategy's offset${resetText}`);
}

export function checkConsistency(ix: HistoryIndex, finalPositions: ReadonlyMap<string, bigint>): Consistency {
  const checks = [
    outcomesExclusive(ix), deliveriesCounted(ix), primaryOffsetsMatchAcks(ix), backupReadsAgree(ix),
    backupDeliveriesInRange(ix), deliveriesContiguous(ix, finalPositions), resumeAtChosenOffsets(ix),
  ];
  return { holds: checks.every((c) => c.verdict !== 'fail'), checks };
}
