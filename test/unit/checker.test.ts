/**
 * The checker protocol (core/checker/checker.ts): a cell run's history is indexed once, and every
 * checker — and the verdicts judged after them — read that one index.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { checkInput, runCheckers, type Checker } from '../../src/core/checker/checker.ts';

vi.mock('../../src/core/history/history-index.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/history/history-index.ts')>();
  return { ...actual, indexHistory: vi.fn(actual.indexHistory) };
});

const runs = join(import.meta.dirname, '..', 'fixtures', 'runs');

/**
 * Imported afresh: the unit tests share one module cache (vitest.config.ts `isolate: false`), and
 * a file run before this one may have loaded the index unmocked, with everything that imports it.
 */
let indexHistory: typeof import('../../src/core/history/history-index.ts').indexHistory;
let rederive: typeof import('../../src/run/reports.ts').rederive;
beforeAll(async () => {
  vi.resetModules();
  ({ indexHistory } = await import('../../src/core/history/history-index.ts'));
  ({ rederive } = await import('../../src/run/reports.ts'));
});

describe('checkers', () => {
  it('run over one input, their figures under their keys in the record\'s order', () => {
    const input = checkInput([], 0);
    const seen: unknown[] = [];
    const probe = <F>(name: string, figure: F): Checker<F> => ({ name, run: (i) => (seen.push(i), figure) });
    const figures = runCheckers({ b: probe('b', 1), a: probe('a', 'x') }, input);
    expect(figures).toEqual({ b: 1, a: 'x' });
    expect(Object.keys(figures)).toEqual(['b', 'a']);
    expect(seen).toEqual([input, input]);
  });

  for (const name of readdirSync(runs)) {
    it(`${name}: re-deriving a run indexes each cell run's history once, for its figures and its verdicts`, () => {
      const dir = mkdtempSync(join(tmpdir(), `mm2-drill-checkers-${name}-`));
      cpSync(join(runs, name, 'results.json'), join(dir, 'results.json'));
      cpSync(join(runs, name, 'scenario.json'), join(dir, 'scenario.json'));
      writeFileSync(join(dir, 'history.ndjson'), gunzipSync(readFileSync(join(runs, name, 'history.ndjson.gz'))));
      vi.mocked(indexHistory).mockClear();
      const { results } = rederive(dir);
      expect(results.cells.length).toBeGreaterThan(0);
      expect(vi.mocked(indexHistory)).toHaveBeenCalledTimes(results.cells.length);
    });
  }
});
