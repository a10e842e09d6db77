import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { DrillError } from '../../src/core/errors.ts';
import { readHistory, readHistoryByCell } from '../../src/run/reports.ts';
import { EventLog } from '../../src/core/history/event-log.ts';
import { broadcastRecorder, HistoryRecorder } from '../../src/adapters/recorder.ts';
import { rememberSecrets, scrub } from '../../src/adapters/secrets.ts';
import { isPlainOffset } from '../../src/core/history/compact-history.ts';
import { sequenceStart } from '../../src/core/history/id-columns.ts';
import fc from 'fast-check';

const event = (i: number) => JSON.stringify({ cell: 'c#1', t: 1000 + i, type: 'ack', id: `m${i}`, topic: 'orders', partition: 0, offset: String(i) });

function runDirWith(history: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'history-'));
  writeFileSync(join(dir, 'history.ndjson'), history);
  return dir;
}

it('reads every event of a whole history', () => {
  const h = readHistory(runDirWith(`${event(1)}\n${event(2)}\n`));
  expect(h.events.map((e) => e.t)).toEqual([1001, 1002]);
  expect(h.tornBytes).toBe(0);
});

it('reads an empty history', () => {
  expect(readHistory(runDirWith(''))).toEqual({ events: [], tornBytes: 0 });
});

it('keeps a whole last event that lacks its newline', () => {
  expect(readHistory(runDirWith(`${event(1)}\n${event(2)}`)).events).toHaveLength(2);
});

it('drops a torn last line (a run killed while appending) and says how many bytes it had', () => {
  const torn = event(3).slice(0, 40);
  const dir = runDirWith(`${event(1)}\n${event(2)}\n${torn}`);
  const h = readHistory(dir);
  expect(h.events.map((e) => e.t)).toEqual([1001, 1002]);
  expect(h.tornBytes).toBe(40);
  const byCell = readHistoryByCell(dir);
  expect([...byCell.cells.get('c#1')!].map((e) => e.t)).toEqual([1001, 1002]);
  expect(byCell.tornBytes).toBe(40);
});

it('fails on an unparsable line that is not the last, naming its line number', () => {
  const dir = runDirWith(`${event(1)}\n${event(2).slice(0, 30)}\n${event(3)}\n`);
  const failure = (read: (d: string) => unknown) => {
    try {
      return read(dir);
    } catch (x) {
      return x;
    }
  };
  expect((failure(readHistoryByCell) as Error).message).toBe((failure(readHistory) as Error).message);
  const e = failure(readHistory);
  expect(e).toBeInstanceOf(DrillError);
  const err = e as DrillError;
  expect(err.code).toBe('USAGE');
  expect(err.exitCode).toBe(2);
  expect(err.message).toContain('line 2 of 3');
  expect(err.message).toContain('history.ndjson');
  expect(err.fix).toContain('torn last line');
});

