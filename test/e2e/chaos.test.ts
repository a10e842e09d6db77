/**
 * Faults on the timeline, checked against what they must physically do — not just that code ran.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import { lagSeries } from '../../src/core/checker/lag.ts';
import { containersLeft, runDrill } from './helpers.ts';

const drill = async (fixture: string) => {
  const d = await runDrill(`test/fixtures/${fixture}.ts`, fixture, [], 400_000);
  return { ...d, out: `${d.stdout}\n${d.stderr}` };
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe('partition of MM2 from the primary, then the kill', () => {
  it('leaves every message acked after the cut unreplicated, loses exactly those the consumer had not seen, skips none', async () => {
    const { code, results, history, out } = await drill('partition');
    expect(code, out).toBe(0);
    const cell = results.cells[0]!;
    const k = cell.counts!;
    const cut = eventsOf(history, 'fault-start')[0]!;
    expect(cut.description).toContain('partition of mm2-primary');
    const acks = eventsOf(history, 'ack');
    const ackedAfterCut = acks.filter((a) => a.t > cut.t).map((a) => a.id);
    // In flight at the cut: what MM2 had fetched but not yet written may still land.
    const inFlight = 2 * 150;
    expect(k.notReplicated).toBeGreaterThanOrEqual(ackedAfterCut.length - inFlight);
    expect(ackedAfterCut.length).toBeGreaterThan(500);
    expect(k.skipped).toBe(0);
    // Lost = acked, never delivered, not on the backup — recomputed here from the raw history.
    const delivered = new Set(eventsOf(history, 'deliver').map((d) => d.id));
    const onBackup = new Set(eventsOf(history, 'backup-record').map((d) => d.id));
    expect(k.lost).toBe(acks.filter((a) => !delivered.has(a.id) && !onBackup.has(a.id)).length);
    expect(k.lost).toBeGreaterThan(0); // the consumer lags, so some unreplicated messages were never seen
    expect(cell.faults).toHaveLength(1);
    expect(cell.faults[0]?.healed).toBe(true); // healed at the end of the cell, and checked on every proxy
    expect(await containersLeft(results.runId)).toBe(0);
  }, 420_000);
});

describe('latency on MM2 ↔ primary', () => {
  it('raises the measured replication lag by about the injected delay, and is healed on time', async () => {
    const { code, results, history, out } = await drill('latency');
    expect(code, out).toBe(0);
    const cell = results.cells[0]!;
    const [fault] = cell.faults;
    expect(fault?.healed).toBe(true);
    const start = eventsOf(history, 'fault-start')[0]!.t;
    const end = eventsOf(history, 'fault-end')[0]!.t;
    expect((end - start) / 1000).toBeGreaterThanOrEqual(9.5);
    expect((end - start) / 1000).toBeLessThan(13);
    const series = lagSeries(history).filter((p) => p.lagMs !== null);
    const before = median(series.filter((p) => p.t < start).map((p) => p.lagMs!));
    // Skip the first 2 s of the window while the delay builds up.
    const during = median(series.filter((p) => p.t > start + 2000 && p.t < end).map((p) => p.lagMs!));
    expect(during - before).toBeGreaterThan(1500 * 0.6);
    expect(during - before).toBeLessThan(1500 * 5);
    expect(cell.counts!.skipped).toBe(0);
  }, 420_000);
});

describe('one broker of a 3-node primary killed, no failover', () => {
  it('loses, skips and leaves unreplicated nothing that was acked', async () => {
    const { code, results, history, out } = await drill('broker-loss');
    expect(code, out).toBe(0);
    const k = results.cells[0]!.counts!;
    // Acknowledged before the loss and again after it, once the leaders dropped broker 1 from their ISR.
    const lossAt = eventsOf(history, 'fault-start')[0]!.t;
    const acks = eventsOf(history, 'ack');
    expect(acks.filter((a) => a.t < lossAt).length).toBeGreaterThan(300);
    expect(acks.filter((a) => a.t > lossAt).length).toBeGreaterThan(300);
    expect(k.lost).toBe(0);
    expect(k.skipped).toBe(0);
    expect(k.notReplicated).toBe(0);
    expect(eventsOf(history, 'kill')).toHaveLength(0);
    expect(eventsOf(history, 'fault-start')[0]?.description).toBe('SIGKILL primary broker 1');
    expect(eventsOf(history, 'deliver').every((d) => d.phase === 'primary')).toBe(true);
  }, 420_000);
});
