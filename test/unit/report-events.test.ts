/**
 * The report to file after a rehearsal: a cell run's events from its history (one origin, the
 * cell start, for results.json, report.html and summary.md), its headline cards (unknown stays
 * unknown), its faults, its log files, and the comparison chart's data for 0 to 3 dimensions.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellEvents, eventSentence, type CellEvent } from '../../src/core/checker/drill-events.ts';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import type { LedgerCounts } from '../../src/core/checker/ledger.ts';
import { cellLogDir } from '../../src/core/results/log-files.ts';
import { checkInput } from '../../src/core/checker/checker.ts';
import { measureCell } from '../../src/core/results/measure.ts';
import { cellTimeline, comparison, reportModel } from '../../src/core/results/report-model.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { summarize } from '../../src/core/results/summary.ts';
import { faultCells, headlineCards, headlineText } from '../../src/render/cell-run-rows.ts';
import { comparisonChart, figureStyle } from '../../src/render/comparison-chart.ts';
import { renderHtml } from '../../src/render/html.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { eventNarrator } from '../../src/run/progress.ts';
import { cellLogFiles } from '../../src/run/reports.ts';

/** The cell start, epoch ms: 2026-11-21T04:00:00.000Z. */
const S = Date.parse('2026-11-21T04:00:00.000Z');
const at = (ms: number, body: EventBody): HistoryEvent => ({ cell: 'c#1', t: S + ms, ...body }) as HistoryEvent;
const step = (ms: number, index: number, label: string, action: string, state: 'start' | 'end' | 'failed', extra: { target?: string; detail?: string } = {}) =>
  at(ms, { type: 'step', index, label, action, state, ...extra });

/** A default-playbook drill: two faults (one with a duration), one that failed, the kill, the failover, the drain, the verification. */
const history: HistoryEvent[] = [
  at(2, { type: 'cell-start', values: { 'mirror.policy': 'default' }, settings: {} }),
  at(2, { type: 'phase', phase: 'images-ready' }),
  at(5_000, { type: 'phase', phase: 'clusters-up' }),
  at(15_000, { type: 'phase', phase: 'mirror-ready' }),
  at(20_000, { type: 'phase', phase: 'workload-started' }),
  at(20_100, { type: 'ack', id: 'm0', topic: 'orders', partition: 0, offset: '0' }),
  at(20_500, { type: 'phase', phase: 'mirror-replicating' }),
  at(25_000, { type: 'fault-start', step: 0, description: 'latency 1500 ms on mm2-primary (both)', fault: { fault: 'latency', link: 'mm2-primary', durationSeconds: 10 } }),
  at(26_000, { type: 'fault-start', step: 1, description: 'partition of clients-backup (both)', fault: { fault: 'partition', link: 'clients-backup', durationSeconds: null } }),
  at(27_000, { type: 'fault-error', step: 2, description: 'pause mirror', error: 'no such container' }),
  at(35_000, { type: 'fault-end', step: 0, description: 'latency 1500 ms on mm2-primary (both)', healed: true }),
  step(40_000, 0, 'kill', 'kill-cluster', 'start', { target: 'primary' }),
  at(40_300, { type: 'kill', target: 'primary', signal: 'SIGKILL' }),
  at(40_300, { type: 'phase', phase: 'kill' }),
  step(40_300, 0, 'kill', 'kill-cluster', 'end', { target: 'primary', detail: 'acked 2000 so far' }),
  step(42_300, 1, 'failover', 'move-consumers', 'start', { target: 'backup' }),
  at(42_310, { type: 'failover-offsets', strategy: 'mm2-sync', group: 'drill-consumer', offsets: {} }),
  at(42_310, { type: 'phase', phase: 'failover-started' }),
  at(42_400, { type: 'phase', phase: 'first-backup-delivery' }),
  at(42_420, { type: 'deliver', id: 'm0', phase: 'backup', topic: 'primary.orders', partition: 0, offset: '0', ts: 0 }),
  step(42_700, 1, 'failover', 'move-consumers', 'end', { target: 'backup' }),
  step(42_700, 2, 'drain', 'drain-consumers', 'start'),
  at(42_701, { type: 'fault-end', step: 1, description: 'partition of clients-backup (both)', healed: false, error: 'proxy gone' }),
  at(42_702, { type: 'phase', phase: 'faults-healed' }),
  at(42_702, { type: 'phase', phase: 'drain-started' }),
  at(46_000, { type: 'read-complete', what: 'drain', complete: true, detail: 'reached the end offsets on 3 partition(s)' }),
  at(46_100, { type: 'phase', phase: 'drain-done' }),
  step(46_100, 2, 'drain', 'drain-consumers', 'end', { detail: '1 delivered on backup' }),
  at(46_500, { type: 'read-complete', what: 'backup', complete: false, detail: 'stopped 3 short of the end offsets' }),
  at(46_600, { type: 'phase', phase: 'verify-done' }),
  at(46_600, { type: 'step-not-reached', step: 3, description: 'kill-mirror when acked ≥ 99999' }),
  at(46_700, { type: 'cell-end', status: 'completed' }),
];

