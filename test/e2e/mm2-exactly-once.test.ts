/**
 * MM2 SIGKILLed mid-stream and started again, copying exactly once (KIP-618, `mirror.exactlyOnce`)
 * or at least once — the shipped scenario. Counted from the verification read of the backup
 * (read_committed, one `backup-record` per record), not from the results' figures: exactly once,
 * every copy is there once; at least once, the records copied since the last offset flush before
 * the kill are there twice.
 */
import { beforeAll, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { tpKey } from '../../src/core/history/topic-partition.ts';
import { runDrill } from './helpers.ts';

let results: RunResults;
let history: HistoryEvent[];
let code: number | null;
let output = '';

const cell = (eos: boolean): CellResult => results.cells.find((c) => c.values['mirror.exactlyOnce'] === eos)!;
const of = (c: CellResult) => history.filter((e) => e.cell === c.key);
const acks = (c: CellResult) => eventsOf(of(c), 'ack').filter((e) => (e.cluster ?? 'primary') === 'primary');
/** Per id, the distinct backup offsets the verification read found it at. */
function copies(c: CellResult): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const e of eventsOf(of(c), 'backup-record')) out.set(e.id, (out.get(e.id) ?? new Set()).add(tpKey(e.topic, e.partition) + '@' + e.offset));
  return out;
}
const twice = (c: CellResult) => [...copies(c)].filter(([, at]) => at.size > 1).map(([id]) => id);
/** When MM2 was SIGKILLed (the restart fault). */
const mirrorKilledAt = (c: CellResult) => eventsOf(of(c), 'fault-start').find((e) => e.fault.fault === 'restart')!.t;
/** By then the killed MM2 was gone: the fresh one had started (the kill is recorded as it begins, and takes a moment). */
const mirrorGoneBy = (c: CellResult) => eventsOf(of(c), 'mirror-restart')[0]!.startedAt;
const primaryKilledAt = (c: CellResult) => eventsOf(of(c), 'kill')[0]!.t;
/** Σ of the backup's end offsets the verification read went up to, and the records it read there. */
const backupOffsets = (c: CellResult) => eventsOf(of(c), 'offsets').filter((e) => e.label === 'verify-end' && e.cluster === 'backup')
  .reduce((n, e) => n + Object.values(e.offsets).reduce((m, o) => m + Number(o), 0), 0);

beforeAll(async () => {
  const d = await runDrill('scenarios/mm2-exactly-once.ts', 'mm2-exactly-once', [], 400_000);
  ({ code, results, history } = d);
  output = `${d.stdout}\n${d.stderr}`;
}, 420_000);

it('runs both variants, each with MM2 killed mid-stream before the primary, and reads each backup to its end', () => {
  expect(code, output).toBe(0);
  expect(results.cells).toHaveLength(2);
  for (const c of [cell(true), cell(false)]) {
    expect(mirrorKilledAt(c), c.key).toBeLessThan(primaryKilledAt(c));
    expect(eventsOf(of(c), 'read-complete').find((e) => e.what === 'backup')?.complete, c.key).toBe(true);
    // The failed-over consumer got to the backup's end, commit markers included (exactly once).
    expect(eventsOf(of(c), 'read-complete').find((e) => e.what === 'drain')?.complete, c.key).toBe(true);
  }
});

it('exactly once: no record copied twice for a read_committed reader, and no hole — what is missing is only the newest of each partition, left behind by the primary\'s kill', () => {
  const c = cell(true);
  expect(twice(c)).toEqual([]);
  expect(c.counts!.replicationDuplicates).toBe(0);
  const on = copies(c);
  // Whether the fresh MM2 copied again before the primary died is not asserted: in some runs it
  // resumed 10 s after its kill, in others not within 28 s (docs/gotchas.md). Either way, what
  // must hold holds: nothing twice, and what is missing is the ledger's and only the newest.
  // What is missing is what the ledger says MM2 never copied — and, below, only each partition's newest.
  expect(acks(c).filter((a) => !on.has(a.id)).length).toBe(c.counts!.notReplicated);
  // Per partition, no acked record is missing below one that arrived: the copies the kill aborted
  // (acked just before it) were made again by the fresh MM2, before anything newer.
  const byTp = new Map<string, ReturnType<typeof acks>>();
  for (const a of acks(c)) {
    const tp = tpKey(a.topic, a.partition);
    if (!byTp.has(tp)) byTp.set(tp, []);
    byTp.get(tp)!.push(a);
  }
  for (const [tp, list] of byTp) {
    const sorted = [...list].sort((a, b) => Number(a.offset) - Number(b.offset));
    const lastThere = sorted.findLastIndex((a) => on.has(a.id));
    expect(sorted.slice(0, lastThere + 1).filter((a) => !on.has(a.id)).map((a) => a.id), tp).toEqual([]);
  }
});

it('at least once: the kill makes MM2 copy again what it had copied since its last offset flush — only records acked before it was gone', () => {
  const c = cell(false);
  const dup = twice(c);
  expect(dup.length).toBeGreaterThan(0);
  expect(c.counts!.replicationDuplicates).toBe(dup.length);
  const ackedAt = new Map(acks(c).map((a) => [a.id, a.t]));
  // Only the killed MM2 can have made the first copy: each was acked before it was gone.
  const gone = mirrorGoneBy(c);
  expect(gone).toBeGreaterThanOrEqual(mirrorKilledAt(c));
  expect(dup.filter((id) => !(ackedAt.get(id)! < gone))).toEqual([]);
});

it('the price of exactly once on the backup: offsets that hold no record a reader sees (commit markers, aborted copies); at least once, every offset holds one', () => {
  const eos = cell(true);
  const alo = cell(false);
  const records = (c: CellResult) => eventsOf(of(c), 'backup-record').length;
  expect(backupOffsets(eos)).toBeGreaterThan(records(eos));
  expect(backupOffsets(alo)).toBe(records(alo));
});
