/**
 * Active-active with writers on both clusters, on real clusters and two real MirrorMaker 2
 * processes (scenarios/active-active-failover.ts, Default policy): the primary is killed and its
 * consumer group fails over to the backup. Recomputed from the raw history: acks per cluster, the
 * deliveries on each cluster, the group's offsets found on the backup, the verification read.
 */
import { beforeAll, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import type { CellResult } from '../../src/core/results/results.ts';
import { containersLeft, runDrill, type Drill } from './helpers.ts';

let d: Drill;

beforeAll(async () => {
  d = await runDrill('scenarios/active-active-failover.ts', 'active-active-failover', [], 300_000);
}, 360_000);

const cell = (): CellResult => d.results.cells[0]!;

const acked = (cluster: string, before: boolean) => {
  const kill = eventsOf(d.history, 'kill')[0]!.t;
  return eventsOf(d.history, 'ack').filter((a) => (a.cluster ?? 'primary') === cluster && (a.t < kill) === before).map((a) => a.id);
};

it('runs to the end with producers on both clusters, reading the backup completely', async () => {
  expect(d.code, `${d.stdout}\n${d.stderr}`).toBe(0);
  expect(cell().status, cell().error?.message).toBe('measured');
  expect(cell().consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
  expect(acked('primary', true).length).toBeGreaterThan(1000);
  expect(acked('backup', true).length).toBeGreaterThan(1000);
  expect(await containersLeft(d.results.runId)).toBe(0);
});

it('Default, both ways: every acked id at most once on the backup — once unless MM2 had not copied it at the kill — and every one copied delivered', () => {
  const copies = new Map<string, number>();
  for (const c of eventsOf(d.history, 'copy').filter((x) => x.cluster === 'backup')) copies.set(c.id, (copies.get(c.id) ?? 0) + 1);
  const delivered = new Set(eventsOf(d.history, 'deliver').map((x) => x.id));
  const own = [...acked('backup', true), ...acked('backup', false)];
  const all = [...acked('primary', true), ...own];
  const k = cell().counts!;
  expect(all.filter((id) => (copies.get(id) ?? 0) > 1)).toEqual([]);
  // The backup's own records are written there: each exactly once.
  expect(own.filter((id) => copies.get(id) !== 1)).toEqual([]);
  // The primary's: what MM2 had not copied when the primary died (its lag at the kill) is all
  // that is missing, and the ledger counts exactly those as not replicated.
  const notCopied = acked('primary', true).filter((id) => !copies.has(id));
  expect(notCopied.length).toBe(k.notReplicated);
  // Delivered at least once, except what was lost — never copied, and never read on the primary.
  const undelivered = all.filter((id) => !delivered.has(id));
  expect(undelivered.filter((id) => copies.has(id))).toEqual([]);
  expect(undelivered.length).toBe(k.lost);
});

it("the backup's own records, read on the primary as backup.orders, are all read again after the failover", () => {
  // The group found MM2's translation on primary.orders, and nothing on the backup's own orders.
  const move = cell().roundTrip!.moves.find((m) => m.to === 'backup')!;
  const found = (topic: string) => Object.entries(move.committed).filter(([tp]) => tp.startsWith(`${topic}/`)).map(([, o]) => Number(o));
  expect(found('primary.orders')).toHaveLength(3);
  expect(found('primary.orders').every((o) => o > 0)).toBe(true);
  expect(found('orders')).toHaveLength(3);
  expect(found('orders').every((o) => o < 0)).toBe(true);
  const deliveries = eventsOf(d.history, 'deliver');
  const readOnPrimary = new Set(deliveries.filter((x) => x.phase === 'primary' && x.topic === 'backup.orders').map((x) => x.id));
  const readOnBackup = new Set(deliveries.filter((x) => x.phase === 'backup').map((x) => x.id));
  expect(readOnPrimary.size).toBeGreaterThan(500);
  expect([...readOnPrimary].filter((id) => !readOnBackup.has(id))).toEqual([]);
  // The primary's own records were translated: far fewer of them came again.
  const era = cell().roundTrip!.byEra;
  expect(era['backup-local'].duplicated).toBeGreaterThanOrEqual(readOnPrimary.size);
  expect(era['before-kill'].duplicated).toBeLessThan(era['backup-local'].duplicated / 4);
});
