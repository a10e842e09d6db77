/**
 * A cell run's events as the checker keeps them: the per-message events (`ack`, `deliver`,
 * `backup-record`, `copy` — three or more a message) in typed-array columns, some 50 B an event
 * where an object took some 200 (docs/scale.md), and every other event as the object it is, all
 * in the order they happened. An event is built again from its columns each time it is read, the
 * same fields with the same values as the one appended (and in the order the compact history's
 * reader gives them); one whose shape the columns cannot hold exactly (a field more, a partition
 * beyond 32 bits, a `t` that is not an integer) is kept as the object it is.
 *
 * Checkers read a history as `HistoryEvents` (history.ts): this log or a plain array (a history
 * read back from its file, a unit test's).
 */
import { fitsCompact } from './compact-history.ts';
import { eventAt, type EventColumns, type EventOf, type EventType, type HistoryEvent, type HistoryEvents, type MessageEventType } from './history.ts';
import { IdTable, NameTable } from './id-columns.ts';

const messageEventTypes: readonly MessageEventType[] = ['ack', 'deliver', 'backup-record', 'copy'];

/** Kind codes: 0 an event kept as an object, else 1 + its index in `messageEventTypes`. */
const OTHER = 0;
const kindCode: Readonly<Record<string, number>> = { ack: 1, deliver: 2, 'backup-record': 3, copy: 4 };

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const SLOT = CHUNK - 1;

/**
 * One chunk of columns: the log grows a chunk at a time, without copying (nor a growing array's
 * slack of up to half, nor a copy's peak of both). The first grows by doubling up to a full
 * chunk: a short history (a unit test's, a cell of many) takes little.
 */
class Chunk {
  readonly kind: Uint8Array;
  readonly cell: Int32Array;
  readonly t: Float64Array;
  readonly id: Int32Array;
  readonly topic: Int32Array;
  readonly partition: Int32Array;
  /** The offset when it is a number exactly, else NaN (its text in `EventLog.offsetTexts`). */
  readonly offset: Float64Array;
  /** ack: key + 1 (0: none); deliver: phase; copy: cluster (names' numbers). */
  readonly a: Int32Array;
  /** ack: cluster + 1 (0: none); deliver: `ts`. */
  readonly b: Float64Array;
  readonly size: number;
  constructor(size: number, from?: Chunk) {
    this.size = size;
    this.kind = grown(new Uint8Array(size), from?.kind);
    this.cell = grown(new Int32Array(size), from?.cell);
    this.t = grown(new Float64Array(size), from?.t);
    this.id = grown(new Int32Array(size), from?.id);
    this.topic = grown(new Int32Array(size), from?.topic);
    this.partition = grown(new Int32Array(size), from?.partition);
    this.offset = grown(new Float64Array(size), from?.offset);
    this.a = grown(new Int32Array(size), from?.a);
    this.b = grown(new Float64Array(size), from?.b);
  }
}

function grown<C extends Uint8Array | Int32Array | Float64Array>(column: C, from: C | undefined): C {
  if (from) column.set(from);
  return column;
}

const FIRST_CHUNK = 256;

export class EventLog implements EventColumns {
  private readonly chunks: Chunk[] = [];
  /** The events kept as objects, in order (position → index: counted along the kinds). */
  private readonly others: HistoryEvent[] = [];
  /** Position → index in `others`, for `at` (a few entries: one an object event). */
  private readonly otherAt = new Map<number, number>();
  private readonly offsetTexts = new Map<number, string>();
  private readonly ids = new IdTable();
  private readonly names = new NameTable();
  length = 0;

  /** Appends an event (kept as it is when the columns cannot hold it exactly). */
  push(e: HistoryEvent): void {
    const i = this.length++;
    const slot = i & SLOT;
    if (slot === 0) this.chunks.push(new Chunk(i === 0 ? FIRST_CHUNK : CHUNK));
    else if (slot === this.chunks[0]!.size) this.chunks[0] = new Chunk(slot * 2, this.chunks[0]);
    const c = this.chunks[i >>> CHUNK_BITS]!;
    if (!(e.type in kindCode) || !fitsCompact(e) || !fitsColumns(e as EventOf<MessageEventType>)) {
      c.kind[slot] = OTHER;
      this.otherAt.set(i, this.others.push(e) - 1);
      return;
    }
    const m = e as EventOf<MessageEventType>;
    c.kind[slot] = kindCode[m.type]!;
    c.cell[slot] = this.names.number(m.cell);
    c.t[slot] = m.t;
    c.id[slot] = this.ids.add(m.id);
    c.topic[slot] = this.names.number(m.topic);
    c.partition[slot] = m.partition;
    const n = Number(m.offset);
    if (Number.isSafeInteger(n) && String(n) === m.offset) c.offset[slot] = n;
    else {
      c.offset[slot] = NaN;
      this.offsetTexts.set(i, m.offset);
    }
    switch (m.type) {
      case 'ack':
        c.a[slot] = m.key === undefined ? 0 : this.names.number(m.key) + 1;
        c.b[slot] = m.cluster === undefined ? 0 : this.names.number(m.cluster) + 1;
        break;
      case 'deliver':
        c.a[slot] = this.names.number(m.phase);
        c.b[slot] = m.ts;
        break;
      case 'copy':
        c.a[slot] = this.names.number(m.cluster);
        break;
      default:
        break;
    }
  }

