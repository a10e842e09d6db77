/**
 * Order per key across a real failover: the short drill with 4 keys over 3 partitions, the primary
 * killed, the consumer failed over with `earliest` — it re-reads the backup from its start, so
 * every value the primary consumer had delivered comes again after newer values of its key: the
 * at-least-once rewind the checker must count as `rewound`, never as `nonmonotonic`. The relations
 * asserted are physics: a key on one partition, MM2 copies a partition in order, a poll-skip is
 * never delivered and is lost or skipped in the ledger, a rewind is a duplicate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { runDrill } from './helpers.ts';

const KEYS = 4;

describe('order per key across a failover (short drill, 4 keys, earliest)', () => {
  let results: RunResults;
  let history: HistoryEvent[];
  let stdout: string;
  let dir: string;
  let cell: CellResult;

  beforeAll(async () => {
    ({ results, history, stdout, dir } = await runDrill('test/fixtures/short.ts', 'short', [
      '--set', `workload.keys=${KEYS}`, '--set', 'failover.strategy=earliest', '--set', 'timeline.0.at=6',
    ]));
    cell = results.cells[0]!;
  }, 300_000);

  it('partitions by key: every ack carries its key, each key on one partition', () => {
    const acks = eventsOf(history, 'ack');
    expect(acks.length).toBeGreaterThan(KEYS * 10);
    expect(acks.every((a) => a.key !== undefined && /^k\d+$/.test(a.key) && Number(a.key.slice(1)) < KEYS)).toBe(true);
    const partitionsOf = Map.groupBy(acks, (a) => a.key!);
    for (const [, as] of partitionsOf) expect(new Set(as.map((a) => a.partition)).size).toBe(1);
    expect(cell.keyOrder).toMatchObject({ keys: partitionsOf.size, unordered: 0, values: cell.counts!.acked });
  });

  it('counts the failover\'s rewind as re-deliveries (each a duplicate), never as nonmonotonic', () => {
    const k = cell.keyOrder!;
    const counts = cell.counts!;
    // MM2 copies each partition in order and the consumer reads it in order: no value is first seen after a newer one.
    expect(k.nonmonotonic).toBe(0);
    // The rewind, counted independently from the history: a value delivered on the primary and again
    // on the backup while a newer value of its key had been delivered on the primary.
    const acks = new Map(eventsOf(history, 'ack').map((a) => [a.id, a]));
    const delivers = eventsOf(history, 'deliver');
    const onPrimary = new Set(delivers.filter((d) => d.phase === 'primary').map((d) => d.id));
    const onBackup = new Set(delivers.filter((d) => d.phase === 'backup').map((d) => d.id));
    const newestOnPrimary = new Map<string, bigint>();
    for (const id of onPrimary) {
      const a = acks.get(id);
      if (!a) continue; // written but never acknowledged (indeterminate): not a value the checker judges
      if (BigInt(a.offset) > (newestOnPrimary.get(a.key!) ?? -1n)) newestOnPrimary.set(a.key!, BigInt(a.offset));
    }
    const rewoundAtFailover = [...onPrimary].filter((id) => onBackup.has(id) && acks.has(id) && BigInt(acks.get(id)!.offset) < newestOnPrimary.get(acks.get(id)!.key!)!);
    expect(rewoundAtFailover.length).toBeGreaterThan(0);
    expect(k.rewound).toBeGreaterThanOrEqual(rewoundAtFailover.length);
    expect(k.rewound).toBeLessThanOrEqual(counts.duplicated);
    expect(k.rewoundDeliveries).toBeLessThanOrEqual(counts.extraDeliveries);
    const times = new Map<string, number>();
    for (const d of delivers) times.set(d.id, (times.get(d.id) ?? 0) + 1);
    expect(k.samples.rewound.every((id) => (times.get(id) ?? 0) >= 2)).toBe(true);
  });

  it('a poll-skip is never delivered, and is lost or skipped in the ledger', () => {
    const k = cell.keyOrder!;
    const counts = cell.counts!;
    const delivered = new Set(eventsOf(history, 'deliver').map((d) => d.id));
    expect(k.samples.pollSkip.every((id) => !delivered.has(id))).toBe(true);
    expect(cell.backupReadComplete).toBe(true);
    expect(k.pollSkip).toBeLessThanOrEqual((counts.lost as number) + (counts.skipped as number));
  });

  it('says it in summary.md and on the terminal summary line', () => {
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('## Order per key');
    expect(md).toContain(`${cell.keyOrder!.nonmonotonic} nonmonotonic`);
    expect(stdout).toMatch(new RegExp(`nonmonotonic +${cell.keyOrder!.nonmonotonic} +poll-skip +${cell.keyOrder!.pollSkip}`));
  });
});
