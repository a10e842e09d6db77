/**
 * Two real MirrorMaker 2 processes on one flow (scenarios/two-mirrors.ts): an Identity mirror for
 * the data and a Default mirror for the offsets. Recomputed from the raw history: the checkpoints
 * MM2 wrote, the group's committed offsets on the identity-named topic at failover, the acks and
 * the deliveries.
 */
import { beforeAll, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import type { CellResult } from '../../src/core/results/results.ts';
import { containersLeft, runDrill, type Drill } from './helpers.ts';

let d: Drill;

beforeAll(async () => {
  d = await runDrill('scenarios/two-mirrors.ts', 'two-mirrors', [], 300_000);
}, 360_000);

const cell = (): CellResult => d.results.cells[0]!;

it('runs both mirrors of the flow to the end, each in its own Connect group', async () => {
  expect(d.code, `${d.stdout}\n${d.stderr}`).toBe(0);
  expect(cell().status, cell().error?.message).toBe('measured');
  expect(cell().consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
  expect(await containersLeft(d.results.runId)).toBe(0);
});

it("the offsets mirror's checkpoints name its own copy, primary.orders: the identity-named topic gets no offsets", () => {
  const checkpoints = eventsOf(d.history, 'checkpoint').filter((c) => c.group === 'drill-consumer');
  expect(checkpoints.length).toBeGreaterThan(0);
  expect([...new Set(checkpoints.map((c) => c.topic))]).toEqual(['primary.orders']);
  // What the group found on `orders` on the backup when it failed over: nothing committed.
  const found = eventsOf(d.history, 'offsets').find((e) => e.label === 'failover-committed' && e.topic === 'orders')!;
  expect(Object.keys(found.offsets)).toHaveLength(3);
  expect(Object.values(found.offsets).every((o) => Number(o) < 0)).toBe(true);
});

it('the consumer starts over on orders: nothing lost, everything it had read before the kill and MM2 had copied read again', () => {
  const kill = eventsOf(d.history, 'kill')[0]!;
  const deliveries = eventsOf(d.history, 'deliver');
  const beforeKill = new Set(deliveries.filter((x) => x.phase === 'primary' && x.t <= kill.t).map((x) => x.id));
  const onBackup = new Set(deliveries.filter((x) => x.phase === 'backup').map((x) => x.id));
  // What the data mirror had copied to `orders` on the backup when the primary died, from the
  // verification read: the records acked in the last moments before the kill may not be there.
  const copied = new Set(eventsOf(d.history, 'copy').filter((c) => c.cluster === 'backup' && c.topic === 'orders').map((c) => c.id));
  expect(beforeKill.size).toBeGreaterThan(1000);
  expect([...beforeKill].filter((id) => copied.has(id) && !onBackup.has(id))).toEqual([]);
  const acked = eventsOf(d.history, 'ack').map((a) => a.id);
  expect(acked.filter((id) => copied.has(id) && !onBackup.has(id))).toEqual([]);
  // The ones MM2 never copied are counted as such, and are a replication-lag's worth, no more.
  const notCopied = acked.filter((id) => !copied.has(id));
  expect(notCopied.length).toBe(cell().counts!.notReplicated);
  expect(notCopied.length).toBeLessThan(acked.length / 10);
  // Lost is what was acked, delivered nowhere and not on the backup.
  const delivered = new Set(deliveries.map((x) => x.id));
  expect(acked.filter((id) => copied.has(id) && !delivered.has(id))).toEqual([]);
  expect(cell().counts!.lost).toBe(acked.filter((id) => !delivered.has(id) && !copied.has(id)).length);
  expect(cell().counts!.duplicated).toBeGreaterThanOrEqual([...beforeKill].filter((id) => copied.has(id)).length);
});
