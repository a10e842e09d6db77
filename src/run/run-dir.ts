/** results/<scenario>/<UTC time>-<id>/ and the results/latest pointer. */
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { scrubJson } from '../adapters/secrets.ts';

export const newRunId = (): string => randomBytes(3).toString('hex');

export function createRunDir(resultsRoot: string, scenario: string, runId: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dir = join(resultsRoot, scenario, `${stamp}-${runId}`);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const latest = join(resultsRoot, 'latest');
  rmSync(latest, { force: true });
  symlinkSync(relative(resultsRoot, dir), latest);
  return dir;
}

/**
 * Writes a JSON file atomically: a temporary file in the same directory, then a rename over the
 * target. A run killed mid-write, or a reader (a CI step, `report`) racing the writer, sees the
 * old document or the new one, never half of one. Secrets are redacted (core/redaction.ts).
 */
export function writeJson(file: string, value: unknown): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, `${JSON.stringify(scrubJson(value), null, 2)}\n`);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}