describe('a cell run\'s events (core/checker/drill-events.ts)', () => {
  const events = cellEvents(history, S);

  it('lists what happened, in order, with the wall clock in UTC and ms from the cell start', () => {
    expect(events.map((e) => e.kind)).toEqual([
      'cell-start', 'phase', 'phase', 'phase', 'phase', 'fault-start', 'fault-start', 'fault-error', 'fault-end',
      'step-start', 'kill', 'step-end', 'step-start', 'failover', 'first-backup-delivery', 'step-end', 'step-start', 'fault-end', 'faults-healed',
      'drain-done', 'step-end', 'verify-done', 'step-not-reached', 'cell-end',
    ]);
    expect(events[0]).toEqual({ t: '2026-11-21T04:00:00.002Z', atMs: 2, kind: 'cell-start', label: 'cell started', detail: 'mirror.policy=default' });
    const kill = events.find((e) => e.kind === 'kill')!;
    expect(kill).toEqual({ t: '2026-11-21T04:00:40.300Z', atMs: 40_300, kind: 'kill', label: 'kill', detail: 'SIGKILL primary' });
    // An external cluster's kill is the team's command, or a cut of the test clients: said as such.
    const external = cellEvents([at(5, { type: 'kill', target: 'primary', signal: 'ran killCommand `./stop.sh`' })], S);
    expect(external.find((e) => e.kind === 'kill')?.detail).toBe('primary: ran killCommand `./stop.sh`');
  });

  it('says it in words: the strategy, the gap after the kill, how long a step took, the reads that end the drain and the verification', () => {
    const by = (kind: CellEvent['kind']) => events.filter((e) => e.kind === kind).map(eventSentence);
    expect(by('failover')).toEqual(['failover (mm2-sync): group drill-consumer resumes on the backup']);
    expect(by('first-backup-delivery')).toEqual(['first delivery on the backup, 2.1s after the kill']);
    expect(by('step-start')).toEqual(['step "kill" started: kill-cluster primary', 'step "failover" started: move-consumers backup', 'step "drain" started: drain-consumers']);
    expect(by('step-end')).toEqual(['step "kill" done: acked 2000 so far; took 0.3s', 'step "failover" done: took 0.4s', 'step "drain" done: 1 delivered on backup; took 3.4s']);
    expect(by('fault-start')).toEqual(['fault on: latency 1500 ms on mm2-primary (both) for 10s', 'fault on: partition of clients-backup (both)']);
    expect(by('fault-end')).toEqual(['fault healed: latency 1500 ms on mm2-primary (both)', 'fault NOT healed: partition of clients-backup (both): proxy gone']);
    expect(by('fault-error')).toEqual(['fault could not be injected: pause mirror: no such container']);
    expect(by('drain-done')).toEqual(['drain done: reached the end offsets on 3 partition(s)']);
    expect(by('verify-done')).toEqual(['verification read done: INCOMPLETE: stopped 3 short of the end offsets']);
    expect(by('phase')).toContain("workload started (0 s of the scenario's timeline)");
    // A numbered step says what it does in its label: no detail repeating it.
    expect(cellEvents([step(0, 1, '2. kill-cluster primary', 'kill-cluster', 'start', { target: 'primary' })], 0)[0]).not.toHaveProperty('detail');
  });

  it('says faults were healed before the drain only when one without a duration was injected', () => {
    const dated = history.filter((e) => !(e.type === 'fault-start' && e.step === 1) && !(e.type === 'fault-end' && e.step === 1));
    expect(cellEvents(dated, S).some((e) => e.kind === 'faults-healed')).toBe(false);
    const playbookFault = [step(0, 0, 'cut', 'fault', 'start'), step(10, 0, 'cut', 'fault', 'end'), at(20, { type: 'phase', phase: 'faults-healed' })];
    expect(cellEvents(playbookFault, S).at(-1)?.kind).toBe('faults-healed');
  });

  it('results.json carries them, on the same origin as `phases` and `faults` (the cell start)', () => {
    const m = measureCell(checkInput(history, S));
    expect(m.events).toEqual(events);
    expect(m.faults[0]!.startMs).toBe(events.find((e) => e.kind === 'fault-start')!.atMs);
  });

  it('the terminal narrates the same words (on the workload\'s clock)', () => {
    const narrate = eventNarrator();
    const lines = history.map(narrate).filter((l): l is string => l !== null);
    const narrated = events.filter((e) => ['kill', 'failover', 'first-backup-delivery', 'faults-healed', 'fault-start', 'fault-end', 'fault-error', 'step-not-reached'].includes(e.kind));
    expect(lines).toEqual(narrated.map((e) => `[c#1] +${((e.atMs - 20_000) / 1000).toFixed(1)}s ${eventSentence(e)}`));
  });
});

