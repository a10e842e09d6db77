import { defineScenario } from 'mm2-drill';

/**
 * MM2 bounced mid-stream, as Kafka's system tests bounce mirror makers, then the primary's kill.
 * Two SIGKILL restarts, then two clean ones (SIGTERM), in one environment so both kinds of stop
 * face the same workload and the same MM2: per restart, results.json `restarts` records the
 * replication duplicates it caused and the time MM2 took to copy again.
 *
 * A SIGKILLed MM2 resumes from the source offsets it last flushed (`offset.flush.interval.ms`,
 * 10 s here; MM2's default is 60 s) and copies again what it had copied since; a clean stop
 * commits them first. A SIGKILLed worker's Connect group membership lingers until its session
 * times out (10 s), so the SIGKILL restarts are spaced wider. The kill comes 10 s after the last
 * restart: MM2 rebuilt its offset-sync store from the offset-syncs topic at that start
 * (KAFKA-14666, KAFKA-15905), so its checkpoints may translate worse than before the bounces.
 */
export default defineScenario({
  name: 'mm2-bounce',
  description: 'MM2 restarted mid-stream — twice SIGKILLed, twice stopped cleanly — then the kill of the primary.',
  workload: { ratePerSecond: 200, consumer: { commit: 'batch' } },
  mirror: { offsetFlushIntervalMs: 10_000 },
  timeline: [
    { at: 8, action: { fault: 'restart', target: 'mirror', mode: 'kill', every: 18, times: 2 } },
    { at: 44, action: { fault: 'restart', target: 'mirror', mode: 'clean', every: 14, times: 2 } },
    { at: 68, action: 'kill-primary' },
  ],
});
