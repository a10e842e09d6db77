/**
 * Runs a cell's timeline: every fault step starts when it is due (a time, an acked count, or a
 * replication lag) and is healed after its duration or at the end of the cell. The kill is not
 * run here: the drill waits for it with `due()` because the failover follows it.
 */
import { describeFault, type Fault } from '../core/scenario/faults.ts';
import type { TimelineStep } from '../core/scenario/scenario.ts';
import type { CellRecorder } from '../adapters/recorder.ts';
import type { Heal } from '../adapters/containers/nemesis.ts';
import { sleep, waitUntil } from '../adapters/wait.ts';

export interface TimelineDeps {
  readonly steps: readonly TimelineStep[];
  readonly workloadStart: number;
  readonly signal: AbortSignal;
  readonly acked: () => number;
  /** Latest measured replication lag in messages, if any sample was taken. */
  readonly lag: () => number | undefined;
  readonly invoke: (fault: Fault, name: string) => Promise<Heal>;
  /**
   * A measured MM2 restart (run/mirror-restart.ts), in place of `invoke` for a `restart` fault:
   * resolves once MM2 was restarted, with its measuring, which `signal` ends (another restart
   * began, the primary was killed, the cell ends).
   */
  readonly restart?: (fault: RestartFault, step: number, restart: number, signal: AbortSignal) => Promise<{ measured: Promise<void> }>;
  /** Whether the primary was killed: a bounce loop without `times` stops there. */
  readonly killed?: () => boolean;
  readonly rec: CellRecorder;
}

type RestartFault = Extract<Fault, { fault: 'restart' }>;

export const describeStep = (s: TimelineStep): string =>
  `${s.action === 'kill-primary' ? 'kill the primary' : describeFault(s.action)} ${describeAt(s)}${s.durationSeconds ? ` for ${s.durationSeconds}s` : ''}`;

export const describeAt = (s: TimelineStep): string =>
  typeof s.at === 'number'
    ? `at ${s.at}${s.jitterSeconds ? `–${s.at + s.jitterSeconds}` : ''}s`
    : 'acked' in s.at ? `after ${s.at.acked} acked` : `when replication lag > ${s.at.replicationLagAbove}`;

/** Resolves when the step is due; never resolves past `signal` (returns early instead). */
export async function due(step: TimelineStep, index: number, d: Pick<TimelineDeps, 'workloadStart' | 'acked' | 'lag' | 'rec'>, signal: AbortSignal): Promise<void> {
  const at = step.at;
  if (typeof at === 'number') {
    const atSeconds = at + Math.random() * (step.jitterSeconds ?? 0);
    if (step.jitterSeconds) d.rec.emit({ type: 'step-scheduled', step: index, atSeconds });
    return sleep(d.workloadStart + atSeconds * 1000 - Date.now(), signal);
  }
  const reached = 'acked' in at ? () => d.acked() >= at.acked : () => (d.lag() ?? -1) > at.replicationLagAbove;
  await waitUntil(async () => reached() || signal.aborted, { what: describeAt(step), timeoutMs: 3_600_000, intervalMs: 50 }).catch(() => undefined);
}

export interface RunningTimeline {
  /**
   * Heals the active faults the scenario gave no duration (they would otherwise last until the
   * end of the cell), before the drain: a fault still on during the drain would leave messages
   * the consumer never had the chance to read. Returns the problems.
   */
  healUndated(): Promise<string[]>;
  /** Heals every active fault and cancels steps not yet started; returns the problems. */
  healAll(): Promise<string[]>;
  /** Faults that could not be injected (the cell fails: the drill did not happen as written). */
  readonly errors: string[];
}

