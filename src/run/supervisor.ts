/**
 * Background tasks of a cell — the consumer that starts late, the producer and sampler loops,
 * the clients abandoned at the kill — run beside the drill's main line. A rejection nobody
 * awaits yet would end the process without cleanup; the supervisor catches every one, keeps
 * the first as the cell's error and aborts the cell, whose cleanup then runs as usual.
 */
import { DrillError } from '../core/errors.ts';

export class Supervisor {
  private readonly controller = new AbortController();
  private first: DrillError | undefined;
  /** Aborted by the caller's signal (Ctrl-C) or by a failed task. */
  readonly signal: AbortSignal;

  constructor(parent: AbortSignal) {
    this.signal = AbortSignal.any([parent, this.controller.signal]);
  }

  /** Supervises `task`; returns it unchanged (awaiting it still throws its error). */
  watch<T>(task: Promise<T>, what: string): Promise<T> {
    task.catch((e: unknown) => {
      this.first ??= new DrillError('TASK_FAILED', `${what} failed: ${e instanceof Error ? e.message : String(e)}`, {
        detail: e instanceof Error ? e.stack : undefined,
        fix: 'see the cell\'s logs (kafkajs.log, the container logs); a fault on the clients\' link at start-up can cause this',
        cause: e,
      });
      this.controller.abort(this.first);
    });
    return task;
  }

  /** Throws the first failure of a supervised task, if any. */
  check(): void {
    if (this.first) throw this.first;
  }

  /** Between two stages: throws the first failure of a supervised task, or INTERRUPTED once the cell is aborted. */
  throwIfInterrupted(where: string): void {
    this.check();
    if (this.signal.aborted) throw new DrillError('INTERRUPTED', `interrupted ${where}`);
  }
}
