/**
 * Order per key across the failover: of a keyed workload (`workload.keys: N`), whether the test
 * consumer saw each key's values in the order the primary's log holds them — within one cluster
 * and across the move to the backup. Kafka orders records per partition only; a key is kept on
 * one partition (the producer partitions by key, as the default partitioner does), so a key's
 * values have a total order, and an application that keeps per-key state (last write wins)
 * depends on it. This docblock is the specification (the ledger's classes: ledger.ts).
 *
 * Definitions, in Jepsen's manner (its Kafka queue checker's `nonmonotonic-poll` and
 * `poll-skip`, here over message ids because offsets differ between the clusters):
 *  - A *key* is a source topic with a key (`orders/k3`). Its *values* are the ACKED ids the `ack`
 *    events give that key; failed and indeterminate ids have no known place and are left out.
 *  - A value's *era* is the producer's cluster period it was acked in (round-trip.ts `eraClock`):
 *    `before-kill` (on the primary before the failover), `backup-local` (on the backup before
 *    it), `outage` (on the backup after it), `after-failback` (on the primary after it), in that
 *    order. A classic drill has one era; a failback playbook three, one after the other (a move
 *    of the producers stops them on one cluster before they start on the other).
 *  - The *version order* of a key is by era, then, within an era, the log order of its values
 *    where they were acked: by offset on the acked partition, lowered to the lowest offset the
 *    primary consumer received the id at there (a non-idempotent retry can write an id twice,
 *    and the earlier copy is where a reader meets it first). A key has no order when, within one
 *    era, its values sit on more than one partition or cluster (a topic grown or recreated), when
 *    on one partition a later era's value sits below an earlier era's in the log, or when two of
 *    its eras' producers wrote at the same time — the acks of an earlier era (all
 *    the drill's acks of it, keyed or not) do not all precede those of the later one (producers
 *    on both clusters at once: active-active, a `start-producers` step): such a key is
 *    `unordered` and not judged.
 *  - The *delivery sequence* is every `deliver` event of the test consumer in history order, the
 *    order the consumer processed them: the primary's, then the backup's after the failover (the
 *    primary consumer stops before the kill; a playbook's moves follow one another likewise). A
 *    value's *first delivery* is the first time it reached the application; any later one is a
 *    *re-delivery* (at-least-once).
 *
 * Classes (each counts values — ids — with up to 20 sample ids). A delivery is judged against
 * the newest value of its key delivered before it: when that one is of a later era, the delivery
 * is `resurrected`; when of the same era, `nonmonotonic` or `rewound` below.
 *  - resurrected: a value delivered — first or again — after a value of its key from a LATER era
 *    had been delivered: an older era's value coming back from the other cluster at a failback
 *    (the restored primary's tail the outage hid, a re-read of the primary's topic after the
 *    outage's values, the outage's values re-read on the primary after its own new ones). An
 *    application keeping the last value per key goes back an era. `resurrectedFirst`: those whose
 *    FIRST delivery it was (even an idempotent consumer applies them out of order);
 *    `resurrectedDeliveries`: the deliveries.
 *  - nonmonotonic: a value whose FIRST delivery came after a later value of the same key (and
 *    era) had already been delivered. Judged over first deliveries on purpose: re-reading older values
 *    after a rebalance or a failover's resume point (the at-least-once rewind the ledger counts
 *    as duplicates) replays values the application has already applied, which it can recognise by
 *    id; a value first seen after a newer one is applied out of order even by an idempotent
 *    consumer. `nonmonotonicAcrossFailover`: those first delivered on the backup below the newest
 *    value the primary consumer had delivered (the rest happened within one cluster).
 *  - rewound: re-deliveries of a value after a later value of the same key had been delivered —
 *    the expected rewind, not an anomaly; counted (`rewoundDeliveries`, deliveries; `rewound`,
 *    values) so that it can be held against the ledger: every rewound delivery is a surplus
 *    delivery (`extraDeliveries`), every rewound value is `duplicated`.
 *  - pollSkip: a value never delivered while a later value of the same key was delivered (lost in
 *    order: the consumer moved past it). Each one is also lost or skipped in the ledger, unless the
 *    backup's copies are out of the source's order.
 *
 * (round-trip.ts's `resurrected` is another figure: ids the outage hid, found on the restored
 * primary, whether delivered in order or not.)
 *
 * Null when the workload is not keyed (no `ack` carries a key).
 */
import { eachOf, type EventOf, type HistoryEvents } from '../history/history.ts';
import type { Checker } from './checker.ts';
import { eraClock, eras, type Era } from './round-trip.ts';

export interface KeyOrder {
  /** Keys with acked values, `unordered` ones included. */
  keys: number;
  /** Keys not judged: within one era their values sit on more than one partition or cluster, or two of their eras' producers wrote at once. */
  unordered: number;
  /** Acked values of the judged keys. */
  values: number;
  nonmonotonic: number;
  nonmonotonicAcrossFailover: number;
  pollSkip: number;
  /** Values re-delivered after a later value of their key (expected at-least-once rewinds). */
  rewound: number;
  rewoundDeliveries: number;
  /** Values delivered after a value of their key from a later era (an older era coming back at a failback); absent in older results. */
  resurrected?: number;
  resurrectedFirst?: number;
  resurrectedDeliveries?: number;
  samples: { nonmonotonic: string[]; pollSkip: string[]; rewound: string[]; resurrected?: string[] };
}

const SAMPLE = 20;

interface Value { id: string; where: string; offset: bigint; era: number }

