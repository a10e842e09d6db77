/** Copies of a finished run directory, damaged or enlarged, for `report` to work on. */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResults } from '../../src/core/results/results.ts';

function copyOf(runDir: string, suffix: string): string {
  const copy = `${runDir}-${suffix}`;
  cpSync(runDir, copy, { recursive: true });
  return copy;
}

/**
 * A copy whose history.ndjson has line `lineNo` (1-based; default the last) cut in half, as a
 * run killed while appending it leaves the last one. Returns the copy and the bytes left of that line.
 */
export function tornCopy(runDir: string, lineNo?: number): { dir: string; tornBytes: number } {
  const dir = copyOf(runDir, `torn-${lineNo ?? 'last'}`);
  const file = join(dir, 'history.ndjson');
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const i = (lineNo ?? lines.length) - 1;
  const torn = lines[i]!.slice(0, Math.floor(lines[i]!.length / 2));
  lines[i] = torn;
  writeFileSync(file, i === lines.length - 1 ? lines.join('\n') : `${lines.join('\n')}\n`);
  return { dir, tornBytes: Buffer.byteLength(torn) };
}

/** A copy whose results.json lists its cells `times` over, for output larger than a pipe holds. */
export function enlargedCopy(runDir: string, times: number): string {
  const dir = copyOf(runDir, `x${times}`);
  const file = join(dir, 'results.json');
  const results = JSON.parse(readFileSync(file, 'utf8')) as RunResults;
  writeFileSync(file, JSON.stringify({ ...results, cells: Array.from({ length: times }, () => results.cells).flat() }));
  return dir;
}
