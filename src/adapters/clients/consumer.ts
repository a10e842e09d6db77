/**
 * The test consumer: a real consumer group that processes and commits, recording every delivery
 * with the phase it happened in (`primary` before the kill, `backup` after the failover), and
 * every successful commit. Commits are explicit so the commit mode is exactly what the scenario
 * says: every N ms (like the Java client's enable.auto.commit) or after each fetched batch.
 */
import type { Consumer, Kafka } from 'kafkajs';
import { decodeId, ID_HEADER } from '../../core/history/message.ts';
import type { ConsumerPhase } from '../../core/history/history.ts';
import { parseTp, tpKey } from '../../core/history/topic-partition.ts';
import type { Scenario } from '../../core/scenario/scenario.ts';
import type { CellRecorder } from '../recorder.ts';
import { closeQuietly, coordinatorError, cutOff, kafkaErrorTypes, onBatchEnd, type Abandoned } from './kafka-client.ts';
import { isAuthorizationError } from '../../core/kafka/acl.ts';
import { sleep } from '../wait.ts';

export interface ConsumerOptions {
  readonly kafka: Kafka;
  readonly topics: readonly string[];
  readonly phase: ConsumerPhase;
  /** auto.offset.reset for partitions without a committed offset. */
  readonly fromBeginning: boolean;
  readonly settings: Scenario['workload']['consumer'];
  readonly recorder: CellRecorder;
  /** Called on the first delivery of this consumer. */
  readonly onFirstDelivery?: () => void;
}

export interface RunningConsumer {
  /** The kafkajs consumer (a new one after each refusal by the authorizer). */
  readonly consumer: Consumer;
  readonly groupId: string;
  /** Next offset to consume per `topic/partition`, from what was processed. */
  readonly positions: ReadonlyMap<string, bigint>;
  readonly delivered: () => number;
  stop(): Promise<void>;
  /**
   * Its cluster was killed: stops delivering at once and records its final positions as soon as
   * no delivery is half done (`recorded`); the kafkajs consumer's stop and disconnect, which wait
   * on the dead coordinator up to their bounds, go on until `closed`.
   */
  abandon(): Abandoned;
}

