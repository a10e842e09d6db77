/** Ctrl-C mid-drill: orderly stop, partial results with status "interrupted", nothing left running. */
import { spawn } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import { containersLeft, readResults, repoRoot, requireDocker, runCli, runDirOf, tempResultsDir } from './helpers.ts';

beforeAll(requireDocker, 15_000);

it('Ctrl-C on `npx mm2-drill` during the workload exits 130, keeps the history and removes every container', async () => {
  const root = tempResultsDir();
  // Like a terminal's Ctrl-C: SIGINT to the whole process group (npx and the tool, which also
  // gets npx's forwarded copy — the tool must not take that for a second Ctrl-C).
  const child = spawn('npx', ['mm2-drill', 'run', 'test/fixtures/short.ts', '--results', root], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    // Interrupt once the environment is up and the workload is running.
    if (/MM2 up/.test(stderr) && !sent) {
      sent = true;
      setTimeout(() => process.kill(-child.pid!, 'SIGINT'), 3000);
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  // npm itself dies of the SIGINT (the shell reports 130 either way); the tool must have exited
  // in order: one "stopping" message, no forced exit, results marked interrupted, nothing left.
  expect(code === 130 || signal === 'SIGINT', `${code} ${signal}\n${stderr}`).toBe(true);
  expect(stderr.match(/SIGINT: stopping the drill/g)).toHaveLength(1);
  expect(stderr).not.toContain('exiting now');
  const results = readResults(runDirOf(root, 'short'));
  expect(results.status).toBe('interrupted');
  expect(results.cells[0]?.status).toBe('interrupted');
  expect(results.cells[0]?.counts?.acked).toBeGreaterThan(0);
  expect(await containersLeft(results.runId)).toBe(0);
}, 180_000);

/** Runs the two cell runs of test/fixtures/isolation.ts and sends SIGINT `afterMs` after stderr first matches `when`. */
async function interruptIsolation(when: RegExp, afterMs: number) {
  const root = tempResultsDir();
  const child = spawn(process.execPath, ['bin/mm2-drill.js', 'run', 'test/fixtures/isolation.ts', '--results', root], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (when.test(stderr) && !sent) {
      sent = true;
      setTimeout(() => child.kill('SIGINT'), afterMs);
    }
  });
  const [code] = await new Promise<[number | null]>((resolve) => child.on('close', (c) => resolve([c])));
  expect(sent, stderr).toBe(true);
  expect(code, stderr).toBe(130);
  const results = readResults(runDirOf(root, 'isolation'));
  expect(results.status).toBe('interrupted');
  // The run ahead is accounted for: interrupted before its playbook, never silently dropped.
  expect(results.cells.map((c) => c.repetition)).toEqual([1, 2]);
  expect(results.cells[1]?.status).toBe('interrupted');
  expect(await containersLeft(results.runId)).toBe(0);
  return { stderr, results };
}

it('Ctrl-C while the next environment starts beside the draining one removes both', async () => {
  // The second cell run's first line is printed at its turn, as its MM2 starts during the first's drain.
  await interruptIsolation(/\[2\/2\] /, 1500);
}, 180_000);

it("Ctrl-C while the next environment's clusters start ahead, beside the first's workload, removes both", async () => {
  // The second environment starts once the first is up: its brokers are on their way, its turn not come.
  const { stderr, results } = await interruptIsolation(/\[1\/2\].*MM2 up/, 4000);
  expect(results.cells[0]?.status).toBe('interrupted');
  // Interrupted before its turn: its MM2 never started.
  expect(stderr).not.toMatch(/\[2\/2\].*MM2 up/);
  expect(results.cells[1]?.phases.turn).toBeUndefined();
}, 180_000);

it('after the harness is SIGKILLed, `mm2-drill clean --run` removes what it left', async () => {
  const root = tempResultsDir();
  const child = spawn(process.execPath, ['bin/mm2-drill.js', 'run', 'test/fixtures/short.ts', '--results', root], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/MM2 up/.test(stderr)) resolve();
    });
    child.on('close', () => resolve());
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  const { runId } = readResults(runDirOf(root, 'short'));
  expect(await containersLeft(runId)).toBeGreaterThan(0);
  const clean = await runCli(['clean', '--run', runId], { timeoutMs: 60_000 });
  expect(clean.code).toBe(0);
  expect(await containersLeft(runId)).toBe(0);
}, 180_000);
