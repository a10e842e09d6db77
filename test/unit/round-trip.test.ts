import { describe, expect, it } from 'vitest';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { roundTripOf } from '../../src/core/checker/round-trip.ts';
import { checkConsistency } from '../../src/core/checker/consistency.ts';
import { indexHistory } from '../../src/core/history/history-index.ts';
import { checkInput } from '../../src/core/checker/checker.ts';
import { measureCell } from '../../src/core/results/measure.ts';
import { evaluate } from '../../src/core/results/threshold-checks.ts';
import { headlineText } from '../../src/render/cell-run-rows.ts';
import type { CellResult } from '../../src/core/results/results.ts';

/**
 * A failback in miniature, one partition per topic:
 *   primary orders:         a1@0 a2@1 a3@2 a4@3 | c1@4 (after failback)
 *   backup primary.orders:  a1@0 a2@1            (a3, a4 never replicated before the kill)
 *   backup orders:          b1@0 b2@1 b3@2       (the outage)
 *   primary backup.orders:  b1@0 b2@1            (b3 cut off: stranded)
 */
function failback(opts: { primaryRead?: boolean } = {}): HistoryEvent[] {
  let t = 0;
  const ev: HistoryEvent[] = [];
  const e = (body: EventBody) => ev.push({ cell: 'c#1', t: (t += 10), ...body } as HistoryEvent);
  const ack = (id: string, offset: number, topic = 'orders', cluster?: string) => e({ type: 'ack', id, topic, partition: 0, offset: String(offset), ...(cluster ? { cluster } : {}) });
  const copy = (cluster: string, id: string, topic: string, offset: number) => e({ type: 'copy', cluster, id, topic, partition: 0, offset: String(offset) });
  const deliver = (id: string, phase: 'primary' | 'backup', topic: string, offset: number) => e({ type: 'deliver', id, phase, topic, partition: 0, offset: String(offset), ts: t });
  e({ type: 'cell-start', values: {}, settings: { playbook: [] } });
  ['a1', 'a2', 'a3', 'a4'].forEach((id, i) => ack(id, i));
  deliver('a1', 'primary', 'orders', 0);
  deliver('a2', 'primary', 'orders', 1);
  deliver('a4', 'primary', 'orders', 3);
  e({ type: 'positions', phase: 'primary', offsets: { 'orders/0': '4' }, delivered: 3 });
  e({ type: 'step', index: 0, label: 'kill', action: 'kill-cluster', state: 'start' });
  e({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
  deliver('a2', 'backup', 'primary.orders', 1);
  ['b1', 'b2', 'b3'].forEach((id, i) => ack(id, i, 'orders', 'backup'));
  deliver('b1', 'backup', 'orders', 0);
  deliver('b2', 'backup', 'orders', 1);
  e({ type: 'positions', phase: 'backup', offsets: { 'primary.orders/0': '2', 'orders/0': '2' }, delivered: 3 });
  e({ type: 'offsets', label: 'before-restore-end', cluster: 'backup', topic: 'primary.orders', offsets: { 0: '2' } });
  e({ type: 'step', index: 2, label: 'home', action: 'move-consumers', target: 'primary', state: 'start' });
  e({ type: 'offsets', label: 'move-primary-committed', cluster: 'primary', topic: 'backup.orders', offsets: { 0: '-1' } });
  e({ type: 'step', index: 2, label: 'home', action: 'move-consumers', target: 'primary', state: 'end' });
  e({ type: 'step', index: 1, label: 'restore', action: 'restore-cluster', state: 'start' });
  e({ type: 'step', index: 1, label: 'restore', action: 'restore-cluster', state: 'end' });
  e({ type: 'step', index: 3, label: 'producers-home', action: 'move-producers', target: 'primary', state: 'start' });
  e({ type: 'step', index: 3, label: 'producers-home', action: 'move-producers', target: 'primary', state: 'end' });
  ack('c1', 4, 'orders', 'primary');
  deliver('c1', 'primary', 'orders', 4);
  e({ type: 'positions', phase: 'primary', offsets: { 'orders/0': '5', 'backup.orders/0': '2' }, delivered: 1 });
  e({ type: 'read-complete', what: 'drain', complete: true, detail: '' });
  ['a1', 'a2', 'a3', 'a4', 'c1'].forEach((id, i) => copy('primary', id, 'orders', i));
  ['b1', 'b2'].forEach((id, i) => copy('primary', id, 'backup.orders', i));
  ['a1', 'a2'].forEach((id, i) => copy('backup', id, 'primary.orders', i));
  ['b1', 'b2', 'b3'].forEach((id, i) => copy('backup', id, 'orders', i));
  e({ type: 'read-complete', what: 'primary-copies', complete: opts.primaryRead ?? true, detail: '' });
  e({ type: 'read-complete', what: 'backup-copies', complete: true, detail: '' });
  return ev;
}

describe('the round-trip ledger', () => {
  it("counts from the cluster the last move sent the consumer to, even when a killed cluster's consumer reports last", () => {
    let t = 0;
    const ev: HistoryEvent[] = [];
    const e = (body: EventBody) => ev.push({ cell: 'c#1', t: (t += 10), ...body } as HistoryEvent);
    e({ type: 'cell-start', values: {}, settings: { playbook: [] } });
    ['a1', 'a2'].forEach((id, i) => e({ type: 'ack', id, topic: 'orders', partition: 0, offset: String(i) }));
    e({ type: 'deliver', id: 'a1', phase: 'primary', topic: 'orders', partition: 0, offset: '0', ts: t });
    e({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
    e({ type: 'step', index: 1, label: 'failover', action: 'move-consumers', target: 'backup', state: 'start' });
    ['a1', 'a2'].forEach((id, i) => e({ type: 'deliver', id, phase: 'backup', topic: 'primary.orders', partition: 0, offset: String(i), ts: t }));
    e({ type: 'read-complete', what: 'drain', complete: true, detail: '' });
    e({ type: 'positions', phase: 'backup', offsets: { 'primary.orders/0': '2' }, delivered: 2 });
    // The consumer abandoned on the dead primary gives up its stop only now.
    e({ type: 'positions', phase: 'primary', offsets: { 'orders/0': '1' }, delivered: 1 });
    ['a1', 'a2'].forEach((id, i) => e({ type: 'copy', cluster: 'backup', id, topic: 'primary.orders', partition: 0, offset: String(i) }));
    e({ type: 'read-complete', what: 'primary-copies', complete: false, detail: 'killed and not restored: not read' });
    e({ type: 'read-complete', what: 'backup-copies', complete: true, detail: '' });
    const rt = roundTripOf(ev, 0);
    expect(rt.finalCluster).toBe('backup');
    expect(rt.total).toMatchObject({ acked: 2, lost: 0, skipped: 0, unreached: 0, exactlyOnce: 1, duplicated: 1 });
  });

  it("ignores a stand reported late by the consumer abandoned on the killed primary, after the move back", () => {
    const events = failback();
    const late = { cell: 'c#1', t: events.at(-1)!.t + 10, type: 'positions', phase: 'primary', offsets: { 'orders/0': '1' }, delivered: 1 } as HistoryEvent;
    expect(roundTripOf([...events, late], 0).total).toEqual(roundTripOf(events, 0).total);
  });
  it('classifies every id over the whole round trip, per era', () => {
    const rt = roundTripOf(failback(), 0);
    expect(rt.finalCluster).toBe('primary');
    expect(rt.total).toEqual({ acked: 8, lost: 1, skipped: 1, unreached: 0, exactlyOnce: 5, duplicated: 1, extraDeliveries: 1 });
    expect(rt.byEra['before-kill']).toEqual({ acked: 4, lost: 0, skipped: 1, unreached: 0, exactlyOnce: 2, duplicated: 1 });
    expect(rt.byEra.outage).toEqual({ acked: 3, lost: 1, skipped: 0, unreached: 0, exactlyOnce: 2, duplicated: 0 });
    expect(rt.byEra['after-failback']).toMatchObject({ acked: 1, exactlyOnce: 1 });
    expect(rt.samples.lost).toEqual(['b3']);
    expect(rt.samples.skipped).toEqual(['a3']);
  });

  it('finds stranded and resurrected ids and counts copies per cluster', () => {
    const rt = roundTripOf(failback(), 0);
    expect(rt.stranded).toBe(1);
    expect(rt.samples.stranded).toEqual(['b3']);
    expect(rt.resurrected).toBe(2); // a3 and a4: acked before the kill, never replicated, back with the primary
    expect(rt.resurrectedDelivered).toBe(1);
    expect(rt.vanished).toBe(0);
    expect(rt.copies['before-kill']).toEqual({ primary: { none: 0, one: 4, two: 0, more: 0 }, backup: { none: 2, one: 2, two: 0, more: 0 } });
    expect(rt.counts).toMatchObject({ duplicatedByFailover: 1, duplicatedBeforeKill: 0, deliveredPrimary: 4, deliveredBackup: 3 });
    expect(rt.consistency.holds).toBe(true);
    expect(rt.consistency.checks.map((c) => c.verdict)).toEqual(['pass', 'pass', 'pass']);
    expect(rt.steps.map((s) => [s.label, s.state])).toEqual([['kill', 'running'], ['restore', 'end'], ['home', 'end'], ['producers-home', 'end']]);
    // The move back: no committed offset on backup.orders; the consumer really resumed at c1's offset on orders.
    expect(rt.moves).toEqual([{ label: 'home', to: 'primary', startMs: expect.any(Number), committed: { 'backup.orders/0': '-1' }, resumedAt: { 'orders/0': '4' }, gapFrom: 'move', gapMs: expect.any(Number) }]);
  });

  it('says unknown, never zero, when the primary was not read completely', () => {
    const rt = roundTripOf(failback({ primaryRead: false }), 0);
    expect(rt.stranded).toBe('unknown');
    expect(rt.total.lost).toBe('unknown');
    expect(rt.resurrected).toBe('unknown');
    expect(rt.copies.outage.primary).toBe('unknown');
    expect(rt.samples.stranded).toBe('unknown');
  });

  it('fails the consistency check when an id is found elsewhere than its ack said', () => {
    const ev = failback().map((x) => (x.type === 'copy' && x.id === 'a1' && x.cluster === 'primary' ? { ...x, offset: '9' } : x));
    const check = roundTripOf(ev, 0).consistency.checks.find((c) => c.name === 'acks-located')!;
    expect(check.verdict).toBe('fail');
  });

  it("runs the classic ledger's outcomes check on the same history, and its offsets look-ups", () => {
    const ev = [...failback(), { cell: 'c#1', t: 1_000, type: 'indeterminate', id: 'b2', error: 'timeout' } as HistoryEvent];
    const ix = indexHistory(ev);
    const rt = roundTripOf(ev, 0);
    const classic = checkConsistency(ix, new Map()).checks.find((c) => c.name === 'outcomes-exclusive')!;
    expect(classic.verdict).toBe('fail');
    expect(rt.consistency.checks.find((c) => c.name === 'outcomes-exclusive')).toEqual(classic);
    expect(rt.counts).toMatchObject({ indeterminate: 1, indeterminateAppeared: 1 });
    // The history index answers the round trip's look-ups of any cluster by label alone.
    expect(ix.offsets('before-restore-end')).toEqual(new Map([['primary.orders/0', 2n]]));
    expect(roundTripOf(ev, 0, ix)).toEqual(rt);
  });
});

describe('write gaps', () => {
  const step = (t: number, label: string, action: string, state: 'start' | 'end', target?: string): HistoryEvent =>
    ({ cell: 'c#1', t, type: 'step', index: 0, label, action, state, ...(target ? { target } : {}) });
  it('measure when no producer wrote: the failover, and the cutover of the failback', () => {
    const rt = roundTripOf([
      step(1000, 'kill', 'kill-cluster', 'start', 'primary'), step(1100, 'kill', 'kill-cluster', 'end', 'primary'),
      step(3000, 'to-backup', 'move-producers', 'start', 'backup'), step(3200, 'to-backup', 'move-producers', 'end', 'backup'),
      step(9000, 'stop', 'stop-producers', 'start'), step(9100, 'stop', 'stop-producers', 'end'),
      step(12000, 'home', 'move-producers', 'start', 'primary'), step(12500, 'home', 'move-producers', 'end', 'primary'),
      step(20000, 'end', 'stop-producers', 'start'), step(20100, 'end', 'stop-producers', 'end'),
    ], 0);
    expect(rt.writeGaps.map((g) => [g.from, g.to, g.durationMs])).toEqual([['kill', 'to-backup', 2200], ['stop', 'home', 3500]]);
  });
  it('with producers on both clusters, a kill of one and the move of its producers leave no gap; stopping all does', () => {
    const rt = roundTripOf([
      step(500, 'backup-writers', 'start-producers', 'start', 'backup'), step(600, 'backup-writers', 'start-producers', 'end', 'backup'),
      step(1000, 'kill', 'kill-cluster', 'start', 'primary'), step(1100, 'kill', 'kill-cluster', 'end', 'primary'),
      step(3000, 'to-backup', 'move-producers', 'start', 'backup'), step(3200, 'to-backup', 'move-producers', 'end', 'backup'),
      step(9000, 'stop', 'stop-producers', 'start'), step(9100, 'stop', 'stop-producers', 'end'),
      step(12000, 'again', 'start-producers', 'start', 'backup'), step(12400, 'again', 'start-producers', 'end', 'backup'),
    ], 0);
    expect(rt.writeGaps.map((g) => [g.from, g.to, g.durationMs])).toEqual([['stop', 'again', 3400]]);
  });
});

/** A crafted history: `e(body)` appends an event 10 ms after the last one. */
function history() {
  let t = 0;
  const ev: HistoryEvent[] = [];
  const e = (body: EventBody) => {
    const x = { cell: 'c#1', t: (t += 10), ...body } as HistoryEvent;
    ev.push(x);
    return x;
  };
  const ack = (id: string, offset: number, cluster = 'primary', topic = 'orders') => e({ type: 'ack', id, topic, partition: 0, offset: String(offset), cluster });
  const copy = (cluster: string, id: string, topic: string, offset: number) => e({ type: 'copy', cluster, id, topic, partition: 0, offset: String(offset) });
  const deliver = (id: string, phase: 'primary' | 'backup', topic: string, offset: number) => e({ type: 'deliver', id, phase, topic, partition: 0, offset: String(offset), ts: t });
  const step = (label: string, action: string, state: 'start' | 'end', target?: string) => e({ type: 'step', index: 0, label, action, state, ...(target ? { target } : {}) });
  const read = (what: 'drain' | 'primary-copies' | 'backup-copies', complete = true) => e({ type: 'read-complete', what, complete, detail: '' });
  /** The final verification reads, both complete, and the round trip of the history. */
  const verified = () => {
    read('primary-copies');
    read('backup-copies');
    return roundTripOf(ev, 0);
  };
  e({ type: 'cell-start', values: {}, settings: { playbook: [] } });
  return { ev, e, ack, copy, deliver, step, read, verified };
}

describe('the round trip: the RPO is the failover\'s', () => {
  it("counts as RPO only what was acked on the primary before the failover; stranded and after-failback ids keep their own names", () => {
    const rt = roundTripOf(failback(), 0);
    // a3, a4 never reached the backup before the kill; b3 is stranded; c1 was written after the failback.
    expect(rt.counts.notReplicated).toBe(2);
    expect(rt.absent).toEqual({ failover: 2, stranded: 1, afterFailback: 1, backupLocal: 0, deletedIncarnation: 0 });
  });

  it('reads the headline as such: the RPO, and the other absences under their names', () => {
    const m = measureCell(checkInput(failback(), 0));
    const text = headlineText({ ...m, expected: null, attribution: null, phases: {} } as unknown as CellResult);
    expect(text).toContain('not replicated (RPO) 2 ');
    expect(text).toContain('other absences 2 (1 stranded, 1 written after the failback)');
  });

  it('counts ids of a topic incarnation the playbook deleted apart, not as RPO', () => {
    const h = history();
    h.ack('o1', 0);
    h.ack('o2', 1);
    h.e({ type: 'topic', cluster: 'primary', topic: 'orders', change: 'deleted' });
    h.e({ type: 'topic', cluster: 'primary', topic: 'orders', change: 'created', partitions: 1 });
    h.ack('n1', 0);
    h.ack('n2', 1);
    h.step('planned', 'move-consumers', 'start', 'backup');
    h.deliver('n1', 'backup', 'primary.orders', 0);
    h.e({ type: 'positions', phase: 'backup', offsets: { 'primary.orders/0': '1' }, delivered: 1 });
    h.read('drain');
    h.copy('primary', 'n1', 'orders', 0);
    h.copy('primary', 'n2', 'orders', 1);
    h.copy('backup', 'n1', 'primary.orders', 0); // the old incarnation's remote copy was deleted by the recovery
    const rt = h.verified();
    expect(rt.counts.notReplicated).toBe(1); // n2
    expect(rt.absent).toMatchObject({ failover: 1, deletedIncarnation: 2 });
  });

  it('knows the RPO from the backup alone when the primary is killed and never restored', () => {
    const h = history();
    h.ack('a1', 0);
    h.ack('a2', 1);
    h.e({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
    h.step('failover', 'move-consumers', 'start', 'backup');
    h.deliver('a1', 'backup', 'primary.orders', 0);
    h.ack('b1', 0, 'backup');
    h.e({ type: 'positions', phase: 'backup', offsets: { 'primary.orders/0': '1' }, delivered: 1 });
    h.read('drain');
    h.copy('backup', 'a1', 'primary.orders', 0);
    h.copy('backup', 'b1', 'orders', 0);
    h.read('primary-copies', false);
    h.read('backup-copies');
    const rt = roundTripOf(h.ev, 0);
    expect(rt.counts.notReplicated).toBe(1);
    expect(evaluate({ notReplicated: '<=1' }, { values: {}, counts: rt.counts, failoverGapMs: null, failoverRemainderMs: null, atKill: {} as never, roundTrip: rt, alarms: [] })[0]!.verdict).toBe('pass');
    expect(rt.absent).toMatchObject({ stranded: 'unknown', afterFailback: 0 }); // b1 may be on the primary; nothing was written there after the kill
  });

  it('shows writes left behind on the backup by a planned switchover as stranded', () => {
    const h = history();
    h.ack('a1', 0);
    h.step('switch', 'move-consumers', 'start', 'backup');
    h.step('switch-producers', 'move-producers', 'start', 'backup');
    h.ack('b1', 0, 'backup');
    h.ack('b2', 1, 'backup');
    h.step('home', 'move-producers', 'start', 'primary');
    h.ack('c1', 1);
    h.deliver('a1', 'backup', 'primary.orders', 0);
    h.e({ type: 'positions', phase: 'backup', offsets: { 'primary.orders/0': '1', 'orders/0': '0' }, delivered: 1 });
    h.read('drain');
    h.copy('primary', 'a1', 'orders', 0);
    h.copy('primary', 'c1', 'orders', 1);
    h.copy('primary', 'b1', 'backup.orders', 0); // b2: the reverse flow was cut before it
    h.copy('backup', 'a1', 'primary.orders', 0);
    h.copy('backup', 'b1', 'orders', 0);
    h.copy('backup', 'b2', 'orders', 1);
    const rt = h.verified();
    expect(rt.stranded).toBe(1);
    expect(rt.samples.stranded).toEqual(['b2']);
    expect(rt.byEra.outage.acked).toBe(2);
    expect(rt.absent).toEqual({ failover: 0, stranded: 1, afterFailback: 1, backupLocal: 0, deletedIncarnation: 0 });
  });
});

describe('the round trip counts as the classic ledger does', () => {
  it('counts an id with several copies on each cluster once in replicationDuplicates, its surplus copies apart', () => {
    const h = history();
    h.ack('a1', 0);
    h.deliver('a1', 'primary', 'orders', 0);
    h.e({ type: 'positions', phase: 'primary', offsets: { 'orders/0': '2' }, delivered: 1 });
    h.read('drain');
    h.copy('primary', 'a1', 'orders', 0);
    h.copy('primary', 'a1', 'orders', 1);
    h.copy('backup', 'a1', 'primary.orders', 0);
    h.copy('backup', 'a1', 'primary.orders', 1);
    const rt = h.verified();
    expect(rt.counts.replicationDuplicates).toBe(1);
    expect(rt.counts.replicationExtraCopies).toBe(2);
  });

  it('counts foreign deliveries, not foreign ids', () => {
    const h = history();
    h.deliver('x1', 'primary', 'orders', 0);
    h.deliver('x1', 'primary', 'orders', 0);
    expect(roundTripOf(h.ev, 0).counts.foreignDeliveries).toBe(2);
  });
});

describe("the round trip's consumer gaps", () => {
  it("measure each move from the kill (or the move) to the first delivery after it; the failover's is the cell's failover gap", () => {
    const h = history();
    h.ack('a1', 0);
    h.deliver('a1', 'primary', 'orders', 0);
    const kill = h.e({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
    h.e({ type: 'phase', phase: 'kill' });
    const failover = h.step('failover', 'move-consumers', 'start', 'backup');
    h.ack('b1', 0, 'backup');
    const first = h.deliver('b1', 'backup', 'orders', 0);
    const home = h.step('home', 'move-consumers', 'start', 'primary');
    h.ack('c1', 1);
    const back = h.deliver('c1', 'primary', 'orders', 1);
    const rt = roundTripOf(h.ev, 0);
    expect(rt.moves.map((m) => [m.label, m.gapFrom, m.gapMs])).toEqual([['failover', 'kill', first.t - kill.t], ['home', 'move', back.t - home.t]]);
    expect(failover.t).toBeGreaterThan(kill.t);
    const m = measureCell(checkInput(h.ev, 0));
    expect(m.failoverGapMs).toBe(first.t - kill.t);
    const [check] = evaluate({ failoverGapSeconds: '<60' }, { values: {}, ...m });
    expect(check!.verdict).toBe('pass');
  });

  it('a planned failover measures from the move', () => {
    const h = history();
    h.ack('a1', 0);
    const move = h.step('planned', 'move-consumers', 'start', 'backup');
    const first = h.deliver('a1', 'backup', 'primary.orders', 0);
    expect(roundTripOf(h.ev, 0).failoverGapMs).toBe(first.t - move.t);
  });
});

describe('the configured failover wait', () => {
  it('is known when the primary was killed, though nothing was delivered on the backup', () => {
    const h = history();
    h.ev[0] = { ...h.ev[0]!, settings: { failover: { delaySeconds: 2 } } } as HistoryEvent;
    h.ack('a1', 0);
    h.e({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
    const m = measureCell(checkInput(h.ev, 0));
    expect(m.failoverGapMs).toBeNull();
    expect(m.failoverDelayMs).toBe(2000);
    expect(m.failoverRemainderMs).toBeNull();
  });
});
