/**
 * Runs compared (core/results/compare-runs.ts), thresholds over repetitions
 * (core/results/aggregate-checks.ts) and retried cell runs (core/results/retry.ts): the pure parts.
 */
import { describe, expect, it } from 'vitest';
import type { LedgerCounts } from '../../src/core/checker/ledger.ts';
import { runStatus, type CellResult, type RunResults } from '../../src/core/results/results.ts';
import { summarize } from '../../src/core/results/summary.ts';
import { compareRuns, flagOf } from '../../src/core/results/compare-runs.ts';
import { judgeAggregates, statistic } from '../../src/core/results/aggregate-checks.ts';
import { attemptKey, markRetried, shouldRetry } from '../../src/core/results/retry.ts';
import { aggregatesFor, checksFor, thresholdsSchema } from '../../src/core/scenario/thresholds.ts';
import { DrillError } from '../../src/core/errors.ts';
import { renderJunit } from '../../src/render/junit.ts';
import { compareMarkdown, compareTerminal, statText } from '../../src/render/compare-text.ts';
import { summaryLines, verdictLine } from '../../src/render/table.ts';

const counts = (over: Partial<LedgerCounts>): LedgerCounts => ({
  acked: 100, failed: 0, indeterminate: 0, lost: 0, skipped: 0, unreached: 0, exactlyOnce: 90, duplicated: 10, extraDeliveries: 10,
  duplicatedBeforeKill: 0, duplicatedByFailover: 10, duplicatedAfterFailover: 0,
  notReplicated: 0, replicationDuplicates: 0, replicationExtraCopies: 0, indeterminateAppeared: 0, failedAppeared: 0, foreignDeliveries: 0,
  deliveredPrimary: 80, deliveredBackup: 30, ...over,
});
const cell = (cellId: string, repetition: number, c: Partial<LedgerCounts>, o: Partial<CellResult> = {}): CellResult => ({
  key: `${cellId}#${repetition}`, cellId, repetition, values: { 'mirror.policy': cellId }, policy: cellId, remoteTopics: [], mirrorSettings: {},
  status: 'measured', roundTrip: null, counts: counts(c), failoverGapMs: 3000, failoverDelayMs: 2000, failoverRemainderMs: 1000, consistency: { holds: true, checks: [] },
  backupReadComplete: true, drainComplete: true, samples: null, phases: {}, startedAt: '2026-12-01T00:00:00.000Z', durationMs: 1, faults: [], checks: [], partitions: {},
  atKill: { lagMessages: null, lagMs: null, groupSyncAgeMs: null, groupSyncBehind: null, consumerBehind: null }, expected: null, attribution: null, ...o,
});
const results = (runId: string, cells: CellResult[], name = 'drill'): RunResults => ({
  schemaVersion: 2, tool: { name: 'mm2-drill', version: '0.1.0' }, runId, scenario: { name, file: 'x.ts', description: '' },
  status: 'measured', startedAt: '2026-12-01T00:00:00.000Z', finishedAt: null,
  environment: { kafkaImage: 'k', kafkaVersion: '4.1.0', toxiproxyImage: 't', node: 'v24', platform: 'linux' }, cells, summary: summarize(cells),
});
const dups = (cellId: string, xs: number[], o: Partial<CellResult> = {}) => xs.map((d, i) => cell(cellId, i + 1, { duplicated: d }, o));
const stat = (median: number, min: number, max: number, n: number) => ({ median, min, max, n, unknown: 0 });

