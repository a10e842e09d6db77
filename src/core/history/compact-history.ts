/**
 * The compact lines of history.ndjson: the per-message events (`ack`, `deliver`, `backup-record`,
 * `copy`) — nearly all of a history's lines — as short JSON arrays instead of objects, beside the
 * JSON object lines of everything else, in the order they happened. Ids are dense per producer:
 * an id `<prefix><n>` is written as the prefix's number in the file's string table and `n` as the
 * difference from the previous compact line's `n` (+1 from one ack to the next); a cell, a topic, a
 * cluster and a phase by their number; `t` as the difference from the previous compact line's; an
 * offset as a number when it is one exactly. A fifth of the JSON object's size (docs/scale.md).
 * A history of JSON objects only (every history written before) reads as it did.
 *
 *   ["mm2-drill/compact", 1]             a writer starts: forget the table and the time (files
 *                                        appended to one another, as `merge` does, stay readable)
 *   ["=", i, "text"]                     string i of the table
 *   ["=", i, ["a#1", "b#1"]]             or a set of cells: one line holds an event every cell
 *                                        of the set recorded (the shared events of paired variants)
 *   [kc, dt, p, dn, topic, partition, offset, key?, cluster?]   ack
 *   [kc, dt, p, dn, topic, partition, offset, phase, t - ts]    deliver
 *   [kc, dt, p, dn, topic, partition, offset]                   backup-record
 *   [kc, dt, p, dn, topic, partition, offset, cluster]          copy
 *
 * `kc`: the kind (0 ack, 1 deliver, 2 backup-record, 3 copy) + 4 × the cell's table number.
 * `p`: the table number of the id's prefix, with `dn` its sequence number's difference; or the
 * whole id as a string (an id of another form), with `dn` 0. `key`, `cluster`: null or left out
 * when absent.
 */
import type { EventOf, HistoryEvent } from './history.ts';
import { isDigit, MAX_DIGITS, sequenceOf, sequenceStart } from './id-columns.ts';

export const COMPACT_HEADER = 'mm2-drill/compact';
const VERSION = 1;
const codes = { ack: 0, deliver: 1, 'backup-record': 2, copy: 3 } as const;
type Compact = keyof typeof codes;
const typeOf: readonly Compact[] = ['ack', 'deliver', 'backup-record', 'copy'];

/** The keys each compact event may carry: one more (a field added later) and it is written as JSON. */
const keysOf: Record<Compact, ReadonlySet<string>> = {
  ack: new Set(['cell', 't', 'type', 'id', 'topic', 'partition', 'offset', 'key', 'cluster']),
  deliver: new Set(['cell', 't', 'type', 'id', 'phase', 'topic', 'partition', 'offset', 'ts']),
  'backup-record': new Set(['cell', 't', 'type', 'id', 'topic', 'partition', 'offset']),
  copy: new Set(['cell', 't', 'type', 'cluster', 'id', 'topic', 'partition', 'offset']),
};


