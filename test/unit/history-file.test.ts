import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DrillError } from '../../src/core/errors.ts';
import { readHistory } from '../../src/run/reports.ts';
import { broadcastRecorder, HistoryRecorder } from '../../src/adapters/recorder.ts';

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
  const h = readHistory(runDirWith(`${event(1)}\n${event(2)}\n${torn}`));
  expect(h.events.map((e) => e.t)).toEqual([1001, 1002]);
  expect(h.tornBytes).toBe(40);
});

it('fails on an unparsable line that is not the last, naming its line number', () => {
  const dir = runDirWith(`${event(1)}\n${event(2).slice(0, 30)}\n${event(3)}\n`);
  const e = (() => {
    try {
      return readHistory(dir);
    } catch (x) {
      return x;
    }
  })();
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
  expect(recs.map((r) => r.events().map((e) => e.t))).toEqual([[5000], [5000], [5000]]);
  expect(readHistory(dir).events.map((e) => [e.cell, e.t])).toEqual([['a#1', 5000], ['b#1', 5000], ['c#1', 5000]]);
});
