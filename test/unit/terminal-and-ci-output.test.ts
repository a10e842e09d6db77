/**
 * What a team files and gates on: junit.xml names, messages and timing; GitHub Actions
 * annotations; the compact terminal summary; the progress's time left and drill events.
 */
import { describe, expect, it } from 'vitest';
import { expectValidJunit } from './junit-schema.ts';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import type { LedgerCounts } from '../../src/core/checker/ledger.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import type { ThresholdCheck } from '../../src/core/checker/verdict.ts';
import { checkMessage, checkNames, expressionText } from '../../src/render/check-text.ts';
import { escapeData, escapeProperty, githubAnnotations, renderGithubAnnotations } from '../../src/render/github-annotations.ts';
import { junitCases, renderJunit } from '../../src/render/junit.ts';
import { summaryLines, verdictLine } from '../../src/render/table.ts';
import { consoleProgress, eventNarrator, formatDuration, prefixed, timeLeft } from '../../src/run/progress.ts';

const counts = (over: Partial<LedgerCounts> = {}): LedgerCounts => ({
  acked: 4000, failed: 0, indeterminate: 0, lost: 0, skipped: 0, unreached: 0, exactlyOnce: 3940, duplicated: 60, extraDeliveries: 60,
  duplicatedBeforeKill: 0, duplicatedByFailover: 60, duplicatedAfterFailover: 0, notReplicated: 0, replicationDuplicates: 0, replicationExtraCopies: 0,
  indeterminateAppeared: 0, failedAppeared: 0, foreignDeliveries: 0, deliveredPrimary: 3900, deliveredBackup: 160, ...over,
});

