/**
 * How the drill reaches a producer process (adapters/clients/producer-processes.ts): one small
 * interface, two transports. A producer process forked by the drill (`workload.processes`) is
 * reached over Node's IPC; a producer host (`workload.hosts`: `mm2-drill produce --join <dir>`,
 * a CI job or a Kubernetes pod, adapters/clients/producer-host.ts) through a shared directory.
 * Either way the producer is the same process (producer-process.ts) hearing the same messages —
 * the host forks it and relays — and writes its history segment where the drill reads it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DrillError, type ErrorCode } from '../../core/errors.ts';
import { CURRENT_FILE, clockOffset, hostSegment, mailboxDir, sessionDir, type ClockOffset, type ClockSample, type Current } from '../../core/plan/producer-hosts.ts';
import type { ClientRecipe } from './kafka-client.ts';
import type { ProducerOptions, RunningProducer } from './producer.ts';
import { DirectoryChannel } from './directory-channel.ts';

type Stats = RunningProducer['stats'];

/** What a process is started with: plain data (it crosses the process boundary). */
export interface ProcessStart extends Omit<ProducerOptions, 'kafka' | 'recorder' | 'lanes'> {
  readonly recipe: ClientRecipe;
  /** The history segment the process writes (a host's: named relative to its session's directory). */
  readonly segment: string;
  /** The cell its segment's events are recorded for (the parent records them again under its own). */
  readonly cell: string;
}

export type FromParent = { type: 'start'; start: ProcessStart } | { type: 'resize'; topic: string; partitions: number } | { type: 'stop' } | { type: 'abandon'; graceMs: number | null };
/** `start-failed` with `code`: a refusal the user can act on (a host's missing password), passed on as that DrillError. */
export type ToParent = { type: 'started' } | { type: 'start-failed'; error: string; code?: ErrorCode; fix?: string | undefined } | { type: 'stats'; stats: Stats } | { type: 'stopped'; stats: Stats };

/** Through the directory, besides a producer's messages: the host's clock, its arrival, its producer's end. */
export type ToHost = FromParent | { type: 'ping'; n: number };
export type FromHost = ToParent | { type: 'joined'; hostname: string; pid: number } | { type: 'pong'; n: number; t: number } | { type: 'exited'; code: number | null; stderr: string };

/** The drill's end of one producer. */
export interface ProducerLink {
  /** `producer process w0`, `producer host 1 (ci-runner-7, pid 412)`: for errors. */
  readonly name: string;
  /** The segment as the producer names it (in its start) and as the drill reads it. */
  readonly segment: { readonly there: string; readonly here: string };
  readonly open: boolean;
  send(m: FromParent): void;
  onMessage(fn: (m: ToParent) => void): void;
  /** Its producer's exit code (null: killed, or a host gone silent). */
  readonly exited: Promise<number | null>;
  /** The end of its stderr, or why the channel broke. */
  trouble(): string;
  /** The producer's clock against the drill's (a host's); absent: the drill's own clock. */
  clock?(): ClockOffset | null;
}

