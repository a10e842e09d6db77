/**
 * Reads MM2's checkpoints topic on the backup end to end (ADMIN path) and records every
 * checkpoint — decoded, with its raw bytes — in the history.
 */
import type { Admin, Kafka } from 'kafkajs';
import { decodeCheckpoint, type Checkpoint } from '../../core/kafka/checkpoint.ts';
import type { CellRecorder } from '../recorder.ts';
import { readToEnd } from './topic-reader.ts';

export async function readCheckpoints(o: { kafka: Kafka; admin: Admin; topic: string; recorder: CellRecorder; timeoutMs: number }): Promise<Checkpoint[]> {
  const out: Checkpoint[] = [];
  await readToEnd({ ...o, group: 'mm2-drill-checkpoints' }, (message) => {
    if (!message.key || !message.value) return;
    const c = decodeCheckpoint(message.key, message.value);
    out.push(c);
    o.recorder.emit({
      type: 'checkpoint', group: c.group, topic: c.topic, partition: c.partition,
      upstreamOffset: String(c.upstreamOffset), downstreamOffset: String(c.downstreamOffset),
      key: message.key.toString('base64'), value: message.value.toString('base64'),
      // When MM2 emitted it: the history's `t` is when the drill read the topic, at the failover.
      ts: Number(message.timestamp),
    });
  });
  return out;
}
