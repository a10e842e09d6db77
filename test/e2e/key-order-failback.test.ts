/**
 * Order per key across a real failback: 4 keys written on the primary, then on the backup during
 * the outage, then on the primary again. The consumers move home from the earliest offset, so
 * they re-read every key's primary values after the outage's newer ones: older era values coming
 * back, which the checker must count as `resurrected` — never as nonmonotonic or rewound. Every
 * figure is recounted from the raw history (acks, their clusters and times, the deliveries).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult } from '../../src/core/results/results.ts';
import { runDrill } from './helpers.ts';

describe('order per key across a failback (4 keys, consumers home from the earliest offset)', () => {
  let history: HistoryEvent[];
  let cell: CellResult;
  let output: string;

  beforeAll(async () => {
    const run = await runDrill('test/fixtures/failback-keyed.ts', 'failback-keyed', [], 300_000);
    ({ history } = run);
    output = `${run.stdout}\n${run.stderr}`;
    cell = run.results.cells[0]!;
  }, 300_000);

  it('orders every key across the three eras and finds the older era coming back', () => {
    expect(cell.status, output).toBe('measured');
    const acks = eventsOf(history, 'ack');
    const killAt = eventsOf(history, 'kill').find((k) => k.target === 'primary')!.t;
    // era: 0 on the primary before the kill, 1 on the backup, 2 on the primary after it.
    const eraOf = (a: (typeof acks)[number]) => (a.cluster === 'backup' ? 1 : a.t < killAt ? 0 : 2);
    expect(new Set(acks.map(eraOf))).toEqual(new Set([0, 1, 2]));
    const k = cell.keyOrder!;
    expect(k).toMatchObject({ keys: 4, unordered: 0, values: acks.length, nonmonotonic: 0 });

    // Recount: a delivery of a value after a value of its key from a later era had been delivered.
    const ack = new Map(acks.map((a) => [a.id, a]));
    const newest = new Map<string, [number, bigint]>();
    const resurrected = new Set<string>();
    let deliveries = 0;
    for (const d of eventsOf(history, 'deliver')) {
      const a = ack.get(d.id);
      if (!a) continue;
      const mine: [number, bigint] = [eraOf(a), BigInt(a.offset)];
      const top = newest.get(a.key!);
      if (top && top[0] > mine[0]) {
        resurrected.add(d.id);
        deliveries += 1;
      }
      if (!top || mine[0] > top[0] || (mine[0] === top[0] && mine[1] > top[1])) newest.set(a.key!, mine);
    }
    // Home from the earliest offset: at least every key's primary values come again after its outage values.
    expect(resurrected.size).toBeGreaterThan(0);
    expect(k.resurrected).toBe(resurrected.size);
    expect(k.resurrectedDeliveries).toBe(deliveries);
    expect(k.samples.resurrected!.every((id) => resurrected.has(id))).toBe(true);
    // A resurrection first delivered so is an id the consumer had never seen; the others are duplicates.
    expect(k.resurrected! - k.resurrectedFirst!).toBeLessThanOrEqual(cell.counts!.duplicated as number);
  });

  it('reads the forward flow\'s offset syncs before the kill: each names a primary record and the exact place of its copy', () => {
    const syncs = eventsOf(history, 'offset-sync');
    expect(syncs.length).toBeGreaterThan(0);
    expect(cell.offsetSyncs).toMatchObject({ read: 'complete', syncs: syncs.length });
    // The primary's acks only: the outage's ids sit at offsets of the backup's own topic.
    const ackedAt = new Set(eventsOf(history, 'ack').filter((a) => (a.cluster ?? 'primary') === 'primary').map((a) => `${a.topic}/${a.partition}@${a.offset}`));
    const known = syncs.filter((x) => ackedAt.has(`${x.topic}/${x.partition}@${x.upstreamOffset}`));
    expect(known.length).toBeGreaterThan(0);
    const invariant = (name: string) => cell.invariants!.find((i) => i.name === name)!;
    expect(invariant('offset-sync-misplaced')).toMatchObject({ verdict: 'holds', checked: known.length, findings: 0 });
    expect(invariant('offset-sync-rewind')).toMatchObject({ verdict: 'holds', findings: 0 });
    expect(invariant('redelivery-beyond-lag-max').findings).toBe(0);
  });

  it('says it on the terminal summary line', () => {
    expect(output).toMatch(new RegExp(`older era after newer +${cell.keyOrder!.resurrected}`));
  });
});