// The entry point beside this file: TypeScript in a clone, JavaScript in the published package.
const entry = new URL(`./producer-process${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** A producer process forked here, with the end of its stderr kept. */
export function forkProducerProcess(): { proc: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const proc = fork(entry, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr = `${stderr}${d.toString()}`.slice(-4000)));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, exited, stderr: () => stderr };
}

/** Producer process `k`, forked by the drill, writing `segment`. */
export function forkedLink(k: number, segment: string): ProducerLink {
  const { proc, exited, stderr } = forkProducerProcess();
  return {
    name: `producer process w${k}`,
    segment: { there: segment, here: segment },
    get open() { return proc.connected; },
    send: (m) => { if (proc.connected) proc.send(m); },
    onMessage: (fn) => { proc.on('message', fn); },
    exited,
    trouble: stderr,
  };
}

/** The directory hosts join, and what the drill asks of them (`workload.hosts`). */
export interface HostsSetting {
  readonly count: number;
  readonly dir: string;
  readonly joinTimeoutSeconds: number;
  readonly maxClockBoundMs: number;
  /** Where the hosts reach this machine's proxies (hosts elsewhere); absent: the brokers' advertised addresses as given. */
  readonly address?: string | undefined;
}

/** Pings while a session lasts (liveness and clock); a side silent this long is gone. */
const PING_EVERY_MS = 1000;
export const SILENCE_MS = 30_000;
/** Pings before the start, one after the other: an idle host answers fastest. */
const FIRST_PINGS = 8;

function writeCurrent(dir: string, current: Current): void {
  const file = join(dir, CURRENT_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(current));
  renameSync(`${file}.tmp`, file);
}

/** Tells the hosts waiting on `dir` that the drill `runId` is over: they exit. */
export const releaseHosts = (dir: string, runId: string): void => writeCurrent(dir, { done: runId });

/** Host `k` of a session, once it joined. */
function hostLink(dir: string, k: number): ProducerLink & { joined: Promise<void>; ping: () => Promise<void>; hostname: string } {
  const channel = new DirectoryChannel<FromHost, ToHost>(join(dir, mailboxDir(k, 'in')), join(dir, mailboxDir(k, 'out')));
  const samples: ClockSample[] = [];
  const waiting = new Map<number, { sent: number; answered: () => void }>();
  const handlers: ((m: ToParent) => void)[] = [];
  let n = 0;
  let ended = false;
  let stderr = '';
  let who = '';
  let resolveExit!: (code: number | null) => void;
  let resolveJoin!: () => void;
  const exited = new Promise<number | null>((resolve) => (resolveExit = resolve));
  const joined = new Promise<void>((resolve) => (resolveJoin = resolve));
  const end = (code: number | null, why = '') => {
    if (ended) return;
    ended = true;
    if (why) stderr = `${stderr}${why}`;
    clearInterval(timer);
    channel.close();
    resolveExit(code);
  };
  const ping = () => new Promise<void>((answered) => {
    if (ended) return answered();
    waiting.set(n, { sent: Date.now(), answered });
    channel.send({ type: 'ping', n: n++ });
  });
  let hasJoined = false;
  const timer = setInterval(() => {
    if (!hasJoined) return;
    if (channel.problem) end(null, channel.problem);
    else if (Date.now() - channel.lastHeard > SILENCE_MS) end(null, `no message for ${SILENCE_MS / 1000} s: the host is gone`);
    else void ping();
  }, PING_EVERY_MS);
  channel.onMessage((m) => {
    if (m.type === 'joined') {
      who = ` (${m.hostname}, pid ${m.pid})`;
      hasJoined = true;
      channel.lastHeard = Date.now();
      resolveJoin();
    } else if (m.type === 'pong') {
      const p = waiting.get(m.n);
      waiting.delete(m.n);
      if (p) {
        samples.push({ sent: p.sent, host: m.t, received: Date.now() });
        p.answered();
      }
    } else if (m.type === 'exited') end(m.code, m.stderr);
    else for (const h of handlers) h(m);
  });
  return {
    get name() { return `producer host ${k}${who}`; },
    get hostname() { return who; },
    segment: { there: hostSegment(k), here: join(dir, hostSegment(k)) },
    get open() { return !ended; },
    send: (m) => { if (!ended) channel.send(m); },
    onMessage: (fn) => { handlers.push(fn); },
    exited,
    trouble: () => stderr,
    clock: () => clockOffset(samples),
    joined,
    ping,
  };
}

/**
 * Opens a session in `hosts.dir` and waits for its hosts: each must join within the timeout, and
 * its clock be known within the bound (core/plan/producer-hosts.ts says why), or the drill stops
 * here, the hosts that joined released.
 */
export async function joinProducerHosts(hosts: HostsSetting, session: string): Promise<{ links: ProducerLink[]; dir: string }> {
  const dir = join(hosts.dir, sessionDir(session));
  mkdirSync(dir, { recursive: true });
  const links = Array.from({ length: hosts.count }, (_, k) => hostLink(dir, k));
  writeCurrent(hosts.dir, { session, hosts: hosts.count });
  const joined = new Set<number>();
  // The hosts that joined leave the session (those that did not find it ended when they come).
  const release = async () => {
    for (const l of links) l.send({ type: 'stop' });
    await Promise.race([Promise.all(links.filter((_, k) => joined.has(k)).map((l) => l.exited)), new Promise((r) => setTimeout(r, 5000))]);
  };
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(links.map((l, k) => l.joined.then(() => joined.add(k)))),
    new Promise((resolve) => (timer = setTimeout(resolve, hosts.joinTimeoutSeconds * 1000))),
  ]);
  clearTimeout(timer);
  if (joined.size < hosts.count) {
    await release();
    const missing = links.map((_, k) => k).filter((k) => !joined.has(k));
    throw new DrillError('PRODUCER_HOSTS_MISSING', `${joined.size} of ${hosts.count} producer host(s) joined ${hosts.dir} within ${hosts.joinTimeoutSeconds} s; missing: index ${missing.join(', ')}`, {
      fix: `start \`mm2-drill produce --join <the same directory as it is mounted there> --index k\` for k = ${missing.join(', ')} (a CI matrix job or a Kubernetes Indexed Job each), or raise workload.hosts.joinTimeoutSeconds (docs/scale.md#one-cells-workload-over-n-hosts)`,
    });
  }
  await Promise.all(links.map(async (l) => {
    for (let i = 0; i < FIRST_PINGS; i++) await l.ping();
  }));
  const uncertain = links.map((l) => ({ l, clock: l.clock!() })).filter(({ clock }) => clock === null || clock.boundMs > hosts.maxClockBoundMs);
  if (uncertain.length > 0) {
    await release();
    throw new DrillError('CLOCK_UNCERTAIN', `the clocks of ${uncertain.map(({ l, clock }) => `${l.name} (±${clock?.boundMs ?? '?'} ms)`).join(', ')} are known only beyond workload.hosts.maxClockBoundMs (${hosts.maxClockBoundMs} ms): an ack that close to the kill could not be placed on either side of it`, {
      fix: 'put the shared directory on a faster file system (a ping is a file written and read each way), or raise workload.hosts.maxClockBoundMs',
    });
  }
  return { links, dir };
}
