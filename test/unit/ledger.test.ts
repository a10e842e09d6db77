import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildLedger } from '../../src/core/checker/ledger.ts';
import { attribute } from '../../src/core/checker/attribution.ts';
import { indexHistory } from '../../src/core/history/history-index.ts';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';

const cell = 'c#1';
let clock = 0;
const ev = (body: EventBody): HistoryEvent => ({ cell, t: ++clock, ...body }) as HistoryEvent;
const id = (n: number) => `m${n}`;
const REMOTE = 'primary.orders';
const start = (idempotent = true) =>
  ev({ type: 'cell-start', values: {}, settings: { workload: { idempotent, consumer: { groupId: 'g' } }, failover: { delaySeconds: 2 } } });
/** Message n acked at offset n of orders/0. */
const ack = (n: number) => ev({ type: 'ack', id: id(n), topic: 'orders', partition: 0, offset: String(n) });
const onPrimary = (n: number, offset = n) => ev({ type: 'deliver', id: id(n), phase: 'primary', topic: 'orders', partition: 0, offset: String(offset), ts: 0 });
const onBackup = (n: number, offset = n) => ev({ type: 'deliver', id: id(n), phase: 'backup', topic: REMOTE, partition: 0, offset: String(offset), ts: 0 });
const read = (n: number | string, offset: number) => ev({ type: 'backup-record', id: typeof n === 'number' ? id(n) : n, topic: REMOTE, partition: 0, offset: String(offset) });
const kill = () => ev({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
const chosen = (offset: number, strategy = 'mm2-sync') => ev({ type: 'failover-offsets', strategy, group: 'g', offsets: { [`${REMOTE}/0`]: String(offset) } });
const stopped = (phase: 'primary' | 'backup', position: number, delivered: number) =>
  ev({ type: 'positions', phase, offsets: { [phase === 'primary' ? 'orders/0' : `${REMOTE}/0`]: String(position) }, delivered });
const readDone = (complete = true) => ev({ type: 'read-complete', what: 'backup', complete, detail: '' });
const verifyEnd = (end: number) => ev({ type: 'offsets', label: 'verify-end', cluster: 'backup', topic: REMOTE, offsets: { '0': String(end) } });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * m0–m9 acked at offsets 0–9; the consumer processed m0–m5 on the primary; MM2 copied m0–m7
 * (offsets kept); the consumer resumed at `resume` on the backup and stopped at `stopAt`.
 */
function failoverHistory(resume: number, stopAt: number, o: { replicated?: number } = {}): HistoryEvent[] {
  const replicated = o.replicated ?? 8;
  const backupDeliveries = range(resume, Math.min(stopAt, replicated));
  return [
    start(), ...range(0, 10).map(ack), ...range(0, 6).map((n) => onPrimary(n)), stopped('primary', 6, 6),
    kill(), chosen(resume), ...backupDeliveries.map((n) => onBackup(n)), stopped('backup', stopAt, backupDeliveries.length),
    verifyEnd(replicated), ...range(0, replicated).map((n) => read(n, n)), readDone(),
  ];
}

describe('ledger classes', () => {
  it('an id the consumer never reached is unreached, not skipped (it arrived after the consumer stopped)', () => {
    const l = buildLedger(failoverHistory(3, 6));
    expect(l.counts).toMatchObject({ acked: 10, exactlyOnce: 3, duplicated: 3, unreached: 2, skipped: 0, lost: 2, notReplicated: 2 });
    expect(l.samples.unreached).toEqual(['m6', 'm7']);
    expect(l.partitions['orders/0']).toMatchObject({ unreached: 2, skipped: 0, lost: 2 });
  });

  it('an id is skipped only when the consumer\'s final position passed its backup offset', () => {
    const l = buildLedger(failoverHistory(7, 8));
    expect(l.counts).toMatchObject({ skipped: 1, unreached: 0, lost: 2, exactlyOnce: 7 });
    expect(l.samples.skipped).toEqual(['m6']);
  });

  it('says unknown for counts, partitions and samples an incomplete backup read cannot prove', () => {
    const events = failoverHistory(3, 6).filter((e) => e.type !== 'read-complete');
    const l = buildLedger([...events, readDone(false)]);
    for (const k of ['lost', 'skipped', 'unreached', 'notReplicated'] as const) expect(l.counts[k]).toBe('unknown');
    expect(l.partitions['orders/0']).toMatchObject({ lost: 'unknown', skipped: 'unknown', unreached: 'unknown', duplicated: 3 });
    expect(l.samples).toMatchObject({ lost: 'unknown', skipped: 'unknown', unreached: 'unknown', notReplicated: 'unknown' });
  });

  it('says unknown for skipped and unreached when the consumer\'s final position is unknown', () => {
    const events = failoverHistory(3, 6).filter((e) => !(e.type === 'positions' && e.phase === 'backup') && e.type !== 'failover-offsets');
    const l = buildLedger(events);
    expect(l.counts.skipped).toBe('unknown');
    expect(l.counts.unreached).toBe('unknown');
    expect(l.counts.lost).toBe(2);
  });

  it('splits duplicates by when they happened: before the kill, by the failover, after it', () => {
    const l = buildLedger([
      start(), ...range(0, 4).map(ack), onPrimary(0), onPrimary(0), onPrimary(1), onPrimary(2), kill(), chosen(2),
      onBackup(2), onBackup(3), onBackup(3), ...range(0, 4).map((n) => read(n, n)), readDone(),
    ]);
    expect(l.counts).toMatchObject({ duplicated: 3, duplicatedBeforeKill: 1, duplicatedByFailover: 1, duplicatedAfterFailover: 1, extraDeliveries: 3 });
  });

  it('an id the producer wrote twice, each copy processed once across the failover, is a producer duplicate, not the failover\'s', () => {
    // Non-idempotent retry: m1 at offsets 1 and 2 (acked at 2); the consumer processed 0–1 and committed 2; resumed at 2.
    const events = [
      start(false), ack(0), { ...ack(1), offset: '2' }, onPrimary(0), onPrimary(1, 1), ev({ type: 'commit', phase: 'primary', offsets: { 'orders/0': '2' } }),
      stopped('primary', 2, 2), kill(), chosen(2), onBackup(1, 2), stopped('backup', 3, 1), verifyEnd(3), read(0, 0), read(1, 1), read(1, 2), readDone(),
    ];
    const l = buildLedger(events);
    expect(l.counts).toMatchObject({ duplicated: 1, duplicatedByFailover: 0, duplicatedByProducer: 1, duplicatedBeforeKill: 0 });
    expect(attribute(indexHistory(events))!.duplicates.total).toBe(0);
    // Resumed at 1 instead: the record at offset 1 was processed twice — the failover's.
    const rewound = events.map((e) => (e.type === 'failover-offsets' ? { ...e, offsets: { [`${REMOTE}/0`]: '1' } } : e));
    const again = [...rewound.slice(0, rewound.findIndex((e) => e.type === 'deliver' && e.phase === 'backup')), onBackup(1, 1), ...rewound.slice(rewound.findIndex((e) => e.type === 'deliver' && e.phase === 'backup'))];
    expect(buildLedger(again).counts).toMatchObject({ duplicatedByFailover: 1, duplicatedByProducer: 0 });
    expect(attribute(indexHistory(again))!.duplicates.total).toBe(1);
  });

  it('counts replication duplicates per distinct backup offset, not per read', () => {
    const reread = buildLedger([start(), ack(0), onPrimary(0), read(0, 0), read(0, 0), read(0, 0), readDone()]);
    expect(reread.counts).toMatchObject({ replicationDuplicates: 0, replicationExtraCopies: 0 });
    const copied = buildLedger([start(), ack(0), onPrimary(0), read(0, 0), read(0, 1), read(0, 1), readDone()]);
    expect(copied.counts).toMatchObject({ replicationDuplicates: 1, replicationExtraCopies: 1 });
  });

  it('counts failed and indeterminate ids that appeared anyway, and never as lost or skipped', () => {
    const l = buildLedger([
      start(), ev({ type: 'fail', id: 'f1', error: 'x' }), ev({ type: 'fail', id: 'f2', error: 'x' }), ev({ type: 'indeterminate', id: 'i1', error: 'timeout' }),
      read('f1', 0), read('i1', 1), readDone(),
    ]);
    expect(l.counts).toMatchObject({ acked: 0, lost: 0, skipped: 0, failed: 2, failedAppeared: 1, indeterminate: 1, indeterminateAppeared: 1 });
  });

  it('without a failover, an undelivered id is unreached unless the consumer passed it on the primary', () => {
    const l = buildLedger([start(), ...range(0, 4).map(ack), onPrimary(0), onPrimary(2), stopped('primary', 3, 2), read(1, 0), readDone()]);
    expect(l.counts).toMatchObject({ exactlyOnce: 2, skipped: 1, unreached: 1, lost: 0 });
  });

  it('measures the failover gap from the kill to the first backup delivery', () => {
    const events = [ack(0), { ...kill(), t: 1000 }, { ...onBackup(0), t: 4500 }];
    expect(buildLedger(events as HistoryEvent[]).failoverGapMs).toBe(3500);
    expect(buildLedger([ack(0)]).failoverGapMs).toBeNull();
  });

  it('counts deliveries of ids the run never produced as foreign', () => {
    expect(buildLedger([ev({ type: 'deliver', id: 'stranger', phase: 'primary', topic: 'orders', partition: 0, offset: '0', ts: 0 }), readDone()]).counts.foreignDeliveries).toBe(1);
  });
});

describe('consistency checks that can fail', () => {
  const verdict = (events: HistoryEvent[], name: string) => buildLedger(events).consistency.checks.find((c) => c.name === name)?.verdict;

  it('all pass on a consistent failover', () => {
    const l = buildLedger(failoverHistory(3, 6));
    expect(l.consistency.checks.filter((c) => c.verdict !== 'pass')).toEqual([]);
    expect(l.consistency.holds).toBe(true);
  });

  it('an id both acked and indeterminate', () => {
    expect(verdict([ack(0), ev({ type: 'indeterminate', id: id(0), error: 'x' }), readDone()], 'outcomes-exclusive')).toBe('fail');
  });

  it('the consumer counted more deliveries than the history holds', () => {
    const events = failoverHistory(3, 6).map((e) => (e.type === 'positions' && e.phase === 'backup' ? { ...e, delivered: 4 } : e));
    expect(verdict(events, 'deliveries-counted')).toBe('fail');
  });

  it('a primary delivery at another offset than its ack (unknown for a non-idempotent producer)', () => {
    const events = [start(), ack(0), ack(1), onPrimary(0), onPrimary(1, 2), readDone()];
    expect(verdict(events, 'primary-offsets-match-acks')).toBe('fail');
    expect(verdict([start(false), ...events.slice(1)], 'primary-offsets-match-acks')).toBe('unknown');
  });

  it('an id the producer wrote twice (its acked offset delivered too) is no harness bug', () => {
    // Seen with kafkajs's idempotent producer when a primary broker was killed mid-batch: m1 at 1 and again at 2 (its ack).
    const events = [start(), ack(0), { ...ack(1), offset: '2' }, onPrimary(0), onPrimary(1, 1), onPrimary(1, 2), readDone()];
    expect(verdict(events, 'primary-offsets-match-acks')).toBe('pass');
  });

  it('an id the producer wrote twice, the kill between its two copies, is no harness bug', () => {
    // m1 at offset 1 and again at 2 (its ack); the consumer processed offset 1, then the primary was killed.
    const twice = [start(), ack(0), { ...ack(1), offset: '2' }, onPrimary(0), onPrimary(1, 1), kill(), chosen(1), onBackup(1, 1), onBackup(1, 2),
      stopped('backup', 3, 2), verifyEnd(3), read(0, 0), read(1, 1), read(1, 2), readDone()];
    expect(verdict(twice, 'primary-offsets-match-acks')).toBe('pass');
    // Another id acked at that offset: the delivery contradicts the acks.
    expect(verdict([...twice.slice(0, 3), { ...ack(5), offset: '1' }, ...twice.slice(3)], 'primary-offsets-match-acks')).toBe('fail');
  });

  it('the consumer and the verification reader disagree on the id at a backup offset', () => {
    const events = failoverHistory(3, 6).map((e) => (e.type === 'backup-record' && e.offset === '4' ? { ...e, id: 'm9' } : e));
    expect(verdict(events, 'backup-reads-agree')).toBe('fail');
  });

  it('a backup delivery beyond the verified end, or before the resume offset', () => {
    expect(verdict([...failoverHistory(3, 6), onBackup(9)], 'backup-deliveries-in-range')).toBe('fail');
    expect(verdict([...failoverHistory(3, 6), onBackup(1)], 'backup-deliveries-in-range')).toBe('fail');
  });

  it('a record inside the consumed range that was never delivered', () => {
    const events = failoverHistory(3, 6).filter((e) => !(e.type === 'deliver' && e.phase === 'backup' && e.offset === '4'))
      .map((e) => (e.type === 'positions' && e.phase === 'backup' ? { ...e, delivered: 2 } : e));
    expect(verdict(events, 'deliveries-contiguous')).toBe('fail');
  });

  it("a chosen offset past the backup's end is no final position: the consumer resumed by auto.offset.reset", () => {
    // raw-copy chose 14, the backup's end was 12 (reset to earliest); m12–m13 arrived after the drain.
    const failoverEnd = (end: number) => ev({ type: 'offsets', label: 'failover-end', cluster: 'backup', topic: REMOTE, offsets: { '0': String(end) } });
    const events = [
      start(), ...range(0, 14).map(ack), ...range(0, 14).map((n) => onPrimary(n)), stopped('primary', 14, 14),
      kill(), failoverEnd(12), chosen(14, 'raw-copy'), ...range(0, 12).map((n) => onBackup(n)), stopped('backup', 12, 12),
      verifyEnd(14), ...range(0, 14).map((n) => read(n, n)), readDone(),
    ];
    const l = buildLedger(events);
    expect(l.consistency.checks.find((c) => c.name === 'deliveries-contiguous')).toMatchObject({ verdict: 'pass' });
    expect(l.counts).toMatchObject({ skipped: 0, unreached: 0, duplicatedByFailover: 12, exactlyOnce: 2 });
    // With auto.offset.reset=latest the consumer resumed at the backup's end: that is its final position at least.
    // m10–m11 never processed on the primary are skipped; m12–m13 arrived later: unreached.
    const latest = events.filter((e) => !(e.type === 'deliver' && (e.phase === 'backup' || Number(e.offset) >= 10))).map((e) =>
      e.type === 'cell-start' ? { ...e, settings: { ...e.settings, failover: { autoOffsetReset: 'latest' } } } : e.type === 'positions' ? { ...e, offsets: {}, delivered: e.phase === 'primary' ? 10 : 0 } : e);
    expect(buildLedger(latest).counts).toMatchObject({ skipped: 2, unreached: 2 });
  });

  it('the consumer did not start where the strategy said', () => {
    const events = failoverHistory(3, 6).map((e) => (e.type === 'failover-offsets' ? { ...e, strategy: 'checkpoints', offsets: { [`${REMOTE}/0`]: '2' } } : e));
    expect(verdict(events, 'resume-at-chosen-offsets')).toBe('fail');
    // MM2 may sync a newer offset after the harness read the group's: not proven either way.
    const mm2 = failoverHistory(3, 6).map((e) => (e.type === 'failover-offsets' ? { ...e, offsets: { [`${REMOTE}/0`]: '2' } } : e));
    expect(verdict(mm2, 'resume-at-chosen-offsets')).toBe('unknown');
  });
});

describe('ledger properties', () => {
  const n = fc.integer({ min: 0, max: 19 });
  const historyArb = fc.record({
    acked: fc.uniqueArray(n, { maxLength: 20 }),
    primary: fc.array(n, { maxLength: 30 }),
    backup: fc.array(n, { maxLength: 30 }),
    replicated: fc.uniqueArray(n, { maxLength: 20 }),
    stopAt: n,
  });

  it('puts every acked id in exactly one class, each recomputed from the raw history', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const l = buildLedger([
          start(), ...h.acked.map(ack), ...h.primary.map((x) => onPrimary(x)), kill(), chosen(0),
          ...h.backup.map((x) => onBackup(x)), stopped('backup', h.stopAt, h.backup.length), ...h.replicated.map((x) => read(x, x)), readDone(),
        ]);
        const c = l.counts;
        const delivered = (x: number) => h.primary.filter((y) => y === x).length + h.backup.filter((y) => y === x).length;
        const onB = (x: number) => h.replicated.includes(x);
        const never = h.acked.filter((x) => delivered(x) === 0);
        expect(c.lost).toBe(never.filter((x) => !onB(x)).length);
        expect(c.skipped).toBe(never.filter((x) => onB(x) && x < h.stopAt).length);
        expect(c.unreached).toBe(never.filter((x) => onB(x) && x >= h.stopAt).length);
        expect(c.exactlyOnce).toBe(h.acked.filter((x) => delivered(x) === 1).length);
        expect(c.duplicated).toBe(h.acked.filter((x) => delivered(x) >= 2).length);
        expect(c.notReplicated).toBe(h.acked.filter((x) => !onB(x)).length);
        expect((c.lost as number) + (c.skipped as number) + (c.unreached as number) + c.exactlyOnce + c.duplicated).toBe(h.acked.length);
      }),
    );
  });
});

