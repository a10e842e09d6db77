/**
 * The history index keeps the per-message events in typed-array columns (core/history/id-columns.ts):
 * whatever the ids and offsets, it must read exactly as Maps built from the same events — the
 * index as it was, one object per id — in the same order, or the ledger's figures would move.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { indexHistory, type DeliveryCounts, type Located } from '../../src/core/history/history-index.ts';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import { recordKey } from '../../src/core/history/topic-partition.ts';

/** The index's per-message maps as plain Maps, by the rules the index states. */
function plainMaps(events: readonly HistoryEvent[]) {
  const acked = new Map<string, Located>();
  const deliveries = new Map<string, DeliveryCounts>();
  const backupCopies = new Map<string, Located[]>();
  const backupAt = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'ack') acked.set(e.id, { topic: e.topic, partition: e.partition, offset: BigInt(e.offset) });
    if (e.type === 'deliver') {
      const d = deliveries.get(e.id) ?? { primary: 0, backup: 0 };
      d[e.phase] += 1;
      deliveries.set(e.id, d);
    }
    if (e.type === 'backup-record' && !backupAt.has(recordKey(e.topic, e.partition, e.offset))) {
      backupAt.set(recordKey(e.topic, e.partition, e.offset), e.id);
      backupCopies.set(e.id, [...(backupCopies.get(e.id) ?? []), { topic: e.topic, partition: e.partition, offset: BigInt(e.offset) }]);
    }
  }
  return { acked, deliveries, backupCopies, backupAt };
}

// Ids of every form: dense per producer, with a sequence far past the others, with leading zeros,
// with no sequence at all; offsets beyond 2^53 and in a form that is not a number's own.
const idArb = fc.oneof(
  fc.nat({ max: 40 }).map((n) => `run-1-${n}`),
  fc.nat({ max: 40 }).map((n) => `run-2-${n}`),
  fc.constantFrom('run-1-99999999999999', 'run-1-007', 'foreign', 'x-0', '0', '', '123456789012345678'),
);
const offsetArb = fc.oneof(fc.nat({ max: 30 }).map(String), fc.constantFrom('9007199254740993', '18446744073709551615', '007', '-1'));
const placeArb = fc.record({ topic: fc.constantFrom('orders', 'primary.orders', 'a/b'), partition: fc.nat({ max: 3 }), offset: offsetArb });
const eventArb = fc.oneof(
  fc.tuple(idArb, placeArb).map(([id, p]) => ({ type: 'ack' as const, id, ...p })),
  fc.tuple(idArb, placeArb, fc.constantFrom('primary' as const, 'backup' as const)).map(([id, p, phase]) => ({ type: 'deliver' as const, id, phase, ts: 0, ...p })),
  fc.tuple(idArb, placeArb).map(([id, p]) => ({ type: 'backup-record' as const, id, ...p })),
);

describe('the history index in columns', () => {
  it('reads as Maps of the same events: the same entries, values and order, and the same answers for ids it never saw', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 300 }), fc.array(idArb, { maxLength: 20 }), (bodies, probes) => {
        const events = bodies.map((b, i) => ({ cell: 'c#1', t: i, ...b }) as HistoryEvent);
        const ix = indexHistory(events);
        const plain = plainMaps(events);
        expect([...ix.acked]).toEqual([...plain.acked]);
        expect([...ix.deliveries]).toEqual([...plain.deliveries]);
        expect([...ix.backupCopies]).toEqual([...plain.backupCopies]);
        expect([...ix.backupAt]).toEqual([...plain.backupAt]);
        expect([ix.acked.size, ix.deliveries.size, ix.backupCopies.size, ix.backupAt.size]).toEqual([plain.acked.size, plain.deliveries.size, plain.backupCopies.size, plain.backupAt.size]);
        for (const id of probes) {
          expect([ix.acked.get(id), ix.deliveries.get(id), ix.backupCopies.get(id)]).toEqual([plain.acked.get(id), plain.deliveries.get(id), plain.backupCopies.get(id)]);
          expect([ix.acked.has(id), ix.deliveries.has(id), ix.backupCopies.has(id)]).toEqual([plain.acked.has(id), plain.deliveries.has(id), plain.backupCopies.has(id)]);
        }
        for (const e of events) {
          if (e.type === 'ack' || e.type === 'deliver' || e.type === 'backup-record') {
            for (const key of [recordKey(e.topic, e.partition, e.offset), recordKey(e.topic, e.partition + 1, e.offset), `${e.topic}@${e.offset}`]) {
              expect(ix.backupAt.get(key)).toBe(plain.backupAt.get(key));
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('holds tens of thousands of dense ids exactly, acked out of order, copied twice and read twice', () => {
    const n = 20_000;
    const events: HistoryEvent[] = [];
    for (let i = 0; i < n; i++) events.push({ cell: 'c#1', t: i, type: 'ack', id: `20261207T081503Z-1afd57-1-${(i * 7919) % n}`, topic: 'orders', partition: i % 7, offset: String(i) });
    for (let i = 0; i < n; i++) {
      // Each offset on 7 partitions: records differ by their partition alone.
      const copy = { cell: 'c#1', t: n + i, type: 'backup-record', id: `20261207T081503Z-1afd57-1-${i}`, topic: 'primary.orders', partition: i % 7, offset: String(Math.floor(i / 7)) } as const;
      events.push(copy);
      if (i % 1000 === 0) events.push({ ...copy, offset: String(n + Math.floor(i / 7)) }, copy);
    }
    const ix = indexHistory(events);
    const plain = plainMaps(events);
    // As text: a deep comparison of this many entries takes the test runner minutes.
    const text = (m: ReadonlyMap<string, unknown>) => JSON.stringify([...m], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    expect(ix.acked.size).toBe(n);
    expect(text(ix.acked)).toBe(text(plain.acked));
    expect(text(ix.backupCopies)).toBe(text(plain.backupCopies));
    expect(text(ix.backupAt)).toBe(text(plain.backupAt));
  });
});
