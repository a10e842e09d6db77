/**
 * The per-message part of a cell's index in typed arrays instead of one object per id: a drill's
 * ids are dense per producer (`<run id>-<repetition>-<n>`), so an id is a row of a few columns
 * indexed through its sequence number `n`, a handful of bytes where a Map entry, its key string,
 * a value object and a BigInt took hundreds (docs/scale.md). Ids of another form (a foreign
 * record, a sequence too far from the others) take a Map entry each, and read the same.
 * The maps below answer as ReadonlyMaps do, in insertion order, building a value when it is read.
 */

/** The longest sequence number of an id, and of an offset written as a number: 15 digits stay a safe integer. */
export const MAX_DIGITS = 15;
export const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * An id is `<prefix><n>`: `n` without leading zeros (so the id is exactly the two joined), up to
 * 15 digits (exact as a double). The index and the compact history (compact-history.ts) split
 * ids this one way.
 */
/**
 * Where an id's sequence number starts — the longest run of at most 15 trailing digits without a
 * leading zero (`x-007` is `x-00` and 7, `x-0` is `x-` and 0) — or -1 when it ends in no digit.
 */
export function sequenceStart(id: string): number {
  let start = id.length;
  while (start > 0 && id.length - start < MAX_DIGITS && isDigit(id.charCodeAt(start - 1))) start--;
  if (start === id.length) return -1;
  while (start < id.length - 1 && id.charCodeAt(start) === 48) start++;
  return start;
}

/** The digits of a sequence number (`sequenceStart` found them) as a number, without a string of them. */
export function sequenceOf(id: string, start: number): number {
  let n = 0;
  for (let i = start; i < id.length; i++) n = n * 10 + (id.charCodeAt(i) - 48);
  return n;
}


/**
 * A prefix's sequence numbers are kept dense from the first one seen (`base`) up to 8 × its ids so
 * far + 1,024 past it: acks arrive a little out of order; a foreign id, or a prefix of one id
 * (any name ending in digits), takes a Map entry or a small array instead of a huge one.
 */
const denseLimit = (count: number) => 8 * count + 1024;

type Column = Int32Array | Float64Array;
/** `a`, or a copy of it at least `need` long (doubling): columns grow as events arrive. */
function fit<C extends Column>(a: C, need: number): C {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => C)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Every id of a cell's history → its row (0, 1, … in the order first seen). */
export class IdTable {
  private readonly prefixNumber = new Map<string, number>();
  private readonly prefixes: { readonly name: string; readonly base: number; count: number; rows: Int32Array }[] = [];
  /** Ids of another form, or too far from their prefix's others when first seen. */
  private readonly others = new Map<string, number>();
  private readonly otherIds = new Map<number, string>();
  /** Per row: its prefix's number (-1: one of the others) and its sequence number. */
  private rowPrefix = new Int32Array(1024);
  private rowN = new Float64Array(1024);
  size = 0;

  /** The id's row, or -1. */
  find(id: string): number {
    const start = sequenceStart(id);
    const p = start >= 0 ? this.prefixNumber.get(id.slice(0, start)) : undefined;
    if (p !== undefined) {
      const prefix = this.prefixes[p]!;
      const row = prefix.rows[sequenceOf(id, start) - prefix.base] ?? 0;
      if (row > 0) return row - 1;
    }
    return this.others.get(id) ?? -1;
  }

  /** The id's row, added when new. */
  add(id: string): number {
    const known = this.find(id);
    if (known >= 0) return known;
    const row = this.size++;
    this.rowPrefix = fit(this.rowPrefix, this.size);
    this.rowN = fit(this.rowN, this.size);
    this.rowPrefix[row] = -1;
    const start = sequenceStart(id);
    if (start >= 0) {
      const n = sequenceOf(id, start);
      const name = id.slice(0, start);
      let p = this.prefixNumber.get(name);
      if (p === undefined) {
        p = this.prefixes.push({ name, base: n, count: 0, rows: new Int32Array(16) }) - 1;
        this.prefixNumber.set(name, p);
      }
      const prefix = this.prefixes[p]!;
      const i = n - prefix.base;
      if (i >= 0 && i < denseLimit(prefix.count)) {
        prefix.rows = fit(prefix.rows, i + 1);
        prefix.rows[i] = row + 1;
        prefix.count += 1;
        this.rowPrefix[row] = p;
        this.rowN[row] = n;
        return row;
      }
    }
    this.others.set(id, row);
    this.otherIds.set(row, id);
    return row;
  }

