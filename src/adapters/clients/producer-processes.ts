/**
 * The test producer as several processes (`workload.processes`, core/plan/workload-processes.ts):
 * for a rate one process cannot reach. The producer's own thread also runs its recorder (about a
 * quarter of it at high rates, docs/scale.md), so worker threads feeding the parent's recorder
 * gain little; each process here records its outcomes in a segment file of its own (the compact
 * lines of history.ndjson) and sends only its counts to the parent. When the processes stop, their
 * segments' events are recorded in the cell's history, with the times they happened: the checker
 * and `report` see every ack, fail and indeterminate of every process in one history, one ledger.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBody } from '../../core/history/history.ts';
import { processIdPrefix, processShare } from '../../core/plan/workload-processes.ts';
import { parseHistory } from '../../core/results/run-files.ts';
import type { CellRecorder } from '../recorder.ts';
import type { ClientRecipe } from './kafka-client.ts';
import type { ProducerOptions, RunningProducer } from './producer.ts';

type Stats = RunningProducer['stats'];

/** What a process is started with: plain data (it crosses the process boundary). */
export interface ProcessStart extends Omit<ProducerOptions, 'kafka' | 'recorder' | 'lanes'> {
  readonly recipe: ClientRecipe;
  /** The history segment the process writes. */
  readonly segment: string;
  /** The cell its segment's events are recorded for (the parent records them again under its own). */
  readonly cell: string;
}

export type FromParent = { type: 'start'; start: ProcessStart } | { type: 'resize'; topic: string; partitions: number } | { type: 'stop' } | { type: 'abandon'; graceMs: number | null };
export type ToParent = { type: 'started' } | { type: 'start-failed'; error: string } | { type: 'stats'; stats: Stats } | { type: 'stopped'; stats: Stats };

export interface ProcessesOptions extends Omit<ProducerOptions, 'kafka' | 'lanes'> {
  readonly recipe: ClientRecipe;
  readonly processes: number;
  /** A directory for the segments while the processes run (each is removed once recorded). */
  readonly dir: string;
}

// The entry point beside this file: TypeScript in a clone, JavaScript in the published package.
const entry = new URL(`./producer-process${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

interface Child {
  readonly proc: ChildProcess;
  readonly segment: string;
  stats: Stats;
  stopped: boolean;
  /** The end of its stderr, for the error when it fails. */
  stderr: string;
  readonly exited: Promise<number | null>;
}

export async function startProducerProcesses(o: ProcessesOptions): Promise<RunningProducer> {
  const dir = mkdtempSync(join(o.dir, 'producer-segments-'));
  const topics = processShare(o.topics, o.processes);
  const children = Array.from({ length: o.processes }, (_, k): Child => {
    const proc = fork(entry, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const child: Child = {
      proc, segment: join(dir, `w${k}.ndjson`), stats: { acked: 0, failed: 0, indeterminate: 0 }, stopped: false, stderr: '',
      exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))),
    };
    proc.stderr?.on('data', (d: Buffer) => (child.stderr = `${child.stderr}${d.toString()}`.slice(-4000)));
    proc.on('message', (m: ToParent) => {
      if (m.type === 'stats' || m.type === 'stopped') child.stats = m.stats;
      if (m.type === 'stopped') child.stopped = true;
    });
    const start: ProcessStart = { recipe: o.recipe, topics, settings: o.settings, idPrefix: processIdPrefix(o.idPrefix, k), segment: child.segment, cell: o.recorder.cell, ...(o.cluster ? { cluster: o.cluster } : {}) };
    proc.send({ type: 'start', start } satisfies FromParent);
    return child;
  });
  const problem = (c: Child, k: number, what: string) => new Error(`producer process w${k} ${what}${c.stderr.trim() ? `: ${c.stderr.trim().split('\n').slice(-5).join(' | ')}` : ''}`);

  /** Each segment's events into the cell's history, once; then the segments go. */
  let recorded = false;
  const record = (): void => {
    if (recorded) return;
    recorded = true;
    for (const c of children) recordSegment(c.segment, o.recorder);
    rmSync(dir, { recursive: true, force: true });
  };

  const started = await Promise.all(children.map((c, k) => new Promise<string | null>((resolve) => {
    c.proc.on('message', (m: ToParent) => {
      if (m.type === 'started') resolve(null);
      else if (m.type === 'start-failed') resolve(m.error);
    });
    void c.exited.then((code) => resolve(problem(c, k, `exited (code ${code}) before it started`).message));
  })));
  const failed = started.find((x) => x !== null);
  if (failed) {
    for (const c of children) if (c.proc.connected) c.proc.send({ type: 'stop' } satisfies FromParent);
    await Promise.all(children.map((c) => c.exited));
    record();
    throw new Error(failed);
  }

  /** Tells every process to stop (or to give up its sends in flight) and awaits their ends: each process's clients end with it. */
  const ended = async (m: FromParent): Promise<void> => {
    for (const c of children) if (c.proc.connected) c.proc.send(m);
    const codes = await Promise.all(children.map((c) => c.exited));
    const broken = children.findIndex((c, k) => !c.stopped || codes[k] !== 0);
    if (broken >= 0) throw problem(children[broken]!, broken, `ended without stopping cleanly (exit code ${codes[broken]})`);
  };
  const sum = (k: keyof Stats) => children.reduce((n, c) => n + c.stats[k], 0);
  return {
    stats: { get acked() { return sum('acked'); }, get failed() { return sum('failed'); }, get indeterminate() { return sum('indeterminate'); } },
    resize: (topic, partitions) => {
      for (const c of children) if (c.proc.connected) c.proc.send({ type: 'resize', topic, partitions } satisfies FromParent);
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
 * started) records nothing. Returns how many events.
 */
export function recordSegment(file: string, recorder: CellRecorder): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  const { events } = parseHistory(text, file);
  for (const { cell: _, t, ...body } of events) recorder.emit(body as EventBody, t);
  return events.length;
}
