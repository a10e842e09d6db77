import { defineScenario } from 'mm2-drill';

/**
 * Retention that outruns MM2: the primary keeps `orders` for 8 s, MM2 is frozen for 22 s (from
 * 14 s, once retention already deletes what MM2 copied), and the segments it had not copied are
 * deleted meanwhile. When MM2 resumes, its source consumer's
 * next fetch is OFFSET_OUT_OF_RANGE and it resets by auto.offset.reset — earliest, as MM2 sets
 * it — to the new log start: the backup has a gap, and nothing in MM2 reports it
 * (docs/gotchas.md#retention-that-outruns-mm2). No kill: the drill checks what reached the backup.
 *
 * - `segment.ms` 1 s rolls a segment every second (retention deletes whole segments, never the
 *   active one while it is written to); `segment.bytes` cannot help, its minimum is 1 MiB since
 *   Kafka 4.0 (KIP-1030).
 * - `log.retention.check.interval.ms` 1 s: the broker looks for expired segments every 5 minutes
 *   by default; `log.initial.task.delay.ms` 0 lets it start at once (30 s after start by default).
 * - The remote topic must not inherit the short retention (MM2 copies topic configs when it
 *   creates it and every `sync.topic.configs.interval.seconds`), or the backup would delete the
 *   copies too: `config.properties.exclude` names retention.ms and segment.ms beside MM2's defaults.
 * - `backup.session.timeout.ms` 60 s (a worker setting, target-prefixed in dedicated mode): the
 *   paused worker keeps its Connect group membership through the pause and copies again at once
 *   when it resumes, rather than rejoining — how long a rejoined worker waits for its tasks
 *   (scheduled.rebalance.max.delay.ms, KIP-415) is another drill.
 */
export default defineScenario({
  name: 'retention-outruns-mm2',
  description: "The primary's retention deletes what a paused MM2 has not copied: a silent gap in the backup.",
  kafka: { brokerConfig: { 'log.retention.check.interval.ms': 1000, 'log.initial.task.delay.ms': 0 } },
  topics: [{ name: 'orders', partitions: 3, config: { 'retention.ms': '8000', 'segment.ms': '1000' } }],
  mirror: {
    properties: {
      'config.properties.exclude': [
        'retention\\.ms', 'segment\\.ms',
        'follower\\.replication\\.throttled\\.replicas', 'leader\\.replication\\.throttled\\.replicas',
        'message\\.timestamp\\.difference\\.max\\.ms', 'message\\.timestamp\\.type', 'unclean\\.leader\\.election\\.enable', 'min\\.insync\\.replicas',
      ].join(','),
      'backup.session.timeout.ms': 60_000,
    },
  },
  workload: { ratePerSecond: 100, durationSeconds: 48 },
  timeline: [{ at: 14, durationSeconds: 22, action: { fault: 'pause', target: 'mirror' } }],
  // What an operator would alert on: MM2 stalled (its heartbeats and offset syncs age), and the new
  // one: the primary's log start passed the offset MM2 stored as copied.
  alarms: { heartbeatAgeSeconds: '>5', offsetSyncAgeSeconds: '>10', expiredUncopiedMessages: '>0' },
});