it('writes one shared event into every paired history at the same millisecond', async () => {
  let clock = 5000;
  const dir = mkdtempSync(join(tmpdir(), 'history-'));
  const recorder = new HistoryRecorder(join(dir, 'history.ndjson'), () => clock++);
  const recs = ['a#1', 'b#1', 'c#1'].map((c) => recorder.forCell(c));
  const shared = broadcastRecorder(recs);
  shared.emit({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
  await recorder.close();
  expect(recs.map((r) => [...r.events()].map((e) => e.t))).toEqual([[5000], [5000], [5000]]);
  expect(readHistory(dir).events.map((e) => [e.cell, e.t])).toEqual([['a#1', 5000], ['b#1', 5000], ['c#1', 5000]]);
});

describe('compact lines of the per-message events', () => {
  // Every shape the compact lines hold, and the neighbours they must not disturb.
  const events: EventBody[] = [
    { type: 'phase', phase: 'workload-started' },
    { type: 'ack', id: 'run-1-0', topic: 'orders', partition: 7, offset: '0' },
    { type: 'ack', id: 'run-1-1', topic: 'orders', partition: 999, offset: '123456789012' },
    { type: 'ack', id: 'run-1-2', topic: 'orders', partition: 3, offset: '5', key: 'k3' },
    { type: 'ack', id: 'run-1-3', topic: 'payments', partition: 0, offset: '9', cluster: 'backup' },
    { type: 'ack', id: 'run-1-4', topic: 'payments', partition: 0, offset: '10', key: 'k1', cluster: 'backup' },
    // Offsets past 2^53 and ids of another form stay strings.
    { type: 'ack', id: 'odd id', topic: 'orders', partition: 1, offset: '9223372036854775807' },
    { type: 'ack', id: 'run-1-007', topic: 'orders', partition: 1, offset: '11' },
    { type: 'deliver', id: 'run-1-0', phase: 'primary', topic: 'orders', partition: 7, offset: '0', ts: 4990 },
    { type: 'deliver', id: 'run-1-0', phase: 'backup', topic: 'primary.orders', partition: 7, offset: '0', ts: 4990 },
    { type: 'backup-record', id: 'run-1-1', topic: 'primary.orders', partition: 999, offset: '123456789012' },
    { type: 'copy', cluster: 'primary', id: 'run-1-3', topic: 'backup.payments', partition: 0, offset: '2' },
    // A field the compact form does not know: the event keeps its JSON line, whole.
    { type: 'ack', id: 'run-1-5', topic: 'orders', partition: 0, offset: '12', extra: true } as unknown as EventBody,
    { type: 'kill', target: 'primary', signal: 'SIGKILL' },
  ];

  async function record(file: string, cells: string[], start: number): Promise<HistoryEvent[]> {
    let clock = start;
    const recorder = new HistoryRecorder(file, () => (clock += 3));
    const recs = cells.map((c) => recorder.forCell(c));
    const shared = broadcastRecorder(recs);
    for (const e of events) shared.emit(e);
    await recorder.close();
    // Each cell's events as its history must hold them: stamped with its own cell.
    return recs.flatMap((r) => [...r.events()].map((e) => ({ ...e, cell: r.cell })));
  }

  it('reads back every event exactly as the checker held it, paired variants included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    const held = await record(join(dir, 'history.ndjson'), ['a#1', 'b#1'], 5000);
    const read = readHistory(dir).events;
    const byCell = (xs: readonly HistoryEvent[]) => [...xs].sort((x, y) => x.cell.localeCompare(y.cell) || x.t - y.t);
    expect(byCell(read)).toEqual(byCell(held));
    const lines = readFileSync(join(dir, 'history.ndjson'), 'utf8').trim().split('\n');
    // The per-message events went out compact, once for both cells; the others as a JSON object for each.
    expect(lines.filter((l) => l.startsWith('{')).length).toBe(2 * 3);
    expect(lines.filter((l) => /^\[\d/.test(l)).length).toBe(events.length - 3);
  });

  it('reads by cell run into columns the same events, in the same order, as read whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    await record(join(dir, 'history.ndjson'), ['a#1', 'b#1'], 5000);
    const whole = readHistory(dir).events;
    const { cells, tornBytes } = readHistoryByCell(dir);
    expect(tornBytes).toBe(0);
    expect([...cells.keys()].sort()).toEqual(['a#1', 'b#1']);
    for (const [cell, log] of cells) {
      expect(log).toBeInstanceOf(EventLog);
      expect([...log]).toEqual(whole.filter((e) => e.cell === cell));
    }
  });

  it('holds a shared event once in memory, for every paired variant', async () => {
    const recorder = new HistoryRecorder(join(mkdtempSync(join(tmpdir(), 'history-')), 'history.ndjson'));
    const [a, b] = ['a#1', 'b#1'].map((c) => recorder.forCell(c));
    broadcastRecorder([a!, b!]).emit({ type: 'ack', id: 'run-1-0', topic: 'orders', partition: 0, offset: '0' });
    b!.emit({ type: 'deliver', id: 'run-1-0', phase: 'primary', topic: 'orders', partition: 0, offset: '0', ts: 1 });
    await recorder.close();
    expect(b!.events().at(0)).toEqual(a!.events().at(0));
    expect([...b!.events()].map((e) => e.type)).toEqual(['ack', 'deliver']);
    expect([...a!.events()].map((e) => e.type)).toEqual(['ack']);
  });

  it('takes a fraction of the JSON lines for the same acks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    let clock = 1_765_000_000_000;
    const recorder = new HistoryRecorder(join(dir, 'history.ndjson'), () => (clock += 1));
    const rec = recorder.forCell('failover.strategy=mm2-sync,mirror.policy=default#1');
    for (let n = 0; n < 10_000; n++) rec.emit({ type: 'ack', id: `20261207-081503-a1b2-1-${n}`, topic: 'orders', partition: n % 1000, offset: String(100_000 + n) });
    await recorder.close();
    const json = [...rec.events()].reduce((b, e) => b + Buffer.byteLength(`${JSON.stringify(e)}\n`), 0);
    const compact = statSync(join(dir, 'history.ndjson')).size;
    expect(compact).toBeLessThan(json / 4);
    expect(readHistory(dir).events).toEqual([...rec.events()]);
  });

  it('reads histories appended to one another (`merge`), each with its own table and clock', async () => {
    const [one, two, merged] = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'history-')));
    const a = await record(join(one!, 'history.ndjson'), ['a#1'], 1000);
    const b = await record(join(two!, 'history.ndjson'), ['b#1'], 900);
    writeFileSync(join(merged!, 'history.ndjson'), Buffer.concat([readFileSync(join(one!, 'history.ndjson')), readFileSync(join(two!, 'history.ndjson'))]));
    expect(readHistory(merged!).events).toEqual([...a, ...b]);
  });

  it('drops a torn compact last line, and refuses a damaged compact line before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    await record(join(dir, 'history.ndjson'), ['a#1'], 1000);
    const lines = readFileSync(join(dir, 'history.ndjson'), 'utf8').trim().split('\n');
    // The last deliver line: kind 1 of the cell a#1, the table's string 0.
    const lastCompact = lines.findLastIndex((l) => l.startsWith('[1,'));
    const cut = lines.slice(0, lastCompact + 1);
    cut[lastCompact] = cut[lastCompact]!.slice(0, 6);
    const torn = readHistory(runDirWith(cut.join('\n')));
    expect(torn.tornBytes).toBe(6);
    // A line that parses but names a string the table never had.
    const bad = [...lines];
    bad[lastCompact] = bad[lastCompact]!.replace(/^\[1,/, '[3997,');
    expect(() => readHistory(runDirWith(bad.join('\n')))).toThrow(/not a compact event mm2-drill wrote \(string 999 is not in the table\)/);
  });

  it('splits an id into its prefix and sequence number, and keeps an offset a number, exactly where the written forms allow', () => {
    // The forms: a sequence number of at most 15 digits without a leading zero; an offset likewise.
    const ID = /^(.*?)(0|[1-9]\d{0,14})$/;
    const OFFSET = /^(0|[1-9]\d{0,14})$/;
    const text = fc.string({ unit: fc.constantFrom('0', '1', '7', '9', 'a', '-', ' ') , maxLength: 22 });
    fc.assert(fc.property(text, (s) => {
      const m = ID.exec(s);
      expect(sequenceStart(s)).toBe(m ? m[1]!.length : -1);
      expect(isPlainOffset(s)).toBe(OFFSET.test(s));
    }), { numRuns: 5000 });
  });

  it('reads back ids of changing prefixes and forms, in any order', async () => {
    const ids = fc.array(fc.tuple(fc.constantFrom('run-1-', 'run-2-', 'run-1-0', 'x', ''), fc.oneof(fc.nat(), fc.constant(1e16), fc.constant(-1))), { minLength: 1, maxLength: 40 });
    await fc.assert(fc.asyncProperty(ids, async (xs) => {
      const dir = mkdtempSync(join(tmpdir(), 'history-'));
      let clock = 1000;
      const recorder = new HistoryRecorder(join(dir, 'history.ndjson'), () => (clock += 7));
      const rec = recorder.forCell('a#1');
      for (const [i, [prefix, n]] of xs.entries()) rec.emit({ type: 'ack', id: `${prefix}${n < 0 ? '' : n}`, topic: 'orders', partition: i % 3, offset: String(n < 0 ? i : n) });
      await recorder.close();
      expect(readHistory(dir).events).toEqual([...rec.events()]);
    }), { numRuns: 200 });
  });

  it('redacts a secret remembered after its text was first written, from then on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    const topic = 'orders-Late-Secret-77';
    const recorder = new HistoryRecorder(join(dir, 'history.ndjson'), () => 1000);
    const rec = recorder.forCell('a#1');
    const ack = (n: number) => rec.emit({ type: 'ack', id: `run-1-${n}`, topic, partition: 0, offset: String(n) });
    ack(0);
    ack(1);
    // The first ack is written out now (the second holds the line, in case it is shared); the second only after this.
    rememberSecrets(['Late-Secret-77']);
    ack(2);
    await recorder.close();
    expect(scrub(topic)).not.toContain('Late-Secret-77');
    // The first ack was written before the secret was known; every one after names the redacted topic.
    expect(readHistory(dir).events.map((e) => (e as { topic: string }).topic)).toEqual([topic, scrub(topic), scrub(topic)]);
  });
});
