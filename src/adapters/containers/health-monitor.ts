/**
 * Watches MM2's health the way an operator's monitoring would, on the never-faulted ADMIN path:
 * follows the forward flow's heartbeats, checkpoints, offset syncs and stored source offsets as
 * MM2 writes them, looks up the primary's log start offsets and, every second, records each signal's age (core/scenario/alarms.ts) as a `health` event and the scenario's
 * alarms firing or clearing as `alarm` events. Read-only: it watches the team's own MM2 between
 * external clusters the same way.
 */
import type { Admin, Kafka } from 'kafkajs';
import { AlarmTracker, expiredUncopied, type Alarms } from '../../core/scenario/alarms.ts';
import type { HealthValues, SignalName } from '../../core/history/health-signals.ts';
import { decodeCheckpoint, decodeHeartbeat, decodeOffsetSync } from '../../core/kafka/checkpoint.ts';
import { watchSourceOffsets } from '../clients/mirror-offsets.ts';
import { parseTp, tpKey } from '../../core/history/topic-partition.ts';
import type { Cluster } from '../../core/scenario/playbook.ts';
import type { CellRecorder } from '../recorder.ts';
import { followTopic, type TopicFollower } from '../clients/topic-reader.ts';
import { sleep } from '../wait.ts';

export interface HealthMonitor {
  firing(signal: SignalName): boolean;
  stop(): Promise<void>;
}

export interface HealthTopics {
  /** The forward flow's own heartbeats (those keyed by its `source` alias) and the primary's copied ones, on the backup. */
  heartbeats: { source: string; local: string; replicated: string };
  /** The forward flow's checkpoints topic, on the backup. */
  checkpoints: string;
  /** Null: not known (the team's MM2 between external clusters names it after a target alias the scenario does not give). */
  offsetSyncs: { cluster: Cluster; topic: string } | null;
  /**
   * The forward flow's stored source offsets (`mm2-offsets.<source>.internal` on the backup): its
   * source alias and namespace. Null: not known (the team's MM2 between external clusters).
   */
  sourceOffsets: { source: string; namespace?: string | undefined } | null;
}

/** A cell's view: its consumer group's checkpoints, its history. Paired variants watch one MM2 each through their own group. */
export interface HealthLane {
  readonly groupId: string;
  readonly recorder: CellRecorder;
}

