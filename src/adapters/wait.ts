/** Bounded waits: every wait has a deadline and, when it expires, says what did not happen. */
import { DrillError } from '../core/errors.ts';
import { tailOf } from './containers/container-logs.ts';

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export interface WaitOptions {
  /** What is awaited, for the error message: "the backup topic primary.orders to exist". */
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** A log whose tail explains a timeout. */
  readonly logFile?: string;
  readonly signal?: AbortSignal;
}

/** Polls `check` until it returns a value other than undefined/false, or throws WAIT_TIMEOUT. */
export async function waitUntil<T>(check: () => Promise<T | undefined | false>, o: WaitOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let last: unknown;
  for (;;) {
    if (o.signal?.aborted) throw new DrillError('INTERRUPTED', `interrupted while waiting for ${o.what}`);
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new DrillError('WAIT_TIMEOUT', `timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${o.what}${why}`, {
        detail: o.logFile ? `last lines of ${o.logFile}:\n${tailOf(o.logFile)}` : undefined,
        fix: 'see the log named above; a slow machine may need a longer timeout',
      });
    }
    await sleep(o.intervalMs ?? 500, o.signal);
  }
}
