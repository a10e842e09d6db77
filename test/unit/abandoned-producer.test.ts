import { expect, it } from 'vitest';
import type { Kafka, ProducerBatch, RecordMetadata } from 'kafkajs';
import { startProducer } from '../../src/adapters/clients/producer.ts';
import type { CellRecorder } from '../../src/adapters/recorder.ts';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { ID_HEADER } from '../../src/core/history/message.ts';

/**
 * A producer whose cluster was killed with a send in flight: the broker never answers, or
 * answers late (a response held back on its way). Every message sent must end with exactly one
 * outcome in the history.
 */
async function killedWithSendInFlight() {
  const events: HistoryEvent[] = [];
  const recorder: CellRecorder = { cell: 'c', emit: (body: EventBody) => (events.push({ ...body, cell: 'c', t: Date.now() } as HistoryEvent), events.at(-1)!), events: () => events };
  const sends: { request: ProducerBatch; answer: (m: RecordMetadata[]) => void }[] = [];
  const kafka = {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: (request: ProducerBatch) => new Promise<RecordMetadata[]>((answer) => sends.push({ request, answer })),
    }),
  } as unknown as Kafka;
  const { workload } = parseScenario({ name: 'x', workload: { ratePerSecond: 1000 } }, 't');
  const run = await startProducer({ kafka, topics: [{ name: 'orders', partitions: 1, ratePerSecond: 1000, messageBytes: 100 }], settings: workload, idPrefix: 'r', recorder });
  while (sends.length === 0) await new Promise((r) => setTimeout(r, 5));
  const sent = sends[0]!.request.topicMessages![0]!.messages.map((m) => String(m.headers![ID_HEADER] ?? ''));
  const answerLate = () => sends[0]!.answer([{ topicName: 'orders', partition: 0, errorCode: 0, baseOffset: '0' }]);
  const outcomes = (id: string) => events.filter((e) => 'id' in e && e.id === id).map((e) => e.type);
  return { run, sent, answerLate, outcomes };
}

it('an abandoned producer records a send unanswered within its grace as indeterminate, and ignores the answer that comes after', async () => {
  const { run, sent, answerLate, outcomes } = await killedWithSendInFlight();
  expect(sent.length).toBeGreaterThan(0);
  const abandoned = run.abandon(50);
  await abandoned.recorded;
  expect(sent.map(outcomes)).toEqual(sent.map(() => ['indeterminate']));
  expect(run.stats.indeterminate).toBe(sent.length);
  answerLate();
  await abandoned.closed;
  expect(sent.map(outcomes)).toEqual(sent.map(() => ['indeterminate']));
  expect(run.stats.acked).toBe(0);
});

it('without a grace, an abandoned producer waits for the answer and records the acks', async () => {
  const { run, sent, answerLate, outcomes } = await killedWithSendInFlight();
  const abandoned = run.abandon(null);
  setTimeout(answerLate, 100);
  await abandoned.recorded;
  expect(sent.map(outcomes)).toEqual(sent.map(() => ['ack']));
  await abandoned.closed;
});
