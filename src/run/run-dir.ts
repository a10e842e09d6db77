/** results/<scenario>/<UTC time>-<id>/ and the results/latest pointer. */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/** Every JSON file of a run directory is written here, its secrets redacted (core/redaction.ts). */
export const writeJson = (file: string, value: unknown): void => writeFileSync(file, `${JSON.stringify(scrubJson(value), null, 2)}\n`);
