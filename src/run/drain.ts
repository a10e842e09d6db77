/**
 * Drain: the failed-over consumer is done when, on every partition of the remote topics, its
 * position (next offset after its last delivery, or its committed offset) has reached the
 * backup's end offset — and the end offsets stayed put for a settle period, so records MM2 was
 * still writing are not missed. A quiet period alone would prove nothing.
 *
 * The settle period runs from the first look-up that saw the current end offsets, while the
 * consumer still catches up: a high watermark only grows, so two equal look-ups SETTLE_MS apart
 * prove it held still between them, whatever the consumer did meanwhile. The drain looks again
 * when the period is due, not at its next half-second.
 */
import type { Admin } from 'kafkajs';
import { committedOffsets, endOffsets } from '../adapters/clients/kafka-client.ts';
import type { RunningConsumer } from '../adapters/clients/consumer.ts';
import { sleep } from '../adapters/wait.ts';

const SETTLE_MS = 3000;
const POLL_MS = 500;

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
}): Promise<DrainResult> {
  const deadline = Date.now() + o.timeoutMs;
  /** The end offsets last seen (JSON), and when the first look-up that saw them returned. */
  let lastEnds = '';
  let stableSince = 0;
  let behind: string[] = [];
  let last: DrainResult['last'] = [];
  while (Date.now() < deadline && !o.signal?.aborted) {
    behind = [];
    const ends: Record<string, string> = {};
    // Offsets equal to earlier ones were there from the earlier look-up's return to this one's start.
    const lookedUp = Date.now();
    let offsets: [string, Record<string, string>, Record<string, string>][];
    try {
      offsets = await Promise.all(o.topics.map(async (t) => [t, await endOffsets(o.admin, t), await committedOffsets(o.admin, o.groupId, t)] as [string, Record<string, string>, Record<string, string>]));
    } catch (e) {
      // A leader election after a broker loss makes offset look-ups fail for a few seconds.
      behind = [`offsets unavailable (${e instanceof Error ? e.message : String(e)})`];
      lastEnds = '';
      await sleep(POLL_MS, o.signal);
      continue;
    }
    last = offsets.map(([topic, end, committed]) => ({ topic, end, committed }));
    for (const [topic, end, committed] of offsets) {
      for (const [p, e] of Object.entries(end)) {
        const key = `${topic}/${p}`;
        ends[key] = e;
        const pos = standsAt(o.consumer, key, committed[p]);
        if (pos < BigInt(e)) behind.push(`${key} at ${pos}/${e}`);
      }
    }
    const endsKey = JSON.stringify(ends);
    if (endsKey !== lastEnds) [lastEnds, stableSince] = [endsKey, Date.now()];
    if (behind.length === 0 && lookedUp - stableSince >= SETTLE_MS) return { complete: true, detail: `reached the end offsets on ${Object.keys(ends).length} partition(s)`, last };
    await sleep(behind.length === 0 ? Math.min(POLL_MS, stableSince + SETTLE_MS - Date.now()) : POLL_MS, o.signal);
  }
  return { complete: false, detail: `drain incomplete after ${Math.round(o.timeoutMs / 1000)} s: ${behind.join(', ') || 'end offsets still moving'}`, last };
}
