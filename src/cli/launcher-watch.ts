/**
 * npm runs the tool through its script shell: `npm exec → sh -c "'mm2-drill' …" → node`. It
 * forwards a SIGTERM it receives alone (as timeout(1) and CI runners send it) to that shell only;
 * Debian's sh (dash) dies of it without passing it on, npm re-raises it on itself and exits, and
 * the drill, now an orphan, would run every cell to the end. This repository's .npmrc makes the
 * shell bash, which execs the tool, but a project that installs mm2-drill as a dependency keeps
 * sh; and npm itself may be SIGKILLed. Under npm, losing the parent is therefore taken as a stop.
 */
export interface LauncherWatchOptions {
  /** npm sets npm_lifecycle_event ("npx", or the script's name) for what it runs. */
  readonly launchedByNpm?: boolean;
  readonly ppid?: () => number;
  readonly intervalMs?: number;
}

/** Calls `onGone` once when the parent process changes; returns a function that stops watching. */
export function watchLauncher(onGone: () => void, o: LauncherWatchOptions = {}): () => void {
  const launchedByNpm = o.launchedByNpm ?? process.env.npm_lifecycle_event !== undefined;
  // Run directly (`node bin/mm2-drill.js`, nohup, a detached job) the parent may exit on purpose.
  if (!launchedByNpm) return () => undefined;
  const ppid = o.ppid ?? (() => process.ppid);
  const parent = ppid();
  const timer = setInterval(() => {
    if (ppid() === parent) return;
    clearInterval(timer);
    onGone();
  }, o.intervalMs ?? 250);
  timer.unref();
  return () => clearInterval(timer);
}