export async function startConsumer(o: ConsumerOptions): Promise<RunningConsumer> {
  const cfg = o.settings;
  let stopped = false;
  const create = () => o.kafka.consumer({
    groupId: cfg.groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 250,
    // kafkajs restarts a crashed consumer forever by default. A consumer abandoned on a killed
    // cluster would then rejoin its group when the cluster is restored — a zombie member holding
    // partitions it never reads (seen in failback drills). Once stopped, it stays stopped.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000, restartOnFailure: async () => !stopped },
  });
  let consumer = create();
  const positions = new Map<string, bigint>();
  const committed = new Map<string, bigint>();
  let delivered = 0;
  /** A delivery recorded whose position is not yet set (a processing delay runs between them). */
  let handling = false;

  const commit = async () => {
    const changed = [...positions].filter(([k, off]) => committed.get(k) !== off);
    if (changed.length === 0) return;
    const offsets = changed.map(([k, off]) => ({ ...parseTp(k), offset: String(off) }));
    try {
      await consumer.commitOffsets(offsets);
      // kafkajs resolves commitOffsets without committing once the consumer is not running
      // ("consumer not running, exiting"): a commit still in flight when the consumer was
      // stopped — at the kill — proves nothing, and recording it would claim commits a dead
      // broker never took (seen: a "commit" 1.7 s after the SIGKILL).
      if (stopped) return;
      for (const [k, off] of changed) committed.set(k, off);
      o.recorder.emit({ type: 'commit', phase: o.phase, offsets: Object.fromEntries(changed.map(([k, off]) => [k, String(off)])) });
    } catch {
      // A failed commit (dead coordinator, rebalance) is what a real consumer lives with: the
      // group resumes from the previous commit. Nothing to record beyond its absence.
    }
  };

  /**
   * The position moves past a batch's transaction markers and aborted records too, as a Java
   * consumer's does (onBatchEnd): behind an exactly-once MM2 (KIP-618) the last offsets of a
   * partition are such, and a position short of them would never reach the end.
   */
  const passed = (key: string, next: bigint) => {
    if (!stopped && next > (positions.get(key) ?? 0n)) positions.set(key, next);
  };
  /**
   * An authorization failure (no READ on a topic or the group: the backup's ACLs after a
   * failover) crashes a kafkajs consumer for good. The application is then restarted — a pod's
   * crash loop — every second with a fresh consumer, until it is allowed or stopped; the first
   * refusal of each spell is recorded.
   */
  let refused = false;
  let retry: NodeJS.Timeout | undefined;
  /** The authorization error behind a crash; kafkajs hides a refused FindCoordinator (coordinatorError). */
  const denialOf = async (e: unknown): Promise<string | undefined> => {
    const denial = kafkaErrorTypes(e).find(isAuthorizationError);
    if (denial || (e as { name?: unknown } | null)?.name !== 'KafkaJSGroupCoordinatorNotFound') return denial;
    const found = await coordinatorError(o.kafka, cfg.groupId);
    return found !== undefined && isAuthorizationError(found) ? found : undefined;
  };
  const refusedBy = async (e: unknown): Promise<boolean> => {
    const denial = await denialOf(e).catch(() => undefined);
    if (!denial || stopped) return false;
    if (!refused) o.recorder.emit({ type: 'auth-error', client: 'consumer', cluster: o.phase, error: denial });
    refused = true;
    retry = setTimeout(() => void restart(), 1000);
    return true;
  };
  const restart = async () => {
    if (stopped) return;
    await closeQuietly(consumer);
    consumer = create();
    await start().catch(async (e: unknown) => {
      if (!(await refusedBy(e)) && !stopped) retry = setTimeout(() => void restart(), 1000);
    });
  };
  const start = async () => {
    const c = consumer;
    c.on(c.events.CRASH, ({ payload }) => {
      if (c === consumer) void refusedBy(payload.error);
    });
    c.on(c.events.GROUP_JOIN, () => (refused = false));
    await run(c);
  };
  const run = async (consumer: Consumer) => {
    onBatchEnd(consumer, (topic, partition, next, records) => {
      if (records === 0) passed(tpKey(topic, partition), next);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...o.topics], fromBeginning: o.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const key = tpKey(batch.topic, batch.partition);
        for (const message of batch.messages) {
          if (stopped || !isRunning() || isStale()) return;
          const id = decodeId(message.headers?.[ID_HEADER], message.value?.toString());
          if (delivered++ === 0) o.onFirstDelivery?.();
          handling = true;
          try {
            o.recorder.emit({
              type: 'deliver', id: id ?? `(undecodable ${key}@${message.offset})`, phase: o.phase, topic: batch.topic, partition: batch.partition,
              offset: message.offset, ts: Number(message.timestamp),
            });
            if (cfg.processingDelayMs > 0) await sleep(cfg.processingDelayMs);
            positions.set(key, BigInt(message.offset) + 1n);
          } finally {
            handling = false;
          }
          resolveOffset(message.offset);
          await heartbeat();
        }
        passed(key, BigInt(batch.lastOffset()) + 1n);
        if (cfg.commit === 'batch') await commit();
      },
    });
  };
  await start().catch(async (e: unknown) => {
    if (!(await refusedBy(e))) throw e;
  });
  const intervalMs = cfg.commit === 'auto' ? 5000 : cfg.commitIntervalMs;
  const timer = cfg.commit === 'batch' ? undefined : setInterval(() => void commit(), intervalMs);
  const halt = () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(retry);
  };
  const close = async () => {
    await Promise.race([consumer.stop().catch(() => undefined), sleep(5000)]);
    await closeQuietly(consumer);
  };
  // Where it stood and what it counted: the ledger's final positions and a cross-check of the deliveries.
  const recordPositions = () => o.recorder.emit({ type: 'positions', phase: o.phase, offsets: Object.fromEntries([...positions].map(([k, off]) => [k, String(off)])), delivered });
  return {
    get consumer() {
      return consumer;
    },
    groupId: cfg.groupId,
    positions,
    delivered: () => delivered,
    stop: async () => {
      if (stopped) return;
      halt();
      await close();
      recordPositions();
    },
    abandon: () => {
      if (stopped) return { recorded: Promise.resolve(), closed: Promise.resolve() };
      halt();
      const recorded = (async () => {
        // Stopped, it delivers nothing more: only a delivery half done can still move a position.
        while (handling) await sleep(10);
        recordPositions();
      })();
      const closing = close();
      // Its final positions recorded, nothing it does can count any more: cut off, it is gone at once.
      return { recorded, closed: recorded.then(() => (cutOff(o.kafka) ? undefined : closing)) };
    },
  };
}
