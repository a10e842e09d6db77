/**
 * Whether a cluster's end offsets have held still, and since when: what says MM2 has written on
 * its target what it will write. Nothing else measures that once its source is gone (its lag
 * needs the source's end offsets) — a kill leaves records MM2 fetched but had not yet written.
 *
 * A high watermark only grows, so two look-ups that saw the same end offsets prove they held
 * still from the first one's return to the second one's start, whoever made them. A watch that
 * runs from the workload's start (`watchEnds`) hands what it saw to the drain: after a kill, MM2
 * has usually written its last record before the consumer is back on the backup, and the drain
 * then waits only for the consumer, not a settle period of its own. A look-up that fails (a
 * leader election, a restored cluster) forgets what was seen: the period starts again.
 */
import type { Admin } from 'kafkajs';
import { endOffsets } from '../adapters/clients/kafka-client.ts';
import { sleep, waitUntil } from '../adapters/wait.ts';

/** How long end offsets must hold still to say MM2 has written what it will. */
export const SETTLE_MS = 3000;
/** How often a drain or a watch looks. */
export const POLL_MS = 500;

/** End offsets seen, as one comparable key, and when the first look-up that saw them returned (epoch ms). */
export interface Stillness {
  readonly key: string;
  readonly since: number;
}

/** topic → partition → end offset, for `topics` in their order. */
export type TopicEnds = readonly (readonly [string, Record<string, string>])[];

/** The key of a look-up's end offsets: the same topics and partitions at the same offsets give the same key. */
export const endsKey = (ends: TopicEnds): string => JSON.stringify(ends.flatMap(([t, e]) => Object.entries(e).map(([p, o]) => `${t}/${p}@${o}`)));

/** Folds a look-up that returned at `returned` into what was seen: the same end offsets keep their `since`. */
export const saw = (seen: Stillness | undefined, key: string, returned: number): Stillness => (seen?.key === key ? seen : { key, since: returned });

/** How long the end offsets provably held still, up to a look-up that started at `lookedUp` and saw `seen.key`. */
export const stillFor = (seen: Stillness, lookedUp: number): number => lookedUp - seen.since;

export interface EndsWatch {
  /** What the watch saw last (undefined after a failed look-up, or before the first). */
  seen(): Stillness | undefined;
  /** Stops looking (a look-up under way ends on its own, its answer unused). */
  stop(): void;
}

/** The end offsets of `topics` on `admin`, in their order. */
const lookUp = (admin: Admin, topics: readonly string[]): Promise<TopicEnds> => Promise.all(topics.map(async (t) => [t, await endOffsets(admin, t)] as const));

/** Waits until the end offsets of `topics` have held still for SETTLE_MS (bounded: false when they did not within `timeoutMs`). */
export async function untilStill(admin: Admin, topics: readonly string[], o: { what: string; timeoutMs: number; signal: AbortSignal }): Promise<boolean> {
  let seen: Stillness | undefined;
  return waitUntil(async () => {
    const lookedUp = Date.now();
    seen = saw(seen, endsKey(await lookUp(admin, topics)), Date.now());
    return stillFor(seen, lookedUp) >= SETTLE_MS;
  }, { ...o, intervalMs: POLL_MS }).catch(() => false);
}

/** Looks up the end offsets of `topics` every POLL_MS, on the admin client of the moment (one renewed after a restore). */
export function watchEnds(o: { admin: () => Admin; topics: readonly string[]; signal: AbortSignal }): EndsWatch {
  const stopped = new AbortController();
  const signal = AbortSignal.any([o.signal, stopped.signal]);
  let seen: Stillness | undefined;
  void (async () => {
    while (!signal.aborted) {
      try {
        seen = saw(seen, endsKey(await lookUp(o.admin(), o.topics)), Date.now());
      } catch {
        seen = undefined;
      }
      await sleep(POLL_MS, signal);
    }
  })();
  return { seen: () => seen, stop: () => stopped.abort() };
}
