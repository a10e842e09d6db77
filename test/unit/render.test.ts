import { describe, expect, it } from 'vitest';
import { expectValidJunit } from './junit-schema.ts';
import type { LedgerCounts } from '../../src/core/checker/ledger.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { summarize } from '../../src/core/results/summary.ts';
import { reportModel } from '../../src/core/results/report-model.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { renderJunit } from '../../src/render/junit.ts';
import { renderHtml } from '../../src/render/html.ts';
import { matrixTable, summaryLines, terminalReporter } from '../../src/render/table.ts';

const counts = (dup: number): LedgerCounts => ({
  acked: 4000, failed: 0, indeterminate: 4, lost: 0, skipped: 0, unreached: 0, exactlyOnce: 4000 - dup, duplicated: dup, extraDeliveries: dup,
  duplicatedBeforeKill: 0, duplicatedByFailover: dup, duplicatedAfterFailover: 0,
  notReplicated: 0, replicationDuplicates: 0, replicationExtraCopies: 0, indeterminateAppeared: 1, failedAppeared: 0, foreignDeliveries: 0, deliveredPrimary: 4000, deliveredBackup: dup + 10,
});
const consistency = { holds: true, checks: [{ name: 'backup-reads-agree', verdict: 'pass' as const, detail: '70 backup deliveries compared with the verification read' }] };
const attribution = (dup: number): CellResult['attribution'] => ({
  strategy: 'mm2-sync',
  duplicates: { total: dup, parts: [{ cause: 'commit-lag', messages: dup - 10, expectedMax: 600 }, { cause: 'sync-lag', messages: 6, expectedMax: 403 }, { cause: 'translation-slack', messages: 4, expectedMax: 303 }] },
  skips: { total: 0, parts: [] },
  partitions: {},
});
const cell = (policy: string, interval: number, rep: number, dup: number, over: Partial<CellResult> = {}): CellResult => ({
  key: `mirror.policy=${policy},interval=${interval}#${rep}`, cellId: `mirror.policy=${policy},interval=${interval}`, repetition: rep,
  values: { 'mirror.policy': policy, 'mirror.checkpointIntervalSeconds': interval }, policy, remoteTopics: [policy === 'identity' ? 'orders' : 'primary.orders'],
  mirrorSettings: {}, status: 'passed', roundTrip: null, counts: counts(dup), failoverGapMs: 3600, failoverDelayMs: 2000, failoverRemainderMs: 1600, consistency, backupReadComplete: true,
  drainComplete: true, samples: { lost: [], skipped: [], unreached: [], duplicated: ['r-1-7', 'r-1-8'], notReplicated: [] },
  partitions: { 'orders/0': { acked: 4000, lost: 0, skipped: 0, unreached: 0, exactlyOnce: 4000 - dup, duplicated: dup } },
  atKill: { lagMessages: 12, lagMs: 80, groupSyncAgeMs: 700, groupSyncBehind: 30, consumerBehind: 5 }, expected: null, attribution: attribution(dup), faults: [], checks: [{ figure: 'skipped', expression: '==0', value: 0, verdict: 'pass' }],
  phases: {}, startedAt: '2026-11-21T04:00:00.000Z', durationMs: 60_000, ...over,
});

const cells: CellResult[] = [
  cell('default', 1, 1, 60), cell('default', 1, 2, 80), cell('default', 5, 1, 700, { status: 'measured', checks: [] }),
  cell('identity', 1, 1, 150, { checks: [{ figure: 'duplicated', expression: '<=100', value: 150, verdict: 'fail' }], status: 'failed' }),
  cell('identity', 5, 1, 0, {
    status: 'error', counts: null, checks: [], attribution: null, consistency: null, samples: { lost: 'unknown', skipped: 'unknown', unreached: 'unknown', duplicated: [], notReplicated: 'unknown' }, error: { code: 'WAIT_TIMEOUT', message: 'timed out waiting for <MM2> & co' },
    faults: [{ step: 0, description: 'partition of mm2-primary (both)', fault: {}, startT: 1, endT: null, healed: true, startMs: 10_000, endMs: null }],
  }),
];
const results: RunResults = {
  schemaVersion: 2, tool: { name: 'mm2-drill', version: '0.1.0' }, runId: 'abc123',
  scenario: { name: 'policy-vs-sync-interval', file: 'scenarios/x.ts', description: 'policy × interval' }, status: 'failed',
  startedAt: '2026-11-21T04:00:00.000Z', finishedAt: '2026-11-21T04:05:00.000Z',
  environment: { kafkaImage: 'mm2-drill/kafka:4.3.1', kafkaVersion: '4.3.1', toxiproxyImage: 'mm2-drill/toxiproxy:2.12.0', node: 'v24.21.0', platform: 'linux-x64' },
  cells, summary: summarize(cells),
};

