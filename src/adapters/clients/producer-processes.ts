/**
 * The test producer as several processes (`workload.processes`, core/plan/workload-processes.ts):
 * for a rate one process cannot reach. The producer's own thread also runs its recorder (about a
 * quarter of it at high rates, docs/scale.md), so worker threads feeding the parent's recorder
 * gain little; each process here records its outcomes in a segment file of its own (the compact
 * lines of history.ndjson) and sends only its counts to the parent. When the processes stop, their
 * segments' events are recorded in the cell's history, with the times they happened: the checker
 * and `report` see every ack, fail and indeterminate of every process in one history, one ledger.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EventBody } from '../../core/history/history.ts';
import { processIdPrefix, processShare } from '../../core/plan/workload-processes.ts';
import { drillTime, type ClockOffset } from '../../core/plan/producer-hosts.ts';
import { parseHistory } from '../../core/results/run-files.ts';
import type { CellRecorder } from '../recorder.ts';
import { reachedAt, type ClientRecipe } from './kafka-client.ts';
import { withheldPassword } from './host-password.ts';
import { DrillError } from '../../core/errors.ts';
import type { ProducerOptions, RunningProducer } from './producer.ts';
import { forkedLink, joinProducerHosts, type FromParent, type HostsSetting, type ProcessStart, type ProducerLink, type ToParent } from './producer-links.ts';

type Stats = RunningProducer['stats'];

export interface ProcessesOptions extends Omit<ProducerOptions, 'kafka' | 'lanes'> {
  readonly recipe: ClientRecipe;
  readonly processes: number;
  /** A directory for the segments while the processes run (each is removed once recorded). */
  readonly dir: string;
  /** The producers on hosts joining through a shared directory (`workload.hosts`) instead of forked here. */
  readonly hosts?: HostsSetting | undefined;
}

interface Child {
  readonly link: ProducerLink;
  stats: Stats;
  stopped: boolean;
}

/** The client recipe a host's start carries: routed to `address`, its password left to the host's environment. */
const hostRecipe = (r: ClientRecipe, hosts: HostsSetting): ClientRecipe => withheldPassword(hosts.address ? reachedAt(r, hosts.address) : r);

export async function startProducerProcesses(o: ProcessesOptions): Promise<RunningProducer> {
  // Before any host is waited for: a password the hosts cannot have ends the cell at once.
  const recipe = o.hosts ? hostRecipe(o.recipe, o.hosts) : o.recipe;
  const joined = o.hosts ? await joinProducerHosts(o.hosts, `${o.idPrefix}-${randomBytes(3).toString('hex')}`) : null;
  const dir = joined?.dir ?? mkdtempSync(join(o.dir, 'producer-segments-'));
  const links = joined?.links ?? Array.from({ length: o.processes }, (_, k) => forkedLink(k, join(dir, `w${k}.ndjson`)));
  const topics = processShare(o.topics, links.length);
  const children = links.map((link, k): Child => {
    const child: Child = { link, stats: { acked: 0, failed: 0, indeterminate: 0 }, stopped: false };
    link.onMessage((m: ToParent) => {
      if (m.type === 'stats' || m.type === 'stopped') child.stats = m.stats;
      if (m.type === 'stopped') child.stopped = true;
    });
    const start: ProcessStart = { recipe, topics, settings: o.settings, idPrefix: processIdPrefix(o.idPrefix, k), segment: link.segment.there, cell: o.recorder.cell, ...(o.cluster ? { cluster: o.cluster } : {}) };
    link.send({ type: 'start', start } satisfies FromParent);
    return child;
  });
  const problem = (c: Child, what: string) => new Error(`${c.link.name} ${what}${c.link.trouble().trim() ? `: ${c.link.trouble().trim().split('\n').slice(-5).join(' | ')}` : ''}`);

  /** Each segment's events into the cell's history, once; then the segments go. */
  let recorded = false;
  const record = (): void => {
    if (recorded) return;
    recorded = true;
    for (const c of children) recordSegment(c.link.segment.here, o.recorder, c.link.clock?.() ?? null);
    rmSync(dir, { recursive: true, force: true });
  };

  const started = await Promise.all(children.map((c) => new Promise<Error | null>((resolve) => {
    c.link.onMessage((m: ToParent) => {
      if (m.type === 'started') resolve(null);
      else if (m.type === 'start-failed') resolve(m.code ? new DrillError(m.code, `${c.link.name}: ${m.error}`, { fix: m.fix }) : new Error(m.error));
    });
    void c.link.exited.then((code) => resolve(problem(c, `exited (code ${code}) before it started`)));
  })));
  const failed = started.find((x) => x !== null);
  if (failed) {
    for (const c of children) c.link.send({ type: 'stop' } satisfies FromParent);
    await Promise.all(children.map((c) => c.link.exited));
    record();
    throw failed;
  }

  /** Tells every process to stop (or to give up its sends in flight) and awaits their ends: each process's clients end with it. */
  const ended = async (m: FromParent): Promise<void> => {
    for (const c of children) c.link.send(m);
    const codes = await Promise.all(children.map((c) => c.link.exited));
    const broken = children.findIndex((c, k) => !c.stopped || codes[k] !== 0);
    if (broken >= 0) throw problem(children[broken]!, `ended without stopping cleanly (exit code ${codes[broken]})`);
  };
  const sum = (k: keyof Stats) => children.reduce((n, c) => n + c.stats[k], 0);
  return {
    stats: { get acked() { return sum('acked'); }, get failed() { return sum('failed'); }, get indeterminate() { return sum('indeterminate'); } },
    resize: (topic, partitions) => {
      for (const c of children) c.link.send({ type: 'resize', topic, partitions } satisfies FromParent);
    },
    record,
    stop: () => ended({ type: 'stop' }),
    abandon: (graceMs) => {
      const done = ended({ type: 'abandon', graceMs });
      return { recorded: done, closed: done.catch(() => undefined) };
    },
  };
}

/**
 * A segment's events recorded by `recorder`, each at the time it happened (its `t`): the cell's
 * history then holds them as if its own producer had recorded them. A torn last line (a process
 * killed while writing) is dropped, as `report` drops one; a missing segment (a process that never
 * started) records nothing. With `clock` (a producer host's, core/plan/producer-hosts.ts), the
 * offset and its bound are recorded first, and every time is moved onto the drill's clock. Returns
 * how many events.
 */
export function recordSegment(file: string, recorder: CellRecorder, clock: ClockOffset | null = null): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  const { events } = parseHistory(text, file);
  if (clock) recorder.emit({ type: 'producer-clock', segment: basename(file), offsetMs: clock.offsetMs, boundMs: clock.boundMs, samples: clock.samples });
  for (const { cell: _, t, ...body } of events) recorder.emit(body as EventBody, clock ? drillTime(t, clock) : t);
  return events.length;
}
