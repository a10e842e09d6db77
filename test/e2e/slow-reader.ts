/** The CLI writing into a pipe whose reader falls behind, as `mm2-drill … | slow-consumer` does. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, type CliRun } from './helpers.ts';

/**
 * Runs the CLI with stdout piped and takes nothing more for `pauseMs` after its first chunk:
 * the pipe and this side's buffer fill up, so the tool must wait for its output to drain
 * before it exits, or lose the rest.
 */
export function runCliSlowReader(args: string[], opts: { timeoutMs: number; pauseMs?: number }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'mm2-drill.js'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    let paused = false;
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      if (paused) return;
      paused = true;
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), opts.pauseMs ?? 1500);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mm2-drill ${args.join(' ')} did not finish within ${opts.timeoutMs} ms\n${stderr}`));
    }, opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(chunks).toString(), stderr });
    });
  });
}
