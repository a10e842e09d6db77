/** Helpers for end-to-end drills: the real CLI in a child process, real Docker, real results. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getContainerRuntimeClient } from 'testcontainers';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { LABEL_RUN, LABEL_TOOL } from '../../src/adapters/containers/docker.ts';
import { readHistory as readSavedHistory } from '../../src/run/reports.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repoRoot, 'bin', 'mm2-drill.js');

/**
 * End-to-end tests never skip: without a Docker engine they fail with the fix.
 * Bounded, so a missing engine fails in seconds rather than at the test timeout.
 */
export async function requireDocker(): Promise<void> {
  const ok = await Promise.race([getContainerRuntimeClient().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
  if (!ok) throw new Error('End-to-end drills need a Docker engine and none answers. Run `npm run setup` (installs/starts one and builds the images), then `npm test`.');
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI. With `pauseStdoutMs`, this side takes nothing more for that long after the
 * first chunk of stdout — a reader that falls behind, as `mm2-drill … | slow-consumer` is: the
 * pipe fills up, and the tool must wait for its output to drain before it exits, or lose the rest.
 */
export function runCli(args: string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; onStderr?: (chunk: string) => void; pauseStdoutMs?: number; via?: readonly string[] }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const [command, ...argv] = [...(opts.via ?? []), process.execPath, bin, ...args];
    const child = spawn(command!, argv, { cwd: repoRoot, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    let paused = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout.push(d);
      if (opts.pauseStdoutMs === undefined || paused) return;
      paused = true;
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), opts.pauseStdoutMs);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(d.toString());
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mm2-drill ${args.join(' ')} did not finish within ${opts.timeoutMs} ms\n${stderr}`));
    }, opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr });
    });
  });
}

/**
 * A command prefix (`runCli`'s `via`) that runs the CLI in a container of `image`, on Docker's
 * default bridge: another machine as far as the network goes — its 127.0.0.1 is its own — with
 * this Node, this repository (read-only) and `shared` at the same paths, as this user.
 */
export const inContainer = (name: string, image: string, shared: string, env: readonly string[] = []): string[] => [
  'docker', 'run', '--rm', '--name', name, '--user', `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
  ...[repoRoot, process.execPath].flatMap((p) => ['-v', `${p}:${p}:ro`]), '-v', `${shared}:${shared}`,
  // Each named variable's value from the docker command's own environment (runCli's `env`).
  ...env.flatMap((v) => ['-e', v]), '-w', repoRoot, image,
];

/** This machine's address on Docker's default bridge: where a container reaches its published ports. */
export function bridgeGateway(): string {
  const r = spawnSync('docker', ['network', 'inspect', 'bridge', '-f', '{{(index .IPAM.Config 0).Gateway}}'], { encoding: 'utf8' });
  const address = r.stdout.trim();
  if (r.status !== 0 || !address) throw new Error(`docker network inspect bridge: ${r.stderr}`);
  return address;
}

export const tempResultsDir = (): string => realpathSync(mkdtempSync(join(tmpdir(), 'mm2-drill-e2e-')));

/** The single run directory a drill wrote under `root` for `scenario`. */
export function runDirOf(root: string, scenario: string): string {
  const dirs = readdirSync(join(root, scenario));
  if (dirs.length !== 1) throw new Error(`expected one run under ${root}/${scenario}, found ${dirs.length}`);
  return join(root, scenario, dirs[0]!);
}

/** The cell whose id (its matrix values, `playbook=cutoff`) is `id`. */
export const cellOf = (cells: readonly CellResult[], id: string): CellResult => cells.find((c) => c.cellId === id)!;

/** One cell run's events of a run's history. */
export const cellEvents = (history: readonly HistoryEvent[], c: CellResult): HistoryEvent[] => history.filter((e) => e.cell === c.key);

export const readResults = (runDir: string): RunResults => JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as RunResults;

/** The events of a run's history.ndjson, its compact lines read back as `report` reads them. */
export const readHistory = (runDir: string): HistoryEvent[] => readSavedHistory(runDir).events;

/** Containers (any state) carrying the tool's label, optionally of one run. */
export async function containersLeft(runId?: string): Promise<number> {
  const client = await getContainerRuntimeClient();
  const label = runId ? [`${LABEL_RUN}=${runId}`] : [`${LABEL_TOOL}=true`];
  return (await client.container.dockerode.listContainers({ all: true, filters: { label } })).length;
}

export interface Drill extends CliRun {
  dir: string;
  results: RunResults;
  history: HistoryEvent[];
}

/** Runs a scenario with the real CLI into a fresh results directory and loads what it wrote. */
export async function runDrill(file: string, scenario: string, extraArgs: string[] = [], timeoutMs = 600_000, env?: NodeJS.ProcessEnv): Promise<Drill> {
  await requireDocker();
  const root = tempResultsDir();
  const run = await runCli(['run', file, '--results', root, ...extraArgs], { timeoutMs, ...(env ? { env } : {}) });
  if (run.code !== 0 && run.code !== 1) console.error(run.stdout, run.stderr); // 1: a threshold failed, on purpose in some tests
  const dir = runDirOf(root, scenario);
  return { ...run, dir, results: readResults(dir), history: readHistory(dir) };
}

/** Every file under `dir` (symbolic links not followed), with its bytes. */
export function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => ({ path: join(e.parentPath, e.name), bytes: readFileSync(join(e.parentPath, e.name)) }));
}

/**
 * Each planted secret found in any byte of the run directory or of what the run printed, as
 * `secret in file`: empty when none leaked.
 */
export function leakedSecrets(dir: string, printed: string, secrets: readonly string[]): string[] {
  const where = [...filesUnder(dir), { path: 'stdout+stderr', bytes: Buffer.from(printed) }];
  return secrets.flatMap((s) => where.filter((w) => w.bytes.includes(s)).map((w) => `${s} in ${w.path}`));
}