const counts = (over: Partial<LedgerCounts> = {}): LedgerCounts => ({
  acked: 4000, failed: 0, indeterminate: 0, lost: 0, skipped: 0, unreached: 0, exactlyOnce: 3371, duplicated: 629, extraDeliveries: 629,
  duplicatedBeforeKill: 0, duplicatedByFailover: 629, duplicatedAfterFailover: 0, notReplicated: 0, replicationDuplicates: 0, replicationExtraCopies: 0,
  indeterminateAppeared: 0, failedAppeared: 0, foreignDeliveries: 0, deliveredPrimary: 4000, deliveredBackup: 700, ...over,
});

const cellResult = (values: Record<string, string | number>, over: Partial<CellResult> = {}): CellResult => {
  const cellId = Object.entries(values).map(([k, v]) => `${k}=${v}`).join(',') || 'default';
  return {
    key: `${cellId}#1`, cellId, repetition: 1, values, policy: 'default', remoteTopics: ['primary.orders'], mirrorSettings: {}, status: 'measured',
    counts: counts(), failoverGapMs: 2100, failoverDelayMs: 2000, failoverRemainderMs: 100, consistency: { holds: true, checks: [] }, backupReadComplete: true, drainComplete: true,
    samples: null, partitions: {}, expected: null, checks: [], roundTrip: null,
    attribution: {
      strategy: 'mm2-sync', partitions: {}, skips: { total: 0, parts: [] },
      duplicates: { total: 629, parts: [{ cause: 'translation-slack', messages: 140, expectedMax: 303 }, { cause: 'commit-lag', messages: 489, expectedMax: 600 }, { cause: 'sync-lag', messages: 0, expectedMax: 400 }] },
    },
    atKill: { lagMessages: 2, lagMs: 10, groupSyncAgeMs: 700, groupSyncBehind: 0, consumerBehind: 0 },
    faults: [], phases: { kill: 40_300 }, startedAt: new Date(S).toISOString(), durationMs: 46_700, events: cellEvents(history, S), ...over,
  };
};

