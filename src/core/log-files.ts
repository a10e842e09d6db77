/** Where a cell run's logs are, in its run directory: every broker's, MM2's and Toxiproxy's output, and the clients' log. */

/** A log file of a cell run, relative to the run directory (report.html sits there too). */
export interface LogFile {
  readonly path: string;
  readonly bytes: number;
}

/**
 * `logs/<dir>` of a cell run: its key with every character a file name should not hold made
 * `_` (`mirror.policy=default,playbook=a#1` → `mirror.policy=default_playbook=a_1`).
 * run/run-cell.ts writes the logs there.
 */
export const cellLogDir = (key: string): string => key.replace(/[^a-zA-Z0-9.=_-]+/g, '_');
