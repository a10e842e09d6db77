import { defineScenario } from 'mm2-drill';

/**
 * MirrorMaker 2 SIGKILLed mid-stream and started again, copying exactly once (KIP-618,
 * `mirror.exactlyOnce`) or at least once (MM2's default). At least once, a source task's offsets
 * are committed at each offset flush (`offset.flush.interval.ms`): a killed MM2 resumes from the
 * last flush and copies again everything it had copied since. The flush is set to 10 s here so
 * the kill always lands well after one (on average 5 s of records copied twice). Exactly once,
 * each batch of copies is written in a transaction that also holds the task's source offsets: the
 * kill aborts the open transaction, and the restarted task resumes from the last committed one —
 * a read_committed reader (the verification read) sees every record once. The price: the
 * transactions' commit markers, and records a read_committed reader sees only once their
 * transaction commits. The primary dies 28 s after MM2's kill, so that what MM2 left behind at the
 * primary's kill does not mix with what its own restart did — when the fresh MM2 has resumed by
 * then: exactly once it resumed 10 s after its kill in one run, and not within 28 s in two others
 * (docs/gotchas.md).
 */
export default defineScenario({
  name: 'mm2-exactly-once',
  description: 'MM2 SIGKILLed and restarted mid-stream, exactly-once (KIP-618) vs at-least-once: records copied twice to the backup.',
  topics: [{ name: 'orders', partitions: 3 }],
  workload: { ratePerSecond: 200 },
  mirror: { offsetFlushIntervalMs: 10_000 },
  timeline: [
    { at: 12, action: { fault: 'restart', target: 'mirror' } },
    { at: 40, action: 'kill-primary' },
  ],
  matrix: { 'mirror.exactlyOnce': [true, false] },
});