describe('expiredBeforeCopy: acked ids absent from the backup that the primary\'s retention deleted first', () => {
  const sample = (primary: number, backup = 0) =>
    ev({ type: 'sample', primaryEnd: 10, backupEnd: 0, backupGroupOffset: 0, consumerPosition: 0, starts: { 'orders/0': [primary, backup] } });
  /** m0–m9 acked; MM2 copied m0–m2 and m6–m9 (it reset to the log start, 6, after a pause); no kill. */
  const gap = (...extra: HistoryEvent[]) => [
    start(), ...range(0, 10).map(ack), ...range(0, 10).map((n) => onPrimary(n)), stopped('primary', 10, 10),
    ...extra, ...[0, 1, 2].map((n) => read(n, n)), ...[6, 7, 8, 9].map((n, i) => read(n, 3 + i)), readDone(),
  ];

  it('counts the not-replicated ids below the highest sampled log start, whatever the consumer did with them', () => {
    const l = buildLedger(gap(sample(0), sample(4), sample(6)));
    expect(l.counts.notReplicated).toBe(3);
    expect(l.counts.expiredBeforeCopy).toBe(3);
    expect(l.samples.expiredBeforeCopy).toEqual(['m3', 'm4', 'm5']);
  });

  it('counts only those already deleted: an id above the log start was not expired', () => {
    expect(buildLedger(gap(sample(0), sample(5))).counts.expiredBeforeCopy).toBe(2);
  });

  it('is unknown without a sampled log start, when the backup deleted too, or when the backup was not read completely', () => {
    expect(buildLedger(gap()).counts.expiredBeforeCopy).toBe('unknown');
    expect(buildLedger(gap(sample(6, 2))).counts.expiredBeforeCopy).toBe('unknown');
    const incomplete = gap(sample(6)).map((e) => (e.type === 'read-complete' ? { ...e, complete: false } : e));
    expect(buildLedger(incomplete).counts.expiredBeforeCopy).toBe('unknown');
  });

  it('is 0 when everything reached the backup, sampled or not', () => {
    const all = [start(), ...range(0, 4).map(ack), ...range(0, 4).map((n) => read(n, n)), readDone()];
    expect(buildLedger(all).counts.expiredBeforeCopy).toBe(0);
  });
});
