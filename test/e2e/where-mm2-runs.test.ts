/**
 * Where MM2 runs: the same WAN between MM2 and the primary (MM2 beside the backup) and between
 * MM2 and the backup (MM2 beside the primary). What must physically hold on either side.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import { runDrill } from './helpers.ts';

const MIB = 1_048_576;

describe('MM2 beside the backup or beside the primary, under one WAN', () => {
  it('a partition of either side stops the copy, the copy resumes, its rate stays under what one request per round trip carries, and every acked id is classified', async () => {
    const started = Date.now();
    const { code, results, history, stdout, stderr } = await runDrill('test/fixtures/where-mm2-runs.ts', 'where-mm2-runs-e2e', [], 300_000);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(results.cells.map((c) => c.values.timeline).sort()).toEqual(['mm2-beside-backup', 'mm2-beside-primary']);
    let measured = 0;
    for (const c of results.cells) {
      const events = history.filter((e) => e.cell === c.key);
      const n = c.counts!;
      expect(c.backupReadComplete).toBe(true);
      expect(n.lost as number + (n.skipped as number) + (n.unreached as number) + n.exactlyOnce + n.duplicated, c.key).toBe(n.acked);
      expect(n.notReplicated as number).toBeLessThanOrEqual(n.acked);

      // During the partition nothing reaches the backup, whichever side is cut: once what was in
      // flight at the cut has landed (the slowest round trip, 120 ms, well within a second), the
      // backup's end offsets hold still until the heal.
      const partition = c.faults.find((f) => f.fault.fault === 'partition')!;
      expect(partition.endT, c.key).not.toBeNull();
      const during = eventsOf(events, 'sample').filter((s) => s.t >= partition.startT + 1000 && s.t <= partition.endT!);
      expect(during.length, c.key).toBeGreaterThanOrEqual(5);
      expect(new Set(during.map((s) => s.backupEnd)).size, `${c.key}: ${during.map((s) => s.backupEnd).join(',')}`).toBe(1);

      // And the copy resumed after it: the backlog built during the partition was copied before the kill.
      const catchUp = c.catchUp!.find((x) => x.step === partition.step)!;
      expect(catchUp.backlog!, c.key).toBeGreaterThan(0);
      expect(catchUp.resumedMs, JSON.stringify(catchUp)).not.toBeNull();

      // A rate while a backlog remained is bounded by the side crossing the WAN, each request waiting
      // at least the round trip's shortest (2 × (40 − 20) ms): consuming across it, one fetch in flight
      // of at most 1 MiB per partition; producing across it, MM2's Connect producer allows one request
      // in flight per connection (max.in.flight.requests.per.connection=1, the worker's override)
      // carrying at most one 16 KiB batch per partition. Over a window: that per round trip, plus the
      // one request already under way when it began. Each record carries at least its 200-byte value.
      const partitions = Object.keys(eventsOf(events, 'sample').at(-1)!.ends!).length;
      const perRoundTrip = c.values.timeline === 'mm2-beside-backup' ? partitions * MIB : partitions * 16_384;
      if (catchUp.copyRate) {
        measured += 1;
        const windowS = catchUp.copyRate.copied / catchUp.copyRate.min;
        expect(catchUp.copyRate.copied * 200, `${c.key}: ${JSON.stringify(catchUp.copyRate)}`).toBeLessThanOrEqual(perRoundTrip * (1 + windowS / 0.04));
      }
    }
    expect(measured, 'no cell drained slowly enough to measure a rate').toBeGreaterThan(0);
    console.log(`where-mm2-runs e2e: ${((Date.now() - started) / 1000).toFixed(0)} s; ${results.cells.map((c) => `${String(c.values.timeline)}: ${JSON.stringify(c.catchUp)} repDup ${String(c.counts!.replicationDuplicates)} notReplicated ${String(c.counts!.notReplicated)}`).join('; ')}`);
  }, 300_000);
});
