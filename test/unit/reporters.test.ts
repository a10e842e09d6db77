/**
 * The reporters over one report model: every report draws the summary results.json records
 * (never one computed again), the terminal draws its sections in the one list's order, and the
 * multiplexer writes each file reporter's text into the run directory.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LedgerCounts } from '../../src/core/checker/ledger.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { summarize } from '../../src/core/results/summary.ts';
import { drawSections, reportModel, sections } from '../../src/core/results/report-model.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { renderHtml } from '../../src/render/html.ts';
import { terminalReporter } from '../../src/render/table.ts';
import type { FileReporter } from '../../src/render/reporter.ts';
import { writeReports } from '../../src/run/reports.ts';

const counts = (lost: number): LedgerCounts => ({
  acked: 100, failed: 0, indeterminate: 0, lost, skipped: 0, unreached: 0, exactlyOnce: 100 - lost, duplicated: 0, extraDeliveries: 0,
  duplicatedBeforeKill: 0, duplicatedByFailover: 0, duplicatedAfterFailover: 0, notReplicated: 0, replicationDuplicates: 0, replicationExtraCopies: 0,
  indeterminateAppeared: 0, failedAppeared: 0, foreignDeliveries: 0, deliveredPrimary: 100, deliveredBackup: 0,
});
const cell = (rep: number, lost: number): CellResult => ({
  key: `p=a#${rep}`, cellId: 'p=a', repetition: rep, values: { p: 'a' }, policy: 'default', remoteTopics: ['primary.orders'], mirrorSettings: {},
  status: 'failed', roundTrip: null, counts: counts(lost), failoverGapMs: 1000, failoverDelayMs: null, failoverRemainderMs: null, consistency: null,
  backupReadComplete: true, drainComplete: true, samples: null, partitions: {},
  atKill: { lagMessages: null, lagMs: null, groupSyncAgeMs: null, groupSyncBehind: null, consumerBehind: null }, expected: null,
  attribution: { strategy: 'mm2-sync', duplicates: { total: 0, parts: [] }, skips: { total: 0, parts: [] }, partitions: {} },
  faults: [], checks: [{ figure: 'lost', expression: '<=0', value: lost, verdict: lost ? 'fail' : 'pass' }], phases: {}, startedAt: '2026-11-21T04:00:00.000Z', durationMs: 1000,
});
const run = (cells: CellResult[], summary = summarize(cells)): RunResults => ({
  schemaVersion: 2, tool: { name: 'mm2-drill', version: '0.1.0' }, runId: 'abc123', scenario: { name: 'reporters', file: 'x.ts', description: 'd' },
  status: 'failed', startedAt: '2026-11-21T04:00:00.000Z', finishedAt: null,
  environment: { kafkaImage: 'k', kafkaVersion: '4.1.0', toxiproxyImage: 't', node: 'v24', platform: 'linux' }, cells, summary,
});

describe('one report model', () => {
  it('every report draws results.summary as recorded, never a summary computed again from the cells', () => {
    const cells = [cell(1, 3), cell(2, 5)];
    // A recorded summary that the cells would not give again: each report must show it, not recompute it.
    const [s] = summarize(cells);
    const recorded = [{ ...s!, figures: { ...s!.figures, lost: { median: 777, min: 777, max: 777, n: 2, unknown: 0 } } }];
    const model = reportModel(run(cells, recorded));
    expect(renderMarkdown(model)).toMatch(/\| a \| 0\/2 passed \| 777 \|/);
    expect(renderHtml(model, '')).toContain('<td>0/2 passed</td><td>777</td>');
    expect(terminalReporter({ color: false, verbose: true, runDir: '/r' }).render(model)).toContain('777 / 0 / 0');
    expect(model.comparison.series.find((x) => x.figure === 'lost')!.stats[0]!.median).toBe(777);
  });

  it('the terminal draws its sections in the order of the one list, and only the summary without --verbose', () => {
    const model = reportModel(run([cell(1, 3)]));
    const text = terminalReporter({ color: false, verbose: true, runDir: '/r' }).render(model);
    const at = (s: string) => text.indexOf(s);
    expect(at('lost / skipped / duplicated (Kafka 4.1.0)')).toBeGreaterThan(-1);
    expect(at('Why (failover duplicates and skips by cause)')).toBeGreaterThan(at('lost / skipped / duplicated (Kafka 4.1.0)'));
    expect(at('Thresholds')).toBeGreaterThan(at('Why (failover duplicates and skips by cause)'));
    expect(at('FAILED: ')).toBeGreaterThan(at('Thresholds'));
    const compact = terminalReporter({ color: false, verbose: false, runDir: '/r' }).render(model);
    expect(compact).not.toContain('Thresholds');
    expect(compact.split('\n')).toEqual([
      '', 'reporters (Kafka 4.1.0)', expect.stringMatching(/^✗ p=a#1 /),
      // The verdict in words, as summary.md and report.html open with it: the cell run's, then the run's.
      'In words:', expect.stringMatching(/^ {2}p=a#1: With p a, .*; 3 lost, 0 skipped; .* Failed: lost = 3, threshold lost <= 0\.$/), expect.stringMatching(/^ {2}FAILED: 1 cell run \(1 failed\); lost 3, /),
      expect.stringMatching(/^FAILED: /),
    ]);
  });

  it('sections are drawn in the list order whatever order a report names them in', () => {
    const model = reportModel(run([cell(1, 0)]));
    const named = Object.fromEntries([...sections].reverse().map((s) => [s, () => s])) as Record<(typeof sections)[number], () => string>;
    expect(drawSections(model, named)).toEqual([...sections]);
  });
});

describe('the multiplexer (run/reports.ts)', () => {
  afterEach(() => { vi.unstubAllEnvs(); });

  it('writes each file reporter from one model, and appends only the step-summary ones to $GITHUB_STEP_SUMMARY', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm2-drill-reporters-'));
    const stepSummary = join(dir, 'step-summary.md');
    vi.stubEnv('GITHUB_STEP_SUMMARY', stepSummary);
    const seen = new Set<unknown>();
    const reporter = (file: string, step: boolean): FileReporter => ({ name: file, file, stepSummary: step, render: (m) => { seen.add(m); return `${file}: ${m.results.cells.length}`; } });
    const model = writeReports(dir, run([cell(1, 0), cell(2, 0)]), [], [reporter('a.txt', true), reporter('b.txt', false)]);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a.txt: 2');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('b.txt: 2');
    expect(readFileSync(stepSummary, 'utf8')).toBe('a.txt: 2\n');
    expect([...seen]).toEqual([model]);
  });
});
