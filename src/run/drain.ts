/**
 * Drain: the failed-over consumer is done when, on every partition of the remote topics, its
 * position (next offset after its last delivery, or its committed offset) has reached the
 * backup's end offset — and the end offsets held still for a settle period (run/still-ends.ts),
 * so records MM2 was still writing are not missed. A quiet period alone would prove nothing.
 *
 * The settle period runs from the first look-up that saw the current end offsets — the drain's
 * own, or a watch's from before the drain (`seen`) — while the consumer still catches up. The
 * drain looks again when the period is due, not at its next half-second.
 */
import type { Admin } from 'kafkajs';
import { committedOffsets, endOffsets } from '../adapters/clients/kafka-client.ts';
import type { RunningConsumer } from '../adapters/clients/consumer.ts';
import { sleep } from '../adapters/wait.ts';
import { endsKey, POLL_MS, saw, SETTLE_MS, stillFor, type Stillness } from './still-ends.ts';

export interface DrainResult {
  complete: boolean;
  detail: string;
  /** The last end offsets and group commits looked up, per topic (partition → offset). */
  last: { topic: string; end: Record<string, string>; committed: Record<string, string> }[];
}

/** Where a consumer stands on a partition: past what it processed, or at its group's commit if further. */
export const standsAt = (consumer: RunningConsumer, key: string, committed: string | undefined): bigint => {
  const processed = consumer.positions.get(key) ?? 0n;
  const commit = BigInt(committed ?? '-1');
  return processed > commit ? processed : commit;
};

export async function drain(o: {
  admin: Admin;
  consumer: RunningConsumer;
  groupId: string;
  topics: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** What a watch of the same topics saw before the drain. */
  seen?: Stillness;
}): Promise<DrainResult> {
  const deadline = Date.now() + o.timeoutMs;
  let seen = o.seen;
  let behind: string[] = [];
  let last: DrainResult['last'] = [];
  while (Date.now() < deadline && !o.signal?.aborted) {
    behind = [];
    // Offsets equal to earlier ones were there from the earlier look-up's return to this one's start.
    const lookedUp = Date.now();
    let offsets: [string, Record<string, string>, Record<string, string>][];
    try {
      offsets = await Promise.all(o.topics.map(async (t) => [t, await endOffsets(o.admin, t), await committedOffsets(o.admin, o.groupId, t)] as [string, Record<string, string>, Record<string, string>]));
    } catch (e) {
      // A leader election after a broker loss makes offset look-ups fail for a few seconds.
      behind = [`offsets unavailable (${e instanceof Error ? e.message : String(e)})`];
      seen = undefined;
      await sleep(POLL_MS, o.signal);
      continue;
    }
    last = offsets.map(([topic, end, committed]) => ({ topic, end, committed }));
    let partitions = 0;
    for (const [topic, end, committed] of offsets) {
      for (const [p, e] of Object.entries(end)) {
        partitions++;
        const key = `${topic}/${p}`;
        const pos = standsAt(o.consumer, key, committed[p]);
        if (pos < BigInt(e)) behind.push(`${key} at ${pos}/${e}`);
      }
    }
    seen = saw(seen, endsKey(offsets.map(([topic, end]) => [topic, end])), Date.now());
    if (behind.length === 0 && stillFor(seen, lookedUp) >= SETTLE_MS) return { complete: true, detail: `reached the end offsets on ${partitions} partition(s), unchanged for ${(stillFor(seen, lookedUp) / 1000).toFixed(1)} s`, last };
    await sleep(behind.length === 0 ? Math.min(POLL_MS, seen.since + SETTLE_MS - Date.now()) : POLL_MS, o.signal);
  }
  return { complete: false, detail: `drain incomplete after ${Math.round(o.timeoutMs / 1000)} s: ${behind.join(', ') || 'end offsets still moving'}`, last };
}
