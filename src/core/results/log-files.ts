/** Where a cell run's logs are, in its run directory: every broker's, MM2's and Toxiproxy's output, and the clients' log. */
import { createHash } from 'node:crypto';

/** A log file of a cell run, relative to the run directory (report.html sits there too). */
export interface LogFile {
  readonly path: string;
  readonly bytes: number;
}

/** The longest directory name a cell run's logs get: well under the 255 bytes file systems allow. */
export const MAX_LOG_DIR = 120;

/**
 * `logs/<dir>` of a cell run: its key with every character a file name should not hold made
 * `_` (`mirror.policy=default,playbook=a#1` → `mirror.policy=default_playbook=a_1`).
 * run/run-cell.ts writes the logs there. A key of many dimensions would exceed what a file
 * system takes in one name (ENAMETOOLONG), so a longer one is cut and ends with a hash of the
 * whole key: the same key always gives the same name, two keys two names.
 */
export function cellLogDir(key: string): string {
  // "." and ".." would name the logs directory or the run directory itself (a crafted results.json).
  const name = key.replace(/[^a-zA-Z0-9.=_-]+/g, '_').replace(/^\.{1,2}$/, (dots) => '_'.repeat(dots.length));
  if (name.length <= MAX_LOG_DIR) return name;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return `${name.slice(0, MAX_LOG_DIR - hash.length - 1)}-${hash}`;
}
