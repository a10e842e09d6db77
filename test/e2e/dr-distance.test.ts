/**
 * How far away the DR site can be: MM2's copy rate while it drains a backlog, at two round trips
 * to the primary, with its defaults. What must physically hold, whatever the machine's speed.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import { runDrill } from './helpers.ts';

const MIB = 1_048_576;

describe('MM2 across a WAN: the sustained copy rate against the round trip', () => {
  it('copies at most partitions × max.partition.fetch.bytes per round trip, and loses nothing', async () => {
    const started = Date.now();
    const { code, results, history, stdout, stderr } = await runDrill('test/fixtures/dr-distance.ts', 'dr-distance-e2e', [], 300_000);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const cells = results.cells.map((c) => {
      const latencyMs = Number(c.values['timeline.0.action.latencyMs']);
      const pause = c.catchUp!.find((x) => x.description.startsWith('pause'));
      return { c, latencyMs, pause };
    }).sort((a, b) => a.latencyMs - b.latencyMs);
    expect(cells.map((x) => x.latencyMs)).toEqual([100, 300]);

    for (const { c, latencyMs, pause } of cells) {
      const events = history.filter((e) => e.cell === c.key);
      // Every acked id is classified once, and on the backup: MM2 caught up before the verification.
      const n = c.counts!;
      expect(n.lost as number + (n.skipped as number) + (n.unreached as number) + n.exactlyOnce + n.duplicated).toBe(n.acked);
      expect(c.backupReadComplete).toBe(true);
      expect(n.notReplicated).toBe(0);
      // The backlog is what was produced while MM2 was frozen; MM2 then had busy intervals to measure.
      expect(pause, JSON.stringify(c.catchUp)).toBeDefined();
      expect(pause!.backlog).toBeGreaterThan(0);
      const rate = pause!.copyRate;
      expect(rate, JSON.stringify(pause)).not.toBeNull();
      // One fetch in flight per broker (the Java consumer's Fetcher), each answered with at most
      // max.partition.fetch.bytes (1 MiB) per partition and each waiting the latency both ways: over a
      // window, MM2 fetches at most partitions × 1 MiB per round trip, and writes on the backup at most
      // that plus what it held when the window began: the response in flight and the one already
      // received but not yet written (the consumer asks for the next fetch while the task still
      // polls and writes the last: a 3 MiB response is several polls of records) — its producer,
      // writing to the backup beside it, is not what holds it back. The window taken at its longest
      // (`copied / min`), so a rate at the bound is never a false alarm.
      const partitions = Object.keys(eventsOf(events, 'sample').at(-1)!.ends!).length;
      const roundTripS = (2 * latencyMs) / 1000;
      const windowS = rate!.copied / rate!.min;
      expect(rate!.copied * 4096, `${latencyMs} ms each way: ${JSON.stringify(rate)}`).toBeLessThanOrEqual(partitions * MIB * (2 + windowS / roundTripS));
    }
    // The bound falls with the round trip; the rates themselves are not compared. In two full
    // test-suite runs the shorter round trip's cell copied slower than the longer one's (651 against
    // 1,011 msg/s, 694 against 1,060; alone 4,043 against 1,197, beside four busy loops 3,281
    // against 1,188): what held it back there is not known, so no ordering is asserted.
    console.log(`dr-distance e2e: ${((Date.now() - started) / 1000).toFixed(0)} s; ${cells.map((x) => `${2 * x.latencyMs} ms RTT: ${JSON.stringify(x.pause)}`).join('; ')}`);
  }, 300_000);
});