const cell = (key: string, over: Partial<CellResult> = {}): CellResult => ({
  key, cellId: key.replace(/#\d+$/, ''), repetition: 1, values: {}, policy: 'default', remoteTopics: ['primary.orders'], mirrorSettings: {},
  status: 'passed', roundTrip: null, counts: counts(), failoverGapMs: 4100, failoverDelayMs: 2000, failoverRemainderMs: 2100,
  consistency: { holds: true, checks: [{ name: 'backup-reads-agree', verdict: 'pass', detail: '160 compared' }] },
  backupReadComplete: true, drainComplete: true, samples: null, partitions: {},
  atKill: { lagMessages: 12, lagMs: 80, groupSyncAgeMs: 700, groupSyncBehind: 30, consumerBehind: 5 }, expected: null, attribution: null, faults: [],
  checks: [{ figure: 'skipped', expression: '==0', value: 0, verdict: 'pass' }],
  phases: { 'workload-started': 10_000, kill: 30_000, 'first-backup-delivery': 34_100 }, startedAt: '2026-11-21T04:00:00.000Z', durationMs: 41_250, ...over,
});

const run = (cells: CellResult[], status: RunResults['status'] = 'failed'): RunResults => ({
  schemaVersion: 2, tool: { name: 'mm2-drill', version: '0.1.0' }, runId: 'abc123', scenario: { name: 'quickstart', file: 'scenarios/quickstart.ts', description: '' },
  status, startedAt: '2026-11-21T04:00:00.000Z', finishedAt: '2026-11-21T04:02:00.000Z',
  environment: { kafkaImage: 'k', kafkaVersion: '4.1.0', toxiproxyImage: 't', node: 'v24', platform: 'linux-x64' }, cells, summary: [],
});

const failing = cell('mirror.policy=identity#1', {
  status: 'failed',
  counts: counts({ lost: 'unknown', notReplicated: 'unknown', duplicated: 1234 }),
  backupReadComplete: false,
  checks: [
    { figure: 'duplicated', expression: '<=100', value: 1234, verdict: 'fail' },
    { figure: 'lost', expression: '<=0', value: null, verdict: 'unknown' },
    { figure: 'skipped', expression: '==0', value: 0, verdict: 'pass' },
  ],
});
const errored = cell('mirror.policy=x,y=1#1', {
  status: 'error', counts: null, checks: [], consistency: null,
  error: { code: 'WAIT_TIMEOUT', message: 'timed out waiting for <MM2>: 100% & more', detail: 'last log lines:\n\x1b[31mERROR\x1b[0m boom' },
});
const measured = cell('mirror.policy=suffix#1', { status: 'measured', checks: [], failoverGapMs: null });
const results = run([cell('mirror.policy=default#1'), failing, measured, errored]);

describe('check names and messages', () => {
  it('names a threshold by its figure only, so changing the value keeps the name', () => {
    expect(checkNames([{ figure: 'lost', expression: '<=0' }])).toEqual(['threshold: lost']);
    expect(checkNames([{ figure: 'lost', expression: '<=100' }])).toEqual(['threshold: lost']);
  });

  it('tells several checks of one figure apart by the comparison\'s kind, then by order — never by value', () => {
    const names = checkNames([
      { figure: 'duplicated', expression: '<=500' }, { figure: 'duplicated', expression: '>=1' }, { figure: 'skipped', expression: '==0' },
    ]);
    expect(names).toEqual(['threshold: duplicated (at most)', 'threshold: duplicated (at least)', 'threshold: skipped']);
    expect(checkNames([{ figure: 'lost', expression: '<=10' }, { figure: 'lost', expression: '<= 0' }, { figure: 'lost', expression: '<5' }]))
      .toEqual(['threshold: lost (at most, 1)', 'threshold: lost (at most, 2)', 'threshold: lost (below)']);
    expect(new Set(checkNames(failing.checks)).size).toBe(failing.checks.length);
  });

  it('puts the measured value and the threshold in the message, and why a figure is unknown', () => {
    expect(expressionText('<=0')).toBe('<= 0');
    expect(expressionText(' == 2.5 ')).toBe('== 2.5');
    expect(checkMessage(failing, failing.checks[0]!)).toBe('duplicated = 1234, threshold duplicated <= 100');
    expect(checkMessage(failing, failing.checks[1]!)).toBe('lost could not be measured (the backup could not be read completely), threshold lost <= 0');
    const gap: ThresholdCheck = { figure: 'failoverGapSeconds', expression: '<30', value: 41.2567, verdict: 'fail' };
    expect(checkMessage(failing, gap)).toBe('failoverGapSeconds = 41.257, threshold failoverGapSeconds < 30');
    const stranded: ThresholdCheck = { figure: 'stranded', expression: '==0', value: null, verdict: 'unknown' };
    expect(checkMessage(failing, stranded)).toBe('stranded could not be measured (only a playbook drill measures it), threshold stranded == 0');
    const noKill = cell('k#1', { phases: {}, failoverGapMs: null });
    expect(checkMessage(noKill, { figure: 'failoverGapSeconds', expression: '<30', value: null, verdict: 'unknown' })).toContain('(the primary was never killed)');
  });
});

describe('junit.xml', () => {
  it('gives the cell run\'s measured time to one drill case and none to the checks, evaluated afterwards', () => {
    const cases = junitCases('quickstart', failing);
    const key = 'mirror.policy=identity#1';
    expect(cases.map((c) => [c.name, c.seconds])).toEqual([
      [`${key}: drill`, 41.25], [`${key}: consistency: backup-reads-agree`, 0], [`${key}: threshold: duplicated`, 0], [`${key}: threshold: lost`, 0], [`${key}: threshold: skipped`, 0],
    ]);
    const xml = renderJunit(results);
    expect(xml).toContain(`<testcase name="${key}: drill" classname="mm2-drill.quickstart" time="41.250"/>`);
    expect(xml).toContain(`<testcase name="${key}: threshold: duplicated" classname="mm2-drill.quickstart" time="0.000">`);
    expect(xml).toMatch(/<testsuite name="quickstart" tests="\d+" failures="2" errors="1" skipped="0" time="165\.000"/);
  });

  it('names the class mm2-drill.<scenario>, the same for every cell run: a CI splits it at its last dot into package and class', () => {
    const classnames = new Set(results.cells.flatMap((c) => junitCases(results.scenario.name, c)).map((c) => c.classname));
    expect([...classnames]).toEqual([`mm2-drill.${results.scenario.name}`]);
    const [pkg, cls] = [...classnames][0]!.split(/\.(?=[^.]*$)/);
    expect([pkg, cls]).toEqual(['mm2-drill', results.scenario.name]);
    // The cell run keys hold dots; each case's name carries its key, so no two cells' cases share a name.
    const names = results.cells.flatMap((c) => junitCases(results.scenario.name, c)).map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('fails with the measured value and the threshold; an unknown threshold fails, an unknown consistency check is skipped', () => {
    const xml = renderJunit(results);
    expect(xml).toContain('<failure message="duplicated = 1234, threshold duplicated &lt;= 100">');
    expect(xml).toContain('<failure message="lost could not be measured (the backup could not be read completely), threshold lost &lt;= 0">');
    const unsure = cell('u#1', { consistency: { holds: true, checks: [{ name: 'resume-at-chosen-offsets', verdict: 'unknown', detail: 'no failover-offsets event' }] } });
    expect(junitCases('s', unsure)[1]).toMatchObject({ outcome: { kind: 'skipped', message: 'resume-at-chosen-offsets could not be checked: no failover-offsets event' } });
    expect(junitCases('s', cell('i#1', { status: 'interrupted', checks: [] }))).toEqual([{ name: 'i#1: drill', classname: 'mm2-drill.s', seconds: 41.25, outcome: { kind: 'skipped', message: 'interrupted' } }]);
  });

  it('stays valid against the JUnit schema with control characters and line breaks in messages', () => {
    const odd = cell('odd,key:"x"#1', { status: 'failed', consistency: { holds: false, checks: [{ name: 'deliveries-counted', verdict: 'fail', detail: 'line one\nline two\x07' }] } });
    const xml = renderJunit(run([...results.cells, odd]));
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    expect(xml).toContain('message="deliveries-counted: line one&#10;line two"');
    expectValidJunit(xml);
  });
});

describe('GitHub Actions annotations', () => {
  it('escapes messages and properties by the workflow-command rules', () => {
    expect(escapeData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b');
    expect(escapeProperty('50% done\nnext: a,b')).toBe('50%25 done%0Anext%3A a%2Cb');
  });

  it('has an error per failed check and errored cell run, a warning per unknown verdict, nothing for what passed', () => {
    expect(githubAnnotations(results).map((a) => [a.level, a.title])).toEqual([
      ['error', 'quickstart mirror.policy=identity#1: threshold: duplicated'],
      ['warning', 'quickstart mirror.policy=identity#1: threshold: lost'],
      ['error', 'quickstart mirror.policy=x,y=1#1: drill'],
    ]);
    expect(renderGithubAnnotations(results)).toEqual([
      '::error title=quickstart mirror.policy=identity#1%3A threshold%3A duplicated::duplicated = 1234, threshold duplicated <= 100',
      '::warning title=quickstart mirror.policy=identity#1%3A threshold%3A lost::lost could not be measured (the backup could not be read completely), threshold lost <= 0 — not shown to pass, so it fails the run',
      '::error title=quickstart mirror.policy=x%2Cy=1#1%3A drill::WAIT_TIMEOUT: timed out waiting for <MM2>: 100%25 & more',
    ]);
    const broken = cell('b#1', { status: 'failed', checks: [], consistency: { holds: false, checks: [{ name: 'deliveries-counted', verdict: 'fail', detail: 'primary: 3 vs 4\nmore' }] } });
    expect(renderGithubAnnotations(run([broken]))).toEqual(['::error title=quickstart b#1%3A consistency%3A deliveries-counted::primary: 3 vs 4%0Amore — a failed consistency check is a harness bug']);
    expect(renderGithubAnnotations(run([cell('ok#1')], 'passed'))).toEqual([]);
  });
});

describe('compact terminal summary', () => {
  it('prints one line per cell run: its mark, key, aligned headline figures and what failed', () => {
    const lines = summaryLines(results);
    expect(lines).toEqual([
      '✓ mirror.policy=default#1   acked 4000  lost       0  skipped 0  duplicated   60  not replicated       0  gap 4.1s',
      '✗ mirror.policy=identity#1  acked 4000  lost unknown  skipped 0  duplicated 1234  not replicated unknown  gap 4.1s  — duplicated = 1234, threshold duplicated <= 100; lost could not be measured (the backup could not be read completely), threshold lost <= 0',
      '• mirror.policy=suffix#1    acked 4000  lost       0  skipped 0  duplicated   60  not replicated       0',
      '! mirror.policy=x,y=1#1     WAIT_TIMEOUT: timed out waiting for <MM2>: 100% & more',
      '    last log lines:',
      '    ERROR boom', // a log tail's own colours are dropped
    ]);
  });

  it('ends with the verdict, the cell runs by status and where the reports are; says when nothing was gated', () => {
    expect(verdictLine(results, '/r')).toBe('FAILED: 1 ✓ passed, 1 • measured, 1 ✗ failed, 1 ! error of 4 cell run(s) — results, summary.md, junit.xml, report.html: /r');
    expect(verdictLine(run([measured], 'measured'), '/r')).toBe('MEASURED: 1 • measured of 1 cell run(s) — no threshold applied: nothing was gated (add `thresholds` to gate CI) — results, summary.md, junit.xml, report.html: /r');
  });

  it('colours only when asked (adapters/terminal-colors.ts decides)', () => {
    expect([...summaryLines(results), verdictLine(results, '/r')].join('\n')).not.toMatch(/\x1b\[3\dm/);
    const coloured = summaryLines(results, { color: true });
    expect(coloured[0]).toBe('\x1b[32m✓\x1b[39m mirror.policy=default#1   acked 4000  lost       0  skipped 0  duplicated   60  not replicated       0  gap 4.1s');
    expect(coloured[1]).toContain('\x1b[31m— duplicated = 1234');
    expect(verdictLine(results, '/r', { color: true })).toMatch(/^\x1b\[31mFAILED\x1b\[39m: /);
  });

  it('shows a playbook cell\'s stranded and resurrected ids', () => {
    const trip = { stranded: 3, resurrected: 'unknown' } as unknown as NonNullable<CellResult['roundTrip']>;
    expect(summaryLines(run([cell('p#1', { roundTrip: trip, failoverGapMs: null })]))).toEqual([
      '✓ p#1  acked 4000  lost 0  skipped 0  duplicated 60  not replicated 0  stranded 3  resurrected unknown',
    ]);
  });
});

describe('progress', () => {
  it('formats durations and the time left from the mean of the cell runs done', () => {
    expect(formatDuration(41_400)).toBe('41s');
    expect(formatDuration(252_000)).toBe('4m12s');
    expect(formatDuration(59_600)).toBe('1m00s');
    expect(formatDuration(3_900_000)).toBe('1h05m');
    expect(timeLeft([], 4)).toBeNull(); // nothing finished: nothing to estimate from
    expect(timeLeft([40_000, 44_000], 3)).toBe('~2m06s left');
    expect(timeLeft([40_000], 0)).toBeNull();
  });

  it('narrates the kill, the faults and the failover as they are recorded, on the workload\'s clock', () => {
    const narrate = eventNarrator();
    const ev = (t: number, body: object) => ({ cell: 'c#1', t, ...body }) as HistoryEvent;
    expect(narrate(ev(1000, { type: 'phase', phase: 'workload-started' }))).toBeNull();
    expect(narrate(ev(1500, { type: 'ack', id: 'a', topic: 'orders', partition: 0, offset: '0' }))).toBeNull();
    expect(narrate(ev(6000, { type: 'fault-start', step: 0, description: 'latency 2000 ms on mm2-primary', fault: { durationSeconds: 10 } }))).toBe('[c#1] +5.0s fault on: latency 2000 ms on mm2-primary for 10s');
    expect(narrate(ev(16000, { type: 'fault-end', step: 0, description: 'latency 2000 ms on mm2-primary', healed: true }))).toBe('[c#1] +15.0s fault healed: latency 2000 ms on mm2-primary');
    expect(narrate(ev(21000, { type: 'kill', target: 'primary', signal: 'SIGKILL' }))).toBe('[c#1] +20.0s kill: SIGKILL primary');
    expect(narrate(ev(23000, { type: 'failover-offsets', strategy: 'mm2-sync', group: 'drill-consumer', offsets: {} }))).toBe('[c#1] +22.0s failover (mm2-sync): group drill-consumer resumes on the backup');
    expect(narrate(ev(25100, { type: 'phase', phase: 'first-backup-delivery' }))).toBe('[c#1] +24.1s first delivery on the backup, 4.1s after the kill');
    expect(narrate(ev(26000, { type: 'fault-error', step: 1, description: 'pause mirror', error: 'no such container' }))).toBe('[c#1] +25.0s fault could not be injected: pause mirror: no such container');
  });

  it('prefixes every line of a cell run with its place in the plan', () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    let now = 0;
    const p = prefixed(consoleProgress(stream, () => now), '[2/4]');
    const end = p.step('[k#1] clusters up');
    now = 1500;
    end('ok');
    p.info('k#1 — ~1m22s left');
    p.event('[k#1] +20.0s kill: SIGKILL primary');
    expect(written).toEqual(['✔ [2/4] [k#1] clusters up — ok (1.5s)\n', '[2/4] k#1 — ~1m22s left\n', '» [2/4] [k#1] +20.0s kill: SIGKILL primary\n']);
  });
});
