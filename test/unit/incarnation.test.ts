import { describe, expect, it } from 'vitest';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { roundTripOf } from '../../src/core/checker/round-trip.ts';

/**
 * A recreated source topic in miniature, one partition:
 *   primary orders #1:  o0@0 o1@1 o2@2           (deleted)
 *   primary orders #2:  n0@0 n1@1 n2@2 n3@3       (w: acked while the deletion ran, not found)
 *   backup primary.orders: o0@0 o1@1 o2@2 n3@3 n2@4   (MM2 resumed at its stored offset 2: n0, n1 never copied)
 * The consumer fails over to the backup and reads it all from offset 0.
 */
function recreated(): HistoryEvent[] {
  let t = 0;
  const ev: HistoryEvent[] = [];
  const e = (body: EventBody) => ev.push({ cell: 'c#1', t: (t += 10), ...body } as HistoryEvent);
  const ack = (id: string, offset: number) => e({ type: 'ack', id, topic: 'orders', partition: 0, offset: String(offset), cluster: 'primary' });
  const copy = (cluster: string, id: string, topic: string, offset: number) => e({ type: 'copy', cluster, id, topic, partition: 0, offset: String(offset) });
  e({ type: 'cell-start', values: {}, settings: { playbook: [] } });
  ['o0', 'o1', 'o2'].forEach((id, i) => ack(id, i));
  e({ type: 'topic', cluster: 'primary', topic: 'orders', change: 'deleted' });
  ack('w', 3);
  e({ type: 'topic', cluster: 'primary', topic: 'orders', change: 'created', partitions: 1, config: { 'retention.ms': '60000' } });
  ['n0', 'n1', 'n2', 'n3'].forEach((id, i) => ack(id, i));
  ['o0', 'o1', 'o2', 'n3', 'n2'].forEach((id, i) => e({ type: 'deliver', id, phase: 'backup', topic: 'primary.orders', partition: 0, offset: String(i), ts: t }));
  e({ type: 'positions', phase: 'backup', offsets: { 'primary.orders/0': '5' }, delivered: 5 });
  e({ type: 'read-complete', what: 'drain', complete: true, detail: '' });
  ['n0', 'n1', 'n2', 'n3'].forEach((id, i) => copy('primary', id, 'orders', i));
  ['o0', 'o1', 'o2', 'n3', 'n2'].forEach((id, i) => copy('backup', id, 'primary.orders', i));
  e({ type: 'read-complete', what: 'primary-copies', complete: true, detail: '' });
  e({ type: 'read-complete', what: 'backup-copies', complete: true, detail: '' });
  return ev;
}

describe('topic incarnations in the round-trip ledger', () => {
  const rt = roundTripOf(recreated(), 0);
  it('assigns every acked id to the incarnation it was written to, or unknown', () => {
    expect(rt.incarnations.map((x) => [x.incarnation, x.classes.acked, x.partitions])).toEqual([[1, 3, null], [2, 4, 1]]);
    expect(rt.incarnations[1]!.config).toEqual({ 'retention.ms': '60000' });
    expect(rt.incarnationUnknown).toBe(1); // w: acked during the deletion, found nowhere
  });
  it('counts the head of the new incarnation MM2 never copied, and what the failed-over consumer missed', () => {
    const [old, fresh] = rt.incarnations;
    expect(old).toMatchObject({ notReplicated: 0, headNotReplicated: 0, copies: { primary: { none: 3 }, backup: { one: 3 } } });
    expect(fresh).toMatchObject({ notReplicated: 2, headNotReplicated: 2, copies: { primary: { one: 4 }, backup: { none: 2, one: 2 } } });
    expect(fresh!.classes).toMatchObject({ lost: 2, exactlyOnce: 2 });
    expect(old!.classes).toMatchObject({ exactlyOnce: 3 });
  });
  it('lays out the remote partition as runs of incarnations, flagging an older one after a newer one', () => {
    expect(rt.layouts).toEqual([{
      cluster: 'backup', topic: 'primary.orders', partition: 0, interleaved: false,
      runs: [{ incarnation: 1, count: 3, from: '0', to: '2' }, { incarnation: 2, count: 2, from: '3', to: '4' }],
    }]);
  });
  it('leaves incarnations out when no topic was recreated', () => {
    const plain = recreated().filter((e) => e.type !== 'topic');
    expect(roundTripOf(plain, 0).incarnations).toEqual([]);
  });
});
