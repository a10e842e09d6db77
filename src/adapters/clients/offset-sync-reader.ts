/**
 * Follows the forward flow's offset syncs live on the ADMIN path (never faulted) and records each
 * one of the scenario's source topics as an `offset-sync` event — the history the checkers judge
 * MM2's syncs by (core/checker/offset-syncs.ts). The syncs live on the primary by default, and the
 * primary is killed mid-drill: they are tailed from the workload's start, and `settle` — called
 * just before that cluster is killed, or at the end of the steps — waits until everything the
 * topic held then was read and records whether it was (`read-complete` `offset-syncs`), then stops.
 * Only the scenario's topics are recorded: the topic also holds the syncs of MM2's heartbeats.
 */
import type { Admin, Kafka } from 'kafkajs';
import { decodeOffsetSync } from '../../core/kafka/checkpoint.ts';
import type { CellRecorder } from '../recorder.ts';
import { endOffsetsToRead, followTopic } from './topic-reader.ts';
import { sleep } from '../wait.ts';

export interface OffsetSyncReader {
  /** Waits (up to `timeoutMs`) until the syncs read reach the topic's end now, records whether they did, and stops. Once. */
  settle(timeoutMs: number): Promise<void>;
  /** Stops without a verdict (a cell that ends early): its syncs stay recorded, their read `unknown`. */
  stop(): Promise<void>;
}

export function followOffsetSyncs(o: { kafka: Kafka; admin: () => Admin; topic: string; sourceTopics: ReadonlySet<string>; recorder: CellRecorder; signal: AbortSignal }): OffsetSyncReader {
  const seen = new Set<string>();
  const reached = new Map<number, bigint>();
  let recorded = 0;
  const follower = followTopic({ kafka: o.kafka, admin: o.admin, topic: o.topic, group: 'mm2-drill-offset-syncs', signal: o.signal }, (message, partition) => {
    const at = `${partition}/${message.offset}`;
    const next = BigInt(message.offset) + 1n;
    if (next > (reached.get(partition) ?? 0n)) reached.set(partition, next);
    // A consumer that rejoins its group reads from the beginning again.
    if (seen.has(at) || !message.key || !message.value) return;
    seen.add(at);
    let sync;
    try {
      sync = decodeOffsetSync(message.key, message.value);
    } catch {
      return; // not a sync this decoder knows: nothing to judge
    }
    if (!o.sourceTopics.has(sync.topic)) return;
    recorded += 1;
    o.recorder.emit({
      type: 'offset-sync', topic: sync.topic, partition: sync.partition, upstreamOffset: String(sync.upstream), downstreamOffset: String(sync.downstream),
      ts: Number(message.timestamp), syncsPartition: partition, syncsOffset: message.offset,
    });
  });
  let done: Promise<void> | undefined;
  const settle = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let complete = false;
    let detail: string;
    try {
      const ends = Object.entries(await endOffsetsToRead(o.admin(), o.topic, timeoutMs)).map(([p, e]) => [Number(p), BigInt(e)] as const);
      const behind = () => ends.filter(([p, e]) => (reached.get(p) ?? 0n) < e);
      while (behind().length && Date.now() < deadline && !o.signal.aborted) await sleep(100, o.signal);
      const left = behind();
      complete = left.length === 0;
      detail = complete
        ? `${recorded} offset sync(s) of the drill's topics read from ${o.topic}, up to its end`
        : `${o.topic} not read to its end within ${timeoutMs} ms: ${left.map(([p, e]) => `partition ${p} at ${reached.get(p) ?? 0n} of ${e}`).join(', ')}`;
    } catch (e) {
      detail = `${o.topic} not read: ${e instanceof Error ? e.message : String(e)}`;
    }
    o.recorder.emit({ type: 'read-complete', what: 'offset-syncs', complete, detail });
    await follower.stop();
  };
  return {
    settle: (timeoutMs) => (done ??= settle(timeoutMs)),
    stop: () => (done ??= follower.stop()),
  };
}
