/**
 * Why a drill was aborted. The CLI aborts with a DrillError: INTERRUPTED for a user's signal,
 * another code (UNEXPECTED) when a background task of the harness failed. The first makes the
 * cell and the run "interrupted" (exit 130), the second "error" (exit 4): a harness bug must
 * not pass for a Ctrl-C.
 */
import { DrillError, isDrillError } from '../core/errors.ts';

/** The harness failure that aborted `signal`, if that is why it was aborted. */
export function harnessFailure(signal: AbortSignal): DrillError | undefined {
  const reason: unknown = signal.reason;
  return signal.aborted && isDrillError(reason) && reason.code !== 'INTERRUPTED' ? reason : undefined;
}

/** Aborted by a user's signal (anything but a harness failure counts as one). */
export const interruptedByUser = (signal: AbortSignal): boolean => signal.aborted && harnessFailure(signal) === undefined;

export const asDrillError = (e: unknown): DrillError =>
  isDrillError(e) ? e : new DrillError('UNEXPECTED', e instanceof Error ? e.message : String(e), { cause: e, detail: e instanceof Error ? e.stack : undefined });

/**
 * The status and error of a cell that threw `caught`. A harness failure wins over what the
 * cell caught: the cell usually sees only the INTERRUPTED its waits throw once aborted.
 */
export function cellFailure(signal: AbortSignal, caught: unknown): { status: 'interrupted' | 'error'; error: DrillError } {
  const harness = harnessFailure(signal);
  if (harness) return { status: 'error', error: harness };
  const error = asDrillError(caught);
  return { status: signal.aborted || error.code === 'INTERRUPTED' ? 'interrupted' : 'error', error };
}
