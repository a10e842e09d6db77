/** --keep leaves a working environment a user can reach; `down` removes it. */
import { beforeAll, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { containersLeft, readResults, requireDocker, runCli, runDirOf, tempResultsDir } from './helpers.ts';

beforeAll(requireDocker, 15_000);

it('keeps the environment reachable after the drill, and down removes it', async () => {
  const root = tempResultsDir();
  const run = await runCli(['run', 'test/fixtures/short.ts', '--keep', '--results', root], { timeoutMs: 300_000 });
  expect(run.code, run.stderr).toBe(0);
  const { runId } = readResults(runDirOf(root, 'short'));
  expect(run.stderr).toContain('left running');
  expect(await containersLeft(runId)).toBeGreaterThanOrEqual(4); // toxiproxy, 2 brokers, MM2

  const backupAdmin = /backup\s+admin\s+(\S+)/.exec(run.stderr)?.[1];
  expect(backupAdmin).toBeDefined();
  const admin = new Kafka({ brokers: backupAdmin!.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = await admin.listTopics();
  await admin.disconnect();
  expect(topics).toContain('primary.orders');

  const down = await runCli(['down', '--run', runId], { timeoutMs: 60_000 });
  expect(down.code).toBe(0);
  expect(down.stdout).toMatch(/removed \d+ container/);
  expect(await containersLeft(runId)).toBe(0);
}, 400_000);