/** Whether each later era's acks all came after each earlier one's (index pairs i < j of `eras`). */
function erasApart(spans: ReadonlyMap<number, { first: number; last: number }>): (i: number, j: number) => boolean {
  return (i, j) => {
    const [a, b] = [spans.get(Math.min(i, j)), spans.get(Math.max(i, j))];
    return !a || !b || a.last < b.first;
  };
}

export function keyOrder(events: HistoryEvents): KeyOrder | null {
  const { eraOf } = eraClock(events);
  const eraIndex = (e: Era) => eras.indexOf(e);
  const byKey = new Map<string, Value[]>();
  const keyOf = new Map<string, string>();
  const valueOf = new Map<string, Value>();
  const spans = new Map<number, { first: number; last: number }>();
  for (const e of events) {
    if (e.type !== 'ack') continue;
    const era = eraIndex(eraOf(e));
    const span = spans.get(era);
    spans.set(era, { first: Math.min(span?.first ?? e.t, e.t), last: Math.max(span?.last ?? e.t, e.t) });
    if (e.key === undefined) continue;
    const k = `${e.topic}/${e.key}`;
    const list = byKey.get(k) ?? [];
    const v = { id: e.id, where: `${e.cluster ?? 'primary'}:${e.topic}/${e.partition}`, offset: BigInt(e.offset), era };
    list.push(v);
    byKey.set(k, list);
    valueOf.set(e.id, v);
    keyOf.set(e.id, k);
  }
  if (byKey.size === 0) return null;
  const apart = erasApart(spans);
  const deliveries: EventOf<'deliver'>[] = [];
  for (const e of eachOf(events, 'deliver')) if (keyOf.has(e.id)) deliveries.push(e);
  // An earlier copy the primary consumer met places the value there (a producer's retry wrote it twice).
  const metAt = new Map<string, bigint>();
  for (const d of deliveries) {
    if (d.phase !== 'primary') continue;
    const v = valueOf.get(d.id)!;
    if (v.where === `primary:${d.topic}/${d.partition}` && BigInt(d.offset) < (metAt.get(d.id) ?? v.offset)) metAt.set(d.id, BigInt(d.offset));
  }
  const rank = new Map<string, number>();
  let unordered = 0;
  let values = 0;
  for (const [, vs] of byKey) {
    const keyEras = [...new Set(vs.map((v) => v.era))];
    const oneWherePerEra = keyEras.every((era) => new Set(vs.filter((v) => v.era === era).map((v) => v.where)).size === 1);
    const pos = (v: Value) => metAt.get(v.id) ?? v.offset;
    // On one partition, a later era's values follow an earlier era's in the log too.
    const logAgrees = vs.every((a) => vs.every((b) => a.where !== b.where || a.era >= b.era || pos(a) < pos(b)));
    if (!oneWherePerEra || !logAgrees || keyEras.some((i) => keyEras.some((j) => i < j && !apart(i, j)))) { unordered += 1; continue; }
    values += vs.length;
    [...vs].sort((a, b) => a.era - b.era || (pos(a) < pos(b) ? -1 : pos(a) > pos(b) ? 1 : 0)).forEach((v, i) => rank.set(v.id, i));
  }

  const newest = new Map<string, { rank: number; era: number }>(); // key → the newest value delivered so far
  const newestOnPrimary = new Map<string, number>();
  const delivered = new Set<string>();
  const ids = { nonmonotonic: [] as string[], pollSkip: [] as string[], rewound: new Set<string>(), resurrected: new Set<string>() };
  let across = 0;
  let rewoundDeliveries = 0;
  let resurrectedFirst = 0;
  let resurrectedDeliveries = 0;
  for (const d of deliveries) {
    const r = rank.get(d.id);
    if (r === undefined) continue;
    const k = keyOf.get(d.id)!;
    const top = newest.get(k) ?? { rank: -1, era: -1 };
    const first = !delivered.has(d.id);
    delivered.add(d.id);
    if (r < top.rank && top.era > valueOf.get(d.id)!.era) {
      resurrectedDeliveries += 1;
      ids.resurrected.add(d.id);
      if (first) resurrectedFirst += 1;
    } else if (first) {
      if (r < top.rank) {
        ids.nonmonotonic.push(d.id);
        if (d.phase === 'backup' && r < (newestOnPrimary.get(k) ?? -1)) across += 1;
      }
    } else if (r < top.rank) {
      rewoundDeliveries += 1;
      ids.rewound.add(d.id);
    }
    if (r > top.rank) newest.set(k, { rank: r, era: valueOf.get(d.id)!.era });
    if (d.phase === 'primary' && r > (newestOnPrimary.get(k) ?? -1)) newestOnPrimary.set(k, r);
  }
  for (const [k, vs] of byKey) {
    const top = newest.get(k);
    if (top === undefined) continue;
    for (const v of vs) if (rank.has(v.id) && rank.get(v.id)! < top.rank && !delivered.has(v.id)) ids.pollSkip.push(v.id);
  }
  return {
    keys: byKey.size,
    unordered,
    values,
    nonmonotonic: ids.nonmonotonic.length,
    nonmonotonicAcrossFailover: across,
    pollSkip: ids.pollSkip.length,
    rewound: ids.rewound.size,
    rewoundDeliveries,
    resurrected: ids.resurrected.size,
    resurrectedFirst,
    resurrectedDeliveries,
    samples: { nonmonotonic: ids.nonmonotonic.slice(0, SAMPLE), pollSkip: ids.pollSkip.slice(0, SAMPLE), rewound: [...ids.rewound].slice(0, SAMPLE), resurrected: [...ids.resurrected].slice(0, SAMPLE) },
  };
}

export const keyOrderChecker: Checker<KeyOrder | null> = { name: 'key-order', run: ({ events }) => keyOrder(events) };