/** An offset that is a JSON number as it is written: 1 to 15 digits, no leading zero. */
export function isPlainOffset(s: string): boolean {
  if (s.length === 0 || s.length > MAX_DIGITS || (s.length > 1 && s.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Writes events as lines: compact where it can, else `json(event)`. One encoder per file.
 * Its hot path is the producer's (an ack per message, tens of thousands a second): no regex, no
 * array or closure per event, and a string redacted once — `generation` changes when the secrets
 * to redact do (adapters/secrets.ts), and the strings seen before are redacted again.
 */
export class HistoryEncoder {
  /** The string table, by redacted text (a set of cells by its JSON, after a NUL). */
  private readonly table = new Map<string, number>();
  /** Table numbers by the text as recorded, before redaction: what the hot path looks up. */
  private readonly seen = new Map<string, number>();
  private seenGeneration: number;
  /** The id prefix of the last compact line, and its table number: consecutive acks share it. */
  private lastPrefix = '';
  private lastPrefixRef = -1;
  private lastT = 0;
  private lastN = 0;
  private started = false;
  private readonly scrub: (s: string) => string;
  private readonly json: (e: HistoryEvent) => string;
  private readonly generation: () => number;
  constructor(scrub: (s: string) => string, json: (e: HistoryEvent) => string, generation: () => number = () => 0) {
    this.scrub = scrub;
    this.json = json;
    this.generation = generation;
    this.seenGeneration = generation();
  }

  /**
   * Appends to `out` the lines for one event recorded by each of `cells` (string-table lines
   * first, when it names something new): one compact line for them all, or a JSON line for each.
   */
  append(out: string[], e: HistoryEvent, cells: readonly string[] = [e.cell]): void {
    if (!fitsCompact(e)) {
      for (const cell of cells) out.push(this.json(cell === e.cell ? e : { ...e, cell }));
      return;
    }
    if (!this.started) {
      this.started = true;
      out.push(JSON.stringify([COMPACT_HEADER, VERSION]));
    }
    const g = this.generation();
    if (g !== this.seenGeneration) {
      this.seenGeneration = g;
      this.seen.clear();
      this.lastPrefixRef = -1;
    }
    const m = e as EventOf<Compact>;
    const cellRef = cells.length === 1 ? this.ref(out, cells[0]!) : this.refCells(out, cells);
    const start = sequenceStart(m.id);
    let p: string;
    let n = this.lastN;
    if (start < 0) p = JSON.stringify(this.scrub(m.id));
    else {
      if (this.lastPrefixRef < 0 || start !== this.lastPrefix.length || !m.id.startsWith(this.lastPrefix)) {
        this.lastPrefix = m.id.slice(0, start);
        this.lastPrefixRef = this.ref(out, this.lastPrefix);
      }
      p = String(this.lastPrefixRef);
      n = sequenceOf(m.id, start);
    }
    const offset = isPlainOffset(m.offset) ? m.offset : JSON.stringify(m.offset);
    let row = `[${codes[m.type] + 4 * cellRef},${m.t - this.lastT},${p},${n - this.lastN},${this.ref(out, m.topic)},${m.partition},${offset}`;
    this.lastT = m.t;
    this.lastN = n;
    if (m.type === 'ack') {
      if (m.cluster !== undefined) row += `,${m.key === undefined ? 'null' : JSON.stringify(this.scrub(m.key))},${this.ref(out, m.cluster)}`;
      else if (m.key !== undefined) row += `,${JSON.stringify(this.scrub(m.key))}`;
    } else if (m.type === 'deliver') row += `,${this.ref(out, m.phase)},${m.t - m.ts}`;
    else if (m.type === 'copy') row += `,${this.ref(out, m.cluster)}`;
    out.push(`${row}]`);
  }

  /** The table number of a string, redacted (a table line first, when it is new). */
  private ref(out: string[], s: string): number {
    const known = this.seen.get(s);
    if (known !== undefined) return known;
    const clean = this.scrub(s);
    const i = this.entry(out, clean, clean);
    this.seen.set(s, i);
    return i;
  }

  /** The table number of a set of cells (a shared event of paired variants: each of their acks). */
  private refCells(out: string[], cells: readonly string[]): number {
    // A set's key cannot be a string's: no name holds a NUL.
    const raw = `\u0000${cells.join('\u0000')}`;
    const known = this.seen.get(raw);
    if (known !== undefined) return known;
    const clean = cells.map(this.scrub);
    const i = this.entry(out, `\u0000${JSON.stringify(clean)}`, clean);
    this.seen.set(raw, i);
    return i;
  }

  private entry(out: string[], key: string, clean: string | readonly string[]): number {
    let i = this.table.get(key);
    if (i === undefined) {
      i = this.table.size;
      this.table.set(key, i);
      out.push(JSON.stringify(['=', i, clean]));
    }
    return i;
  }
}

const isString = (x: unknown): x is string => typeof x === 'string';

/** Whether an event has one of the shapes above: anything else keeps its JSON line, whole (and its object in core/history/event-log.ts). */
export function fitsCompact(event: HistoryEvent): boolean {
  if (!(event.type in codes) || !Number.isSafeInteger(event.t)) return false;
  const e = event as EventOf<Compact>;
  const keys = keysOf[e.type];
  // for…in, not Object.keys: no array per event (the events are plain objects).
  for (const k in e) if (!keys.has(k)) return false;
  if (!isString(e.cell) || !isString(e.id) || !isString(e.topic) || !isString(e.offset) || !Number.isSafeInteger(e.partition)) return false;
  if (e.type === 'ack') return (e.key === undefined || isString(e.key)) && (e.cluster === undefined || isString(e.cluster));
  if (e.type === 'deliver') return isString(e.phase) && Number.isSafeInteger(e.ts);
  if (e.type === 'copy') return isString(e.cluster);
  return true;
}

/** Reads compact lines back into events; keeps the table and the time of the lines before. */
export class HistoryDecoder {
  private table: (string | readonly string[])[] = [];
  private lastT = 0;
  private lastN = 0;

  /** The event(s) of a parsed compact line ([] for a header or table line); throws on a malformed one. */
  decode(line: readonly unknown[]): HistoryEvent[] {
    const [head] = line;
    if (head === COMPACT_HEADER) {
      if (line[1] !== VERSION) throw new Error(`compact history version ${String(line[1])}: this mm2-drill reads version ${VERSION}`);
      this.table = [];
      this.lastT = 0;
      this.lastN = 0;
      return [];
    }
    if (head === '=') {
      const [, i, text] = line;
      const cells = Array.isArray(text) && text.length > 1 && text.every((c) => typeof c === 'string');
      if (i !== this.table.length || (typeof text !== 'string' && !cells)) throw new Error(`string-table line ${JSON.stringify(line).slice(0, 80)} is not the next entry`);
      this.table.push(text as string | string[]);
      return [];
    }
    const type = typeof head === 'number' ? typeOf[head % 4] : undefined;
    if (type === undefined) throw new Error(`unknown compact line kind ${JSON.stringify(head)}`);
    const [, dt, p, dn, topic, partition, offset, a, b] = line;
    const cell = Math.floor((head as number) / 4);
    const entry = (x: unknown) => {
      const v = typeof x === 'number' ? this.table[x] : undefined;
      if (v === undefined) throw new Error(`string ${JSON.stringify(x)} is not in the table`);
      return v;
    };
    const str = (x: unknown): string => {
      const v = entry(x);
      if (typeof v !== 'string') throw new Error(`table entry ${String(x)} is a set of cells, not a string`);
      return v;
    };
    if (typeof dt !== 'number' || typeof dn !== 'number' || typeof partition !== 'number' || (typeof offset !== 'number' && typeof offset !== 'string')) {
      throw new Error(`a ${type} line with fields of the wrong kinds: ${JSON.stringify(line).slice(0, 120)}`);
    }
    const t = this.lastT + dt;
    const n = this.lastN + dn;
    this.lastT = t;
    this.lastN = n;
    const id = typeof p === 'string' ? p : `${str(p)}${n}`;
    const where = { topic: str(topic), partition, offset: String(offset) };
    const one = (cell: string): HistoryEvent => {
      const base = { cell, t };
      switch (type) {
        case 'ack': return { ...base, type, id, ...where, ...(typeof a === 'string' ? { key: a } : {}), ...(b === undefined || b === null ? {} : { cluster: str(b) }) };
        case 'deliver': return { ...base, type, id, phase: str(a) as EventOf<'deliver'>['phase'], ...where, ts: t - (b as number) };
        case 'backup-record': return { ...base, type, id, ...where };
        case 'copy': return { ...base, type, cluster: str(a), id, ...where };
      }
    };
    const cells = entry(cell);
    return typeof cells === 'string' ? [one(cells)] : cells.map(one);
  }
}
