/**
 * The DR round trip on real clusters and two real MirrorMaker 2 processes: kill the primary,
 * fail over, restore the primary with its data, replicate the outage's writes back, move back.
 * Every assertion is recomputed from the raw history (acks, deliveries, the verification reads
 * of both clusters), not read from the ledger alone.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult } from '../../src/core/results/results.ts';
import { cellEvents, cellOf, containersLeft, runDrill } from './helpers.ts';

const stepEnd = (h: HistoryEvent[], label: string) => eventsOf(h, 'step').find((e) => e.label === label && e.state === 'end')!;
const onPrimary = (h: HistoryEvent[]) => new Set(eventsOf(h, 'copy').filter((c) => c.cluster === 'primary').map((c) => c.id));

describe('failback under the Default policy', () => {
  it('loses nothing when the reverse flow drains to zero, and strands exactly the uncopied tail when cut early', async () => {
    const { code, results, history, stdout, stderr } = await runDrill('test/fixtures/failback-default.ts', 'failback-default', [], 900_000);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    for (const c of results.cells) {
      expect(c.status, `${c.key}: ${c.error?.message}`).toBe('measured');
      expect(c.consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
    }

    // The playbook: everything acked on the backup during the outage reached the primary and the consumer.
    const drained = cellOf(results.cells, 'playbook=drain-to-zero');
    const h = cellEvents(history, drained);
    const primary = onPrimary(h);
    const outage = eventsOf(h, 'ack').filter((a) => a.cluster === 'backup');
    expect(outage.length).toBeGreaterThan(1000);
    expect(outage.filter((a) => !primary.has(a.id))).toEqual([]);
    expect(drained.roundTrip!.stranded).toBe(0);
    expect(drained.roundTrip!.byEra.outage.lost).toBe(0);
    const delivered = new Set(eventsOf(h, 'deliver').map((d) => d.id));
    expect(eventsOf(h, 'ack').filter((a) => !delivered.has(a.id))).toEqual([]);
    // The restored primary has its pre-kill data back: every pre-kill ack is found at its acked offset.
    const killAt = eventsOf(h, 'kill')[0]!.t;
    const preKill = eventsOf(h, 'ack').filter((a) => (a.cluster ?? 'primary') === 'primary' && a.t < killAt);
    expect(preKill.length).toBeGreaterThan(1000);
    const located = new Set(eventsOf(h, 'copy').filter((c) => c.cluster === 'primary').map((c) => `${c.id}@${c.topic}/${c.partition}@${c.offset}`));
    expect(preKill.filter((a) => !located.has(`${a.id}@${a.topic}/${a.partition}@${a.offset}`))).toEqual([]);
    expect(drained.roundTrip!.vanished).toBe(0);
    // Resurrected: acked on the primary while MM2's link to it was cut (the 5 s before the kill),
    // so not on the backup when the primary came back — and found on the restored primary.
    const onBackupBefore = new Set(eventsOf(h, 'copy').filter((c) => c.cluster === 'backup' && c.topic === 'primary.orders').map((c) => c.id));
    const hidden = preKill.filter((a) => !onBackupBefore.has(a.id));
    expect(hidden.length).toBeGreaterThan(500); // ~5 s at 200 msg/s
    expect(drained.roundTrip!.resurrected).toBe(hidden.length);
    expect(hidden.every((a) => primary.has(a.id))).toBe(true);
    // The group moved back once the reverse mirror had synced its offsets: it resumed from them on
    // every partition of backup.orders, so it re-read seconds of the outage, not all of it.
    const resumed = eventsOf(h, 'offsets').filter((o) => o.label === 'move-primary-committed' && o.topic === 'backup.orders');
    expect(resumed.flatMap((o) => Object.values(o.offsets)).every((o) => Number(o) > 0)).toBe(true);
    const twice = new Map<string, number>();
    for (const d of eventsOf(h, 'deliver')) twice.set(d.id, (twice.get(d.id) ?? 0) + 1);
    expect(outage.filter((a) => (twice.get(a.id) ?? 0) > 1).length).toBeLessThan(outage.length / 5);

    // The premature cut: what MM2 had not copied when it stopped, plus all the backup took after, is stranded.
    const cut = cellOf(results.cells, 'playbook=cut-3s-early');
    const hc = cellEvents(history, cut);
    const cutAt = stepEnd(hc, 'cut').t;
    const stranded = eventsOf(hc, 'ack').filter((a) => a.cluster === 'backup' && !onPrimary(hc).has(a.id));
    const ackedAfterCut = eventsOf(hc, 'ack').filter((a) => a.cluster === 'backup' && a.t > cutAt);
    const copied = eventsOf(hc, 'offsets').filter((o) => o.label === 'stopped-reverse-copied');
    const backupEnd = eventsOf(hc, 'offsets').filter((o) => o.label === 'verify-end' && o.cluster === 'backup' && o.topic === 'orders');
    const uncopied = backupEnd.flatMap((e) => Object.entries(e.offsets).map(([p, end]) => Number(end) - Number(copied.find((c) => c.topic === 'orders')!.offsets[p] ?? 0)))
      .reduce((a, b) => a + b, 0);
    expect(ackedAfterCut.length).toBeGreaterThan(300); // 3 s at 200 msg/s
    expect(stranded.length).toBeGreaterThanOrEqual(ackedAfterCut.length);
    expect(stranded.length).toBeLessThanOrEqual(uncopied);
    expect(cut.roundTrip!.stranded).toBe(stranded.length);
    expect(cut.roundTrip!.byEra.outage.lost).toBe(stranded.length); // the consumer, back on the primary, never sees them
    expect(await containersLeft(results.runId)).toBe(0);
  }, 960_000);
});

describe('failback under the Identity policy', () => {
  it('copies pre-outage ids back to the primary from the earliest offset, and not when seeded', async () => {
    const { code, results, history, stdout, stderr } = await runDrill('test/fixtures/failback-identity.ts', 'failback-identity', [], 900_000);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const copiesOnPrimary = (c: CellResult) => {
      const h = cellEvents(history, c);
      const killAt = eventsOf(h, 'kill')[0]!.t;
      const preKill = new Set(eventsOf(h, 'ack').filter((a) => (a.cluster ?? 'primary') === 'primary' && a.t < killAt).map((a) => a.id));
      const n = new Map<string, number>();
      for (const r of eventsOf(h, 'copy').filter((x) => x.cluster === 'primary' && preKill.has(x.id))) n.set(r.id, (n.get(r.id) ?? 0) + 1);
      return { preKill: preKill.size, twice: [...n.values()].filter((k) => k >= 2).length };
    };
    const earliest = cellOf(results.cells, 'mirrors.reverse.startFrom=earliest');
    const seeded = cellOf(results.cells, 'mirrors.reverse.startFrom=seeded');
    for (const c of [earliest, seeded]) expect(c.status, `${c.key}: ${c.error?.message}`).toBe('measured');
    const e = copiesOnPrimary(earliest);
    // Everything the forward flow copied comes back: almost every pre-kill id twice on the primary.
    expect(e.twice).toBeGreaterThan(e.preKill * 0.9);
    const s = copiesOnPrimary(seeded);
    // Seeded from the forward flow's last offset syncs: at most the records after the last sync come back.
    const seeds = eventsOf(cellEvents(history, seeded), 'offsets').filter((o) => o.label === 'seed-reverse');
    expect(seeds.length).toBeGreaterThan(0);
    expect(s.twice).toBeLessThan(e.twice / 10);
    expect(seeded.roundTrip!.copies['before-kill'].primary).not.toBe('unknown');
    for (const c of [earliest, seeded]) expect(c.roundTrip!.byEra.outage.lost).toBe(0);
    expect(await containersLeft(results.runId)).toBe(0);
  }, 960_000);
});
