/**
 * The checker's events in columns (core/history/event-log.ts): every event appended comes back,
 * in order, with all its fields and their values — in columns when they hold it exactly, as the
 * object otherwise — by iteration, by position and by type.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventLog, PickedEvents } from '../../src/core/history/event-log.ts';
import { eachOf, eventAt, eventsOf, eventTypes, type EventOf, type HistoryEvent } from '../../src/core/history/history.ts';
import { indexHistory } from '../../src/core/history/history-index.ts';

const cell = fc.constantFrom('a#1', 'b#1', 'failover.strategy=s1,mirror.policy=default#2');
const t = fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.constant(1.5), fc.constant(2 ** 60));
const id = fc.oneof(
  fc.nat({ max: 5000 }).map((n) => `20261207T081503Z-1afd57-1-${n}`),
  fc.nat().map((n) => `run-2-w1-${n}`),
  fc.constantFrom('x', '', 'run-1-007', 'run-1-0', `run-1-${1e16}`, 'ключ-9'),
);
const topic = fc.constantFrom('orders', 'primary.orders', 'a.b.c');
const partition = fc.oneof(fc.nat({ max: 100_000 }), fc.constant(2 ** 31), fc.constant(-1));
const offset = fc.oneof(fc.nat().map(String), fc.constantFrom('007', '9223372036854775807', '-1', '1e3', ''));
const where = { topic, partition, offset };
const ack = fc.record(
  { cell, t, type: fc.constant('ack' as const), id, ...where, key: fc.string({ maxLength: 4 }), cluster: fc.constantFrom('primary', 'backup') },
  { requiredKeys: ['cell', 't', 'type', 'id', 'topic', 'partition', 'offset'] },
);
const deliver = fc.record({ cell, t, type: fc.constant('deliver' as const), id, phase: fc.constantFrom('primary' as const, 'backup' as const), ...where, ts: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.constant(0.25)) });
const backupRecord = fc.record({ cell, t, type: fc.constant('backup-record' as const), id, ...where });
const copy = fc.record({ cell, t, type: fc.constant('copy' as const), cluster: fc.constantFrom('primary', 'backup'), id, ...where });
/** A field the columns do not know: the event stays the object it is. */
const withExtra = fc.tuple(fc.oneof(ack, deliver, copy), fc.string()).map(([e, x]) => ({ ...e, extra: x }));
const other = fc.oneof(
  fc.record({ cell, t, type: fc.constant('kill' as const), target: fc.constant('primary'), signal: fc.constant('SIGKILL') }),
  fc.record({ cell, t, type: fc.constant('read-complete' as const), what: fc.constant('backup' as const), complete: fc.boolean(), detail: fc.string() }),
  fc.record({ cell, t, type: fc.constant('fail' as const), id, error: fc.string() }),
);
const history = fc.array(fc.oneof({ arbitrary: ack, weight: 4 }, { arbitrary: deliver, weight: 4 }, backupRecord, copy, withExtra, other), { maxLength: 300 })
  // Plain objects, as the recorder's and the history reader's are (fast-check's have no prototype).
  .map((es) => es.map((e) => ({ ...e }))) as fc.Arbitrary<HistoryEvent[]>;

const logOf = (events: readonly HistoryEvent[]): EventLog => {
  const log = new EventLog();
  for (const e of events) log.push(e);
  return log;
};

describe('event log', () => {
  it('gives back every event appended, in order, with every field, by iteration and by position', () => {
    fc.assert(fc.property(history, (events) => {
      const log = logOf(events);
      expect(log.length).toBe(events.length);
      expect([...log]).toStrictEqual(events);
      events.forEach((e, i) => expect(log.at(i)).toStrictEqual(e));
      expect(log.at(-1)).toStrictEqual(events.at(-1));
      expect(log.at(events.length)).toBeUndefined();
    }), { numRuns: 300 });
  });

  it('gives back the events of each type in order, and reads as the same array would', () => {
    fc.assert(fc.property(history, (events) => {
      const log = logOf(events);
      for (const type of eventTypes) {
        expect([...eachOf(log, type)]).toStrictEqual([...eachOf(events, type)]);
        expect(eventsOf(log, type)).toStrictEqual(eventsOf(events, type));
      }
      for (let i = 0; i < events.length; i++) expect(eventAt(log, i)).toStrictEqual(eventAt(events, i));
    }), { numRuns: 200 });
  });

  it('holds the events across chunks, the first grown in place', () => {
    const n = 70_000 * 2 + 13;
    const events: HistoryEvent[] = [];
    for (let i = 0; i < n; i++) {
      events.push(i % 1000 === 7
        ? { cell: 'a#1', t: 1000 + i, type: 'kill', target: 'primary', signal: 'SIGKILL' }
        : { cell: 'a#1', t: 1000 + i, type: 'deliver', id: `run-1-${i}`, phase: i % 2 ? 'primary' : 'backup', topic: 'orders', partition: i % 7, offset: String(i), ts: i });
    }
    const log = logOf(events);
    expect([...log]).toStrictEqual(events);
    expect(log.at(65_536)).toStrictEqual(events[65_536]);
    expect(log.at(n - 1)).toStrictEqual(events[n - 1]);
  }, 60_000);

  it('indexes a history in columns as it indexes the same array', () => {
    // The index reads offsets as int64 (BigInt): a history of others is not the recorder's.
    const integral = history.map((es) => es.filter((e) => !('offset' in e) || /^-?\d+$/.test(e.offset)));
    fc.assert(fc.property(integral, (events) => {
      const [a, b] = [indexHistory(events), indexHistory(logOf(events))];
      expect([...b.acked]).toStrictEqual([...a.acked]);
      expect([...b.deliveries]).toStrictEqual([...a.deliveries]);
      expect([...b.backupCopies]).toStrictEqual([...a.backupCopies]);
      for (const phase of ['primary', 'backup'] as const) {
        expect(b.delivered[phase].length).toBe(a.delivered[phase].length);
        expect([...b.delivered[phase]]).toStrictEqual([...a.delivered[phase]]);
        expect([...a.delivered[phase]]).toStrictEqual(events.filter((e) => e.type === 'deliver' && e.phase === phase));
      }
      expect(b.firstBackupDelivery).toBe(a.firstBackupDelivery);
      expect(b.firstBackupOffsets).toStrictEqual(a.firstBackupOffsets);
    }), { numRuns: 200 });
  });

  it('picks events by position, each read again from the history', () => {
    const events: EventOf<'deliver' | 'kill'>[] = [
      { cell: 'a#1', t: 1, type: 'kill', target: 'primary', signal: 'SIGKILL' },
      { cell: 'a#1', t: 2, type: 'deliver', id: 'r-1', phase: 'backup', topic: 'o', partition: 0, offset: '4', ts: 1 },
      { cell: 'a#1', t: 3, type: 'deliver', id: 'r-2', phase: 'backup', topic: 'o', partition: 0, offset: '5', ts: 1 },
    ];
    const picked = new PickedEvents<EventOf<'deliver'>>(logOf(events));
    for (let i = 0; i < 300; i++) picked.add(1 + (i % 2));
    expect(picked.length).toBe(300);
    expect(picked.at(299)).toStrictEqual(events[2]);
    expect(picked.at(300)).toBeUndefined();
    expect(picked.filter((e) => e.id === 'r-1')).toHaveLength(150);
    expect(picked.flatMap((e) => (e.id === 'r-2' ? [e.offset] : []))).toStrictEqual(Array(150).fill('5'));
  });
});