describe('runs compared', () => {
  it('flags a change only when each median is outside the other run\'s range, with two repetitions a side', () => {
    expect(flagOf('duplicated', stat(10, 8, 12, 3), stat(30, 28, 33, 3))).toBe('worse');
    expect(flagOf('duplicated', stat(30, 28, 33, 3), stat(10, 8, 12, 3))).toBe('better');
    // B's median is outside A's range, but A's median is inside B's wide one: within the spread.
    expect(flagOf('duplicated', stat(10, 8, 12, 3), stat(30, 5, 60, 3))).toBe('within-spread');
    expect(flagOf('duplicated', stat(10, 8, 12, 1), stat(30, 30, 30, 1))).toBe('spread-unknown');
    expect(flagOf('duplicated', stat(10, 8, 12, 2), stat(300, 300, 300, 1))).toBe('spread-unknown');
    expect(flagOf('duplicated', null, stat(3, 3, 3, 2))).toBe('unknown');
    // A longer alarm lead is better; the workload's size is neither.
    expect(flagOf('checkpointAlarmLeadSeconds', stat(10, 9, 11, 2), stat(30, 29, 31, 2))).toBe('better');
    expect(flagOf('acked', stat(10, 9, 11, 2), stat(30, 29, 31, 2))).toBe('changed');
  });

  it('compares matched cells figure by figure (B − A), lists the cells only in one run, and names the regressions', () => {
    const a = results('a1', [...dups('default', [10, 12, 8]), ...dups('identity', [0, 0])]);
    const b = results('b1', [...dups('default', [40, 44, 41]), ...dups('other', [1])]);
    const r = compareRuns(a, b);
    expect(r.onlyInA).toEqual(['identity']);
    expect(r.onlyInB).toEqual(['other']);
    expect(r.cells.map((c) => [c.cellId, c.runs])).toEqual([['default', { a: 3, b: 3 }]]);
    const dup = r.cells[0]!.figures.find((f) => f.figure === 'duplicated')!;
    expect(dup).toEqual({ figure: 'duplicated', a: stat(10, 8, 12, 3), b: stat(41, 40, 44, 3), change: 31, flag: 'worse' });
    expect(r.cells[0]!.figures.find((f) => f.figure === 'failoverGapSeconds')).toMatchObject({ a: stat(3, 3, 3, 3), change: 0, flag: 'within-spread' });
    // A figure neither run measured is no row (a round trip's, in a timeline drill).
    expect(r.cells[0]!.figures.map((f) => f.figure)).not.toContain('stranded');
    expect(r.regressions).toEqual(['default: duplicated']);
    const text = compareTerminal(r);
    expect(text).toMatch(/│ duplicated\s+│ 10 \(8–12\) n=3\s+│ 41 \(40–44\) n=3\s+│ \+31\s+│ WORSE beyond spread/);
    expect(text).toContain('only in A (not compared): identity');
    expect(compareMarkdown(r)).toContain('| duplicated | 10 (8–12) n=3 | 41 (40–44) n=3 | +31 | WORSE beyond spread |');
  });

  it('matches cells by their values, not their key order, and counts an unmeasured repetition as unknown', () => {
    const a = results('a1', [cell('x', 1, {}, { values: { p: 1, q: 'a' } }), cell('x', 2, { skipped: 'unknown' }, { values: { p: 1, q: 'a' } })]);
    const b = results('b1', [cell('y', 1, {}, { values: { q: 'a', p: 1 } })]);
    const r = compareRuns(a, b);
    expect(r.cells).toHaveLength(1);
    const skipped = r.cells[0]!.figures.find((f) => f.figure === 'skipped')!;
    expect(skipped.a).toEqual({ median: 0, min: 0, max: 0, n: 1, unknown: 1 });
    expect(skipped.flag).toBe('spread-unknown');
    expect(statText(skipped.a)).toBe('0 +1?');
  });

  it('counts a repetition that did not finish as unknown, never as a measured zero', () => {
    const a = results('a1', [...dups('default', [10, 12]), cell('default', 3, {}, { status: 'error', counts: null })]);
    const r = compareRuns(a, a);
    expect(r.cells[0]!.runs).toEqual({ a: 3, b: 3 });
    expect(r.cells[0]!.figures.find((f) => f.figure === 'duplicated')!.a).toEqual({ median: 11, min: 10, max: 12, n: 2, unknown: 1 });
  });

  it('compares the failover\'s duplicates and skips per cause, unknown where a run has no such part', () => {
    const why = (syncLag: number, commitLag?: number): Partial<CellResult> => ({
      attribution: {
        strategy: 'mm2-sync', partitions: {}, skips: { total: 0, parts: [] },
        duplicates: { total: syncLag + (commitLag ?? 0), parts: [{ cause: 'sync-lag', messages: syncLag, expectedMax: null }, ...(commitLag === undefined ? [] : [{ cause: 'commit-lag' as const, messages: commitLag, expectedMax: null }])] },
      },
    });
    const a = results('a1', [cell('d', 1, {}, why(10)), cell('d', 2, {}, why(12))]);
    const b = results('b1', [cell('d', 1, {}, why(40, 3)), cell('d', 2, {}, why(45, 5))]);
    const rows = compareRuns(a, b).cells[0]!.figures.filter((f) => f.figure.includes(' by '));
    expect(rows).toEqual([
      { figure: 'duplicated by sync-lag', a: stat(11, 10, 12, 2), b: stat(42.5, 40, 45, 2), change: 31.5, flag: 'worse' },
      { figure: 'duplicated by commit-lag', a: null, b: stat(4, 3, 5, 2), change: null, flag: 'unknown' },
    ]);
  });

  it('refuses runs of different scenarios with a stable code', () => {
    expect(() => compareRuns(results('a1', [], 'one'), results('b1', [], 'two'))).toThrow(DrillError);
    try {
      compareRuns(results('a1', [], 'one'), results('b1', [], 'two'));
    } catch (e) {
      expect((e as DrillError).code).toBe('COMPARE_MISMATCH');
      expect((e as DrillError).exitCode).toBe(2);
    }
  });
});

