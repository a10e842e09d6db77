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
 *  - The *version order* of a key is the log order of its values on the primary: by offset on the
 *    acked partition, lowered to the lowest offset the primary consumer received the id at there
 *    (a non-idempotent retry can write an id twice, and the earlier copy is where a reader meets
 *    it first). A key whose values sit on more than one partition or cluster (a topic grown or
 *    recreated, a playbook's producers moved) has no order Kafka promises: it is `unordered` and
 *    not judged.
 *  - The *delivery sequence* is every `deliver` event of the test consumer in history order, the
 *    order the consumer processed them: the primary's, then the backup's after the failover (the
 *    primary consumer stops before the kill; a playbook's moves follow one another likewise). A
 *    value's *first delivery* is the first time it reached the application; any later one is a
 *    *re-delivery* (at-least-once).
 *
 * Classes (each counts values — ids — with up to 20 sample ids):
 *  - nonmonotonic: a value whose FIRST delivery came after a later value of the same key had
 *    already been delivered. Judged over first deliveries on purpose: re-reading older values
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
 * Not checked: `resurrected` (a value delivered at a failback after a newer one) — a playbook's
 * round trip has its own ledger (round-trip.ts); its producers write to two clusters, whose keys
 * are `unordered` here.
 *
 * Null when the workload is not keyed (no `ack` carries a key).
 */
import type { HistoryEvent } from '../history/history.ts';
import type { Checker } from './checker.ts';

export interface KeyOrder {
  /** Keys with acked values, `unordered` ones included. */
  keys: number;
  /** Keys not judged: their values sit on more than one partition or cluster. */
  unordered: number;
  /** Acked values of the judged keys. */
  values: number;
  nonmonotonic: number;
  nonmonotonicAcrossFailover: number;
  pollSkip: number;
  /** Values re-delivered after a later value of their key (expected at-least-once rewinds). */
  rewound: number;
  rewoundDeliveries: number;
  samples: { nonmonotonic: string[]; pollSkip: string[]; rewound: string[] };
}

const SAMPLE = 20;

interface Value { id: string; where: string; offset: bigint }

export function keyOrder(events: readonly HistoryEvent[]): KeyOrder | null {
  const byKey = new Map<string, Value[]>();
  const keyOf = new Map<string, string>();
  const valueOf = new Map<string, Value>();
  for (const e of events) {
    if (e.type !== 'ack' || e.key === undefined) continue;
    const k = `${e.topic}/${e.key}`;
    const list = byKey.get(k) ?? [];
    const v = { id: e.id, where: `${e.cluster ?? 'primary'}:${e.topic}/${e.partition}`, offset: BigInt(e.offset) };
    list.push(v);
    byKey.set(k, list);
    valueOf.set(e.id, v);
    keyOf.set(e.id, k);
  }
  if (byKey.size === 0) return null;
  const deliveries = events.filter((e): e is Extract<HistoryEvent, { type: 'deliver' }> => e.type === 'deliver' && keyOf.has(e.id));
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
    if (new Set(vs.map((v) => v.where)).size > 1) { unordered += 1; continue; }
    values += vs.length;
    const pos = (v: Value) => metAt.get(v.id) ?? v.offset;
    [...vs].sort((a, b) => (pos(a) < pos(b) ? -1 : pos(a) > pos(b) ? 1 : 0)).forEach((v, i) => rank.set(v.id, i));
  }

  const newest = new Map<string, number>(); // key → highest rank delivered so far
  const newestOnPrimary = new Map<string, number>();
  const delivered = new Set<string>();
  const ids = { nonmonotonic: [] as string[], pollSkip: [] as string[], rewound: new Set<string>() };
  let across = 0;
  let rewoundDeliveries = 0;
  for (const d of deliveries) {
    const r = rank.get(d.id);
    if (r === undefined) continue;
    const k = keyOf.get(d.id)!;
    const top = newest.get(k) ?? -1;
    if (!delivered.has(d.id)) {
      delivered.add(d.id);
      if (r < top) {
        ids.nonmonotonic.push(d.id);
        if (d.phase === 'backup' && r < (newestOnPrimary.get(k) ?? -1)) across += 1;
      }
    } else if (r < top) {
      rewoundDeliveries += 1;
      ids.rewound.add(d.id);
    }
    if (r > top) newest.set(k, r);
    if (d.phase === 'primary' && r > (newestOnPrimary.get(k) ?? -1)) newestOnPrimary.set(k, r);
  }
  for (const [k, vs] of byKey) {
    const top = newest.get(k);
    if (top === undefined) continue;
    for (const v of vs) if (rank.has(v.id) && rank.get(v.id)! < top && !delivered.has(v.id)) ids.pollSkip.push(v.id);
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
    samples: { nonmonotonic: ids.nonmonotonic.slice(0, SAMPLE), pollSkip: ids.pollSkip.slice(0, SAMPLE), rewound: [...ids.rewound].slice(0, SAMPLE) },
  };
}

export const keyOrderChecker: Checker<KeyOrder | null> = { name: 'key-order', run: ({ events }) => keyOrder(events) };
