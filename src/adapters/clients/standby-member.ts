/**
 * A warm standby member of the consumer group on the backup (`failover.standbyOnBackup`): what a
 * team runs to fail over fast — the application deployed on the DR cluster, subscribed, its
 * consumer paused until someone flips it. It joins the group, holds its partitions and
 * heartbeats, and processes and commits nothing. That is enough to stop MM2's group offset sync:
 * MirrorCheckpointTask writes a group's offsets on the target only while the group has no active
 * member there (KIP-545) — a Stable group is skipped (and the broker refuses an offset commit
 * without a generation for it anyway).
 *
 * The standby is not the test consumer: it never emits `deliver` or `commit` events, so nothing
 * it is handed enters the ledger. The records the client hands it before the pause holds (at most
 * one fetch) are counted, and recorded with its `standby` events.
 */
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { CellRecorder } from '../recorder.ts';
import { closeQuietly } from './kafka-client.ts';
import { sleep } from '../wait.ts';

export interface StandbyMember {
  readonly groupId: string;
  /** Leaves the group (after the failover consumer joined it: the group never empties) and records it. */
  leave(): Promise<void>;
}

/** The group as the backup describes it: its state and how many members it has. */
async function describe(admin: Admin, groupId: string): Promise<{ groupState: string; members: number }> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  return { groupState: g?.state ?? 'Unknown', members: g?.members.length ?? 0 };
}

export async function startStandby(o: { kafka: Kafka; admin: Admin; groupId: string; topics: readonly string[]; recorder: CellRecorder }): Promise<StandbyMember> {
  let handed = 0;
  const consumer: Consumer = o.kafka.consumer({
    groupId: o.groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 250,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...o.topics], fromBeginning: false });
  // `run` resolves once the member has joined and synced: it holds its partitions from here.
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch }) => {
      // Not processed, not resolved, not committed: a paused application drops what its client prefetched.
      handed += batch.messages.length;
    },
  });
  // Paused by topic: the pause outlives the rebalances the failover consumer's join causes.
  consumer.pause(o.topics.map((topic) => ({ topic })));
  o.recorder.emit({ type: 'standby', state: 'joined', group: o.groupId, ...(await describe(o.admin, o.groupId)), handed });
  let left = false;
  return {
    groupId: o.groupId,
    leave: async () => {
      if (left) return;
      left = true;
      await Promise.race([consumer.stop().catch(() => undefined), sleep(5000)]);
      await closeQuietly(consumer);
      o.recorder.emit({ type: 'standby', state: 'left', group: o.groupId, ...(await describe(o.admin, o.groupId).catch(() => ({ groupState: 'Unknown', members: -1 }))), handed });
    },
  };
}
