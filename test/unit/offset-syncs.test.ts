import { describe, expect, it } from 'vitest';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { indexHistory } from '../../src/core/history/history-index.ts';
import { cellSettingsOf } from '../../src/core/history/cell-settings.ts';
import { decodeOffsetSync } from '../../src/core/kafka/checkpoint.ts';
import { offsetLagMaxOf, offsetSyncFigures } from '../../src/core/checker/offset-syncs.ts';
import { offsetSyncRewinds, offsetSyncsPlaced, redeliveriesWithinLagMax } from '../../src/core/checker/mm2-invariants.ts';
import { translationAccuracy } from '../../src/core/checker/translation-accuracy.ts';
import { findingText } from '../../src/render/invariant-text.ts';

const ev = (t: number, body: EventBody): HistoryEvent => ({ cell: 'c#1', t, ...body }) as HistoryEvent;
const REMOTE = 'primary.orders';
let at = 0;
const sync = (ts: number, u: number, d: number, partition = 0) =>
  ev(ts, { type: 'offset-sync', topic: 'orders', partition, upstreamOffset: String(u), downstreamOffset: String(d), ts, syncsPartition: 0, syncsOffset: String(at++) });
const start = (mirror: Record<string, unknown> = { offsetLagMax: 10 }) =>
  ev(0, { type: 'cell-start', values: {}, settings: { mirror, workload: { consumer: { groupId: 'g' } } } });
/** m0–m{n-1} acked on orders/0 and copied to the same offsets on the backup, read completely. */
const copied = (n: number, shift = 0) => [
  ...Array.from({ length: n }, (_, i) => ev(1, { type: 'ack', id: `m${i}`, topic: 'orders', partition: 0, offset: String(i) })),
  ...Array.from({ length: n }, (_, i) => ev(900, { type: 'backup-record', id: `m${i}`, topic: REMOTE, partition: 0, offset: String(i + shift) })),
  ev(901, { type: 'read-complete', what: 'backup', complete: true, detail: '' }),
];

describe('offset syncs: the record format', () => {
  it('decodes MM2\'s key (topic STRING, partition INT32) and value (upstream INT64, downstream INT64), and refuses a truncated one', () => {
    const key = Buffer.concat([Buffer.from([0, 6]), Buffer.from('orders'), Buffer.from([0, 0, 0, 2])]);
    const value = Buffer.alloc(16);
    value.writeBigInt64BE(500n, 0);
    value.writeBigInt64BE(480n, 8);
    expect(decodeOffsetSync(key, value)).toEqual({ topic: 'orders', partition: 2, upstream: 500n, downstream: 480n });
    expect(() => decodeOffsetSync(key, value.subarray(0, 12))).toThrow(/truncated reading offset/);
  });
});

describe('offset syncs: the figures', () => {
  it('counts the syncs per source partition in the order MM2 wrote them, with their spacing', () => {
    const events = [start(), sync(10, 0, 0), sync(11, 1, 1, 1), sync(20, 11, 11), sync(30, 30, 30), ev(40, { type: 'read-complete', what: 'offset-syncs', complete: true, detail: '' })];
    const f = offsetSyncFigures(events, cellSettingsOf(events));
    expect(f).toMatchObject({ read: 'complete', syncs: 4, offsetLagMax: 10 });
    expect(f.partitions['orders/0']).toEqual({ syncs: 3, first: { upstream: '0', downstream: '0' }, last: { upstream: '30', downstream: '30' }, maxStep: 19, medianStep: 15 });
    expect(f.partitions['orders/1']).toMatchObject({ syncs: 1, maxStep: null });
  });

  it('is unknown when the syncs were not read (a team\'s MM2: the topic is not known), incomplete when the read fell short', () => {
    expect(offsetSyncFigures([start()], cellSettingsOf([start()]))).toEqual({ read: 'unknown', syncs: null, offsetLagMax: 10, partitions: {} });
    const short = [start(), sync(1, 0, 0), ev(2, { type: 'read-complete', what: 'offset-syncs', complete: false, detail: 'x' })];
    expect(offsetSyncFigures(short, cellSettingsOf(short))).toMatchObject({ read: 'incomplete', syncs: 1 });
  });

  it('takes offset.lag.max from a raw property over the resolved field', () => {
    expect(offsetLagMaxOf(cellSettingsOf([start({ offsetLagMax: 100, properties: { 'primary->backup.offset.lag.max': 7 } })]))).toBe(7);
    expect(offsetLagMaxOf(cellSettingsOf([start({ offsetLagMax: 100, properties: {} })]))).toBe(100);
    expect(offsetLagMaxOf(cellSettingsOf([start({})]))).toBeNull();
  });
});

