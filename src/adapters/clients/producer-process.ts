/**
 * A producer process's entry point (forked by adapters/clients/producer-processes.ts): the test
 * producer (adapters/clients/producer.ts) in a process of its own, recording its outcomes in its
 * own history segment — its own recorder, its own thread — and telling the parent its counts.
 * It stops when told to, or when the parent is gone.
 */
import { HistoryRecorder } from '../recorder.ts';
import { kafkaFromRecipe } from './kafka-client.ts';
import { startProducer, type RunningProducer } from './producer.ts';
import type { FromParent, ProcessStart, ToParent } from './producer-links.ts';

/** How often the counts go to the parent (its progress, `acked` conditions and timeline). */
const STATS_EVERY_MS = 200;

const send = (m: ToParent): Promise<void> => new Promise((resolve) => (process.send && process.connected ? process.send(m, undefined, {}, () => resolve()) : resolve()));

let stopping: Promise<void> | null = null;

async function run(o: ProcessStart): Promise<void> {
  const history = new HistoryRecorder(o.segment);
  let producer: RunningProducer;
  try {
    producer = await startProducer({ kafka: kafkaFromRecipe(o.recipe), topics: o.topics, settings: o.settings, idPrefix: o.idPrefix, recorder: history.forCell(o.cell), ...(o.cluster ? { cluster: o.cluster } : {}) });
  } catch (e) {
    await history.close();
    await send({ type: 'start-failed', error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    // Its segment is closed and the parent has the error (the send above is awaited): a client
    // that never connected may still hold a socket or a retry timer.
    process.exit(1);
  }
  const timer = setInterval(() => void send({ type: 'stats', stats: { ...producer.stats } }), STATS_EVERY_MS);
  // Abandoned (its cluster was killed): its sends in flight get their grace, then the process
  // ends, and with it every connection kafkajs still holds to the dead cluster.
  const stop = (graceMs?: number | null) => (stopping ??= (async () => {
    clearInterval(timer);
    if (graceMs === undefined) await producer.stop();
    else await producer.abandon(graceMs).recorded;
    await history.close();
    await send({ type: 'stopped', stats: { ...producer.stats } });
    // kafkajs may leave sockets or timers behind: the process's work is done.
    process.exit(0);
  })());
  process.on('message', (m: FromParent) => {
    if (m.type === 'resize') producer.resize(m.topic, m.partitions);
    else if (m.type === 'stop') void stop();
    else if (m.type === 'abandon') void stop(m.graceMs);
  });
  process.on('disconnect', () => void stop());
  await send({ type: 'started' });
}

// A Ctrl-C (or a CI's SIGTERM) reaches the whole process group: the drill's process handles it
// and stops this one in turn, or, if the drill's process is gone, the disconnect does.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);

process.once('message', (m: FromParent) => {
  if (m.type === 'start') void run(m.start);
});
