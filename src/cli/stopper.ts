/**
 * What stops a running drill, as an AbortSignal whose reason says why: SIGINT / SIGTERM, the end
 * of the npm process that launched it (a reason INTERRUPTED: exit 130), or a failure that escaped
 * every await of the harness (a reason UNEXPECTED: exit 4). Aborting rather than exiting lets
 * the drill remove its containers and write partial results either way.
 */
import { DrillError, ExitCode } from '../core/errors.ts';
import { watchLauncher } from './launcher-watch.ts';

export interface Stopper {
  readonly signal: AbortSignal;
  /** The first failure that escaped the harness, if any. */
  failure(): DrillError | undefined;
  /** The drill is over: stop watching the launcher; a later escape only raises the exit code. */
  finish(): void;
}

/** An unhandled rejection or uncaught exception, as the harness error it is. */
export function backgroundFailure(e: unknown): DrillError {
  const message = e instanceof Error ? e.message : String(e);
  return new DrillError('UNEXPECTED', `a background task failed: ${message}`, {
    cause: e,
    detail: e instanceof Error ? e.stack : undefined,
    fix: 'this is a harness bug: please report it with the run directory',
  });
}

export function drillStopper(err: (s: string) => void): Stopper {
  const controller = new AbortController();
  let firstSignalAt: number | undefined;
  let failure: DrillError | undefined;
  let finished = false;
  const onSignal = (sig: NodeJS.Signals) => {
    // `npx` forwards the terminal's SIGINT to this process, which also receives it directly
    // as part of the foreground process group: a second signal within a second is the same Ctrl-C.
    if (firstSignalAt !== undefined && Date.now() - firstSignalAt < 1000) return;
    if (firstSignalAt !== undefined) {
      err(`\n${sig} again: exiting now; run \`npx mm2-drill down\` to remove leftovers`);
      process.exit(ExitCode.interrupted);
    }
    firstSignalAt = Date.now();
    err(`\n${sig}: stopping the drill and removing its containers (press Ctrl-C again to exit at once)`);
    controller.abort(new DrillError('INTERRUPTED', `interrupted by ${sig}`));
  };
  const onEscape = (e: unknown) => {
    const f = backgroundFailure(e);
    failure ??= f;
    err(`\nmm2-drill: ${f.code}: ${f.message}${f.detail ? `\n${f.detail}` : ''}`);
    if (finished) process.exitCode = Math.max(Number(process.exitCode ?? 0), ExitCode.drillFailed);
    else if (!controller.signal.aborted) {
      err('stopping the drill and removing its containers');
      controller.abort(f);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Without these, Node ends the process at once, leaving containers and no results; they stay
  // installed until the process exits, since kafkajs may still fail in the background after the drill.
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
  const stopWatching = watchLauncher(() => {
    if (controller.signal.aborted) return; // a Ctrl-C reached this process as well
    err('\nthe npm process that started mm2-drill (or its shell) has exited, stopped by a signal: stopping the drill and removing its containers');
    controller.abort(new DrillError('INTERRUPTED', 'interrupted: the launching npm process exited'));
  });
  return {
    signal: controller.signal,
    failure: () => failure,
    finish: () => {
      finished = true;
      stopWatching();
    },
  };
}
