/**
 * Retention that outruns MM2, on real clusters and a real MM2 (scenarios/retention-outruns-mm2.ts):
 * the primary keeps `orders` for 8 s, MM2 is frozen for 22 s, the segments it had not copied are
 * deleted, and when it resumes its source consumer resets to the new log start.
 * Asserted from the raw history: the ids acked on the primary that retention deleted before MM2
 * copied them are absent from the backup, one gap per partition, with what came before and after
 * it replicated; the ledger counts exactly them as `expiredBeforeCopy`; and the alarm on the
 * primary's log start passing MM2's stored offset fires while MM2 is paused, because of the
 * expiry (quiet while retention only deleted what MM2 had copied).
 */
import { beforeAll, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import scenario from '../../scenarios/retention-outruns-mm2.ts';
import { containersLeft, runDrill } from './helpers.ts';

let code: number | null;
let output: string;
let results: RunResults;
let history: HistoryEvent[];
let cell: CellResult;

beforeAll(async () => {
  const d = await runDrill('scenarios/retention-outruns-mm2.ts', 'retention-outruns-mm2', [], 600_000);
  ({ code, results, history } = d);
  output = d.stdout + d.stderr;
  cell = results.cells[0]!;
}, 660_000);

const retentionMs = Number(scenario.topics![0]!.config!['retention.ms']);

/** The recount, from the history alone: per partition, acked ids by offset and whether the backup holds them. */
function recount() {
  const onBackup = new Set(eventsOf(history, 'backup-record').map((e) => e.id));
  const maxStart = new Map<string, number>();
  for (const s of eventsOf(history, 'sample')) for (const [tp, [primary]] of Object.entries(s.starts ?? {})) maxStart.set(tp, Math.max(maxStart.get(tp) ?? 0, primary));
  const acked = eventsOf(history, 'ack').map((a) => ({ ...a, at: Number(a.offset), tp: `${a.topic}/${a.partition}`, copied: onBackup.has(a.id) }));
  const expired = acked.filter((a) => !a.copied && a.at < (maxStart.get(a.tp) ?? 0));
  return { acked, expired, maxStart };
}

it('runs the drill and leaves nothing running', async () => {
  expect(code, output).toBe(0);
  expect(results.cells).toHaveLength(1);
  expect(eventsOf(history, 'read-complete').find((e) => e.what === 'backup')?.complete).toBe(true);
  expect(await containersLeft(results.runId)).toBe(0);
});

it('loses to retention exactly the ids MM2 had not copied: one gap per partition, replicated before and after it', () => {
  const { acked, expired } = recount();
  expect(expired.length).toBeGreaterThan(0);
  // The ledger counts exactly the recount under its own cause, a part of what was not replicated.
  expect(cell.counts!.expiredBeforeCopy).toBe(expired.length);
  expect(cell.counts!.notReplicated as number).toBeGreaterThanOrEqual(expired.length);
  const partitions = [...new Set(acked.map((a) => a.tp))];
  expect(partitions).toHaveLength(3);
  for (const tp of partitions) {
    const mine = acked.filter((a) => a.tp === tp).sort((a, b) => a.at - b.at);
    const gone = expired.filter((a) => a.tp === tp).map((a) => a.at);
    expect(gone.length, tp).toBeGreaterThan(0);
    const [lo, hi] = [Math.min(...gone), Math.max(...gone)];
    // One contiguous gap: nothing inside it reached the backup.
    expect(mine.filter((a) => a.at >= lo && a.at <= hi && a.copied), tp).toEqual([]);
    // Copied before the pause, and again after MM2 reset to the log start.
    expect(mine.some((a) => a.at < lo && a.copied), tp).toBe(true);
    const after = mine.filter((a) => a.at > hi);
    const lastCopied = Math.max(...after.filter((a) => a.copied).map((a) => a.at));
    expect(after.filter((a) => a.copied).length, tp).toBeGreaterThan(0);
    // No other hole: everything after the gap up to the last copied record is on the backup.
    expect(after.filter((a) => a.at <= lastCopied && !a.copied).map((a) => a.id), tp).toEqual([]);
  }
});

it('expired only what was written during the pause, and only after it had been kept for its retention', () => {
  const { expired } = recount();
  const pause = eventsOf(history, 'fault-start')[0]!;
  const resumed = eventsOf(history, 'fault-end')[0]!;
  // MM2 never saw most of them (written while it was frozen), and it copies again from the log start: nothing written after it resumed is lost.
  expect(expired.filter((a) => a.t > pause.t).length).toBeGreaterThan(expired.length / 2);
  expect(Math.max(...expired.map((a) => a.t))).toBeLessThan(resumed.t);
  // Retention deletes a record no sooner than retention.ms after its timestamp (the producer's,
  // a moment before the ack): half of it leaves a generous margin for that moment.
  const firstLost = Math.min(...expired.map((a) => a.t));
  const firstDeletion = eventsOf(history, 'sample').find((s) => expired.some((a) => a.at < (s.starts?.[a.tp]?.[0] ?? 0)))!;
  expect(firstDeletion.t).toBeGreaterThanOrEqual(firstLost + retentionMs / 2);
  expect(firstDeletion.t).toBeGreaterThan(pause.t);
});

it('fires the expiry alarm while MM2 is paused, because of the expiry: quiet while retention deleted only copied records', () => {
  const { expired } = recount();
  const pause = eventsOf(history, 'fault-start')[0]!;
  const resumed = eventsOf(history, 'fault-end')[0]!;
  const alarm = cell.alarms!.find((a) => a.signal === 'expiredUncopiedMessages')!;
  const fired = eventsOf(history, 'alarm').filter((a) => a.signal === 'expiredUncopiedMessages' && a.state === 'fired');
  expect(alarm.fired).toBeGreaterThan(0);
  const first = fired[0]!;
  // Retention was already deleting records before the pause — ones MM2 had copied — and the alarm stayed quiet.
  expect(eventsOf(history, 'sample').some((s) => s.t < pause.t && Object.values(s.starts ?? {}).some(([p]) => p > 0))).toBe(true);
  expect(first.t).toBeGreaterThan(pause.t);
  // Caught while MM2 was paused, before the gap landed on the backup.
  expect(first.t).toBeLessThan(resumed.t);
  // Not before records MM2 had not stored could be gone: the last records it stored before the
  // pause are at most one offset flush older than the first lost one, and none expires before
  // retention.ms; half of it is a generous margin.
  expect(first.t).toBeGreaterThanOrEqual(Math.min(...expired.map((a) => a.t)) + retentionMs / 2);
  // MM2 resumed, reset to the log start and stored offsets past it: the alarm cleared.
  expect(eventsOf(history, 'alarm').some((a) => a.signal === 'expiredUncopiedMessages' && a.state === 'cleared' && a.t > resumed.t)).toBe(true);
});
