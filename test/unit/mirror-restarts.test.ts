import { describe, expect, it } from 'vitest';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { indexHistory } from '../../src/core/history/history-index.ts';
import { mirrorRestartsOf } from '../../src/core/checker/mirror-restarts.ts';
import { faultSchema, describeFault } from '../../src/core/scenario/faults.ts';

const ev = (t: number, body: EventBody): HistoryEvent => ({ cell: 'c#1', t, ...body }) as HistoryEvent;
const REMOTE = 'primary.orders';

/** m0–m5 acked on orders/0; the backup holds them at `offsets` (an id twice: MM2 copied it twice). */
const history = (backup: [string, number][], restarts: { end: number; resumedAt: number | null; mode?: 'kill' | 'clean' }[], complete = true) => [
  ...Array.from({ length: 6 }, (_, n) => ev(1, { type: 'ack', id: `m${n}`, topic: 'orders', partition: 0, offset: String(n) })),
  ...restarts.map((r, i) => ev(100 + i, {
    type: 'mirror-restart', step: 0, restart: i + 1, mode: r.mode ?? 'kill', stoppedAt: 1000 * (i + 1), startedAt: 1000 * (i + 1) + 300, resumedAt: r.resumedAt, backupEnd: { [`${REMOTE}/0`]: String(r.end) },
  })),
  ...backup.map(([id, o]) => ev(200, { type: 'backup-record', id, topic: REMOTE, partition: 0, offset: String(o) })),
  ev(300, { type: 'read-complete', what: 'backup', complete, detail: '' }),
];
const measure = (events: HistoryEvent[]) => mirrorRestartsOf(events, indexHistory(events), 0);

describe('MM2 restarts', () => {
  it('attributes a re-copy to the restart whose backup end lies between its two copies', () => {
    // m0–m3 copied at 0–3, restart 1 at end 4 re-copies m2, m3 (4, 5), then m4, m5; restart 2 at end 8 re-copies m5.
    const backup: [string, number][] = [['m0', 0], ['m1', 1], ['m2', 2], ['m3', 3], ['m2', 4], ['m3', 5], ['m4', 6], ['m5', 7], ['m5', 8]];
    const r = measure(history(backup, [{ end: 4, resumedAt: 2500 }, { end: 8, resumedAt: null }]))!;
    expect(r.restarts.map((x) => x.duplicates)).toEqual([2, 1]);
    expect(r.unattributed).toBe(0);
    expect(r.restarts[0]).toMatchObject({ atMs: 1000, downMs: 300, resumeMs: 1500 });
    expect(r.restarts[1]!.resumeMs).toBe('unknown');
  });

  it('a duplicate with both copies on one side of every restart is unattributed; an incomplete read makes the counts unknown', () => {
    const backup: [string, number][] = [['m0', 0], ['m0', 1], ['m1', 2]];
    expect(measure(history(backup, [{ end: 3, resumedAt: 1200 }]))).toMatchObject({ unattributed: 1, restarts: [{ duplicates: 0 }] });
    expect(measure(history(backup, [{ end: 3, resumedAt: 1200 }], false))).toMatchObject({ unattributed: 'unknown', restarts: [{ duplicates: 'unknown' }] });
    expect(measure(history(backup, []))).toBeNull();
  });

  it('a bounce loop: `times` needs `every`; SIGKILL unless `clean`', () => {
    const f = faultSchema.parse({ fault: 'restart', target: 'mirror', every: 10, times: 3 });
    expect(f).toMatchObject({ mode: 'kill', every: 10, times: 3 });
    expect(describeFault(f)).toBe('restart MirrorMaker 2 every 10s, 3 times');
    expect(describeFault(faultSchema.parse({ fault: 'restart', target: 'mirror', mode: 'clean', every: 5 }))).toBe('clean restart MirrorMaker 2 every 5s until the kill');
    expect(faultSchema.safeParse({ fault: 'restart', target: 'mirror', times: 3 }).success).toBe(false);
  });
});
