/**
 * A producer host (`mm2-drill produce --join <dir> --index k`): a process that is not the drill's
 * child — a CI job, a Kubernetes pod — serving the drill's sessions in a shared directory. For
 * each session that asks for host `k` it joins, answers the drill's pings with its clock, and on
 * the start forks the same producer process the drill forks for `workload.processes`
 * (producer-process.ts), relaying the drill's messages to it and its messages back: the transport
 * is the only difference. Its segment is written in the session's directory, where the drill reads
 * it. It serves sessions until the drill says it is over, or none came for `idleTimeoutMs`.
 */
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, basename } from 'node:path';
import { CURRENT_FILE, mailboxDir, sessionDir, type Current } from '../../core/plan/producer-hosts.ts';
import { DirectoryChannel } from './directory-channel.ts';
import { filledPassword } from './host-password.ts';
import { DrillError } from '../../core/errors.ts';
import { SILENCE_MS, forkProducerProcess, type FromHost, type ToHost, type ToParent } from './producer-links.ts';

export interface HostOptions {
  readonly dir: string;
  readonly index: number;
  /** Exit when no session came for this long. */
  readonly idleTimeoutMs: number;
  readonly log: (line: string) => void;
}

const readCurrent = (dir: string): string | null => {
  try {
    return readFileSync(join(dir, CURRENT_FILE), 'utf8');
  } catch {
    return null;
  }
};

/** Serves sessions; resolves with the exit code: 0 once the drill is over, 1 after the idle timeout. */
export async function serveProducerHost(o: HostOptions): Promise<number> {
  // A drill that ended before this host started is not this host's drill.
  const stale = readCurrent(o.dir);
  const served = new Set<string>();
  let idleSince = Date.now();
  for (;;) {
    const text = readCurrent(o.dir);
    let current: Current | null = null;
    try {
      current = text === null ? null : (JSON.parse(text) as Current);
    } catch {
      current = null; // being replaced: read again
    }
    if (current && 'done' in current && text !== stale) {
      o.log(`producer host ${o.index}: the drill ${current.done} is over`);
      return 0;
    }
    if (current && 'session' in current && !served.has(current.session)) {
      served.add(current.session);
      if (o.index < current.hosts) {
        await serveSession(o, current.session);
        idleSince = Date.now();
      } else o.log(`producer host ${o.index}: session ${current.session} asks for ${current.hosts} host(s); not joining`);
    }
    if (Date.now() - idleSince > o.idleTimeoutMs) {
      o.log(`producer host ${o.index}: no session for ${Math.round(o.idleTimeoutMs / 1000)} s; giving up`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function serveSession(o: HostOptions, session: string): Promise<void> {
  const dir = join(o.dir, sessionDir(session));
  // One host per index: a second host started with the same index finds it taken.
  const claim = join(dir, `host-${o.index}`, 'claimed');
  try {
    if (!existsSync(join(dir, `host-${o.index}`))) return o.log(`producer host ${o.index}: session ${session} has no mailbox for this index`);
    closeSync(openSync(claim, 'wx'));
  } catch {
    return o.log(`producer host ${o.index}: index ${o.index} of session ${session} is already taken by another host`);
  }
  o.log(`producer host ${o.index}: joining session ${session}`);
  const channel = new DirectoryChannel<ToHost, FromHost>(join(dir, mailboxDir(o.index, 'out')), join(dir, mailboxDir(o.index, 'in')));
  let child: ReturnType<typeof forkProducerProcess> | null = null;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let over = false;
  const end = (code: number | null, stderr: string) => {
    if (over) return;
    over = true;
    channel.send({ type: 'exited', code, stderr });
    channel.close();
    clearInterval(watch);
    finish();
  };
  channel.onMessage((m) => {
    if (m.type === 'ping') channel.send({ type: 'pong', n: m.n, t: Date.now() });
    else if (m.type === 'start') {
      if (child) return;
      let recipe;
      try {
        recipe = filledPassword(m.start.recipe);
      } catch (e) {
        // Refused here, the drill ends the cell with this host's reason and stops the session.
        channel.send(e instanceof DrillError ? { type: 'start-failed', error: e.message, code: e.code, fix: e.fix } : { type: 'start-failed', error: String(e) });
        return;
      }
      // Its own paths: the segment in the session's directory (the drill names it relative to it), the client's log beside it.
      const start = { ...m.start, segment: join(dir, basename(m.start.segment)), recipe: { ...recipe, logFile: join(dir, `host-${o.index}`, 'kafka-client.log') } };
      const c = forkProducerProcess();
      child = c;
      c.proc.on('message', (x: ToParent) => { if (!over) channel.send(x); });
      // A message sent just before the exit may be read after it: the exit is relayed last.
      void c.exited.then((code) => setTimeout(() => end(code, c.stderr()), 50));
      c.proc.send({ type: 'start', start });
    } else if (child) {
      if (child.proc.connected) child.proc.send(m);
    } else if (m.type === 'stop' || m.type === 'abandon') end(0, '');
  });
  // The drill pings every second: silent that long, it is gone, and its producer stops as a forked one does when its parent goes.
  const watch = setInterval(() => {
    if (channel.problem) o.log(`producer host ${o.index}: ${channel.problem}`);
    if (channel.problem || Date.now() - channel.lastHeard > SILENCE_MS) {
      if (child?.proc.connected) child.proc.disconnect();
      else if (!child) end(null, 'the drill went silent');
    }
  }, 1000);
  channel.send({ type: 'joined', hostname: hostname(), pid: process.pid });
  await finished;
  o.log(`producer host ${o.index}: session ${session} over`);
}