  id(row: number): string {
    const p = this.rowPrefix[row]!;
    return p < 0 ? this.otherIds.get(row)! : `${this.prefixes[p]!.name}${this.rowN[row]}`;
  }
}

/**
 * Offsets (int64 decimal strings in the history) as doubles where they are exactly one, the rare
 * other (beyond 2^53, or not in canonical form) kept as its string; read back as the same bigint
 * and the same text.
 */
export class OffsetColumn {
  private values = new Float64Array(1024);
  private readonly texts = new Map<number, string>();

  set(i: number, offset: string): void {
    this.values = fit(this.values, i + 1);
    const n = Number(offset);
    if (Number.isSafeInteger(n) && String(n) === offset) {
      this.values[i] = n;
      this.texts.delete(i);
    } else {
      this.values[i] = NaN;
      this.texts.set(i, offset);
    }
  }

  /** The offset as a number when it is one exactly (NaN otherwise). */
  number(i: number): number {
    return this.values[i]!;
  }

  text(i: number): string {
    return this.texts.get(i) ?? String(this.values[i]);
  }

  bigint(i: number): bigint {
    const n = this.values[i]!;
    return Number.isNaN(n) ? BigInt(this.texts.get(i)!) : BigInt(n);
  }
}

/** Names (topics, topic-partitions) by number: a column holds the number. */
export class NameTable {
  private readonly numbers = new Map<string, number>();
  readonly names: string[] = [];
  number(name: string): number {
    let i = this.numbers.get(name);
    if (i === undefined) {
      i = this.names.push(name) - 1;
      this.numbers.set(name, i);
    }
    return i;
  }

  find(name: string): number {
    return this.numbers.get(name) ?? -1;
  }
}

/** Int32 columns that grow with their entries. */
export class IntColumn {
  private values = new Int32Array(1024);
  get(i: number): number {
    return this.values[i] ?? 0;
  }

  set(i: number, v: number): void {
    this.values = fit(this.values, i + 1);
    this.values[i] = v;
  }
}

/**
 * A ReadonlyMap from ids of one `IdTable` to values held in columns by entry number (0, 1, … in
 * insertion order, as a Map keeps them): `value(entry)` builds the value each time it is read.
 */
export class IdMap<V> implements ReadonlyMap<string, V> {
  private rows = new Int32Array(1024);
  /** Row → entry + 1 (0: absent). */
  private entryOfRow = new Int32Array(1024);
  size = 0;
  private readonly ids: IdTable;
  private readonly value: (entry: number) => V;
  constructor(ids: IdTable, value: (entry: number) => V) {
    this.ids = ids;
    this.value = value;
  }

  /** The id's entry, or -1. */
  entryOf(id: string): number {
    const row = this.ids.find(id);
    return row < 0 ? -1 : (this.entryOfRow[row] ?? 0) - 1;
  }

  /** The id's entry, added (last) when new; `fresh` says which. */
  enter(id: string): { entry: number; fresh: boolean } {
    const row = this.ids.add(id);
    const known = (this.entryOfRow[row] ?? 0) - 1;
    if (known >= 0) return { entry: known, fresh: false };
    const entry = this.size++;
    this.rows = fit(this.rows, this.size);
    this.entryOfRow = fit(this.entryOfRow, row + 1);
    this.rows[entry] = row;
    this.entryOfRow[row] = entry + 1;
    return { entry, fresh: true };
  }

  idAt(entry: number): string {
    return this.ids.id(this.rows[entry]!);
  }

  get(id: string): V | undefined {
    const e = this.entryOf(id);
    return e < 0 ? undefined : this.value(e);
  }

  has(id: string): boolean {
    return this.entryOf(id) >= 0;
  }

  forEach(f: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (let e = 0; e < this.size; e++) f(this.value(e), this.idAt(e), this);
  }

  *entries(): MapIterator<[string, V]> {
    for (let e = 0; e < this.size; e++) yield [this.idAt(e), this.value(e)];
    return undefined;
  }

  *keys(): MapIterator<string> {
    for (let e = 0; e < this.size; e++) yield this.idAt(e);
    return undefined;
  }

  *values(): MapIterator<V> {
    for (let e = 0; e < this.size; e++) yield this.value(e);
    return undefined;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}

/**
 * A set of records (`topic/partition@offset`, core/history/topic-partition.ts `recordKey`),
 * numbered in insertion order: a topic-partition number and an offset per entry, found through an
 * open-addressing table of entry numbers — some 20 B a record where a Set of key strings took 100.
 */
export class RecordSet {
  private readonly tps = new NameTable();
  private readonly tp = new IntColumn();
  private readonly offsets = new OffsetColumn();
  /** Entry + 1 per slot (0: empty), for records whose offset is a number. */
  private slots = new Int32Array(1 << 12);
  /** Records whose offset is not a number exactly (see OffsetColumn) → entry. */
  private readonly textual = new Map<string, number>();
  size = 0;