describe('offset-sync-rewind', () => {
  const check = (events: HistoryEvent[]) => offsetSyncRewinds(indexHistory(events), events);

  it('holds while both offsets only move forward, per partition', () => {
    expect(check([start(), ...copied(40), sync(1, 0, 0), sync(2, 11, 11), sync(3, 5, 5, 1), sync(4, 22, 22)])).toMatchObject({ verdict: 'holds', checked: 2, findings: 0 });
  });

  it('a sync whose downstream or upstream offset goes back is a finding, saying which', () => {
    const r = check([start(), ...copied(40), sync(1, 0, 0), sync(2, 20, 20), sync(3, 21, 15), sync(4, 10, 30)]);
    expect(r).toMatchObject({ verdict: 'broken', checked: 3, findings: 2 });
    expect(r.samples.map((s) => s.went)).toEqual(['downstream', 'upstream']);
    expect(r.samples[0]).toMatchObject({ tp: 'orders/0', upstream: '21', downstream: '15', previous: { upstream: '20', downstream: '20' } });
    expect(findingText(r.samples[0]!)).toBe('orders/0 upstream 21 → downstream 15 after 20 → 20 (downstream went back)');
  });

  it('an MM2 restart explains an upstream rewind (a re-copy), never a downstream one; a recreated topic explains both', () => {
    const restart = ev(25, { type: 'mirror-restart', step: 0, restart: 1, mode: 'kill', stoppedAt: 24, startedAt: 25, resumedAt: 28, backupEnd: {} });
    expect(check([start(), ...copied(40), sync(20, 20, 20), restart, sync(30, 15, 21)])).toMatchObject({ verdict: 'holds', checked: 1, explained: 1 });
    expect(check([start(), ...copied(40), sync(20, 20, 20), restart, sync(30, 21, 5)])).toMatchObject({ verdict: 'broken', findings: 1 });
    const recreated = ev(25, { type: 'topic', cluster: 'primary', topic: 'orders', change: 'created', partitions: 1 });
    expect(check([start(), ...copied(40), sync(20, 20, 20), recreated, sync(30, 0, 0)])).toMatchObject({ verdict: 'holds', explained: 1 });
    // The restart happened before both syncs: it explains nothing between them.
    expect(check([start(), ...copied(40), restart, sync(26, 20, 20), sync(30, 15, 21)])).toMatchObject({ verdict: 'broken', findings: 1 });
  });
});

describe('offset-sync-misplaced', () => {
  const check = (events: HistoryEvent[]) => offsetSyncsPlaced(indexHistory(events), events);

  it('holds when each sync\'s downstream offset holds the copy of the record at its upstream offset', () => {
    // The backup holds m_i at i + 3 (it had three records before): exact syncs say so.
    expect(check([start(), ...copied(20, 3), sync(1, 0, 3), sync(2, 11, 14)])).toMatchObject({ verdict: 'holds', checked: 2, findings: 0 });
  });

  it('a downstream offset holding another record is a finding, naming both and where the record is', () => {
    const r = check([start(), ...copied(20, 3), sync(1, 11, 11)]);
    expect(r).toMatchObject({ verdict: 'broken', checked: 1, findings: 1 });
    expect(r.samples[0]).toMatchObject({ id: 'm11', found: 'm8', copies: [`${REMOTE}/0@14`] });
  });

  it('reads a playbook\'s backup copies the same way, leaving out ids acked on the backup itself', () => {
    const acked = Array.from({ length: 5 }, (_, i) => ev(1, { type: 'ack', id: `m${i}`, topic: 'orders', partition: 0, offset: String(i) }));
    const copies = Array.from({ length: 5 }, (_, i) => ev(900, { type: 'copy', cluster: 'backup', id: `m${i}`, topic: REMOTE, partition: 0, offset: String(i) }));
    const local = [ev(2, { type: 'ack', id: 'b0', topic: 'orders', partition: 0, offset: '0', cluster: 'backup' }), ev(900, { type: 'copy', cluster: 'backup', id: 'b0', topic: 'orders', partition: 0, offset: '0' })];
    expect(check([start(), ...local, ...acked, ...copies, sync(1, 3, 3)])).toMatchObject({ verdict: 'holds', checked: 1 });
    // b0 sits at offset 0 of the backup's own orders/0, m0 at the primary's: the sync names the primary's.
    expect(check([start(), ...acked, ...local, ...copies, sync(1, 0, 0)])).toMatchObject({ verdict: 'holds', checked: 1 });
    expect(check([start(), ...local, ...acked, ...copies, sync(1, 3, 2)])).toMatchObject({ verdict: 'broken', findings: 1, samples: [{ id: 'm3', found: 'm2' }] });
  });

  it('is unknown on a topic recreated during the drill: its incarnations share offsets, so which record a sync names is not known', () => {
    const recreated = ev(500, { type: 'topic', cluster: 'primary', topic: 'orders', change: 'created' } as EventBody);
    // Without the recreation the same history is a finding (the previous case).
    expect(check([start(), ...copied(20, 3), sync(1, 11, 11), recreated])).toMatchObject({ verdict: 'unknown', checked: 0, findings: 0, why: { recreated: 1 } });
  });

  it('is unknown where the source offset holds no acked record or the backup read found nothing there', () => {
    const r = check([start(), ...copied(20), sync(1, 25, 25), sync(2, 5, 30)]);
    expect(r).toMatchObject({ verdict: 'unknown', checked: 0, unknown: 2, why: { 'not-acked': 1, 'not-read': 1 } });
  });
});

