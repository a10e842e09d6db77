import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildLedger } from '../../src/core/ledger.ts';
import type { EventBody, HistoryEvent } from '../../src/core/history.ts';

const cell = 'c#1';
let clock = 0;
const ev = (body: EventBody): HistoryEvent => ({ cell, t: ++clock, ...body }) as HistoryEvent;
const ack = (id: string, partition = 0) => ev({ type: 'ack', id, topic: 'orders', partition, offset: '0' });
const deliver = (id: string, phase: 'primary' | 'backup' = 'primary') => ev({ type: 'deliver', id, phase, topic: 'orders', partition: 0, offset: '0', ts: 0 });
const onBackup = (id: string) => ev({ type: 'backup-record', id, topic: 'primary.orders', partition: 0, offset: '0' });
const complete = [
  ev({ type: 'read-complete', what: 'drain', complete: true, detail: '' }),
  ev({ type: 'read-complete', what: 'backup', complete: true, detail: '' }),
];

describe('ledger classes (DESIGN §3)', () => {
  it('classifies each acked id by its deliveries and its presence on the backup', () => {
    const l = buildLedger([
      ack('lost'), ack('skipped'), ack('once'), ack('twice'), ack('thrice'),
      onBackup('skipped'), onBackup('once'), onBackup('twice'),
      deliver('once'), deliver('twice'), deliver('twice', 'backup'), deliver('thrice'), deliver('thrice', 'backup'), deliver('thrice', 'backup'),
      ...complete,
    ]);
    expect(l.counts).toMatchObject({ acked: 5, lost: 1, skipped: 1, exactlyOnce: 1, duplicated: 2, extraDeliveries: 3, notReplicated: 2 });
    expect(l.samples.lost).toEqual(['lost']);
    expect(l.samples.skipped).toEqual(['skipped']);
    expect(l.samples.notReplicated).toEqual(['lost', 'thrice']);
    expect(l.invariant.holds).toBe(true);
  });

  it('counts replication duplicates (one id at several backup offsets) apart from consumer duplicates', () => {
    const l = buildLedger([ack('a'), onBackup('a'), onBackup('a'), onBackup('a'), deliver('a'), ...complete]);
    expect(l.counts).toMatchObject({ exactlyOnce: 1, duplicated: 0, replicationDuplicates: 1, replicationExtraCopies: 2 });
  });

  it('never counts indeterminate ids lost or skipped, and reports whether they appeared', () => {
    const l = buildLedger([
      ev({ type: 'indeterminate', id: 'i1', error: 'timeout' }), ev({ type: 'indeterminate', id: 'i2', error: 'timeout' }),
      onBackup('i1'), ...complete,
    ]);
    expect(l.counts).toMatchObject({ acked: 0, lost: 0, skipped: 0, indeterminate: 2, indeterminateAppeared: 1 });
  });

  it('says unknown, not zero, for what an incomplete backup read or drain cannot prove', () => {
    const events = [ack('a'), ack('b'), onBackup('b')];
    const noRead = buildLedger(events);
    expect(noRead.counts.lost).toBe('unknown');
    expect(noRead.counts.skipped).toBe('unknown');
    expect(noRead.counts.notReplicated).toBe('unknown');
    const readNoDrain = buildLedger([...events, ev({ type: 'read-complete', what: 'backup', complete: true, detail: '' })]);
    expect(readNoDrain.counts.lost).toBe(1);
    expect(readNoDrain.counts.skipped).toBe('unknown');
  });

  it('breaks the invariant when the history contradicts itself (acked and indeterminate)', () => {
    const l = buildLedger([ack('a'), ev({ type: 'indeterminate', id: 'a', error: 'x' }), ...complete]);
    expect(l.invariant.holds).toBe(false);
    expect(l.invariant.detail).toContain('both acked');
  });

  it('measures the failover gap from the kill to the first backup delivery', () => {
    const events = [ack('a'), { ...ev({ type: 'kill', target: 'primary', signal: 'SIGKILL' }), t: 1000 }, { ...deliver('a', 'backup'), t: 4500 }];
    expect(buildLedger(events as HistoryEvent[]).failoverGapMs).toBe(3500);
    expect(buildLedger([ack('a')]).failoverGapMs).toBeNull();
  });

  it('counts deliveries of ids the run never produced as foreign', () => {
    expect(buildLedger([deliver('stranger'), ...complete]).counts.foreignDeliveries).toBe(1);
  });
});

describe('ledger properties', () => {
  const idArb = fc.integer({ min: 0, max: 30 }).map((n) => `m${n}`);
  const historyArb = fc.record({
    acked: fc.uniqueArray(idArb, { maxLength: 30 }),
    indeterminate: fc.uniqueArray(idArb.map((s) => `i${s}`), { maxLength: 10 }),
    deliveries: fc.array(fc.tuple(fc.oneof(idArb, idArb.map((s) => `i${s}`)), fc.constantFrom('primary' as const, 'backup' as const)), { maxLength: 80 }),
    backup: fc.array(fc.oneof(idArb, idArb.map((s) => `i${s}`)), { maxLength: 60 }),
  });

  it('puts every acked id in exactly one class, and the classes add up to acked', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const l = buildLedger([
          ...h.acked.map((id) => ack(id)),
          ...h.indeterminate.map((id) => ev({ type: 'indeterminate', id, error: 'x' })),
          ...h.deliveries.map(([id, p]) => deliver(id, p)),
          ...h.backup.map(onBackup),
          ...complete,
        ]);
        const c = l.counts;
        expect(l.invariant.holds).toBe(true);
        expect((c.lost as number) + (c.skipped as number) + c.exactlyOnce + c.duplicated).toBe(h.acked.length);
        // Recompute each class independently from the raw history.
        const delivered = (id: string) => h.deliveries.filter(([d]) => d === id).length;
        const present = (id: string) => h.backup.includes(id);
        expect(c.lost).toBe(h.acked.filter((id) => delivered(id) === 0 && !present(id)).length);
        expect(c.skipped).toBe(h.acked.filter((id) => delivered(id) === 0 && present(id)).length);
        expect(c.duplicated).toBe(h.acked.filter((id) => delivered(id) >= 2).length);
        expect(c.notReplicated).toBe(h.acked.filter((id) => !present(id)).length);
      }),
    );
  });

  it('never counts an indeterminate id as lost or skipped', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const l = buildLedger([...h.indeterminate.map((id) => ev({ type: 'indeterminate', id, error: 'x' })), ...h.backup.map(onBackup), ...complete]);
        expect(l.counts.lost).toBe(0);
        expect(l.counts.skipped).toBe(0);
        expect(l.counts.indeterminate).toBe(h.indeterminate.length);
      }),
    );
  });
});
