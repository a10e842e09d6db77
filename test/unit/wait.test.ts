import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DrillError } from '../../src/core/errors.ts';
import { waitUntil } from '../../src/adapters/wait.ts';

it('a wait that expires names what did not happen, the last error, and the tail of the relevant log', async () => {
  const log = join(mkdtempSync(join(tmpdir(), 'wait-')), 'mirror-maker.log');
  writeFileSync(log, `${Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n')}\nERROR the last thing MM2 said\n`);
  const t0 = Date.now();
  const e = await waitUntil(async () => { throw new Error('UNKNOWN_TOPIC_OR_PARTITION'); }, { what: 'MM2 to create primary.orders', timeoutMs: 300, intervalMs: 50, logFile: log }).catch((x: unknown) => x);
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(e).toBeInstanceOf(DrillError);
  const err = e as DrillError;
  expect(err.code).toBe('WAIT_TIMEOUT');
  expect(err.exitCode).toBe(4);
  expect(err.message).toContain('waiting for MM2 to create primary.orders (last error: UNKNOWN_TOPIC_OR_PARTITION)');
  expect(err.detail).toContain('ERROR the last thing MM2 said');
  expect(err.detail).not.toContain('line 5\n');
});

it('stops waiting when interrupted', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const e = await waitUntil(async () => false, { what: 'never', timeoutMs: 60_000, intervalMs: 10, signal: ac.signal }).catch((x: unknown) => x);
  expect((e as DrillError).code).toBe('INTERRUPTED');
});
