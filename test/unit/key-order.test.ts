import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keyOrder } from '../../src/core/checker/key-order.ts';
import { buildLedger } from '../../src/core/checker/ledger.ts';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { keyOrderFigures, keyOrderText } from '../../src/render/key-order-text.ts';

const cell = 'c#1';
let clock = 0;
const ev = (body: EventBody): HistoryEvent => ({ cell, t: ++clock, ...body }) as HistoryEvent;
const KEYS = 2;
const PARTITIONS = 2;
const REMOTE = 'primary.orders';
const id = (n: number) => `m${n}`;
/** Message n: key k(n mod 2) on partition (n mod 2), at offset floor(n / 2) there — as the keyed producer places it. */
const place = (n: number) => ({ partition: (n % KEYS) % PARTITIONS, offset: Math.floor(n / KEYS) });
const ack = (n: number, key = true) => ev({ type: 'ack', id: id(n), topic: 'orders', ...(key ? { key: `k${n % KEYS}` } : {}), partition: place(n).partition, offset: String(place(n).offset) });
const onPrimary = (n: number) => ev({ type: 'deliver', id: id(n), phase: 'primary', topic: 'orders', partition: place(n).partition, offset: String(place(n).offset), ts: 0 });
/** On the backup: MM2 kept the offsets (a remote topic of the same layout). */
const onBackup = (n: number) => ev({ type: 'deliver', id: id(n), phase: 'backup', topic: REMOTE, partition: place(n).partition, offset: String(place(n).offset), ts: 0 });
const kill = () => ev({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('order per key (key-order.ts)', () => {
  it('is null for a workload that is not keyed', () => {
    expect(keyOrder([...range(0, 4).map((n) => ack(n, false)), ...range(0, 4).map(onPrimary)])).toBeNull();
  });

  it('passes a failover whose resume point rewinds: the re-deliveries are rewound, not nonmonotonic', () => {
    // m0–m9 delivered on the primary; the backup resumes at m4 (re-delivers m4–m9) and goes on to m13.
    const h = [...range(0, 14).map((n) => ack(n)), ...range(0, 10).map(onPrimary), kill(), ...range(4, 14).map(onBackup)];
    const k = keyOrder(h)!;
    expect(k).toMatchObject({ keys: 2, unordered: 0, values: 14, nonmonotonic: 0, nonmonotonicAcrossFailover: 0, pollSkip: 0 });
    // m4–m7 are re-delivered after m8 / m9 of their key had been delivered; m8 and m9 are the newest of theirs when re-read.
    expect(k.rewound).toBe(4);
    expect(k.rewoundDeliveries).toBe(4);
    expect(k.samples.rewound.sort()).toEqual(['m4', 'm5', 'm6', 'm7']);
    // Every rewound value is a duplicate in the ledger, every rewound delivery a surplus one.
    const ledger = buildLedger(h);
    expect(ledger.counts.duplicated).toBeGreaterThanOrEqual(k.rewound);
    expect(ledger.counts.extraDeliveries).toBeGreaterThanOrEqual(k.rewoundDeliveries);
  });

  it('fails a value first delivered after a newer value of its key, within one cluster', () => {
    // Key k0: m0, m2, m4. The primary consumer delivers m4 before m2 (m2's first delivery is late).
    const h = [...range(0, 6).map((n) => ack(n)), ...[0, 1, 4, 3, 2, 5].map(onPrimary)];
    const k = keyOrder(h)!;
    expect(k.nonmonotonic).toBe(1);
    expect(k.samples.nonmonotonic).toEqual(['m2']);
    expect(k.nonmonotonicAcrossFailover).toBe(0);
    expect(k.pollSkip).toBe(0);
    expect(k.rewound).toBe(0);
  });

  it('fails a value first delivered on the backup below what the primary had delivered of its key: across the failover', () => {
    // The primary consumer delivered m0, m1, m4 (m2 not yet: say, a later poll); the backup then delivers m2 for the first time.
    const h = [...range(0, 6).map((n) => ack(n)), ...[0, 1, 4].map(onPrimary), kill(), ...[2, 3, 5].map(onBackup)];
    const k = keyOrder(h)!;
    expect(k.samples.nonmonotonic).toEqual(['m2']);
    expect(k.nonmonotonicAcrossFailover).toBe(1);
  });

  it('fails a value never delivered while a newer value of its key was (poll-skip), and not the unreached tail', () => {
    // m0–m5 on the primary; the backup resumes past m6 and m7 (a translation ahead), delivers m8, m9; m10–m11 never reached.
    const h = [...range(0, 12).map((n) => ack(n)), ...range(0, 6).map(onPrimary), kill(), ...[8, 9].map(onBackup)];
    const k = keyOrder(h)!;
    expect(k.pollSkip).toBe(2);
    expect(k.samples.pollSkip.sort()).toEqual(['m6', 'm7']);
    expect(k.nonmonotonic).toBe(0);
  });

  it('reads the deliveries in history order: back on the primary after the backup (a failback), an older value read again is a rewind', () => {
    // k0: m0, m2, m4, m6. Primary m0, m2; backup m4; home again on the primary, which resumes at m2: m2 again, then m6.
    const h = [...[0, 2, 4, 6].map((n) => ack(n)), ...[0, 2].map(onPrimary), kill(), onBackup(4), ...[2, 6].map(onPrimary)];
    expect(keyOrder(h)).toMatchObject({ nonmonotonic: 0, pollSkip: 0, rewound: 1, rewoundDeliveries: 1, samples: { rewound: ['m2'] } });
    // Grouped by cluster instead, m4 would look first delivered after m6: history order is the consumer's.
  });

  it('passes a key whose later values were never delivered at all (the tail is not skipped in order)', () => {
    const h = [...range(0, 8).map((n) => ack(n)), ...range(0, 4).map(onPrimary)];
    expect(keyOrder(h)).toMatchObject({ nonmonotonic: 0, pollSkip: 0 });
  });

  it('orders a value the producer wrote twice by the copy the consumer met first', () => {
    // k0 on partition 0: m0 at 0, m2 first written at 1 and (a retry) again at 3 — its ack says 3 — and m4 at 2.
    const h = [
      ev({ type: 'ack', id: 'm0', topic: 'orders', key: 'k0', partition: 0, offset: '0' }),
      ev({ type: 'ack', id: 'm4', topic: 'orders', key: 'k0', partition: 0, offset: '2' }),
      ev({ type: 'ack', id: 'm2', topic: 'orders', key: 'k0', partition: 0, offset: '3' }),
      ...[['m0', 0], ['m2', 1], ['m4', 2], ['m2', 3]].map(([i, o]) => ev({ type: 'deliver', id: String(i), phase: 'primary', topic: 'orders', partition: 0, offset: String(o), ts: 0 })),
    ];
    expect(keyOrder(h)).toMatchObject({ nonmonotonic: 0, pollSkip: 0, rewound: 1 });
  });

  it('does not judge a key whose values sit on two partitions (no order Kafka promises)', () => {
    const h = [
      ev({ type: 'ack', id: 'a', topic: 'orders', key: 'k0', partition: 0, offset: '0' }),
      ev({ type: 'ack', id: 'b', topic: 'orders', key: 'k0', partition: 1, offset: '0' }),
      ...['b', 'a'].map((i) => ev({ type: 'deliver', id: i, phase: 'primary', topic: 'orders', partition: i === 'a' ? 0 : 1, offset: '0', ts: 0 })),
    ];
    expect(keyOrder(h)).toMatchObject({ keys: 1, unordered: 1, values: 0, nonmonotonic: 0, pollSkip: 0 });
  });

  it('keeps a topic\'s keys apart from another topic\'s of the same name', () => {
    const h = [
      ev({ type: 'ack', id: 'a', topic: 'orders', key: 'k0', partition: 0, offset: '0' }),
      ev({ type: 'ack', id: 'b', topic: 'payments', key: 'k0', partition: 0, offset: '0' }),
      ev({ type: 'deliver', id: 'b', phase: 'primary', topic: 'payments', partition: 0, offset: '0', ts: 0 }),
    ];
    expect(keyOrder(h)).toMatchObject({ keys: 2, unordered: 0, pollSkip: 0 });
  });

  it('holds its relations to the ledger on any delivery order (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ n: fc.integer({ min: 0, max: 11 }), backup: fc.boolean() }), { maxLength: 40 }),
      (ds) => {
        const primary = ds.filter((d) => !d.backup).map((d) => onPrimary(d.n));
        const backup = ds.filter((d) => d.backup).map((d) => onBackup(d.n));
        const h = [...range(0, 12).map((n) => ack(n)), ...primary, kill(), ...backup];
        const k = keyOrder(h)!;
        const ledger = buildLedger(h);
        const delivered = new Set(ds.map((d) => id(d.n)));
        // A poll-skip is never delivered; a nonmonotonic value was; a rewound value was delivered twice or more.
        expect(k.samples.pollSkip.every((i) => !delivered.has(i))).toBe(true);
        expect(k.samples.nonmonotonic.every((i) => delivered.has(i))).toBe(true);
        expect(k.rewound).toBeLessThanOrEqual(ledger.counts.duplicated);
        expect(k.rewoundDeliveries).toBeLessThanOrEqual(ledger.counts.extraDeliveries);
        expect(k.nonmonotonicAcrossFailover).toBeLessThanOrEqual(k.nonmonotonic);
        expect(k.nonmonotonic + k.pollSkip).toBeLessThanOrEqual(k.values);
      },
    ));
  });

  it('is said in the terminal figures and in words', () => {
    const k = keyOrder([...range(0, 6).map((n) => ack(n)), ...[0, 1, 4, 3, 2, 5].map(onPrimary)])!;
    expect(keyOrderFigures(k)).toEqual([['nonmonotonic', '1'], ['poll-skip', '0']]);
    expect(keyOrderFigures(null)).toEqual([]);
    expect(keyOrderText(k)).toContain('1 nonmonotonic (e.g. m2)');
  });

  describe('at a failback: an order per key across clusters, by era then offset', () => {
    type Where = 'primary' | 'backup';
    /** One value of key k0 on `orders/0` of `cluster`, at `offset`. */
    const value = (i: string, cluster: Where, offset: number) => ev({ type: 'ack', id: i, topic: 'orders', key: 'k0', partition: 0, offset: String(offset), ...(cluster === 'backup' ? { cluster } : {}) });
    /** Where each value sits (on its own cluster, and copied at the same offset). */
    const offsets: Record<string, number> = { a0: 0, a1: 1, b0: 0, b1: 1, c0: 2, x0: 0 };
    const got = (i: string, phase: Where, topic = 'orders') => ev({ type: 'deliver', id: i, phase, topic, partition: 0, offset: String(offsets[i]), ts: 0 });
    /** a0 a1 on the primary, the kill, b0 b1 on the backup during the outage, then c0 on the primary after the failback. */
    const eras = () => [value('a0', 'primary', 0), value('a1', 'primary', 1), kill(), value('b0', 'backup', 0), value('b1', 'backup', 1), value('c0', 'primary', 2)];

    it('passes a failback that delivers each era after the one before', () => {
      const k = keyOrder([...eras(), got('a0', 'primary'), got('a1', 'primary'), got('b0', 'backup'), got('b1', 'backup'), got('c0', 'primary')])!;
      expect(k).toMatchObject({ keys: 1, unordered: 0, values: 5, resurrected: 0, nonmonotonic: 0, pollSkip: 0 });
      expect(keyOrderText(k)).not.toContain('older era');
    });

    it('an older era\'s value delivered after a newer era\'s is resurrected — first or again — and not nonmonotonic or rewound', () => {
      // Back on the primary the consumer re-reads a0 and meets a1 (the tail the outage hid) after b1.
      const k = keyOrder([...eras(), got('a0', 'primary'), got('b0', 'backup'), got('b1', 'backup'), got('a0', 'primary'), got('a1', 'primary'), got('c0', 'primary')])!;
      expect(k).toMatchObject({ resurrected: 2, resurrectedFirst: 1, resurrectedDeliveries: 2, nonmonotonic: 0, rewound: 0, pollSkip: 0 });
      expect(k.samples.resurrected).toEqual(['a0', 'a1']);
      expect(keyOrderFigures(k)).toContainEqual(['older era after newer', '2']);
      expect(keyOrderText(k)).toContain('2 values of an older era delivered after a newer era\'s (1 first delivered so (e.g. a0)): resurrected at the failback');
      // The outage's value re-read on the primary's remote topic after the primary's new one.
      const back = keyOrder([...eras(), got('a0', 'primary'), got('a1', 'primary'), got('b0', 'backup'), got('b1', 'backup'), got('c0', 'primary'), got('b1', 'primary', 'backup.orders')])!;
      expect(back).toMatchObject({ resurrected: 1, resurrectedFirst: 0, resurrectedDeliveries: 1, rewound: 0, samples: { resurrected: ['b1'] } });
    });

    it('within one era the classes stay as they were; a value never delivered below a newer era\'s is a poll-skip', () => {
      const k = keyOrder([...eras(), got('a0', 'primary'), got('b1', 'backup'), got('b0', 'backup'), got('c0', 'primary')])!;
      expect(k).toMatchObject({ resurrected: 0, nonmonotonic: 1, pollSkip: 1, samples: { nonmonotonic: ['b0'], pollSkip: ['a1'] } });
    });

    it('a reply recorded after the kill, before any step sent producers home, belongs to the era before the kill', () => {
      const home = (state: 'start' | 'end') => ev({ type: 'step', index: 3, label: 'home', action: 'move-producers', target: 'primary', state });
      const h = [value('a0', 'primary', 0), kill(), value('a1', 'primary', 1), value('b0', 'backup', 0), home('start'), home('end'), value('c0', 'primary', 2),
        got('a0', 'primary'), got('b0', 'backup'), got('a1', 'primary'), got('c0', 'primary')];
      expect(keyOrder(h)).toMatchObject({ unordered: 0, values: 4, resurrected: 1, resurrectedFirst: 1, samples: { resurrected: ['a1'] } });
    });

    it('does not judge keys whose eras\' producers wrote at once, or whose log disagrees with the eras', () => {
      // Producers on both clusters before any failover: before-kill and backup-local interleave.
      const both = [value('a0', 'primary', 0), value('x0', 'backup', 0), value('a1', 'primary', 1), got('x0', 'primary'), got('a0', 'primary')];
      expect(keyOrder(both)).toMatchObject({ keys: 1, unordered: 1, values: 0, resurrected: 0 });
      // After the failover the primary's value sits below one written before it (a recreated topic).
      const rewritten = [value('a0', 'primary', 5), kill(), value('c0', 'primary', 2)];
      expect(keyOrder(rewritten)).toMatchObject({ unordered: 1, resurrected: 0 });
    });
  });
});
