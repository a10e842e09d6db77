import { expect, it } from 'vitest';
import { watchLauncher } from '../../src/cli/launcher-watch.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('under npm, reports once that the parent shell died (the process was reparented)', async () => {
  let ppid = 4242;
  let gone = 0;
  const stop = watchLauncher(() => gone++, { launchedByNpm: true, ppid: () => ppid, intervalMs: 5 });
  await tick(30);
  expect(gone).toBe(0);
  ppid = 1;
  await tick(30);
  ppid = 777;
  await tick(30);
  expect(gone).toBe(1);
  stop();
});

it('run directly, a parent that exits is no reason to stop (nohup, a detached job)', async () => {
  let ppid = 4242;
  let gone = 0;
  const stop = watchLauncher(() => gone++, { launchedByNpm: false, ppid: () => ppid, intervalMs: 5 });
  ppid = 1;
  await tick(30);
  expect(gone).toBe(0);
  stop();
});

it('stops watching when asked', async () => {
  let ppid = 4242;
  let gone = 0;
  const stop = watchLauncher(() => gone++, { launchedByNpm: true, ppid: () => ppid, intervalMs: 5 });
  stop();
  ppid = 1;
  await tick(30);
  expect(gone).toBe(0);
});
