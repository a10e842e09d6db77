/**
 * Drain: the failed-over consumer is done when, on every partition of the remote topics, its
 * position (next offset after its last delivery, or its committed offset) has reached the
 * backup's end offset — and the end offsets stayed put for a settle period, so records MM2 was
 * still writing are not missed. A quiet period alone would prove nothing.
 */
import type { Admin } from 'kafkajs';
import { committedOffsets, endOffsets } from '../adapters/clients/kafka-client.ts';
import type { RunningConsumer } from '../adapters/clients/consumer.ts';
import { sleep } from '../adapters/wait.ts';

const SETTLE_MS = 3000;

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
  let stableSince: number | null = null;
  let lastEnds = '';
  let behind: string[] = [];
  let last: DrainResult['last'] = [];
  while (Date.now() < deadline && !o.signal?.aborted) {
    behind = [];
    const ends: Record<string, string> = {};
    let offsets: [string, Record<string, string>, Record<string, string>][];
    try {
      offsets = await Promise.all(o.topics.map(async (t) => [t, await endOffsets(o.admin, t), await committedOffsets(o.admin, o.groupId, t)] as [string, Record<string, string>, Record<string, string>]));
    } catch (e) {
      // A leader election after a broker loss makes offset look-ups fail for a few seconds.
      behind = [`offsets unavailable (${e instanceof Error ? e.message : String(e)})`];
      stableSince = null;
      await sleep(500, o.signal);
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
    if (behind.length === 0 && endsKey === lastEnds) {
      stableSince ??= Date.now();
      if (Date.now() - stableSince >= SETTLE_MS) return { complete: true, detail: `reached the end offsets on ${Object.keys(ends).length} partition(s)`, last };
    } else stableSince = null;
    lastEnds = endsKey;
    await sleep(500, o.signal);
  }
  return { complete: false, detail: `drain incomplete after ${Math.round(o.timeoutMs / 1000)} s: ${behind.join(', ') || 'end offsets still moving'}`, last };
}
