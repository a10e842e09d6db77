/**
 * Stopping a drill at awkward moments leaves nothing running: Ctrl-C while the clusters are
 * still starting, and a signal sent to the `npx` process alone (timeout(1), CI runners), which
 * npm hands to its shell only.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { containersLeft, readResults, repoRoot, requireDocker, runDirOf, tempResultsDir } from './helpers.ts';

beforeAll(requireDocker, 15_000);

type Child = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Collects stderr and resolves, once, with the run id the drill prints ("run <id>: …"). A wait
 * for a line the drill never printed fails once the drill has ended, with what it printed.
 */
function watchStderr(child: Child): { text: () => string; runId: Promise<string>; seen: (re: RegExp) => Promise<void> } {
  let text = '';
  let ended = false;
  const waiters: { re: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const missing = (what: string) => new Error(`the drill ended without printing ${what}; its stderr:\n${text}`);
  let foundId: ((id: string) => void) | undefined;
  let noId: ((e: Error) => void) | undefined;
  const runId = new Promise<string>((resolve, reject) => ([foundId, noId] = [resolve, reject]));
  child.stderr.on('data', (d: Buffer) => {
    text += d.toString();
    const id = /^run ([0-9a-f]+):/m.exec(text)?.[1];
    if (id) foundId?.(id);
    for (const w of waiters.splice(0)) (w.re.test(text) ? w.resolve() : waiters.push(w));
  });
  child.on('close', () => {
    ended = true;
    noId?.(missing('its run id'));
    for (const w of waiters.splice(0)) w.reject(missing(String(w.re)));
  });
  const seen = (re: RegExp) => new Promise<void>((resolve, reject) => {
    if (re.test(text)) resolve();
    else if (ended) reject(missing(String(re)));
    else waiters.push({ re, resolve, reject });
  });
  return { text: () => text, runId, seen };
}

const closed = (child: Child) => new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));

it('Ctrl-C while the clusters are starting exits 130 and leaves no container, not even an unfinished broker', async () => {
  const root = tempResultsDir();
  const child = spawn(process.execPath, ['bin/mm2-drill.js', 'run', 'scenarios/quickstart.ts', '--results', root], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = closed(child);
  const stderr = watchStderr(child);
  const runId = await stderr.runId;
  // Toxiproxy and both brokers exist, the brokers still starting: nothing has handed them over yet.
  while ((await containersLeft(runId)) < 3) await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGINT');
  const [code] = await done;
  expect(code, stderr.text()).toBe(130);
  const results = readResults(runDirOf(root, 'quickstart'));
  expect(results.status).toBe('interrupted');
  expect(results.cells).toHaveLength(1);
  expect(results.cells[0]?.phases['clusters-up'], 'interrupted after the clusters were up').toBeUndefined();
  expect(await containersLeft(runId)).toBe(0);
}, 180_000);

// npm forwards the signal to its script shell: bash in this repository (.npmrc), which execs the
// tool; sh (dash) where mm2-drill is a dependency of another project, which dies of SIGTERM and
// orphans the tool.
const cases = [
  { sig: 'SIGTERM', shell: '.npmrc' },
  { sig: 'SIGINT', shell: '.npmrc' },
  { sig: 'SIGTERM', shell: 'sh' },
] as const;

function npmEnv(shell: (typeof cases)[number]['shell']): NodeJS.ProcessEnv {
  const { npm_config_script_shell: _inherited, ...env } = process.env;
  return shell === 'sh' ? { ...env, npm_config_script_shell: 'sh' } : env;
}

for (const { sig, shell } of cases) {
  it(`${sig} to the npx process alone (script shell ${shell}) stops the drill within seconds, with partial results and nothing left`, async () => {
    const root = tempResultsDir();
    // Its own process group, so that only the npx process gets the signal, as `timeout` sends it.
    const child = spawn('npx', ['mm2-drill', 'run', 'scenarios/quickstart.ts', '--results', root], {
      cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: npmEnv(shell),
    });
    const done = closed(child);
    const stderr = watchStderr(child);
    const runId = await stderr.runId;
    await stderr.seen(/MM2 up/);
    await new Promise((r) => setTimeout(r, 3000)); // the workload is running
    const t0 = Date.now();
    process.kill(child.pid!, sig);
    // Every process that holds the pipes (npm, its shell, the tool) has exited; if not within a
    // minute, what is still running and what the drill printed say where it hangs.
    const ended = await Promise.race([done.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 60_000))]);
    if (!ended) {
      const tree = spawnSync('ps', ['-o', 'pid,ppid,stat,etime,args', '-g', String(child.pid)], { encoding: 'utf8' }).stdout;
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`still running a minute after ${sig}:\n${tree}\nits stderr:\n${stderr.text()}`);
    }
    const stopMs = Date.now() - t0;
    console.log(`${sig} to npx (script shell ${shell}): the drill ended ${stopMs} ms later`);
    expect(stopMs, stderr.text()).toBeLessThan(10_000);
    const results = readResults(runDirOf(root, 'quickstart'));
    expect(results.status).toBe('interrupted');
    // The second cell run's environment, started ahead once the first was up, is accounted for:
    // interrupted before its turn came, its containers removed with the first's.
    expect(results.cells.map((c) => c.status)).toEqual(['interrupted', 'interrupted']);
    expect(results.cells[0]?.counts?.acked).toBeGreaterThan(0);
    expect(results.cells[1]?.phases.turn).toBeUndefined();
    expect(await containersLeft(runId)).toBe(0);
  }, 180_000);
}

it('a rejection nobody handles becomes a harness error: cleanup, partial results, status error, exit 4', async () => {
  const root = tempResultsDir();
  const child = spawn(process.execPath, ['--import', './test/fixtures/escape-after-start.mjs', 'bin/mm2-drill.js', 'run', 'test/fixtures/short.ts', '--results', root], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = closed(child);
  const stderr = watchStderr(child);
  const runId = await stderr.runId;
  const [code] = await done;
  expect(code, stderr.text()).toBe(4);
  expect(stderr.text()).toContain('UNEXPECTED: a background task failed: injected: a promise nobody awaited');
  const results = readResults(runDirOf(root, 'short'));
  expect(results.status).toBe('error');
  expect(results.cells[0]?.status).toBe('error');
  expect(results.cells[0]?.error?.code).toBe('UNEXPECTED');
  expect(results.cells[0]?.error?.detail).toContain('escape-after-start.mjs');
  expect(results.cells[0]?.counts?.acked).toBeGreaterThan(0);
  expect(await containersLeft(runId)).toBe(0);
}, 180_000);
