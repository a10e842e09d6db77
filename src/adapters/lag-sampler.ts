/**
 * Samples replication progress once a second on the never-faulted ADMIN paths: the primary's
 * and the backup's end offsets, the group's offsets MM2 synced to the backup, and the group's
 * committed position on the primary. Stops before the primary is killed.
 */
import type { Admin } from 'kafkajs';
import type { CellRecorder } from './recorder.ts';
import { committedOffsets, endOffsets, totalOffsets } from './kafka-client.ts';
import { tpKey } from '../core/topic-partition.ts';
import { sleep } from './wait.ts';


export interface LagSampler {
  /** Latest lag in messages (primary end − backup end), once sampled. */
  latest(): number | undefined;
  stop(): Promise<void>;
}

export function startLagSampler(o: {
  /** The clients of each cluster, looked up at each sample (the harness renews them). */
  primary: () => Admin;
  backup: () => Admin;
  topics: readonly string[];
  /** The remote topic of each of `topics`, in the same order. */
  remoteTopics: readonly string[];
  groupId: string;
  recorder: CellRecorder;
  intervalMs?: number;
}): LagSampler {
  const stop = new AbortController();
  let latest: number | undefined;
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        const [primaryEnds, backupEnds, backupGroupOffset, consumerPosition] = await Promise.all([
          Promise.all(o.topics.map((t) => endOffsets(o.primary(), t))),
          Promise.all(o.remoteTopics.map((t) => endOffsets(o.backup(), t))),
          totalOffsets(o.backup(), o.remoteTopics, (a, t) => committedOffsets(a, o.groupId, t)),
          totalOffsets(o.primary(), o.topics, (a, t) => committedOffsets(a, o.groupId, t)),
        ]);
        // Per source partition: its end on the primary, and its remote partition's end on the backup.
        const ends: Record<string, [number, number]> = {};
        o.topics.forEach((t, i) => {
          for (const [p, end] of Object.entries(primaryEnds[i]!)) ends[tpKey(t, p)] = [Number(end), Number(backupEnds[i]?.[p] ?? 0)];
        });
        const sum = (k: 0 | 1) => Object.values(ends).reduce((a, e) => a + Math.max(0, e[k]), 0);
        const [primaryEnd, backupEnd] = [sum(0), sum(1)];
        latest = primaryEnd - backupEnd;
        o.recorder.emit({ type: 'sample', primaryEnd, backupEnd, backupGroupOffset, consumerPosition, ends });
      } catch {
        // A sample that fails (a paused cluster, a broker restarting) is simply missing.
      }
      await sleep(o.intervalMs ?? 1000, stop.signal);
    }
  })();
  return {
    latest: () => latest,
    stop: async () => {
      stop.abort();
      await loop;
    },
  };
}
