/**
 * `run --retry-errors <n>`: a cell run that ended in error — the environment or the harness failed
 * (a container that did not start, a task that failed, a bounded wait that expired), not the
 * drill's checks — is run again, up to n more times. The failed attempt stays in results.json
 * with its error, marked as replaced (`retriedAs`): never hidden, but not counted — the verdict,
 * the summary and the thresholds over repetitions use the attempt that replaced it.
 */
import { exitCodeFor, ExitCode } from '../errors.ts';
import type { CellResult } from './results.ts';

/** A cell run's key: the first attempt's is `<cell id>#<repetition>`, a retry's adds `.retry<k>`. */
export const attemptKey = (cellId: string, repetition: number, attempt: number): string =>
  `${cellId}#${repetition}${attempt > 1 ? `.retry${attempt - 1}` : ''}`;

/**
 * Whether an environment's cell runs call for another attempt: one of them ended in error of a
 * kind that running again can cure — not an invalid input (a scenario or policy problem fails the
 * same way every time) — and retries are left. Interrupted runs are never retried.
 */
export function shouldRetry(results: readonly Pick<CellResult, 'status' | 'error'>[], retriesLeft: number): boolean {
  if (retriesLeft <= 0) return false;
  return results.some((c) => c.status === 'error' && exitCodeFor(c.error?.code ?? 'UNEXPECTED') !== ExitCode.invalidInput);
}

/** The failed attempt's cell runs, each kept and marked as replaced by the retry's run of the same cell. */
export function markRetried(failed: readonly CellResult[], retry: readonly CellResult[]): CellResult[] {
  return failed.map((c) => ({ ...c, retriedAs: retry.find((r) => r.cellId === c.cellId)?.key ?? null }));
}