describe('renderers on fixed results', () => {
  it('terminal matrix: policies in rows, intervals in columns, median (min–max)', () => {
    expect(matrixTable(reportModel(results))).toMatchSnapshot();
  });

  it('summary.md', () => {
    expect(renderMarkdown(reportModel(results))).toMatchSnapshot();
  });

  it('junit.xml: one case per cell run × check, valid against the JUnit schema', () => {
    const xml = renderJunit(results);
    expect(xml).toMatchSnapshot();
    expect(xml).toContain('tests="12" failures="1" errors="1"'); // per cell run a `drill` case, then its checks
    expectValidJunit(xml);
  });

  it("junit.xml: a cell run started ahead is timed from its turn, not from its clusters' start", () => {
    const ahead = { ...results, cells: [cell('default', 1, 1, 60, { phases: { turn: 25_000 }, durationMs: 60_000 })] };
    const xml = renderJunit({ ...ahead, summary: summarize(ahead.cells) });
    expect(xml).toMatch(/<testcase name="[^"]*: drill" [^>]*time="35\.000"/);
    expect(xml).toMatch(/<testsuite [^>]*time="35\.000"/);
  });

  it('report.html: self-contained, escaped, with a chart per cell run and the comparison chart', () => {
    const html = renderHtml(reportModel(results, []), '/* chart.js */');
    expect(html).not.toMatch(/<script src=|<link [^>]*href=/);
    expect(html).toContain('timed out waiting for &lt;MM2&gt; &amp; co');
    expect(html.match(/<canvas id="timeline-\d+"/g)).toHaveLength(5);
    expect(html.match(/<canvas id="partitions-\d+"/g)).toHaveLength(5);
    expect(html).toContain('<canvas id="comparison"');
    expect(html).toContain('Duplicated ids: showing 2 of 60');
    expect(html).toContain('<table class="attribution">');
    expect(html).toContain('Lost ids: unknown (the backup was not read completely)');
    expect(html).not.toContain('showing 20 of unknown');
  });

  it("report.html's first page: the run's verdict, then contents grouped by matrix values, each linked to its cell run's page", () => {
    const html = renderHtml(reportModel(results, []), '/* chart.js */');
    const at = (x: string) => html.indexOf(x);
    expect(at('<p class="verdict run-verdict">FAILED: 5 cell runs')).toBeGreaterThan(-1);
    expect(at('<p class="verdict run-verdict">')).toBeLessThan(at('<nav class="toc">'));
    expect(at('<nav class="toc">')).toBeLessThan(at('<table class="matrix">'));
    expect(at('<table class="matrix">')).toBeLessThan(at('<canvas id="comparison"'));
    const toc = html.slice(at('<nav class="toc">'), html.indexOf('</nav>'));
    expect(toc.match(/<li class="group">[^<]*/g)).toEqual(['<li class="group">mirror.policy=default', '<li class="group">mirror.policy=identity']);
    for (const [i, c] of cells.entries()) expect(toc).toContain(`<a href="#cell-${i}">mirror.checkpointIntervalSeconds=${c.values['mirror.checkpointIntervalSeconds']} #${c.repetition}</a>`);
    // The failed threshold, with its limit and value, in its cell run's card (above the timeline).
    const failed = html.slice(at('<section class="cell" id="cell-3">'), at('<section class="cell" id="cell-4">'));
    expect(failed).toMatch(/<tr class="check-fail"[^>]*><td>duplicated<\/td><td>&lt;= 100<\/td><td>150<\/td><td><span class="v fail">fail<\/span><\/td><\/tr>/);
    expect(failed.indexOf('class="cell-checks"')).toBeLessThan(failed.indexOf('<canvas id="timeline-3"'));
    expect(failed).toContain('Failed: duplicated = 150, threshold duplicated &lt;= 100.</p>');
  });

  it('report.html of one cell run: its verdict and cards on the first page, no contents, no matrix, no comparison chart', () => {
    const one = { ...results, cells: [cells[0]!], summary: summarize([cells[0]!]), status: 'passed' as const };
    const html = renderHtml(reportModel(one, []), '/* chart.js */');
    expect(html).not.toContain('<nav class="toc">');
    expect(html).not.toContain('<table class="matrix">');
    expect(html).not.toContain('<canvas id="comparison"');
    const at = (x: string) => html.indexOf(x);
    expect(at('<p class="verdict run-verdict">PASSED: 1 cell run')).toBeLessThan(at('<p class="verdict">With policy default'));
    expect(at('<p class="verdict">With policy default')).toBeLessThan(at('<div class="cards">'));
    expect(at('<div class="cards">')).toBeLessThan(at('<canvas'));
    expect(html).toContain('<tr class="check-pass"');
  });

  it('report.html: a translation-error chart per cell run with checkpoints, unknown errors left out of its lines, broken invariants in its caption', () => {
    const start = Date.parse('2026-11-21T04:00:00.000Z');
    const point = (tp: string, s: number, error: number | null) => ({ tp, ts: start + s * 1000, upstream: '0', downstream: '0', truth: error === null ? null : '0', error, ...(error === null ? { unknown: 'not-copied' as const } : {}) });
    const translation = {
      group: 'drill-consumer', checkpoints: 3, unknown: 1, error: { min: -4, median: -3, max: -2, count: 2 }, atFailover: 'unknown' as const, partitions: {},
      points: [point('primary.orders/0', 5, -4), point('primary.orders/0', 6, -2), point('primary.orders/1', 7, null)],
    };
    const invariants = [{ name: 'checkpoint-rewind' as const, verdict: 'broken' as const, checked: 1, unknown: 0, findings: 1, samples: [] }];
    const html = renderHtml(reportModel({ ...results, cells: [cell('default', 1, 1, 60, { translation, invariants }), cell('default', 1, 2, 80)] }, []), '/* chart.js */');
    expect(html.match(/<canvas id="translation-\d+"/g)).toEqual(['<canvas id="translation-0"']);
    expect(html).toContain('"series":{"primary.orders/0":[[5,-4],[6,-2]]}');
    expect(html).toContain('error min -4, median -3, max -2 records over 2 checkpoints, 1 unknown; at the failover unknown');
    expect(html).toContain('MM2 invariants broken — checkpoint-rewind: 1 finding(s)');
  });

  it('summary.md lists MM2 invariants broken, with a sample, and says nothing when they hold', () => {
    const finding = { group: 'drill-consumer', tp: 'primary.orders/0', upstream: '9', downstream: '7', backupEnd: { offset: '6', bound: 'sample' as const } };
    const broken = [{ name: 'checkpoint-beyond-backup-end' as const, verdict: 'broken' as const, checked: 4, unknown: 0, findings: 1, samples: [finding] }];
    const md = renderMarkdown(reportModel({ ...results, cells: [cell('default', 1, 1, 60, { invariants: broken })] }));
    expect(md).toContain("## MM2's invariants broken");
    expect(md).toContain('`checkpoint-beyond-backup-end`: 1 of 4 checked, e.g. primary.orders/0 upstream 9 → downstream 7 past the backup\'s end 6 (sample)');
    const holds = [{ ...broken[0]!, verdict: 'holds' as const, findings: 0, samples: [] }];
    expect(renderMarkdown(reportModel({ ...results, cells: [cell('default', 1, 1, 60, { invariants: holds })] }))).not.toContain("MM2's invariants broken");
  });

  it('the terminal gives a line per broken invariant under the summary, verbose or not, and none when they hold', () => {
    const rewind = { tp: 'orders/1', upstream: '40', downstream: '30', previous: { upstream: '35', downstream: '35' }, went: 'downstream' as const };
    const broken = [{ name: 'offset-sync-rewind' as const, verdict: 'broken' as const, checked: 9, unknown: 0, findings: 1, samples: [rewind] }];
    const out = terminalReporter({ verbose: false, color: false, runDir: 'r' }).render(reportModel({ ...results, cells: [cell('default', 1, 1, 60, { invariants: broken })] }));
    expect(out).toContain("MM2 finding (not the drill's): mirror.policy=default,interval=1#1 offset-sync-rewind: 1 of 9 checked, e.g. orders/1 upstream 40 → downstream 30 after 35 → 35 (downstream went back)");
    const holds = [{ ...broken[0]!, verdict: 'holds' as const, findings: 0, samples: [] }];
    expect(terminalReporter({ verbose: true, color: false, runDir: 'r' }).render(reportModel({ ...results, cells: [cell('default', 1, 1, 60, { invariants: holds })] }))).not.toContain('MM2 finding');
  });

  it('summary.md and the terminal summary give the order per key of a keyed cell run, and nothing for one not keyed', () => {
    const keyOrder = { keys: 4, unordered: 0, values: 400, nonmonotonic: 2, nonmonotonicAcrossFailover: 1, pollSkip: 3, rewound: 50, rewoundDeliveries: 51, samples: { nonmonotonic: ['r-1-9'], pollSkip: ['r-1-20'], rewound: [] } };
    const keyed = { ...results, cells: [cell('default', 1, 1, 60, { keyOrder })] };
    const md = renderMarkdown(reportModel(keyed));
    expect(md).toContain('## Order per key');
    expect(md).toContain('4 keys (0 unordered, not judged), 400 values: 2 nonmonotonic (e.g. r-1-9), 1 across the failover, 3 poll-skip (e.g. r-1-20), 51 re-deliveries of 50 values');
    expect(summaryLines(keyed).join('\n')).toMatch(/nonmonotonic 2 {2}poll-skip 3/);
    const plainRun = { ...results, cells: [cell('default', 1, 1, 60, { keyOrder: null })] };
    expect(renderMarkdown(reportModel(plainRun))).not.toContain('## Order per key');
    expect(summaryLines(plainRun).join('\n')).not.toContain('nonmonotonic');
  });

  it('comparison model: a category per matrix cell named by every dimension, a series per figure, with min–max', () => {
    const m = reportModel(results, []);
    expect(m.comparison.dimensions).toEqual(['mirror.policy', 'mirror.checkpointIntervalSeconds']);
    const i = m.comparison.categories.findIndex((c) => c.values.join() === 'default,1');
    expect(m.comparison.series.find((s) => s.figure === 'duplicated')!.stats[i]).toMatchObject({ median: 70, min: 60, max: 80 });
  });
});
