/** Ctrl-C mid-drill: orderly stop, partial results with status "interrupted", nothing left running. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { containersLeft, readResults, repoRoot, requireDocker, runDirOf, tempResultsDir } from './helpers.ts';

beforeAll(requireDocker, 15_000);

it('SIGINT during the workload exits 130, keeps the history and removes every container', async () => {
  const root = tempResultsDir();
  const child = spawn(process.execPath, [join(repoRoot, 'bin/mm2-drill.js'), 'run', 'test/fixtures/short.ts', '--results', root], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    // Interrupt once the environment is up and the workload is running.
    if (/MM2 up/.test(stderr) && !child.killed) setTimeout(() => child.kill('SIGINT'), 3000);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code, stderr).toBe(130);
  const results = readResults(runDirOf(root, 'short'));
  expect(results.status).toBe('interrupted');
  expect(results.cells[0]?.status).toBe('interrupted');
  expect(results.cells[0]?.counts?.acked).toBeGreaterThan(0);
  expect(await containersLeft(results.runId)).toBe(0);
}, 180_000);