export function startTimeline(d: TimelineDeps): RunningTimeline {
  const cancel = new AbortController();
  const signal = AbortSignal.any([d.signal, cancel.signal]);
  const active = new Map<number, { heal: NonNullable<Heal>; description: string; dated: boolean }>();
  const errors: string[] = [];
  let notReachedRecorded = false;

  const heal = async (step: number): Promise<string | undefined> => {
    const a = active.get(step);
    if (!a) return undefined;
    active.delete(step);
    try {
      await a.heal();
      d.rec.emit({ type: 'fault-end', step, description: a.description, healed: true });
      return undefined;
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      d.rec.emit({ type: 'fault-end', step, description: a.description, healed: false, error });
      return `healing "${a.description}" failed: ${error}`;
    }
  };

  const started = new Set<number>();
  const runs = d.steps.map((step, i) => runStep(step, i).catch((e: unknown) => {
    // Never an unhandled rejection: an unexpected failure of a step fails the timeline.
    errors.push(`step ${i}: ${e instanceof Error ? e.message : String(e)}`);
  }));
  async function runStep(step: TimelineStep, i: number): Promise<void> {
    if (step.action === 'kill-primary') return;
    const fault = step.action;
    const description = describeFault(fault);
    await due(step, i, d, signal);
    if (signal.aborted) return;
    started.add(i);
    if (fault.fault === 'restart' && d.restart) return bounce(fault, d.restart, i, description);
    try {
      const h = await d.invoke(fault, `step${i}`);
      if (h) active.set(i, { heal: h, description, dated: step.durationSeconds !== undefined });
      d.rec.emit({ type: 'fault-start', step: i, description, fault: { ...fault, durationSeconds: step.durationSeconds ?? null } });
    } catch (e) {
      failed(i, description, e);
      return;
    }
    if (step.durationSeconds !== undefined) {
      await sleep(step.durationSeconds * 1000, signal);
      const problem = await heal(i);
      if (problem) errors.push(problem);
    }
  }

  function failed(i: number, description: string, e: unknown): void {
    const error = e instanceof Error ? e.message : String(e);
    errors.push(`${description}: ${error}`);
    d.rec.emit({ type: 'fault-error', step: i, description, error });
  }

  /** Restarts begun by any step: a restart's measuring ends when another begins (what MM2 copies next belongs to that one). */
  let restartsBegun = 0;

  /**
   * MM2 restarted once, or every `every` s from the previous stop, `times` times or until the
   * primary is killed.
   */
  async function bounce(fault: RestartFault, restart: NonNullable<TimelineDeps['restart']>, i: number, description: string): Promise<void> {
    const measuring: Promise<void>[] = [];
    for (let n = 1; !signal.aborted && !d.killed?.(); n += 1) {
      const t0 = Date.now();
      const mine = ++restartsBegun;
      d.rec.emit({ type: 'fault-start', step: i, description: `${description} (restart ${n})`, fault: { ...fault, restart: n, durationSeconds: null } });
      let measured: Promise<void>;
      try {
        ({ measured } = await restart(fault, i, n, until(() => restartsBegun !== mine)));
      } catch (e) {
        failed(i, description, e);
        break;
      }
      // Measured in the background: the next restart of the loop is due on time, not after this one resumed.
      measuring.push(measured.catch((e: unknown) => failed(i, description, e)));
      if (fault.every === undefined || n === fault.times) break;
      await sleep(t0 + fault.every * 1000 - Date.now(), signal);
    }
    await Promise.all(measuring);
  }

  /** A signal aborted with the timeline's, when the primary is killed (nothing more is copied) or when `other()` holds. */
  function until(other: () => boolean): AbortSignal {
    const c = new AbortController();
    const timer = setInterval(() => {
      if (signal.aborted || d.killed?.() || other()) {
        clearInterval(timer);
        c.abort();
      }
    }, 100);
    return c.signal;
  }

  const healSome = async (steps: number[]) => (await Promise.all(steps.map(heal))).filter((p): p is string => p !== undefined);
  return {
    errors,
    healUndated: () => healSome([...active].filter(([, a]) => !a.dated).map(([i]) => i)),
    async healAll() {
      cancel.abort();
      await Promise.allSettled(runs);
      // healAll runs after the steps and again on the way out: a step not reached is recorded once.
      if (!notReachedRecorded) {
        notReachedRecorded = true;
        d.steps.forEach((s, i) => {
          if (s.action !== 'kill-primary' && !started.has(i)) d.rec.emit({ type: 'step-not-reached', step: i, description: describeStep(s) });
        });
      }
      return healSome([...active.keys()]);
    },
  };
}
