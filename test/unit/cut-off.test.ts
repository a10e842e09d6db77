import { once } from 'node:events';
import { cutOff, kafkaClient } from '../../src/adapters/clients/kafka-client.ts';
import { Kafka, logLevel } from 'kafkajs';
import { expect, it } from 'vitest';
import { acceptingServer } from './accepting-server.ts';

it('a client cut off loses its connections and dials nothing more, whatever it retries', async () => {
  // A "broker" that accepts and never answers: what a proxy in front of a killed broker does.
  const { port, accepted, close } = await acceptingServer('127.0.0.1');
  try {
    const kafka = kafkaClient([`127.0.0.1:${port}`], 'cut-off-test', '/dev/null', { logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 100 } });
    const admin = kafka.admin();
    const connecting = admin.connect().then(() => 'connected', (e: Error) => e.message);
    while (accepted.length === 0) await new Promise((r) => setTimeout(r, 10));
    const closed = once(accepted[0]!, 'close');
    const t0 = Date.now();
    expect(cutOff(kafka)).toBe(true);
    await closed; // the connection it held is gone
    expect(await connecting).not.toBe('connected');
    expect(Date.now() - t0).toBeLessThan(5000); // not its 10 s request timeout
    // Asked again, it fails without dialling.
    expect(await admin.connect().then(() => 'connected', (e: Error) => e.message)).not.toBe('connected');
    await new Promise((r) => setTimeout(r, 300));
    expect(accepted).toHaveLength(1);
  } finally {
    close();
  }
});

it('a client made elsewhere is not cut', () => {
  expect(cutOff(new Kafka({ brokers: ['127.0.0.1:1'] }))).toBe(false);
});
