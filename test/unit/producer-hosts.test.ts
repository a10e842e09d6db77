import { mkdtempSync, readdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clockOffset, decodeMessage, drillTime, encodeMessage, messageFile, type ClockSample } from '../../src/core/plan/producer-hosts.ts';
import { joinProducerHosts, releaseHosts } from '../../src/adapters/clients/producer-links.ts';
import { serveProducerHost } from '../../src/adapters/clients/producer-host.ts';
import { DirectoryChannel } from '../../src/adapters/clients/directory-channel.ts';
import { isDrillError } from '../../src/core/errors.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';

describe('a producer host\'s clock against the drill\'s', () => {
  it('takes the ping of the shortest round trip: offset from its midpoint, bound half its round trip', () => {
    // The host's clock runs 1,000 ms ahead; it read its clock at a different point of each round trip.
    const samples: ClockSample[] = [
      { sent: 100, host: 1_130, received: 140 }, // round trip 40
      { sent: 200, host: 1_204, received: 210 }, // round trip 10: the best
      { sent: 300, host: 1_390, received: 400 }, // round trip 100
    ];
    const c = clockOffset(samples)!;
    expect(c).toEqual({ offsetMs: 999, boundMs: 5, samples: 3 });
    // Whatever the true offset within the bound, the corrected time is within the bound of the truth.
    expect(Math.abs(drillTime(1_204, c) - 204)).toBeLessThanOrEqual(c.boundMs);
  });

  it('is unknown without an answered ping, and ignores a sample received before it was sent', () => {
    expect(clockOffset([])).toBeNull();
    expect(clockOffset([{ sent: 10, host: 5, received: 9 }])).toBeNull();
    expect(clockOffset([{ sent: 10, host: 5, received: 9 }, { sent: 20, host: 40, received: 30 }])).toEqual({ offsetMs: 15, boundMs: 5, samples: 1 });
  });
});

describe('the channel\'s message format', () => {
  it('round-trips a message with a Map (a client recipe\'s routes), its sequence number checked', () => {
    const body = { type: 'start', start: { recipe: { brokers: ['a:1'], routes: { host: 'h', ports: new Map([['b:9092', 4001]]) } } } };
    const text = encodeMessage(7, body);
    const back = decodeMessage(text, 7);
    expect(back).toEqual({ body });
    expect((back as { body: typeof body }).body.start.recipe.routes.ports.get('b:9092')).toBe(4001);
    expect(decodeMessage(text, 8)).toEqual({ problem: 'message 7 where 8 was expected' });
  });

  it('refuses another version, a torn file and a message without a type', () => {
    expect('problem' in decodeMessage(encodeMessage(0, { type: 'stop' }).replace('"v":1', '"v":2'), 0)).toBe(true);
    expect('problem' in decodeMessage(encodeMessage(0, { type: 'stop' }).slice(0, -3), 0)).toBe(true);
    expect('problem' in decodeMessage(encodeMessage(0, { nope: 1 }), 0)).toBe(true);
  });

  it('names files so that they sort as their numbers', () => {
    const names = [10, 9, 1_000, 0].map(messageFile);
    expect([...names].sort()).toEqual([0, 9, 10, 1_000].map(messageFile));
  });

  it('carries messages in order through a directory, each file removed once read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'channel-'));
    const a = new DirectoryChannel<number, { type: string; n: number }>(join(dir, 'ab'), join(dir, 'ba'));
    const b = new DirectoryChannel<{ type: string; n: number }, number>(join(dir, 'ba'), join(dir, 'ab'));
    const got: number[] = [];
    const all = new Promise<void>((resolve) => b.onMessage((m) => { got.push(m.n); if (got.length === 50) resolve(); }));
    for (let n = 0; n < 50; n++) a.send({ type: 'n', n });
    await all;
    b.close();
    expect(got).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(readdirSync(join(dir, 'ab'))).toEqual([]);
  });
});

describe('producer hosts joining a drill through a shared directory (no Kafka: join, clock, release)', () => {
  const setting = (dir: string, count: number, joinTimeoutSeconds = 20) => ({ dir, count, joinTimeoutSeconds, maxClockBoundMs: 1000 });

  it('joins every host, measures each clock within its bound, and the hosts leave when released and exit when the drill is over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hosts-'));
    const logs: string[] = [];
    const hosts = [0, 1].map((index) => serveProducerHost({ dir, index, idleTimeoutMs: 60_000, log: (l) => logs.push(l) }));
    const { links } = await joinProducerHosts(setting(dir, 2), 'run-1-abc');
    expect(links.map((l) => l.name)).toEqual([expect.stringMatching(/^producer host 0 \(.+, pid \d+\)$/), expect.stringMatching(/^producer host 1 /)]);
    for (const l of links) {
      const c = l.clock!()!;
      // Same machine, same clock: the true offset is 0, so the estimate is within its bound of 0.
      expect(c.samples).toBeGreaterThanOrEqual(8);
      expect(Math.abs(c.offsetMs)).toBeLessThanOrEqual(c.boundMs);
    }
    for (const l of links) l.send({ type: 'stop' });
    expect(await Promise.all(links.map((l) => l.exited))).toEqual([0, 0]);
    releaseHosts(dir, 'run-1');
    expect(await Promise.all(hosts)).toEqual([0, 0]);
    expect(JSON.parse(readFileSync(join(dir, 'current.json'), 'utf8'))).toEqual({ done: 'run-1' });
  }, 30_000);

  it('stops with PRODUCER_HOSTS_MISSING, naming the index that did not join, and releases the host that did', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hosts-'));
    const host = serveProducerHost({ dir, index: 0, idleTimeoutMs: 60_000, log: () => undefined });
    const e = await joinProducerHosts(setting(dir, 2, 2), 'run-2-abc').then(() => null, (x: unknown) => x);
    expect(isDrillError(e) && e.code).toBe('PRODUCER_HOSTS_MISSING');
    expect((e as Error).message).toMatch(/1 of 2 producer host\(s\) joined .* missing: index 1$/);
    releaseHosts(dir, 'run-2');
    expect(await host).toBe(0);
  }, 30_000);

  it('a host started after a drill ended does not take that end for its own drill', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hosts-'));
    releaseHosts(dir, 'old-run');
    // Only the idle timeout ends it: the old end was there before it started.
    expect(await serveProducerHost({ dir, index: 0, idleTimeoutMs: 500, log: () => undefined })).toBe(1);
    expect(existsSync(join(dir, 'sessions'))).toBe(false);
  }, 30_000);
});

describe('workload.hosts in a scenario', () => {
  const base = { name: 'h', topics: [{ name: 'orders' }], timeline: [{ at: 10, action: 'kill-primary' }] };
  it('takes a count and a directory, with a join timeout and a clock bound by default', () => {
    const s = parseScenario({ ...base, workload: { hosts: { count: 2, dir: '/shared/drill' } } }, 'test');
    expect(s.workload.hosts).toEqual({ count: 2, dir: '/shared/drill', joinTimeoutSeconds: 120, maxClockBoundMs: 50 });
  });
  it('is refused beside several processes or numeric keys', () => {
    expect(() => parseScenario({ ...base, workload: { processes: 2, hosts: { count: 2, dir: '/x' } } }, 'test')).toThrow(/workload\.hosts.*processes above 1/s);
    expect(() => parseScenario({ ...base, workload: { keys: 10, hosts: { count: 2, dir: '/x' } } }, 'test')).toThrow(/numeric keys/);
  });
});