export function startHealthMonitor(o: {
  alarms: Alarms;
  topics: HealthTopics;
  lanes: readonly HealthLane[];
  /** The scenario's topic-partitions (`topic/partition`) whose offset syncs count. */
  partitions: readonly string[];
  client: (c: Cluster) => Kafka;
  admin: (c: Cluster) => Admin;
  /** A killed cluster's signals are unknown: nothing on it can be read. */
  reachable: (c: Cluster) => boolean;
  signal: AbortSignal;
  intervalMs?: number;
}): HealthMonitor {
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, o.signal]);
  const newest = { local: null as number | null, replicated: null as number | null };
  const checkpoints = new Map<string, number>();
  const syncs = new Map<string, number>();
  const follow = (c: Cluster, topic: string, onRecord: (key: Buffer, value: Buffer, t: number) => void): TopicFollower =>
    followTopic({ kafka: o.client(c), admin: () => o.admin(c), topic, group: 'mm2-drill-health', signal }, (m) => {
      if (!m.key || !m.value) return;
      try {
        onRecord(m.key, m.value, Number(m.timestamp));
      } catch {
        // A record this decoder does not know (a newer format) says nothing about its age.
      }
    });
  const latest = (prev: number | null, t: number) => Math.max(prev ?? 0, t);
  const followers = [
    follow('backup', o.topics.heartbeats.local, (k, v) => {
      // Other flows into the backup (a playbook's other mirrors) write there too.
      const h = decodeHeartbeat(k, v);
      if (h.sourceCluster === o.topics.heartbeats.source) newest.local = latest(newest.local, h.timestamp);
    }),
    follow('backup', o.topics.heartbeats.replicated, (k, v) => (newest.replicated = latest(newest.replicated, decodeHeartbeat(k, v).timestamp))),
    follow('backup', o.topics.checkpoints, (k, v, t) => {
      const c = decodeCheckpoint(k, v);
      checkpoints.set(c.group, latest(checkpoints.get(c.group) ?? null, t));
    }),
    ...(o.topics.offsetSyncs ? [follow(o.topics.offsetSyncs.cluster, o.topics.offsetSyncs.topic, (k, v, t) => {
      const s = decodeOffsetSync(k, v);
      const key = tpKey(s.topic, s.partition);
      syncs.set(key, latest(syncs.get(key) ?? null, t));
    })] : []),
  ];
  const stored = o.topics.sourceOffsets
    ? watchSourceOffsets({ kafka: o.client('backup'), admin: o.admin('backup'), source: o.topics.sourceOffsets.source, namespace: o.topics.sourceOffsets.namespace, signal })
    : null;
  const topicNames = [...new Set(o.partitions.map((k) => parseTp(k).topic))];
  /** The primary's log start offset per partition (null: unreadable now). */
  const logStarts = async (): Promise<Map<string, bigint> | null> => {
    if (!stored || !o.reachable('primary') || !o.reachable('backup')) return null;
    const out = new Map<string, bigint>();
    for (const t of topicNames) for (const x of await o.admin('primary').fetchTopicOffsets(t)) out.set(tpKey(t, x.partition), BigInt(x.low));
    return out;
  };
  const lanes = o.lanes.map((lane) => ({ ...lane, tracker: new AlarmTracker(o.alarms) }));
  for (const lane of lanes) {
    for (const [name, condition] of Object.entries(o.alarms)) lane.recorder.emit({ type: 'alarm', signal: name as SignalName, condition, state: 'armed' });
  }
  const age = (now: number, t: number | null | undefined) => (t == null ? null : Math.round(Math.max(0, now - t) / 100) / 10);
  /** The oldest partition's newest sync: unknown until every partition has one. */
  const worstSync = (now: number) => (o.partitions.some((k) => !syncs.has(k)) ? null : Math.max(...o.partitions.map((k) => age(now, syncs.get(k))!)));
  const sample = (now: number, groupId: string, starts: ReadonlyMap<string, bigint> | null): HealthValues => {
    const backup = o.reachable('backup');
    return {
      heartbeatAgeSeconds: backup ? age(now, newest.local) : null,
      replicatedHeartbeatAgeSeconds: backup ? age(now, newest.replicated) : null,
      checkpointAgeSeconds: backup ? age(now, checkpoints.get(groupId)) : null,
      offsetSyncAgeSeconds: o.topics.offsetSyncs && o.reachable(o.topics.offsetSyncs.cluster) && o.partitions.length ? worstSync(now) : null,
      expiredUncopiedMessages: stored ? expiredUncopied(o.partitions, starts, stored.next) : null,
    };
  };
  const loop = (async () => {
    while (!signal.aborted) {
      await sleep(o.intervalMs ?? 1000, signal);
      if (signal.aborted) break;
      // Looked up before the age clock is read: a slow answer never makes an age look younger.
      const starts = await logStarts().catch(() => null);
      const now = Date.now();
      for (const lane of lanes) {
        const values = sample(now, lane.groupId, starts);
        lane.recorder.emit({ type: 'health', values });
        for (const t of lane.tracker.observe(values)) lane.recorder.emit({ type: 'alarm', signal: t.signal, condition: t.condition, state: t.state, value: t.value });
      }
    }
  })();
  return {
    /** Any cell's alarm (a scenario's own playbook has one cell). */
    firing: (s) => lanes.some((l) => l.tracker.firing(s)),
    stop: async () => {
      stop.abort();
      await loop.catch(() => undefined);
      await Promise.all([...followers.map((f) => f.stop()), stored?.stop()]);
    },
  };
}