describe('thresholds over repetitions', () => {
  it('parses per-repetition and aggregate checks side by side', () => {
    const t = thresholdsSchema.parse({ lost: '==0', duplicated: { each: '<=5000', median: '<=2000', max: '<=4000' } });
    expect(checksFor(t, {})).toEqual([['lost', '==0'], ['duplicated', '<=5000']]);
    expect(aggregatesFor(t, {})).toEqual([['duplicated', 'median', '<=2000'], ['duplicated', 'max', '<=4000']]);
    expect(thresholdsSchema.safeParse({ duplicated: {} }).success).toBe(false);
    expect(thresholdsSchema.safeParse({ duplicated: { p95: '<=1' } }).success).toBe(false);
    expect(thresholdsSchema.safeParse({ duplicated: { median: 'small' } }).success).toBe(false);
  });

  it('computes median, mean, min and max of the repetitions', () => {
    expect(['median', 'mean', 'min', 'max'].map((s) => statistic(s as 'median', [30, 10, 20, 41]))).toEqual([25, 25.25, 10, 41]);
    expect(statistic('median', [7])).toBe(7);
  });

  it('judges the statistic of each repetition\'s figure; unknown when a repetition did not measure it', () => {
    const t = thresholdsSchema.parse({ duplicated: { median: '<=20', max: '<=25' }, skipped: { max: '==0' } });
    const runs = [cell('a', 1, { duplicated: 10 }), cell('a', 2, { duplicated: 30, skipped: 'unknown' }), cell('a', 3, { duplicated: 20 })];
    expect(judgeAggregates(t, runs[0]!.values, runs)).toEqual([
      { figure: 'duplicated', over: 'median', expression: '<=20', value: 20, verdict: 'pass', runs: 3, unknown: 0 },
      { figure: 'duplicated', over: 'max', expression: '<=25', value: 30, verdict: 'fail', runs: 3, unknown: 0 },
      { figure: 'skipped', over: 'max', expression: '==0', value: null, verdict: 'unknown', runs: 3, unknown: 1 },
    ]);
    const errored = [cell('a', 1, { duplicated: 10 }), cell('a', 2, {}, { status: 'error', counts: null })];
    expect(judgeAggregates(thresholdsSchema.parse({ duplicated: { min: '<=20' } }), errored[0]!.values, errored)[0]).toMatchObject({ value: null, verdict: 'unknown', unknown: 1 });
  });

  it('decides the run\'s status, and shows in the summary lines and junit.xml', () => {
    const t = thresholdsSchema.parse({ duplicated: { median: '<=15' } });
    const cells = dups('a', [10, 30, 20]);
    const summary = summarize(cells, () => t);
    expect(summary[0]!.checks).toEqual([{ figure: 'duplicated', over: 'median', expression: '<=15', value: 20, verdict: 'fail', runs: 3, unknown: 0 }]);
    expect(runStatus(cells, false, summary)).toBe('failed');
    expect(runStatus(cells, false)).toBe('measured');
    const passing = summarize(cells, () => thresholdsSchema.parse({ duplicated: { median: '<=25' } }));
    expect(runStatus(cells, false, passing)).toBe('passed');
    const r = { ...results('r1', cells), summary };
    expect(summaryLines(r).at(-1)).toBe('✗ a (median of 3 runs)  — median of duplicated over 3 repetition(s) = 20, threshold duplicated median <= 15');
    expect(renderJunit(r)).toContain('<testcase name="a: threshold: duplicated (median)" classname="mm2-drill.drill" time="0.000">');
  });
});

