import { describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { isConnectionError, isRequestTimeout } from '../../src/adapters/clients/kafka-client.ts';

const { KafkaJSNumberOfRetriesExceeded, KafkaJSRequestTimeoutError, KafkaJSConnectionClosedError } = kafkajs as unknown as Record<string, new (...a: unknown[]) => Error>;

describe('a request that timed out (the producer then renews its client and its metadata)', () => {
  it('is found behind the retries that gave up on it, and nothing else is taken for one', () => {
    const timeout = new KafkaJSRequestTimeoutError!('Request Produce(key: 0, version: 7) timed out');
    expect(isRequestTimeout(timeout)).toBe(true);
    expect(isRequestTimeout(new KafkaJSNumberOfRetriesExceeded!(timeout, { retryCount: 2, retryTime: 400 }))).toBe(true);
    expect(isRequestTimeout(new KafkaJSNumberOfRetriesExceeded!(new KafkaJSConnectionClosedError!('Closed connection'), { retryCount: 2, retryTime: 400 }))).toBe(false);
    expect(isRequestTimeout(new Error('timed out'))).toBe(false);
    expect(isRequestTimeout(undefined)).toBe(false);
  });
});

describe('a connection that failed or was closed (a setup step asks again)', () => {
  it('is found behind the retries that gave up on it; a broker\'s refusal is not one', () => {
    const closed = new KafkaJSConnectionClosedError!('Closed connection');
    expect(isConnectionError(closed)).toBe(true);
    expect(isConnectionError(new KafkaJSNumberOfRetriesExceeded!(closed, { retryCount: 2, retryTime: 400 }))).toBe(true);
    expect(isConnectionError(new KafkaJSRequestTimeoutError!('Request Produce(key: 0, version: 7) timed out'))).toBe(false);
    expect(isConnectionError(new Error('INVALID_CONFIG'))).toBe(false);
  });
});
