import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import { catchUpAfter, catchUps } from '../../src/core/checker/catch-up.ts';

const T0 = 1_000_000;
/** Samples 1 s apart plus `q` ms of queries each: [t (s), primary end, backup end]. */
const samples = (rows: [number, number, number][], q = 0) => rows.map(([t, primaryEnd, backupEnd]) => ({ t: T0 + t * 1000 + q, primaryEnd, backupEnd }));

describe("MM2's catch-up after a fault", () => {
  // 1000 records/s produced; MM2 frozen until 10.5 s with 5000 behind, then copying 3000/s.
  const rows: [number, number, number][] = [
    [8, 8000, 5000], [9, 9000, 5000], [10, 10000, 5000],
    [11, 11000, 6500], [12, 12000, 9500], [13, 13000, 12500], [14, 14000, 13990], [15, 15000, 14995], [16, 16000, 16000],
  ];
  it('measures the copy rate over the busy intervals only: from the first sample copying again to the last still behind by more than an interval', () => {
    const c = catchUpAfter(samples(rows), T0 + 10_500);
    expect(c.backlog).toBe(5000);
    expect(c.resumedMs).toBe(500); // the sample at 11 s is the first beyond 5000
    // (11, 12] is busy: 2500 behind at 12 s, more than the 1000 produced in it; (12, 13] is not (500).
    expect(c.copyRate).toEqual({ perSecond: 3000, min: 3000, max: 3000, copied: 3000, windowMs: 1000, intervals: 1 });
    expect(c.caughtUpMs).toBe(2500);
    expect(c.atLeastPerSecond).toBeNull();
  });
  it('gives only a lower bound when the backlog drained before any interval was busy', () => {
    const c = catchUpAfter(samples([[9, 9000, 5000], [10, 10000, 5000], [11, 11000, 7000], [12, 12000, 11990], [13, 13000, 13000]]), T0 + 10_500);
    expect(c.copyRate).toBeNull();
    expect(c.caughtUpMs).toBe(1500);
    // At least the fastest interval from the resume to the catch-up: 4990 records in (11, 12].
    expect(c.atLeastPerSecond).toBe(4990);
  });
  it('a deeper backlog gives busy intervals, and the rate is copied records over their span', () => {
    const deep: [number, number, number][] = [
      [9, 9000, 0], [10, 10000, 0], [11, 11000, 1500], [12, 12000, 4500], [13, 13000, 7500], [14, 14000, 10500], [15, 15000, 13500], [16, 16000, 15990], [17, 17000, 16995],
    ];
    const c = catchUpAfter(samples(deep), T0 + 10_500);
    // Busy: (11,12] 7500 behind, (12,13] 5500, (13,14] 3500, (14,15] 1500 > 1000; (15,16] 10 behind is not.
    expect(c.copyRate).toEqual({ perSecond: 3000, min: 3000, max: 3000, copied: 12000, windowMs: 4000, intervals: 4 });
    expect(c.caughtUpMs).toBe(5500);
    expect(c.atLeastPerSecond).toBeNull();
  });
  it('widens the rate by how long the samples spent reading: a sample is stamped after its queries', () => {
    const deep = samples([[10, 10000, 0], [11, 11000, 1500], [12, 12000, 4500], [13, 13000, 7500]]);
    // Every sample 1.2 s after the previous: 200 ms of queries each.
    const slow = deep.map((s, i) => ({ ...s, t: T0 + i * 1200 }));
    const c = catchUpAfter(slow, T0 + 600);
    expect(c.copyRate!.copied).toBe(6000);
    expect(c.copyRate!.windowMs).toBe(2400);
    expect(c.copyRate!.min).toBeCloseTo(6000 / 2.6);
    expect(c.copyRate!.max).toBeCloseTo(6000 / 2.2);
    expect(c.copyRate!.min).toBeLessThan(c.copyRate!.perSecond);
  });
  it('says nothing about the rate when MM2 never copied again, and is still behind', () => {
    const c = catchUpAfter(samples([[9, 9000, 0], [10, 10000, 0], [11, 11000, 0]]), T0 + 9500);
    expect(c).toEqual({ backlog: 9000, resumedMs: null, caughtUpMs: null, copyRate: null, atLeastPerSecond: null });
  });
  it('follows every healed fault with samples after its heal, from the history', () => {
    const ev = (t: number, e: Record<string, unknown>) => ({ cell: 'c', t, ...e }) as HistoryEvent;
    const history = [
      ...samples(rows).map((s) => ev(s.t, { type: 'sample', ...s, backupGroupOffset: 0, consumerPosition: 0 })),
      ev(T0 + 5000, { type: 'fault-start', step: 1, description: 'pause mirror', fault: {} }),
      ev(T0 + 10_500, { type: 'fault-end', step: 1, description: 'pause mirror', healed: true }),
      ev(T0 + 60_000, { type: 'fault-end', step: 0, description: 'latency', healed: true }),
    ];
    const all = catchUps(history, T0);
    expect(all).toHaveLength(1); // the latency's heal came after the last sample
    expect(all[0]).toMatchObject({ step: 1, healedMs: 10_500, backlog: 5000, caughtUpMs: 2500, copyRate: { perSecond: 3000 } });
  });
});
