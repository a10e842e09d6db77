/**
 * Progress on stderr while a drill runs: long steps with their durations, each cell run's
 * position in the plan (`[3/12]`) with an estimate of the time left, and the drill's events
 * (kill, faults, failover) as they happen. Step starts are shown on a TTY only; everything
 * else is printed everywhere (a CI log wants the kill and the faults too).
 */
import { eventDescriber, eventSentence, type EventKind } from '../core/checker/drill-events.ts';
import type { HistoryEvent } from '../core/history/history.ts';
import { scrub } from '../adapters/secrets.ts';
import { colorsOn } from '../adapters/terminal-colors.ts';
import { paint } from '../render/paint.ts';

export interface Progress {
  /** Starts a step; the returned function ends it. */
  step(label: string): (detail?: string) => void;
  info(message: string): void;
  /** Something that happened to the drill (a kill, a fault, the failover), as it happens. */
  event(message: string): void;
}

export function consoleProgress(out: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Progress {
  // Every line with its secrets redacted (a step label or an event may quote a command).
  const stream = { isTTY: out.isTTY, write: (s: string) => out.write(scrub(s)) };
  const tty = stream.isTTY === true && !process.env.CI;
  const color = colorsOn(out);
  const dim = (s: string) => paint(color, 'dim', s);
  const ok = paint(color, 'green', '✔');
  const bolt = paint(color, 'yellow', '»');
  return {
    step(label) {
      const t0 = now();
      if (tty) stream.write(`${dim('…')} ${label}\n`);
      return (detail) => {
        const secs = ((now() - t0) / 1000).toFixed(1);
        stream.write(`${ok} ${label}${detail ? ` — ${detail}` : ''} ${dim(`(${secs}s)`)}\n`);
      };
    },
    info(message) {
      stream.write(`${message}\n`);
    },
    event(message) {
      stream.write(`${bolt} ${message}\n`);
    },
  };
}

/** The same progress with every line starting with `prefix` (a cell run's `[3/12]`). */
export function prefixed(p: Progress, prefix: string): Progress {
  return {
    step: (label) => p.step(`${prefix} ${label}`),
    info: (message) => p.info(`${prefix} ${message}`),
    event: (message) => p.event(`${prefix} ${message}`),
  };
}

/** "41s", "4m12s", "1h05m" (rounded to the second; hours drop the seconds). */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * "~4m12s left": the mean wall time of the cell runs done so far × the cell runs left
 * (`remaining` counts the one about to start). Null before the first one finished: nothing
 * measured yet, nothing to estimate from.
 */
export function timeLeft(doneMs: readonly number[], remaining: number): string | null {
  if (doneMs.length === 0 || remaining <= 0) return null;
  const mean = doneMs.reduce((a, b) => a + b, 0) / doneMs.length;
  return `~${formatDuration(mean * remaining)} left`;
}

/** What the terminal narrates as it happens; the report lists every event (core/checker/drill-events.ts). */
const narrated: ReadonlySet<EventKind> = new Set(['kill', 'failover', 'first-backup-delivery', 'faults-healed', 'fault-start', 'fault-end', 'fault-error', 'step-not-reached', 'alarm']);

/**
 * Turns a cell run's history events into progress lines as they are recorded: the kill, each
 * fault's start, end and failure, a step never reached, the failover and its first delivery —
 * in the words of the report's event table (core/checker/drill-events.ts).
 * Times are seconds since the workload started (the clock of the scenario's timeline).
 * Returns null for every other event. One narrator per cell run: it remembers the clock.
 */
export function eventNarrator(): (e: HistoryEvent) => string | null {
  const describe = eventDescriber();
  let workloadAt: number | null = null;
  return (e) => {
    if (e.type === 'phase' && e.phase === 'workload-started') workloadAt = e.t;
    const d = describe(e);
    if (!d || !narrated.has(d.kind)) return null;
    const at = workloadAt === null ? '' : `+${((e.t - workloadAt) / 1000).toFixed(1)}s `;
    return `[${e.cell}] ${at}${eventSentence(d)}`;
  };
}
