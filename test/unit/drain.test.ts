import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Admin } from 'kafkajs';
import type { RunningConsumer } from '../../src/adapters/clients/consumer.ts';
import { drain } from '../../src/run/drain.ts';
import { endsKey, SETTLE_MS } from '../../src/run/still-ends.ts';

/**
 * A backup topic of one partition that MM2 writes to on a schedule (end offset after each
 * write, at a time in ms from the drain's start) and a consumer that delivers everything written
 * `lagMs` after it lands: what the drain sees through its offset look-ups.
 */
function backup(writes: readonly { atMs: number; end: number }[], lagMs: number) {
  const t0 = Date.now();
  const endAt = (t: number) => writes.filter((w) => w.atMs <= t - t0).reduce((e, w) => Math.max(e, w.end), 0);
  const admin = {
    fetchTopicOffsets: async () => [{ partition: 0, offset: '0', high: String(endAt(Date.now())), low: '0' }],
    fetchOffsets: async () => [{ topic: 'primary.orders', partitions: [{ partition: 0, offset: '-1' }] }],
  } as unknown as Admin;
  const positions = new Map<string, bigint>();
  const consumer = {
    groupId: 'g', delivered: () => 0,
    get positions() {
      positions.set('primary.orders/0', BigInt(endAt(Date.now() - lagMs)));
      return positions;
    },
  } as unknown as RunningConsumer;
  return { admin, consumer };
}

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

const run = async (b: ReturnType<typeof backup>, timeoutMs = 60_000) => {
  const done = drain({ ...b, groupId: 'g', topics: ['primary.orders'], timeoutMs });
  await vi.advanceTimersByTimeAsync(timeoutMs + 1000);
  return done;
};

it('a record MM2 writes after the consumer reached the end, within the settle period, is drained too', async () => {
  // The consumer catches up at once; MM2 writes one more record 2.5 s later.
  const r = await run(backup([{ atMs: 0, end: 100 }, { atMs: 2500, end: 101 }], 0));
  expect(r.complete).toBe(true);
  expect(r.last[0]!.end).toEqual({ 0: '101' });
});

it('the settle period runs while the consumer catches up: a consumer far behind still ends at the last record', async () => {
  // The consumer is 2 s behind what lands; MM2 writes its last record at 1 s.
  const r = await run(backup([{ atMs: 0, end: 500 }, { atMs: 1000, end: 900 }], 2000));
  expect(r.complete).toBe(true);
  expect(r.last[0]!.end).toEqual({ 0: '900' });
});

it('end offsets that never hold still leave the drain incomplete, saying so', async () => {
  const writes = Array.from({ length: 40 }, (_, i) => ({ atMs: i * 1000, end: (i + 1) * 10 }));
  const r = await run(backup(writes, 0), 20_000);
  expect(r.complete).toBe(false);
  expect(r.detail).toContain('drain incomplete after 20 s');
});

const still = (since: number, end: number) => ({ key: endsKey([['primary.orders', { 0: String(end) }]]), since });

it('end offsets a watch saw still before the drain end it as soon as the consumer is there', async () => {
  const b = backup([{ atMs: 0, end: 100 }], 500);
  const t0 = Date.now();
  const done = drain({ ...b, groupId: 'g', topics: ['primary.orders'], timeoutMs: 60_000, seen: still(t0 - SETTLE_MS, 100) });
  await vi.advanceTimersByTimeAsync(60_000);
  const r = await done;
  expect(r.complete).toBe(true);
  expect(r.detail).toMatch(/unchanged for 3\.[5-9] s/); // the consumer's 0.5 s, not another settle period
});

it("a watch that saw other end offsets does not count: the period starts at the drain's own look", async () => {
  // The watch last saw 99, long still; MM2 wrote one more record since.
  const b = backup([{ atMs: 0, end: 100 }], 0);
  const t0 = Date.now();
  const done = drain({ ...b, groupId: 'g', topics: ['primary.orders'], timeoutMs: 60_000, seen: still(t0 - 60_000, 99) });
  let ended = 0;
  void done.then(() => (ended = Date.now()));
  await vi.advanceTimersByTimeAsync(60_000);
  expect((await done).complete).toBe(true);
  expect(ended - t0).toBeGreaterThanOrEqual(SETTLE_MS);
});
