/**
 * Ground truth from the backup: reads the remote topics end to end on the ADMIN path (never
 * faulted), independently of MM2 and of the test consumer, recording one `backup-record` per
 * record (for a playbook, one `copy` per record of whichever cluster it reads). Complete only if every partition was read up to the end offset taken at the start.
 */
import type { Admin, Kafka } from 'kafkajs';
import { decodeId, ID_HEADER } from '../../core/history/message.ts';
import { tpKey } from '../../core/history/topic-partition.ts';
import { offsetsLabels } from '../../core/history/offsets-labels.ts';
import type { CellRecorder } from '../recorder.ts';
import { closeQuietly, endOffsets, onBatchEnd } from './kafka-client.ts';
import { sleep } from '../wait.ts';

export async function readBackup(o: {
  kafka: Kafka;
  admin: Admin;
  topics: readonly string[];
  recorder: CellRecorder;
  timeoutMs: number;
  signal?: AbortSignal;
  /** A playbook's read of one cluster: records are `copy` events of this cluster. */
  cluster?: 'primary' | 'backup';
}): Promise<{ complete: boolean; detail: string; records: number }> {
  const targets = new Map<string, bigint>();
  for (const topic of o.topics) {
    const ends = await endOffsets(o.admin, topic);
    o.recorder.emit({ type: 'offsets', label: offsetsLabels.verifyEnd, cluster: o.cluster ?? 'backup', topic, offsets: ends });
    for (const [p, end] of Object.entries(ends)) targets.set(tpKey(topic, p), BigInt(end));
  }
  const reached = new Map<string, bigint>();
  const remaining = () => [...targets].filter(([k, end]) => (reached.get(k) ?? 0n) < end);
  let records = 0;
  if (remaining().length > 0) {
    // A throwaway group: kafkajs has no manual assignment; MM2 mirrors only primary's groups.
    const consumer = o.kafka.consumer({ groupId: `mm2-drill-verify-${Date.now()}`, maxWaitTimeInMs: 250 });
    await consumer.connect();
    await consumer.subscribe({ topics: [...o.topics], fromBeginning: true });
    // Behind an exactly-once MM2 the last offsets are transaction markers (onBatchEnd).
    onBatchEnd(consumer, (topic, partition, next) => {
      const key = tpKey(topic, partition);
      if (targets.has(key) && next > (reached.get(key) ?? 0n)) reached.set(key, next);
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const key = tpKey(topic, partition);
        const off = BigInt(message.offset);
        if (off >= (targets.get(key) ?? 0n)) return; // written after the snapshot of end offsets
        records++;
        if (off + 1n > (reached.get(key) ?? 0n)) reached.set(key, off + 1n);
        const id = decodeId(message.headers?.[ID_HEADER], message.value?.toString()) ?? `(undecodable ${key}@${message.offset})`;
        if (o.cluster) o.recorder.emit({ type: 'copy', cluster: o.cluster, id, topic, partition, offset: message.offset });
        else o.recorder.emit({ type: 'backup-record', id, topic, partition, offset: message.offset });
      },
    });
    const deadline = Date.now() + o.timeoutMs;
    while (remaining().length > 0 && Date.now() < deadline && !o.signal?.aborted) await sleep(200, o.signal);
    await closeQuietly(consumer);
  }
  const left = remaining();
  const detail = left.length === 0
    ? `read ${records} records from ${o.topics.join(', ')} up to the end offsets`
    : `incomplete: ${left.map(([k, end]) => `${k} at ${reached.get(k) ?? 0n}/${end}`).join(', ')}`;
  return { complete: left.length === 0, detail, records };
}
