/**
 * Order per key across a real failover: the short drill with 4 keys over 3 partitions, the primary
 * killed, the consumer failed over with `earliest` — it re-reads the backup from its start, so
 * every value the primary consumer had delivered comes again after newer values of its key: the
 * at-least-once rewind the checker must count as `rewound`, never as `nonmonotonic`. The relations
 * asserted are physics: a key on one partition, MM2 copies a partition in order, a poll-skip is
 * never delivered and is lost or skipped in the ledger, a rewind is a duplicate.
 *
 * The same drill holds MM2's offset syncs, read live from the primary until just before its kill:
 * each sync is a source record's offset and its copy's on the backup, so the ledger's own record
 * of where each id landed must agree with every sync exactly, and a partition's syncs only move
 * forward (the oracles of core/checker/mm2-invariants.ts, recounted here from the history).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import { tpKey } from '../../src/core/history/topic-partition.ts';
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

  it('reads MM2\'s offset syncs up to the kill: one per partition written at least, each a copied record\'s exact place on the backup', () => {
    const syncs = eventsOf(history, 'offset-sync');
    const acks = eventsOf(history, 'ack');
    expect(history.some((e) => e.type === 'read-complete' && e.what === 'offset-syncs' && e.complete)).toBe(true);
    expect(cell.offsetSyncs).toMatchObject({ read: 'complete', syncs: syncs.length });
    // Every partition the workload wrote has at least one sync, written before the kill.
    const written = new Set(acks.map((a) => tpKey(a.topic, a.partition)));
    const synced = new Set(syncs.map((x) => tpKey(x.topic, x.partition)));
    expect([...written].filter((tp) => !synced.has(tp))).toEqual([]);
    for (const tp of written) expect(cell.offsetSyncs!.partitions[tp]!.syncs).toBe(syncs.filter((x) => tpKey(x.topic, x.partition) === tp).length);
    const killAt = eventsOf(history, 'kill')[0]!.t;
    expect(syncs.every((x) => x.t <= killAt)).toBe(true);
    // Exactness: the sync's upstream offset is an acked record's (the producer's ack said so), and
    // its downstream offset is where the verification read found that record's copy.
    const ackedAt = new Map(acks.map((a) => [`${tpKey(a.topic, a.partition)}@${a.offset}`, a.id]));
    const copiesOf = new Map<string, string[]>();
    for (const r of eventsOf(history, 'backup-record')) copiesOf.set(r.id, [...(copiesOf.get(r.id) ?? []), `${r.partition}@${r.offset}`]);
    // A sync of an unacknowledged record can only be of the tail, written as the primary died.
    const lastAcked = new Map<string, bigint>();
    for (const a of acks) if (BigInt(a.offset) > (lastAcked.get(tpKey(a.topic, a.partition)) ?? -1n)) lastAcked.set(tpKey(a.topic, a.partition), BigInt(a.offset));
    const ids = syncs.map((x) => ackedAt.get(`${tpKey(x.topic, x.partition)}@${x.upstreamOffset}`));
    expect(syncs.filter((x, i) => ids[i] === undefined && BigInt(x.upstreamOffset) <= lastAcked.get(tpKey(x.topic, x.partition))!)).toEqual([]);
    const known = syncs.filter((_, i) => ids[i] !== undefined);
    expect(known.length).toBeGreaterThan(0);
    expect(syncs.filter((x, i) => ids[i] !== undefined && !copiesOf.get(ids[i]!)?.includes(`${x.partition}@${x.downstreamOffset}`))).toEqual([]);
    const placed = cell.invariants!.find((i) => i.name === 'offset-sync-misplaced')!;
    expect(placed).toMatchObject({ verdict: 'holds', checked: known.length, findings: 0 });
  });

  it('the syncs of a partition only move forward, in the order MM2 wrote them; the oracles find nothing', () => {
    const byTp = Map.groupBy(eventsOf(history, 'offset-sync'), (x) => tpKey(x.topic, x.partition));
    let pairs = 0;
    for (const [, list] of byTp) {
      const ordered = list.toSorted((a, b) => Number(BigInt(a.syncsOffset) - BigInt(b.syncsOffset)));
      for (let i = 1; i < ordered.length; i++) {
        pairs += 1;
        expect(BigInt(ordered[i]!.upstreamOffset)).toBeGreaterThanOrEqual(BigInt(ordered[i - 1]!.upstreamOffset));
        expect(BigInt(ordered[i]!.downstreamOffset)).toBeGreaterThanOrEqual(BigInt(ordered[i - 1]!.downstreamOffset));
      }
    }
    expect(cell.invariants!.find((i) => i.name === 'offset-sync-rewind')).toMatchObject({ verdict: 'holds', checked: pairs, findings: 0 });
    // The re-delivery bound is judged on each remote partition's last checkpoint, or said unknown with its reason.
    const bound = cell.invariants!.find((i) => i.name === 'redelivery-beyond-lag-max')!;
    const partitions = new Set(eventsOf(history, 'checkpoint').filter((c) => c.group === cell.translation!.group).map((c) => tpKey(c.topic, c.partition)));
    expect(bound.checked + bound.unknown).toBe(partitions.size);
    expect(Object.values(bound.why ?? {}).reduce((a, b) => a + b, 0)).toBe(bound.unknown);
    expect(bound.findings).toBe(0);
    console.log('offset syncs', JSON.stringify(cell.offsetSyncs), JSON.stringify(cell.invariants!.map(({ samples: _, ...i }) => i)));
  });

  it('says it in summary.md and on the terminal summary line', () => {
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('## Order per key');
    expect(md).toContain(`${cell.keyOrder!.nonmonotonic} nonmonotonic`);
    expect(stdout).toMatch(new RegExp(`nonmonotonic +${cell.keyOrder!.nonmonotonic} +poll-skip +${cell.keyOrder!.pollSkip}`));
  });
});