describe('retried cell runs', () => {
  it('retries an error that running again can cure, while retries are left', () => {
    const error = (code: string) => ({ status: 'error' as const, error: { code, message: 'm' } });
    expect(shouldRetry([error('TASK_FAILED')], 1)).toBe(true);
    expect(shouldRetry([error('WAIT_TIMEOUT')], 0)).toBe(false);
    expect(shouldRetry([{ status: 'failed' }], 3)).toBe(false);
    expect(shouldRetry([{ status: 'interrupted' }], 3)).toBe(false);
    // An invalid input fails the same way again.
    expect(shouldRetry([error('POLICY_COMPILE')], 3)).toBe(false);
    expect(attemptKey('default', 2, 1)).toBe('default#2');
    expect(attemptKey('default', 2, 3)).toBe('default#2.retry2');
  });

  it('keeps the failed attempt with its error, marked, and counts only the retry', () => {
    const failed = [cell('a', 1, {}, { status: 'error', counts: null, error: { code: 'TASK_FAILED', message: 'MirrorSourceConnector task 0 FAILED' } })];
    const retry = [cell('a', 1, { duplicated: 50 }, { key: attemptKey('a', 1, 2), status: 'passed' })];
    const kept = markRetried(failed, retry);
    expect(kept).toEqual([{ ...failed[0], retriedAs: 'a#1.retry1' }]);
    const cells = [...kept, ...retry, ...dups('b', [1])];
    expect(runStatus(cells, false)).toBe('passed');
    expect(runStatus(failed, false)).toBe('error');
    expect(summarize(cells).map((s) => [s.cellId, s.runs, s.figures.duplicated?.median])).toEqual([['a', 1, 50], ['b', 1, 1]]);
    const r = { ...results('r1', cells), status: 'passed' as const };
    expect(renderJunit(r)).toMatch(/<testcase name="a#1: drill" classname="mm2-drill\.drill" [^>]*>\s*<skipped message="retried as a#1\.retry1 after TASK_FAILED: MirrorSourceConnector task 0 FAILED — not counted"\/>/);
    expect(summaryLines(r)[0]).toContain('a#1         retried as a#1.retry1 after TASK_FAILED');
    expect(verdictLine(r, 'dir')).toContain('of 2 cell run(s) (and 1 attempt(s) in error, retried)');
    // Compared runs count the retry, not the attempt it replaced.
    expect(compareRuns(r, r).cells.find((c) => c.cellId === 'a')!.runs).toEqual({ a: 1, b: 1 });
  });
});
