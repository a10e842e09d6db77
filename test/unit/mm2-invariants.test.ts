import { describe, expect, it } from 'vitest';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { indexHistory } from '../../src/core/history/history-index.ts';
import { checkpointRewinds, checkpointsWithinBackupEnd } from '../../src/core/checker/mm2-invariants.ts';

const ev = (t: number, body: EventBody): HistoryEvent => ({ cell: 'c#1', t, ...body }) as HistoryEvent;
const REMOTE = 'primary.orders';
const cp = (t: number, u: number, d: number, o: { ts?: number; partition?: number } = {}) =>
  ev(t, { type: 'checkpoint', group: 'g', topic: REMOTE, partition: o.partition ?? 0, upstreamOffset: String(u), downstreamOffset: String(d), key: '', value: '', ...(o.ts === undefined ? {} : { ts: o.ts }) });
const checkpointsOf = (events: HistoryEvent[]) => indexHistory(events).checkpoints;

describe('MM2 invariants as oracles', () => {
  it('a checkpoint rewinds when its downstream offset goes back while the group did not', () => {
    const r = checkpointRewinds(checkpointsOf([cp(1, 5, 5), cp(2, 6, 4), cp(3, 7, 7, { partition: 1 })]));
    expect(r).toMatchObject({ verdict: 'broken', checked: 1, findings: 1 });
    expect(r.samples[0]).toMatchObject({ tp: `${REMOTE}/0`, upstream: '6', downstream: '4', previous: { upstream: '5', downstream: '5' } });
  });

  it('following a group that went back is no rewind; one checkpoint per key checks nothing', () => {
    expect(checkpointRewinds(checkpointsOf([cp(1, 5, 5), cp(2, 4, 3), cp(3, 4, 3)]))).toMatchObject({ verdict: 'holds', checked: 2, findings: 0 });
    expect(checkpointRewinds(checkpointsOf([cp(1, 5, 5)]))).toMatchObject({ verdict: 'unknown', checked: 0 });
  });

  /** m0–m9 acked on orders/0 and copied at the same offsets; a sample whose reads ran from 70 to 100 saw the backup end at 6. */
  const base = (checkpoints: HistoryEvent[], o: { failoverEnd?: number; verifyEnd?: number; readFrom?: number | null } = {}) => [
    ev(0, { type: 'cell-start', values: {}, settings: { workload: { consumer: { groupId: 'g' } } } }),
    ...Array.from({ length: 10 }, (_, n) => ev(1, { type: 'ack', id: `m${n}`, topic: 'orders', partition: 0, offset: String(n) })),
    ev(50, { type: 'sample', primaryEnd: 8, backupEnd: 4, backupGroupOffset: 0, consumerPosition: 0, ends: { 'orders/0': [8, 4] } }),
    ev(100, { type: 'sample', ...(o.readFrom === null ? {} : { readFrom: o.readFrom ?? 70 }), primaryEnd: 10, backupEnd: 6, backupGroupOffset: 0, consumerPosition: 0, ends: { 'orders/0': [10, 6] } }),
    ...(o.failoverEnd === undefined ? [] : [ev(200, { type: 'offsets', label: 'failover-end', cluster: 'backup', topic: REMOTE, offsets: { 0: String(o.failoverEnd) } })]),
    ...checkpoints,
    ...Array.from({ length: 10 }, (_, n) => ev(300, { type: 'backup-record', id: `m${n}`, topic: REMOTE, partition: 0, offset: String(n) })),
    ...(o.verifyEnd === undefined ? [] : [ev(300, { type: 'offsets', label: 'verify-end', cluster: 'backup', topic: REMOTE, offsets: { 0: String(o.verifyEnd) } })]),
  ];
  const within = (events: HistoryEvent[]) => checkpointsWithinBackupEnd(indexHistory(events), events);

  it('a checkpoint past the backup end sampled right after its emission is a finding, and says which bound it used', () => {
    // Emitted at 60: the first sample read after it saw 6; 7 did not exist yet. 6 did not exceed it.
    const r = within(base([cp(200, 9, 7, { ts: 60 }), cp(200, 9, 6, { ts: 60 })], { failoverEnd: 10 }));
    expect(r).toMatchObject({ verdict: 'broken', checked: 2, findings: 1, bounds: { sample: 2 } });
    expect(r.samples[0]?.backupEnd).toEqual({ offset: '6', bound: 'sample' });
  });

  it('a sample recorded after the emission but read from before it bounds nothing: its end may predate the checkpoint', () => {
    // Reads from 55 to 100: the end 6 may have been read before the emission at 60, when 7 was copied just after.
    expect(within(base([cp(200, 9, 7, { ts: 60 })], { failoverEnd: 10, readFrom: 55 }))).toMatchObject({ verdict: 'holds', bounds: { 'failover-end': 1 } });
    // An older history without readFrom: the sample at 100 began after its predecessor was recorded (50), so it bounds a checkpoint of 50, not one of 60.
    expect(within(base([cp(200, 9, 7, { ts: 50 })], { failoverEnd: 10, readFrom: null }))).toMatchObject({ verdict: 'broken', bounds: { sample: 1 } });
    expect(within(base([cp(200, 9, 7, { ts: 60 })], { failoverEnd: 10, readFrom: null }))).toMatchObject({ verdict: 'holds', bounds: { 'failover-end': 1 } });
  });

  it('without a timestamp, the end at the failover bounds it; without that, the verification read’s end; without either, unknown', () => {
    expect(within(base([cp(200, 9, 7)], { failoverEnd: 10 }))).toMatchObject({ verdict: 'holds', bounds: { 'failover-end': 1 } });
    expect(within(base([cp(200, 9, 11)], { verifyEnd: 10 }))).toMatchObject({ verdict: 'broken', bounds: { 'verify-end': 1 }, findings: 1 });
    // Emitted after the last sample: no sample bounds it, and nothing else was recorded.
    expect(within(base([cp(200, 9, 7, { ts: 150 })]))).toMatchObject({ verdict: 'unknown', checked: 0, unknown: 1 });
  });
});