  /** The slot holding the record, or the empty slot where it would go. */
  private slot(tp: number, offset: number): number {
    const mask = this.slots.length - 1;
    let h = Math.imul((offset >>> 0) ^ Math.imul(Math.floor(offset / 2 ** 32), 0x85ebca6b) ^ Math.imul(tp + 1, 0xc2b2ae35), 0x9e3779b1);
    h = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const e = this.slots[h]! - 1;
      if (e < 0 || (this.tp.get(e) === tp && this.offsets.number(e) === offset)) return h;
      h = (h + 1) & mask;
    }
  }

  /** The record's entry, or -1. */
  find(topicPartition: string, offset: string | bigint): number {
    const tp = this.tps.find(topicPartition);
    if (tp < 0) return -1;
    const text = String(offset);
    const n = Number(text);
    if (!Number.isSafeInteger(n) || String(n) !== text) return this.textual.get(`${topicPartition}@${text}`) ?? -1;
    return this.slots[this.slot(tp, n)]! - 1;
  }

  /** The entry of a `topic/partition@offset` key, or -1. */
  findKey(key: string): number {
    const at = key.lastIndexOf('@');
    return at < 0 ? -1 : this.find(key.slice(0, at), key.slice(at + 1));
  }

  has(topicPartition: string, offset: string | bigint): boolean {
    return this.find(topicPartition, offset) >= 0;
  }

  /** The record's entry, added (last) when new; `fresh` says which. */
  add(topicPartition: string, offset: string | bigint): { entry: number; fresh: boolean } {
    const known = this.find(topicPartition, offset);
    if (known >= 0) return { entry: known, fresh: false };
    const e = this.size++;
    const tp = this.tps.number(topicPartition);
    const text = String(offset);
    this.tp.set(e, tp);
    this.offsets.set(e, text);
    const n = this.offsets.number(e);
    if (Number.isNaN(n)) this.textual.set(`${topicPartition}@${text}`, e);
    else {
      if (this.size * 2 > this.slots.length) this.rehash();
      this.slots[this.slot(tp, n)] = e + 1;
    }
    return { entry: e, fresh: true };
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let e = 0; e < this.size - 1; e++) {
      const n = this.offsets.number(e);
      if (!Number.isNaN(n)) this.slots[this.slot(this.tp.get(e), n)] = e + 1;
    }
  }

  topicPartitionAt(e: number): string {
    return this.tps.names[this.tp.get(e)]!;
  }

  offsetAt(e: number): bigint {
    return this.offsets.bigint(e);
  }

  keyAt(e: number): string {
    return `${this.topicPartitionAt(e)}@${this.offsets.text(e)}`;
  }
}

/** A ReadonlyMap from records (`topic/partition@offset`) to the id found there, in insertion order. */
export class RecordIdMap implements ReadonlyMap<string, string> {
  private readonly records = new RecordSet();
  private readonly idRows = new IntColumn();
  private readonly ids: IdTable;
  constructor(ids: IdTable) {
    this.ids = ids;
  }

  get size(): number {
    return this.records.size;
  }

  /** Adds the record with its id unless it is known (returns whether it was new). */
  add(topicPartition: string, offset: string, id: string): boolean {
    const { entry, fresh } = this.records.add(topicPartition, offset);
    if (fresh) this.idRows.set(entry, this.ids.add(id));
    return fresh;
  }

  private idAt(e: number): string {
    return this.ids.id(this.idRows.get(e));
  }

  get(key: string): string | undefined {
    const e = this.records.findKey(key);
    return e < 0 ? undefined : this.idAt(e);
  }

  has(key: string): boolean {
    return this.records.findKey(key) >= 0;
  }

  forEach(f: (value: string, key: string, map: ReadonlyMap<string, string>) => void): void {
    for (let e = 0; e < this.size; e++) f(this.idAt(e), this.records.keyAt(e), this);
  }

  *entries(): MapIterator<[string, string]> {
    for (let e = 0; e < this.size; e++) yield [this.records.keyAt(e), this.idAt(e)];
    return undefined;
  }

  *keys(): MapIterator<string> {
    for (let e = 0; e < this.size; e++) yield this.records.keyAt(e);
    return undefined;
  }

  *values(): MapIterator<string> {
    for (let e = 0; e < this.size; e++) yield this.idAt(e);
    return undefined;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}