  /** The event at a position (0, 1, … in the order appended; -1 the last, as an array's `at`), built when it is in columns. */
  at(position: number): HistoryEvent | undefined {
    const i = position < 0 ? position + this.length : position;
    if (i < 0 || i >= this.length) return undefined;
    const c = this.chunks[i >>> CHUNK_BITS]!;
    const slot = i & SLOT;
    return c.kind[slot] === OTHER ? this.others[this.otherAt.get(i)!] : this.build(c, slot, i);
  }

  /** The event type at a position, without building the event. */
  typeAt(i: number): EventType | undefined {
    if (i < 0 || i >= this.length) return undefined;
    const k = this.chunks[i >>> CHUNK_BITS]!.kind[i & SLOT]!;
    return k === OTHER ? this.others[this.otherAt.get(i)!]!.type : messageEventTypes[k - 1];
  }

  private build(c: Chunk, slot: number, i: number): HistoryEvent {
    const names = this.names.names;
    const cell = names[c.cell[slot]!]!;
    const t = c.t[slot]!;
    const id = this.ids.id(c.id[slot]!);
    const topic = names[c.topic[slot]!]!;
    const partition = c.partition[slot]!;
    const o = c.offset[slot]!;
    const offset = Number.isNaN(o) ? this.offsetTexts.get(i)! : String(o);
    const a = c.a[slot]!;
    const b = c.b[slot]!;
    // The fields in the order the compact history's reader gives them (compact-history.ts).
    switch (c.kind[slot]) {
      case 1: {
        const e: EventOf<'ack'> = { cell, t, type: 'ack', id, topic, partition, offset };
        if (a > 0) (e as { key?: string }).key = names[a - 1]!;
        if (b > 0) (e as { cluster?: string }).cluster = names[b - 1]!;
        return e;
      }
      case 2: return { cell, t, type: 'deliver', id, phase: names[a] as EventOf<'deliver'>['phase'], topic, partition, offset, ts: b };
      case 3: return { cell, t, type: 'backup-record', id, topic, partition, offset };
      default: return { cell, t, type: 'copy', cluster: names[a]!, id, topic, partition, offset };
    }
  }

  *[Symbol.iterator](): Iterator<HistoryEvent> {
    let other = 0;
    for (let i = 0; i < this.length; i++) {
      const c = this.chunks[i >>> CHUNK_BITS]!;
      const slot = i & SLOT;
      yield c.kind[slot] === OTHER ? this.others[other++]! : this.build(c, slot, i);
    }
  }

  /** The events of one type in order, each built as it is reached (positions with them: `entries`). */
  *ofType<T extends EventType>(type: T): Generator<EventOf<T>> {
    for (const [, e] of this.entriesOf(type)) yield e;
  }

  /** [position, event] of the events of one type, in order. */
  *entriesOf<T extends EventType>(type: T): Generator<[number, EventOf<T>]> {
    const code = kindCode[type];
    if (code === undefined) {
      for (const [i, k] of this.otherAt) if (this.others[k]!.type === type) yield [i, this.others[k] as EventOf<T>];
      return;
    }
    for (let i = 0; i < this.length; i++) {
      const c = this.chunks[i >>> CHUNK_BITS]!;
      const slot = i & SLOT;
      const k = c.kind[slot];
      if (k === code) yield [i, this.build(c, slot, i) as EventOf<T>];
      else if (k === OTHER && this.others[this.otherAt.get(i)!]!.type === type) yield [i, this.others[this.otherAt.get(i)!] as EventOf<T>];
    }
  }

}

/** What the columns hold exactly, beyond the compact history's shapes: a 32-bit partition, an integer `t` and `ts`. */
function fitsColumns(e: EventOf<MessageEventType>): boolean {
  return (e.partition | 0) === e.partition && (e.type !== 'deliver' || Number.isSafeInteger(e.ts));
}

/**
 * Some events of a history picked by position (the index's deliveries of a phase): 4 B each,
 * each built as it is read.
 */
export class PickedEvents<E extends HistoryEvent> implements Iterable<E> {
  private positions = new Int32Array(256);
  length = 0;
  private readonly events: HistoryEvents;
  constructor(events: HistoryEvents) {
    this.events = events;
  }

  add(position: number): void {
    if (this.length === this.positions.length) {
      const grown = new Int32Array(this.length * 2);
      grown.set(this.positions);
      this.positions = grown;
    }
    this.positions[this.length++] = position;
  }

  at(i: number): E | undefined {
    return i >= 0 && i < this.length ? (eventAt(this.events, this.positions[i]!) as E) : undefined;
  }

  *[Symbol.iterator](): Iterator<E> {
    for (let i = 0; i < this.length; i++) yield eventAt(this.events, this.positions[i]!) as E;
  }

  /** The events passing `f`, as an array (only those are built and kept). */
  filter(f: (e: E) => boolean): E[] {
    const out: E[] = [];
    for (const e of this) if (f(e)) out.push(e);
    return out;
  }

  /** `f`'s results over the events, concatenated. */
  flatMap<U>(f: (e: E) => readonly U[]): U[] {
    const out: U[] = [];
    for (const e of this) out.push(...f(e));
    return out;
  }
}
