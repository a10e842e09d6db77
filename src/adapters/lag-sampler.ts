/**
 * Samples replication progress once a second on the never-faulted ADMIN paths: the primary's
 * and the backup's end offsets, the group's offsets MM2 synced to the backup, and the group's
 * committed position on the primary. Stops before the primary is killed.
 */
import type { Admin } from 'kafkajs';
import type { CellRecorder } from './recorder.ts';
import { committedOffsets, totalOffsets } from './kafka-client.ts';
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
        const [primaryEnd, backupEnd, backupGroupOffset, consumerPosition] = await Promise.all([
          totalOffsets(o.primary(), o.topics),
          totalOffsets(o.backup(), o.remoteTopics),
          totalOffsets(o.backup(), o.remoteTopics, (a, t) => committedOffsets(a, o.groupId, t)),
          totalOffsets(o.primary(), o.topics, (a, t) => committedOffsets(a, o.groupId, t)),
        ]);
        latest = primaryEnd - backupEnd;
        o.recorder.emit({ type: 'sample', primaryEnd, backupEnd, backupGroupOffset, consumerPosition });
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