describe('headline cards', () => {
  it('RPO, lost, skipped, duplicated with its causes, the failover gap with its split', () => {
    const cards = headlineCards(cellResult({}));
    expect(cards.map((c) => [c.label, c.value])).toEqual([['not replicated (RPO)', '0 · 0.0 s'], ['lost', '0'], ['skipped', '0'], ['duplicated', '629'], ['consumer gap (RTO)', '2.1 s']]);
    expect(cards[3]!.detail).toBe('489 consumer commit lag, 140 translation slack');
    expect(cards[4]!.detail).toBe('2.0 s configured wait + 0.1 s measured');
    expect(headlineText(cellResult({}))).toBe('not replicated (RPO) 0 · 0.0 s · lost 0 · skipped 0 · duplicated 629 (489 consumer commit lag, 140 translation slack) · consumer gap (RTO) 2.1 s (2.0 s configured wait + 0.1 s measured)');
  });

  it('shows unknown as unknown, never as 0, and says why once', () => {
    const partial = headlineCards(cellResult({}, { counts: counts({ skipped: 'unknown', notReplicated: 'unknown' }), attribution: null }));
    expect(partial.map((c) => c.value)).toEqual(['unknown', '0', 'unknown', '629', '2.1 s']);
    // Missing records without the ack times of per-topic replication: the messages, and the seconds unknown.
    const rpo = headlineCards(cellResult({}, { counts: counts({ notReplicated: 12 }) }))[0]!;
    expect(rpo).toMatchObject({ value: '12 · seconds unknown', tone: 'bad' });
    expect(partial.filter((c) => c.value === 'unknown').every((c) => c.tone === 'unknown' && c.detail === 'the backup could not be read completely')).toBe(true);
    const never = cellResult({}, { status: 'error', counts: null, failoverGapMs: null, failoverDelayMs: null, failoverRemainderMs: null, attribution: null });
    expect(headlineCards(never).map((c) => c.value)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect(headlineText(never)).toBe('not replicated (RPO) unknown · lost unknown · skipped unknown · duplicated unknown · consumer gap (RTO) unknown — unknown: the cell did not get to produce; nothing was delivered on the backup after the kill');
    const noKill = cellResult({}, { failoverGapMs: null, phases: {}, events: [] });
    expect(headlineCards(noKill)[4]).toMatchObject({ value: '—', detail: 'no failover: the primary was not killed' });
  });

  it('names the duplicates not due to the failover', () => {
    const c = cellResult({}, { counts: counts({ duplicated: 633, duplicatedBeforeKill: 4 }) });
    expect(headlineCards(c)[3]!.detail).toBe('489 consumer commit lag, 140 translation slack; 4 before the kill');
  });
});

describe('the fault table', () => {
  it('what, on what, from when to when (UTC and s from the cell start), planned, healed or not; and the faults never injected', () => {
    const m = measureCell(checkInput(history, S));
    const rows = faultCells(cellResult({}, { faults: m.faults, events: m.events }));
    expect(rows).toEqual([
      ['latency 1500 ms on mm2-primary (both)', 'mm2-primary', '2026-11-21T04:00:25.000Z', '25.0', '2026-11-21T04:00:35.000Z', '35.0', '10 s', 'healed'],
      ['partition of clients-backup (both)', 'clients-backup', '2026-11-21T04:00:26.000Z', '26.0', '2026-11-21T04:00:42.701Z', '42.7', 'until the drain', 'NOT healed'],
      ['pause mirror: no such container', '—', '2026-11-21T04:00:27.000Z', '27.0', '—', '—', '—', 'could not be injected'],
      ['kill-mirror when acked ≥ 99999', '—', '2026-11-21T04:00:46.600Z', '46.6', '—', '—', '—', 'never reached'],
    ]);
  });
});

describe('the timeline chart', () => {
  it('counts seconds from the cell start and marks the kill, the failover, the first delivery on the backup, the drain', () => {
    const tl = cellTimeline(cellResult({}), history);
    expect(tl.t[0]).toBeCloseTo(20.1); // the curves start at the first ack, on the cell's clock
    expect(tl.marks.map((m) => [m.kind, m.at, m.label])).toEqual([
      ['fault-error', 27, 'fault not injected'], ['kill', 40.3, 'kill'], ['failover', 42.31, 'failover (mm2-sync)'],
      ['first-backup-delivery', 42.4, 'first delivery on the backup'], ['drain-done', 46.1, 'drain done'], ['step-not-reached', 46.6, 'never reached'],
    ]);
  });

  it('marks a playbook\'s steps too', () => {
    const tl = cellTimeline(cellResult({}, { roundTrip: {} as NonNullable<CellResult['roundTrip']> }), history);
    expect(tl.marks.filter((m) => m.kind === 'step-start').map((m) => m.label)).toEqual(['kill', 'failover', 'drain']);
  });
});

describe('the comparison chart: every dimension named, a colour per figure', () => {
  const run = (cells: CellResult[]) => comparisonChart(comparison(summarize(cells)));

  it('no matrix: one group, named by its cell', () => {
    const chart = run([cellResult({})]);
    expect(chart.labels).toEqual([['default']]);
    expect(chart.caption).toContain('the scenario has no matrix');
  });

  it('one dimension: a category per value', () => {
    const chart = run([cellResult({ 'mirror.policy': 'default' }), cellResult({ 'mirror.policy': 'identity' })]);
    expect(chart.labels).toEqual([['mirror.policy=default'], ['mirror.policy=identity']]);
    expect(chart.datasets.map((d) => d.label)).toEqual(['lost', 'skipped', 'duplicated', 'not replicated (RPO)']);
    expect(new Set(chart.datasets.map((d) => d.backgroundColor)).size).toBe(4);
    expect(chart.datasets.find((d) => d.figure === 'duplicated')!.data).toEqual([629, 629]);
  });

  it('two dimensions: a category per cell, both values in its label; min–max over repetitions', () => {
    const cells = [
      cellResult({ 'mirror.policy': 'default', interval: 1 }, { repetition: 1, counts: counts({ duplicated: 60 }) }),
      cellResult({ 'mirror.policy': 'default', interval: 1 }, { repetition: 2, key: 'x#2', counts: counts({ duplicated: 80 }) }),
      cellResult({ 'mirror.policy': 'identity', interval: 5 }),
    ];
    const chart = run(cells);
    expect(chart.labels).toEqual([['mirror.policy=default', 'interval=1'], ['mirror.policy=identity', 'interval=5']]);
    const dup = chart.datasets.find((d) => d.figure === 'duplicated')!;
    expect([dup.data[0], dup.min[0], dup.max[0]]).toEqual([70, 60, 80]);
  });

  it('three dimensions: none dropped — every value in every label, every dimension in the caption', () => {
    const dims = { 'mirror.policy': ['default', 'identity'], 'mirrors.reverse.startFrom': ['earliest', 'latest'], playbook: ['a', 'b'] };
    const cells = dims['mirror.policy'].flatMap((p) => dims['mirrors.reverse.startFrom'].flatMap((f) => dims.playbook.map((b) =>
      cellResult({ 'mirror.policy': p, 'mirrors.reverse.startFrom': f, playbook: b }))));
    const chart = run(cells);
    expect(chart.labels).toHaveLength(8);
    expect(new Set(chart.labels.map((l) => l.join('|'))).size).toBe(8);
    expect(chart.labels[5]).toEqual(['mirror.policy=identity', 'mirrors.reverse.startFrom=earliest', 'playbook=b']);
    expect(chart.caption).toContain('mirror.policy, mirrors.reverse.startFrom, playbook');
    expect(chart.height).toBeGreaterThan(run(cells.slice(0, 2)).height);
  });

  it('an unknown figure is null (drawn "unknown"), never 0', () => {
    const chart = run([cellResult({ 'mirror.policy': 'default' }, { counts: counts({ skipped: 'unknown' }) })]);
    expect(chart.datasets.find((d) => d.figure === 'skipped')!.data).toEqual([null]);
    expect(figureStyle.lost.color).not.toBe(figureStyle.duplicated.color);
  });
});

describe('report.html and summary.md: cards, events, faults, logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-'));
  const c = cellResult({ 'mirror.policy': 'default' }, { faults: measureCell(checkInput(history, S)).faults });
  const results: RunResults = {
    schemaVersion: 2, tool: { name: 'mm2-drill', version: '0' }, runId: 'abc123', scenario: { name: 's', file: 's.ts', description: '' }, status: 'measured',
    startedAt: c.startedAt, finishedAt: null, environment: { kafkaImage: '', kafkaVersion: '', toxiproxyImage: '', node: '', platform: '' }, cells: [c], summary: summarize([c]),
  };
  mkdirSync(join(dir, 'logs', cellLogDir(c.key)), { recursive: true });
  for (const f of ['primary-0.log', 'mirror-maker.log']) writeFileSync(join(dir, 'logs', cellLogDir(c.key), f), 'x'.repeat(2048));
  const logs = cellLogFiles(dir, results);

  it('lists each cell run\'s log files, relative to the run directory', () => {
    expect(cellLogDir('mirror.policy=default,playbook=a#1')).toBe('mirror.policy=default_playbook=a_1');
    expect(logs).toEqual({ [c.key]: [{ path: 'logs/mirror.policy=default_1/mirror-maker.log', bytes: 2048 }, { path: 'logs/mirror.policy=default_1/primary-0.log', bytes: 2048 }] });
  });

  it('report.html: cards first, then the timeline, the events and faults tables and links to the logs', () => {
    const html = renderHtml(reportModel(results, history, logs), '');
    const section = html.slice(html.indexOf('<section class="cell"'));
    expect(section.match(/<div class="card /g)).toHaveLength(5);
    expect(section.indexOf('class="cards"')).toBeLessThan(section.indexOf('<canvas id="timeline-0"'));
    expect(section).toContain('<tr class="ev-kill"><td><time datetime="2026-11-21T04:00:40.300Z">2026-11-21T04:00:40.300Z</time></td><td>40.3</td><td>kill</td><td>SIGKILL primary</td></tr>');
    expect(section).toContain('<table class="faults">');
    expect(section).toContain('<a href="logs/mirror.policy%3Ddefault_1/primary-0.log">primary-0.log</a> <small>2 KB</small>');
  });

  it("report.html: every time on the workload's clock, the terminal's, when the cell records the workload's start", () => {
    const onWorkload = { ...results, cells: [cellResult({}, { phases: { 'workload-started': 10_000, kill: 40_300 } })] };
    const html = renderHtml(reportModel(onWorkload, history, logs), '');
    expect(html).toContain('<td><time datetime="2026-11-21T04:00:40.300Z">2026-11-21T04:00:40.300Z</time></td><td>30.3</td><td>kill</td>');
    expect(html).toContain("the wall clock in UTC; the s column: s from the workload's start</summary>");
    const timeline = reportModel(onWorkload, history, logs).timelines[0]!;
    expect(timeline.clock).toBe("s from the workload's start");
    expect(timeline.marks.find((m) => m.kind === 'kill')!.at).toBeCloseTo(30.3);
  });

  it('summary.md: the headline in a line, the events folded, the faults, the log files', () => {
    const md = renderMarkdown(reportModel(results, [], logs));
    expect(md).toContain('**📏 mirror.policy=default#1** — not replicated (RPO) 0 · 0.0 s · lost 0 · skipped 0 · duplicated 629 (489 consumer commit lag, 140 translation slack)');
    // No workload start among its phases: the times count from the cell's start, and say so.
    expect(md).toContain("<details><summary>Events (24); the s column: s from the cell's start (no workload started)</summary>");
    expect(md).toContain('| 2026-11-21T04:00:40.300Z | 40.3 | kill | SIGKILL primary |');
    expect(md).toContain('| latency 1500 ms on mm2-primary (both) | mm2-primary | 2026-11-21T04:00:25.000Z | 25.0 |');
    expect(md).toContain('Logs in `logs/mirror.policy=default_1/`: mirror-maker.log, primary-0.log');
  });
});