describe('redelivery-beyond-lag-max', () => {
  /** The group's checkpoint at the failover: upstream 25 → downstream `d`, emitted at 50; the backup had everything by the sample at 40. */
  const drill = (d: number, o: { syncs?: HistoryEvent[]; sampleEnd?: number; mirror?: Record<string, unknown> } = {}) => [
    start(o.mirror), ...copied(40),
    ev(40, { type: 'sample', primaryEnd: 40, backupEnd: o.sampleEnd ?? 40, backupGroupOffset: 0, consumerPosition: 0, ends: { 'orders/0': [40, o.sampleEnd ?? 40] } }),
    ...(o.syncs ?? [sync(10, 0, 0), sync(30, 11, 11)]),
    ev(60, { type: 'checkpoint', group: 'g', topic: REMOTE, partition: 0, upstreamOffset: '25', downstreamOffset: String(d), key: '', value: '', ts: 50 }),
  ];
  const check = (events: HistoryEvent[]) => {
    const ix = indexHistory(events);
    return redeliveriesWithinLagMax(ix, events, cellSettingsOf(events), translationAccuracy(ix, events).points);
  };

  it('holds when a group at the head resumes within offset.lag.max of its true place', () => {
    // Translated from the sync 11 → 11: 12; the truth is 25: 13 re-deliveries; offset.lag.max 20.
    expect(check(drill(12, { mirror: { offsetLagMax: 20 } }))).toMatchObject({ verdict: 'holds', checked: 1, findings: 0 });
  });

  it('more re-deliveries than offset.lag.max after a sync is a finding, with the truth, the sync and the bound', () => {
    const r = check(drill(12));
    expect(r).toMatchObject({ verdict: 'broken', checked: 1, findings: 1 });
    expect(r.samples[0]).toMatchObject({ tp: `${REMOTE}/0`, truth: '25', redeliveries: 13, bound: 10, sync: { upstream: '11', downstream: '11' } });
  });

  it('does not apply behind the head, before any sync, before MM2 copied up to the group, or without offset.lag.max', () => {
    expect(check(drill(12, { syncs: [sync(10, 0, 0), sync(30, 30, 30)] }))).toMatchObject({ verdict: 'unknown', why: { 'behind-head': 1 } });
    // A sync written after the checkpoint was not there to translate from.
    expect(check(drill(12, { syncs: [sync(55, 11, 11)] }))).toMatchObject({ verdict: 'unknown', why: { 'no-sync': 1 } });
    expect(check(drill(12, { sampleEnd: 20 }))).toMatchObject({ verdict: 'unknown', why: { 'not-copied': 1 } });
    expect(check(drill(12, { mirror: {} }))).toMatchObject({ verdict: 'unknown', why: { 'no-offset-lag-max': 1 } });
  });

  it('judges only the checkpoint the failover read last per partition', () => {
    const events = drill(12);
    events.push(ev(61, { type: 'checkpoint', group: 'g', topic: REMOTE, partition: 0, upstreamOffset: '25', downstreamOffset: '25', key: '', value: '', ts: 51 }));
    expect(check(events)).toMatchObject({ verdict: 'holds', checked: 1 });
  });
});
