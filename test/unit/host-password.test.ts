import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filledPassword, HOST_PASSWORD_VARIABLE, withheldPassword } from '../../src/adapters/clients/host-password.ts';
import type { ClientRecipe } from '../../src/adapters/clients/kafka-client.ts';
import { joinProducerHosts, releaseHosts, type ToParent } from '../../src/adapters/clients/producer-links.ts';
import { serveProducerHost } from '../../src/adapters/clients/producer-host.ts';
import { encodeMessage } from '../../src/core/plan/producer-hosts.ts';
import { isDrillError } from '../../src/core/errors.ts';

const PASSWORD = 'pr0ducer-Secret-7f3a';
const secured: ClientRecipe = {
  brokers: ['127.0.0.1:9092'], clientId: 'drill-producer', logFile: '/dev/null',
  config: { ssl: false, sasl: { mechanism: 'scram-sha-512', username: 'producer', password: PASSWORD } },
};
const codeOf = (f: () => unknown) => {
  try {
    f();
    return null;
  } catch (e) {
    return isDrillError(e) ? e.code : String(e);
  }
};

describe("the producer's SASL password on producer hosts", () => {
  it('is left out of what the drill writes to the shared directory, and filled back on the host from its own environment', () => {
    const written = withheldPassword(secured, { [HOST_PASSWORD_VARIABLE]: PASSWORD });
    // The file the start travels in, as the channel encodes it.
    expect(encodeMessage(0, { type: 'start', start: { recipe: written } })).not.toContain(PASSWORD);
    expect(written.passwordFrom).toBe('MM2_DRILL_PASSWORD_PRODUCER');
    expect(filledPassword(written, { [HOST_PASSWORD_VARIABLE]: PASSWORD })).toEqual(secured);
  });

  it("refuses on the drill's machine when its variable is unset or not the producer's password", () => {
    expect(codeOf(() => withheldPassword(secured, {}))).toBe('HOST_PASSWORD_UNSET');
    expect(codeOf(() => withheldPassword(secured, { [HOST_PASSWORD_VARIABLE]: 'another' }))).toBe('HOST_PASSWORD_UNSET');
  });

  it('refuses on a host without the variable', () => {
    const written = withheldPassword(secured, { [HOST_PASSWORD_VARIABLE]: PASSWORD });
    expect(codeOf(() => filledPassword(written, {}))).toBe('HOST_PASSWORD_UNSET');
  });

  it('leaves a recipe without SASL as it is', () => {
    const plain: ClientRecipe = { ...secured, config: {} };
    expect(withheldPassword(plain, {})).toBe(plain);
    expect(filledPassword(plain, {})).toBe(plain);
  });

  it('a real host without the variable answers the start with the refusal, code and fix, and forks nothing', async () => {
    const saved = process.env[HOST_PASSWORD_VARIABLE];
    delete process.env[HOST_PASSWORD_VARIABLE];
    try {
      const dir = mkdtempSync(join(tmpdir(), 'hosts-'));
      const host = serveProducerHost({ dir, index: 0, idleTimeoutMs: 60_000, log: () => undefined });
      const { links } = await joinProducerHosts({ dir, count: 1, joinTimeoutSeconds: 20, maxClockBoundMs: 1000 }, 'run-3-abc');
      const link = links[0]!;
      const answer = new Promise<ToParent>((resolve) => link.onMessage(resolve));
      link.send({ type: 'start', start: { recipe: withheldPassword(secured, { [HOST_PASSWORD_VARIABLE]: PASSWORD }), topics: [], settings: {} as never, idPrefix: 'run-3-w0', segment: 'w0.ndjson', cell: 'c#1' } });
      const m = await answer;
      expect(m).toMatchObject({ type: 'start-failed', code: 'HOST_PASSWORD_UNSET' });
      expect(m.type === 'start-failed' && m.fix).toMatch(/MM2_DRILL_PASSWORD_PRODUCER/);
      link.send({ type: 'stop' });
      expect(await link.exited).toBe(0);
      releaseHosts(dir, 'run-3');
      expect(await host).toBe(0);
    } finally {
      if (saved !== undefined) process.env[HOST_PASSWORD_VARIABLE] = saved;
    }
  }, 30_000);
});
