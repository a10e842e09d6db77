import { cutOff, kafkaFromRecipe, reachedAt, type ClientRecipe } from '../../src/adapters/clients/kafka-client.ts';
import { logLevel } from 'kafkajs';
import { expect, it } from 'vitest';
import { acceptingServer } from './accepting-server.ts';

const base = { clientId: 'recipe-test', logFile: '/dev/null', config: { logLevel: logLevel.NOTHING } } as const;

it("reached at an address, a drill's own cluster is dialled there at each advertised port; an external one keeps its routes to the proxies", () => {
  const own: ClientRecipe = { ...base, brokers: ['127.0.0.1:32771', '127.0.0.1:32775'] };
  expect(reachedAt(own, '10.0.3.7').routes).toEqual({ host: '10.0.3.7', ports: new Map([['127.0.0.1:32771', 32771], ['127.0.0.1:32775', 32775]]) });
  const external: ClientRecipe = { ...base, brokers: ['b-1.kafka.internal:9096'], routes: { host: '127.0.0.1', ports: new Map([['b-1.kafka.internal:9096', 40001]]) } };
  expect(reachedAt(external, 'drill-runner.internal').routes).toEqual({ host: 'drill-runner.internal', ports: new Map([['b-1.kafka.internal:9096', 40001]]) });
  expect(reachedAt(external, 'x').brokers).toEqual(external.brokers);
});

it('a client made from it dials the address, not the loopback its brokers name', async () => {
  // Another address of this machine stands for the drill machine's address on the hosts' network.
  const { port, accepted, close } = await acceptingServer('127.0.0.2');
  const kafka = kafkaFromRecipe(reachedAt({ ...base, brokers: [`127.0.0.1:${port}`] }, '127.0.0.2'));
  const admin = kafka.admin();
  const connecting = admin.connect().catch(() => undefined);
  try {
    while (accepted.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(accepted[0]!.localAddress).toBe('127.0.0.2');
  } finally {
    cutOff(kafka);
    await connecting;
    close();
  }
});
