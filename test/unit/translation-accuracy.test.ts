import { describe, expect, it } from 'vitest';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { indexHistory } from '../../src/core/history/history-index.ts';
import { translationAccuracy } from '../../src/core/checker/translation-accuracy.ts';
import { figureValue } from '../../src/core/results/threshold-checks.ts';

let clock = 0;
const ev = (body: EventBody): HistoryEvent => ({ cell: 'c#1', t: ++clock, ...body }) as HistoryEvent;
const REMOTE = 'primary.orders';

/**
 * Acked ids m<o> at the given primary offsets of orders/0; the backup holds them in order from
 * offset 0 (an offset without an acked record, a commit marker, takes no backup offset), plus
 * `extra` records of unknown ids at the given backup positions.
 */
function history(o: { acked: number[]; copied?: number[]; checkpoints: [number, number, string?][]; complete?: boolean; extra?: number[]; verifyEnd?: number }): HistoryEvent[] {
  const copied = o.copied ?? o.acked;
  const backup: string[] = copied.map((n) => `m${n}`);
  for (const at of o.extra ?? []) backup.splice(at, 0, `foreign-${at}`);
  return [
    ev({ type: 'cell-start', values: {}, settings: { workload: { consumer: { groupId: 'g' } } } }),
    ...o.acked.map((n) => ev({ type: 'ack', id: `m${n}`, topic: 'orders', partition: 0, offset: String(n) })),
    ev({ type: 'kill', target: 'primary', signal: 'SIGKILL' }),
    ...o.checkpoints.map(([u, d, group]) => ev({ type: 'checkpoint', group: group ?? 'g', topic: REMOTE, partition: 0, upstreamOffset: String(u), downstreamOffset: String(d), key: '', value: '' })),
    ...backup.map((id, i) => ev({ type: 'backup-record', id, topic: REMOTE, partition: 0, offset: String(i) })),
    ev({ type: 'offsets', label: 'verify-end', cluster: 'backup', topic: REMOTE, offsets: { 0: String(o.verifyEnd ?? backup.length) } }),
    ev({ type: 'read-complete', what: 'backup', complete: o.complete ?? true, detail: '' }),
  ];
}
const run = (events: HistoryEvent[]) => translationAccuracy(indexHistory(events), events);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('translation accuracy', () => {
  it('judges each checkpoint against the copy of the record at its upstream offset: behind, exact, ahead', () => {
    const t = run(history({ acked: range(0, 10), checkpoints: [[5, 5], [6, 4], [7, 9], [8, 8, 'other-group']] }));
    expect(t.points.map((p) => [p.truth, p.error])).toEqual([['5', 0], ['6', -2], ['7', 2]]);
    expect(t.error).toEqual({ min: -2, median: 0, max: 2, count: 3 });
    expect(t.unknown).toBe(0);
    // The last checkpoint read at the failover was 2 records ahead: a consumer resuming there skips 2.
    expect(t.atFailover).toBe(2);
    expect(t.partitions[`${REMOTE}/0`]).toMatchObject({ checkpoints: 3, atFailover: 2 });
  });

  it('anchors on the primary\'s acks only: ids the backup itself acked at the same offsets (an outage) change nothing', () => {
    const base = history({ acked: [0, 1, 2, 4, 5], checkpoints: [[3, 3]] });
    const outage = [0, 1, 2, 3, 4].map((n) => ev({ type: 'ack', id: `b${n}`, topic: 'orders', partition: 0, offset: String(n), cluster: 'backup' }));
    expect(run(base).points.map((p) => [p.truth, p.error])).toEqual([['3', 0]]);
    expect(run([...base.slice(0, 1), ...outage, ...base.slice(1)]).points.map((p) => [p.truth, p.error])).toEqual([['3', 0]]);
  });

  it('takes a commit marker (no acked record at the upstream offset) to the next copy when nothing lies between on the backup', () => {
    // A marker at primary offset 3: m4 is copied at backup offset 3.
    const t = run(history({ acked: [0, 1, 2, 4, 5, 6], checkpoints: [[3, 3], [3, 2], [7, 6]] }));
    expect(t.points.map((p) => p.error)).toEqual([0, -1, 0]);
  });

  it('an id copied twice is met first at its lowest copy', () => {
    const events = history({ acked: range(0, 4), checkpoints: [[2, 2]] });
    events.splice(-2, 0, ev({ type: 'backup-record', id: 'm2', topic: REMOTE, partition: 0, offset: '4' }));
    expect(run(events).points[0]).toMatchObject({ truth: '2', error: 0 });
  });

  it('never guesses: a record of unknown origin in the gap, a missing copy, a read that stopped short', () => {
    // A foreign record sits between m2's and m4's copies: it may have come from primary offset 3.
    const foreign = run(history({ acked: [0, 1, 2, 4, 5], extra: [3], checkpoints: [[3, 3], [4, 4]] }));
    expect(foreign.points.map((p) => p.unknown ?? p.error)).toEqual(['not-acked', 0]);
    expect(foreign.unknown).toBe(1);
    expect(foreign.error?.count).toBe(1);
    // m3 was never copied: its place on the backup does not exist.
    const uncopied = run(history({ acked: range(0, 6), copied: [0, 1, 2, 4, 5], checkpoints: [[3, 3]] }));
    expect(uncopied.points[0]?.unknown).toBe('not-copied');
    expect(uncopied.atFailover).toBe('unknown');
    expect(run(history({ acked: range(0, 6), copied: [0, 1, 2, 4, 5], checkpoints: [[3, 3]], complete: false })).points[0]?.unknown).toBe('not-read');
    // Past every acked record: the backup's read end is the truth only when the read was complete.
    expect(run(history({ acked: range(0, 4), checkpoints: [[4, 4]] })).points[0]).toMatchObject({ truth: '4', error: 0 });
    expect(run(history({ acked: range(0, 4), checkpoints: [[4, 4]], complete: false })).points[0]?.unknown).toBe('beyond-read');
    // Below every acked record: nothing anchors the gap.
    expect(run(history({ acked: [2, 3], checkpoints: [[1, 0]] })).points[0]?.unknown).toBe('not-acked');
  });

  it('without checkpoints: nothing measured, nothing guessed', () => {
    const t = run(history({ acked: range(0, 4), checkpoints: [] }));
    expect(t).toMatchObject({ checkpoints: 0, unknown: 0, error: null, atFailover: null, partitions: {} });
  });

  it('translationAheadMax gates on the most any checkpoint was ahead; unknown when none could be judged', () => {
    const ahead = (t: ReturnType<typeof run>) => figureValue({ counts: null, failoverGapMs: null, failoverRemainderMs: null, atKill: {} as never, roundTrip: null, translation: t }, 'translationAheadMax');
    expect(ahead(run(history({ acked: range(0, 10), checkpoints: [[5, 5], [7, 9]] })))).toBe(2);
    expect(ahead(run(history({ acked: range(0, 10), checkpoints: [[6, 4]] })))).toBe(-2);
    expect(ahead(run(history({ acked: range(0, 6), copied: [0, 1, 2, 4, 5], checkpoints: [[3, 3]] })))).toBeNull();
  });
});
