/**
 * Samples replication progress once a second on the never-faulted ADMIN paths: the primary's
 * log start and end offsets, the backup's end offsets, the group's offsets MM2 synced to the backup, and the group's
 * committed position on the primary. Stops before the primary is killed.
 */
import type { Admin } from 'kafkajs';
import type { CellRecorder } from '../recorder.ts';
import { committedOffsets } from './kafka-client.ts';
import { tpKey } from '../../core/history/topic-partition.ts';
import { recordLag, type AckedOffsets } from '../../core/checker/lag.ts';
import { LAG_SAMPLE_INTERVAL_MS } from '../../core/checker/catch-up.ts';
import { sleep } from '../wait.ts';


export interface LagSampler {
  /** Latest lag in messages (records on the primary the backup lacks: core/checker/lag.ts), once sampled. */
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
  /** A transactional producer's acked offsets so far: its commit markers occupy offsets that are no messages (absent: offsets are records). */
  acked?: () => AckedOffsets;
  intervalMs?: number;
}): LagSampler {
  const stop = new AbortController();
  let latest: number | undefined;
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        const readFrom = Date.now();
        const [primaryOffsets, backupOffsets, synced, committed] = await Promise.all([
          Promise.all(o.topics.map((t) => o.primary().fetchTopicOffsets(t))),
          Promise.all(o.remoteTopics.map((t) => o.backup().fetchTopicOffsets(t))),
          Promise.all(o.remoteTopics.map((t) => committedOffsets(o.backup(), o.groupId, t))),
          Promise.all(o.topics.map((t) => committedOffsets(o.primary(), o.groupId, t))),
        ]);
        // Per source partition: its end on the primary and its remote partition's on the backup;
        // the group's committed offset on the primary and the one MM2 synced to the backup.
        const ends: Record<string, [number, number]> = {};
        const groups: Record<string, [number, number]> = {};
        // The log starts: where each side's retention has deleted up to (ledger.ts `expiredBeforeCopy`).
        const starts: Record<string, [number, number]> = {};
        o.topics.forEach((t, i) => {
          const backup = new Map((backupOffsets[i] ?? []).map((x) => [x.partition, x]));
          for (const { partition: p, high: end, low } of primaryOffsets[i]!) {
            starts[tpKey(t, p)] = [Number(low), Number(backup.get(p)?.low ?? 0)];
            ends[tpKey(t, p)] = [Number(end), Number(backup.get(p)?.high ?? 0)];
            groups[tpKey(t, p)] = [Number(committed[i]?.[p] ?? -1), Number(synced[i]?.[p] ?? -1)];
          }
        });
        const sum = (pairs: Record<string, [number, number]>, k: 0 | 1) => Object.values(pairs).reduce((a, e) => a + Math.max(0, e[k]), 0);
        const [primaryEnd, backupEnd] = [sum(ends, 0), sum(ends, 1)];
        latest = recordLag(ends, o.acked?.() ?? null);
        o.recorder.emit({ type: 'sample', readFrom, primaryEnd, backupEnd, backupGroupOffset: sum(groups, 1), consumerPosition: sum(groups, 0), ends, groups, starts });
      } catch {
        // A sample that fails (a paused cluster, a broker restarting) is simply missing.
      }
      await sleep(o.intervalMs ?? LAG_SAMPLE_INTERVAL_MS, stop.signal);
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
