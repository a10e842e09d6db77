/**
 * report.html: one self-contained file a team can attach to a ticket. Its first page tells the
 * story: the run's verdict in a sentence; with several cell runs, a table of contents grouped by
 * matrix values, each entry with its verdict; with one, that cell run's page at once — its verdict
 * sentence, headline cards and thresholds (limit, value, verdict). Then the matrix, the thresholds
 * and the comparison chart (several matrix cells only: one cell compares with nothing), and per
 * cell run its cards, timeline, events, faults, links to its logs and the ids behind the counts.
 * Charts are Chart.js, inlined, with two small inline plugins: the timeline's fault windows and
 * event marks, the comparison's whiskers and values. Every time is on the workload's clock
 * (core/results/clock.ts). Pure: the log files are listed by the caller (run/reports.ts).
 */
import { causes, type Attribution, type Part } from '../core/checker/attribution.ts';
import type { Count, Sample } from '../core/checker/ledger.ts';
import type { CellResult } from '../core/results/results.ts';
import { drawSections, type ReportModel, type SectionDrawers } from '../core/results/report-model.ts';
import type { FileReporter } from './reporter.ts';
import { overText } from './table.ts';
import { eras, type Era, type RoundTrip } from '../core/checker/round-trip.ts';
import { copiesText, incarnationCells, incarnationHead, layoutCells, layoutHead, offsetsText, propagationCells, propagationHead } from './round-trip-rows.ts';
import { formatStat, pairedText, runsText } from '../core/results/summary.ts';
import { countsText, fileText, settingRows } from './mirror-settings-rows.ts';
import { eventCells, eventHead, faultCells, faultHead, headlineCards } from './cell-run-rows.ts';
import { comparisonChart, type ComparisonChart } from './comparison-chart.ts';
import { translationChart } from './translation-chart.ts';
import type { LogFile } from '../core/results/log-files.ts';
import { alarmCells, alarmHead } from './alarm-rows.ts';
import { clockOf, onClock, workloadClockLabel } from '../core/results/clock.ts';
import { cellVerdict, runVerdict } from './verdict-sentence.ts';
import { checkMessage, expressionText, unknownReason } from './check-text.ts';
import { contents } from './contents.ts';
import { topicCells, topicHead } from './topic-rows.ts';
import { rateCells, rateHead } from './rate-rows.ts';

const h = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (x: unknown) => (x === null || x === undefined ? '—' : h(x));
const tableHtml = (head: readonly string[], rows: readonly (readonly string[])[], cls = '') =>
  `<table class="${cls}"><thead><tr>${head.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

function attributionHtml(a: Attribution): string {
  const rows = (kind: string, parts: readonly Part[]) =>
    parts.map((p) => [kind, h(p.cause), h(p.messages), p.expectedMax === null ? '—' : `≤ ${h(p.expectedMax)}`, h(causes[p.cause])]);
  return `<h4>Why: ${h(a.duplicates.total)} duplicated by the failover, ${h(a.skips.total)} skipped (${h(a.strategy)})</h4>
  ${tableHtml(['', 'cause', 'messages', 'predicted', 'meaning'], [...rows('duplicated', a.duplicates.parts), ...rows('skipped', a.skips.parts)], 'attribution')}`;
}

function consistencyHtml(c: CellResult): string {
  const checks = c.consistency?.checks ?? [];
  if (!checks.length) return '';
  return `<details${checks.some((x) => x.verdict === 'fail') ? ' open' : ''}><summary>Consistency checks: ${checks.filter((x) => x.verdict === 'pass').length} of ${checks.length} passed</summary>
  ${tableHtml(['check', 'verdict', 'detail'], checks.map((x) => [h(x.name), `<span class="v ${h(x.verdict)}">${h(x.verdict)}</span>`, h(x.detail)]), 'consistency')}</details>`;
}

function roundTripHtml(c: CellResult, rt: RoundTrip): string {
  const clock = clockOf(c);
  const classes = (x: RoundTrip['byEra'][Era]) => [x.acked, x.lost, x.skipped, x.unreached, x.exactlyOnce, x.duplicated].map(n);
  const ids = (label: string, list: Sample) => (list === 'unknown' ? `<p>${label}: unknown</p>` : list.length ? `<details><summary>${label} (first ${list.length})</summary><code>${list.map(h).join(' ')}</code></details>` : '');
  return `<h4>Round trip: ${n(rt.stranded)} stranded, ${n(rt.resurrected)} resurrected (${n(rt.resurrectedDelivered)} delivered), ${n(rt.vanished)} vanished; the consumer finished on ${n(rt.finalCluster)}</h4>
  ${tableHtml(['era', 'acked', 'lost', 'skipped', 'unreached', 'exactly once', 'duplicated', 'copies on the primary', 'copies on the backup'],
    eras.map((e) => [h(e), ...classes(rt.byEra[e]), h(copiesText(rt.copies[e].primary)), h(copiesText(rt.copies[e].backup))]), 'round-trip')}
  ${tableHtml(['move', 'to', 'committed offsets found', 'resumed at'], rt.moves.map((m) => [h(m.label), h(m.to), h(offsetsText(m.committed)), h(offsetsText(m.resumedAt))]), 'moves')}
  ${tableHtml(['step', `start ${h(clock.label)}`, 'took s', 'detail'], rt.steps.map((s) => [h(s.label), onClock(clock, s.startMs), s.durationMs === null ? h(s.state) : (s.durationMs / 1000).toFixed(1), h(s.detail ?? '')]), 'steps')}
  ${rt.incarnations.length ? `<h4>Recreated topics: ${n(rt.incarnationUnknown)} acked id(s) of unknown incarnation</h4>${tableHtml(incarnationHead, incarnationCells(rt).map((r) => r.map(h)), 'incarnations')}${tableHtml(layoutHead, layoutCells(rt).map((r) => r.map(h)), 'layouts')}` : ''}
  ${rt.configChanges.length ? `<h4>Topic changes and their propagation</h4>${tableHtml(propagationHead, propagationCells(rt).map((r) => r.map(h)), 'propagation')}` : ''}
  ${ids('Stranded ids', rt.samples.stranded)}${ids('Resurrected ids', rt.samples.resurrected)}${ids('Lost ids', rt.samples.lost)}${ids('Skipped ids', rt.samples.skipped)}`;
}

/** The properties MM2 ran with, for a cell that drilled a team's properties file: what the drill changed from it, highlighted, with why. */
function propertiesFileHtml(c: CellResult): string {
  if (!c.propertiesFile) return '';
  if (!c.propertiesFile.changes) return `<p>MM2 properties from <code>${h(fileText(c.propertiesFile))}</code>: MM2 never started.</p>`;
  const rows = settingRows(c);
  return `<details><summary>MM2 properties this cell ran with, from <code>${h(fileText(c.propertiesFile))}</code>: ${h(countsText(rows))}</summary>
  <p class="sub">Highlighted: what the drill ran differently from the file — the value in the file, the value used and why (docs/mm2-properties.md).</p>
  ${tableHtml(['property', 'value used', 'in the file', 'changed by', 'why'], rows.map((x) => [
    `<code>${h(x.key)}</code>`,
    x.changed ? `<mark>${x.value === null ? 'left out' : h(x.value)}</mark>` : h(x.value),
    !x.changed ? '=' : x.fileValue === null ? 'not set' : `${h(x.fileValue)}${x.fileKey ? ` <small>as <code>${h(x.fileKey)}</code></small>` : ''}`,
    h(x.by ?? ''), h(x.reason),
  ]), 'mirror-settings')}</details>`;
}

/** The headline figures as cards: RPO, lost, skipped, duplicated (with why), failover gap. */
const cardsHtml = (c: CellResult) =>
  `<div class="cards">${headlineCards(c).map((x) => `<div class="card tone-${x.tone}" title="${h(x.meaning)}"><div class="label">${h(x.label)}</div><div class="value">${h(x.value)}</div><div class="detail">${h(x.detail ?? x.meaning)}</div></div>`).join('')}</div>`;

/**
 * The cell run's thresholds, in its card: each with its limit, the value measured and its verdict
 * (why a value is unknown, when the results tell); the failing ones first.
 */
function checksHtml(c: CellResult): string {
  if (!c.checks.length) return c.status === 'measured' ? '<p class="sub">No threshold applied to this cell run: its figures are measured, not gated.</p>' : '';
  const order = { fail: 0, unknown: 1, pass: 2 } as const;
  const rows = [...c.checks].sort((a, b) => order[a.verdict] - order[b.verdict]).map((x) => `<tr class="check-${h(x.verdict)}" title="${h(checkMessage(c, x))}"><td>${h(x.figure)}</td><td>${h(expressionText(x.expression))}</td><td>${x.value === null ? `unknown${unknownReason(c, x.figure) ? ` <small>(${h(unknownReason(c, x.figure))})</small>` : ''}` : h(x.value)}</td><td><span class="v ${h(x.verdict)}">${h(x.verdict)}</span></td></tr>`);
  return `<table class="cell-checks"><thead><tr><th>threshold</th><th>limit</th><th>measured</th><th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The headline cards in small, for the contents: "RPO 0 · 0.0 s", "lost 0", … each in its card's tone. */
const chipsHtml = (c: CellResult) =>
  headlineCards(c).map((x) => `<span class="chip tone-${x.tone}" title="${h(x.meaning)}">${h(x.label)} <b>${h(x.value)}</b></span>`).join(' ');

/** Every event with its wall clock (UTC) and seconds on the workload's clock; the kill, failover and faults stand out. */
function eventsHtml(c: CellResult): string {
  const events = c.events ?? [];
  if (!events.length) return '';
  const rows = eventCells(c).map((r, j) => `<tr class="ev-${h(events[j]!.kind)}">${r.map((x, k) => `<td>${k === 0 ? `<time datetime="${h(x)}">${h(x)}</time>` : h(x)}</td>`).join('')}</tr>`).join('');
  return `<details open><summary>Events (${events.length}): the wall clock in UTC; the s column: ${h(clockOf(c).label)}</summary>
  <table class="events"><thead><tr>${eventHead.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></details>`;
}

function faultsHtml(c: CellResult): string {
  const rows = faultCells(c);
  return rows.length ? `<h4>Faults</h4>${tableHtml(faultHead.map(h), rows.map((r) => r.map(h)), 'faults')}` : '';
}

const sizeText = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
/** Relative links to the cell run's logs next to report.html (a link per path segment, encoded). */
const logsHtml = (files: readonly LogFile[] | undefined) =>
  files?.length
    ? `<p class="logs">Logs: ${files.map((f) => `<a href="${h(f.path.split('/').map(encodeURIComponent).join('/'))}">${h(f.path.split('/').at(-1))}</a> <small>${sizeText(f.bytes)}</small>`).join(' · ')}</p>`
    : '';

function translationHtml(c: CellResult, i: number): string {
  const chart = translationChart(c);
  return chart ? `<h4>MM2's translation against the truth</h4><div class="chart small"><canvas id="translation-${i}" aria-label="translation error ${h(c.key)}"></canvas></div><p class="sub caption">${h(chart.caption)}</p>` : '';
}

function cellSection(c: CellResult, i: number, logs: readonly LogFile[] | undefined): string {
  const k = c.counts;
  const ids = (label: string, list: Sample | undefined, total: Count | undefined) =>
    list === 'unknown'
      ? `<p>${label}: unknown (the backup was not read completely)</p>`
      : list && list.length ? `<details><summary>${label}: showing ${list.length} of ${n(total)}</summary><code>${list.map(h).join(' ')}</code></details>` : '';
  const parts = Object.entries(c.partitions ?? {});
  return `<section class="cell" id="cell-${i}">
  <div class="story">
  <h3>${h(c.key)} <span class="status ${h(c.status)}">${h(c.status)}</span></h3>
  <p class="verdict">${h(cellVerdict(c))}</p>
  ${c.error ? `<p class="error"><b>${h(c.error.code)}</b>: ${h(c.error.message)}</p>` : ''}
  ${cardsHtml(c)}
  ${checksHtml(c)}
  </div>
  <p>Remote topic ${c.remoteTopics.map((t) => `<code>${h(t)}</code>`).join(', ')};
  at the kill: lag ${n(c.atKill.lagMessages)} messages, group sync age ${c.atKill.groupSyncAgeMs === null ? '—' : `${(c.atKill.groupSyncAgeMs / 1000).toFixed(1)} s`}.</p>
  ${c.expected ? `<p>Failover <b>${h(c.expected.strategy)}</b>: ${h(c.expected.measuredDuplicates)} duplicated by the failover, predicted ≤ ${h(c.expected.maxDuplicates)}${c.expected.skipsPossible ? '' : ' and no skips'}
  <span class="v ${c.expected.holds === 'unknown' ? 'unknown' : c.expected.holds ? 'pass' : 'fail'}">${c.expected.holds === 'unknown' ? 'bound unknown: skips not counted' : c.expected.holds ? 'within bound' : 'bound broken'}</span><br><small>${h(c.expected.reasoning)}</small></p>
  ${c.expected.evidence.length ? `<ul>${c.expected.evidence.map((e) => `<li>${h(e)}</li>`).join('')}</ul>` : ''}` : ''}
  <div class="chart"><canvas id="timeline-${i}" aria-label="timeline ${h(c.key)}"></canvas></div>
  ${eventsHtml(c)}
  ${faultsHtml(c)}
  ${logsHtml(logs)}
  ${parts.length ? `<div class="chart small"><canvas id="partitions-${i}" aria-label="per-partition breakdown ${h(c.key)}"></canvas></div>` : ''}
  ${translationHtml(c, i)}
  ${parts.length ? tableHtml(['partition', 'acked', 'lost', 'skipped', 'unreached', 'exactly once', 'duplicated'], parts.map(([p, x]) => [h(p), ...[x.acked, x.lost, x.skipped, x.unreached, x.exactlyOnce, x.duplicated].map(n)]), 'partitions') : ''}
  ${c.roundTrip ? roundTripHtml(c, c.roundTrip) : ''}
  ${c.alarms?.length ? `<h4>Alarms</h4>${tableHtml(alarmHead, c.alarms.map((a) => alarmCells(a, clockOf(c)).map(h)), 'alarms')}` : ''}
  ${(c.topics?.length ?? 0) > 1 ? `<h4>Replication per topic</h4>${tableHtml(topicHead, c.topics!.map((t) => topicCells(t).map(h)), 'topics')}` : ''}
  ${c.workloadRates?.length ? `<h4>Workload: asked vs achieved rate</h4>${tableHtml(rateHead, c.workloadRates.map((r) => rateCells(r).map(h)), 'rates')}` : ''}
  ${c.attribution ? attributionHtml(c.attribution) : ''}
  ${consistencyHtml(c)}
  ${propertiesFileHtml(c)}
  ${ids('Skipped ids', c.samples?.skipped, k?.skipped)}${ids('Unreached ids', c.samples?.unreached, k?.unreached)}${ids('Duplicated ids', c.samples?.duplicated, k?.duplicated)}${ids('Lost ids', c.samples?.lost, k?.lost)}
</section>`;
}

/** The sections of report.html (core/results/report-model.ts): the run-wide ones it draws, then a page per cell run. */
function drawers(chart: ComparisonChart): SectionDrawers<string> {
  /** More than one cell run: the run-wide tables and the contents earn their place; with one, its page says it all. */
  const several = (m: ReportModel) => m.results.cells.length > 1;
  return {
    verdict: ({ results: r }) => `<p class="verdict run-verdict">${h(runVerdict(r))}</p>`,
    contents: (m) => (several(m) ? contentsHtml(m) : null),
    matrix: (m) => (several(m) ? matrixHtml(m) : null),
    // Drawn per cell run, on its page.
    'cell-run-table': null,
    'cell-run-headlines': null,
    'round-trip': null,
    alarms: null,
    topics: null,
    'workload-rate': null,
    'not-gated': null,
    attribution: null,
    // Each cell run's card has its own checks; the run-wide table repeats them for several cell
    // runs, and holds the checks over repetitions, which belong to no single cell run.
    thresholds: (m) => {
      const verdict = (v: string) => `<span class="v ${h(v)}">${h(v)}</span>`;
      const checks = [
        ...(several(m) ? m.results.cells.flatMap((c, i) => c.checks.map((x) => [`<a href="#cell-${i}">${h(c.key)}</a>`, h(x.figure), h(x.expression), n(x.value), verdict(x.verdict)])) : []),
        ...m.results.summary.flatMap((s) => (s.checks ?? []).map((x) => [h(overText(s.cellId, x)), h(x.figure), h(`${x.over} ${x.expression}`), n(x.value), verdict(x.verdict)])),
      ];
      return checks.length ? `<h2>Thresholds</h2>${tableHtml(['cell run', 'figure', 'threshold', 'measured', 'verdict'], checks, 'checks')}` : null;
    },
    'properties-file': null,
    errors: null,
    bounds: null,
    consistency: null,
    // results.json and summary.md have them.
    'mirror-restarts': null,
    acls: null,
    // The curve only: the table of every catch-up is in summary.md and the terminal.
    'catch-up': ({ catchUpCurve: c }) => (c ? `<h2>MM2's copy rate against ${h(c.x)}</h2>
<div class="chart" style="height:360px"><canvas id="catch-up" aria-label="copy rate chart"></canvas></div>
<p class="sub caption">${h(catchUpCaption(c.x))}</p>` : null),
    // Each cell run's page says it under its translation chart.
    'mm2-findings': null,
    // summary.md and the terminal's summary lines give it (results.json `keyOrder`).
    'key-order': null,
    // One matrix cell compares with nothing: no chart.
    comparison: ({ summary }) => (summary.length > 1 ? `<h2>Lost, skipped, duplicated and not replicated per cell</h2>
<div class="chart" style="height:${chart.height}px"><canvas id="comparison" aria-label="comparison chart"></canvas></div>
<p class="sub caption" id="comparison-caption">${h(chart.caption)}</p>` : null),
    'cell-run-pages': ({ results: r, logs }) => `${r.cells.length > 1 ? '<h2>Cell runs</h2>' : ''}
${r.cells.map((c, i) => cellSection(c, i, logs[c.key])).join('\n')}
<p class="sub">Times: the wall clock in UTC, and ${h(workloadClockLabel)} — the clock of the scenario's timeline and of the terminal's narration
(results.json's <code>phases</code>, <code>faults</code> and <code>events</code> count from the cell's start; <code>phases.workload-started</code> ties the two).
On the timelines, fault windows are shaded and the kill, the failover, the first delivery on the backup, the end of the drain and a playbook's steps are marked.</p>`,
  };
}

/** What the copy-rate chart plots; a latency swept on a link faulted both ways adds twice itself to the round trip. */
export function catchUpCaption(x: string): string {
  const latency = /latencyMs$/.test(x) ? ' A latency fault adds its delay to each direction it acts on: on both (the default), the round trip grows by twice the value.' : '';
  return `Per matrix cell: MM2's copy rate while it drained its largest backlog (circles, median over the repetitions; the tooltip gives the min–max the sampling allows), or a lower bound where the backlog drained within one sampling interval (triangles) — the most MM2 sustains on that path, whatever the producer's rate. One line per value of the other dimensions.${latency}`;
}

/** The cell runs grouped by matrix values, each linked to its page with its status and its verdict sentence. */
function contentsHtml({ results: r, dimensions }: ReportModel): string {
  const groups = contents(r.cells, dimensions).map((g) => `${g.title === null ? '' : `<li class="group">${h(g.title)}`}<ul>${g.entries
    .map((e) => `<li><a href="#cell-${e.index}">${h(e.label)}</a> <span class="status ${h(e.status)}">${h(e.status)}</span> ${chipsHtml(r.cells[e.index]!)}<br><span class="sub">${h(cellVerdict(r.cells[e.index]!))}</span></li>`)
    .join('')}</ul>${g.title === null ? '' : '</li>'}`);
  const grouped = contents(r.cells, dimensions).some((g) => g.title !== null);
  return `<nav class="toc"><h2>Contents: ${r.cells.length} cell runs</h2>${grouped ? `<ul>${groups.join('')}</ul>` : groups.join('')}</nav>`;
}

function matrixHtml({ summary, dimensions: dims, paired }: ReportModel): string {
  const pairedHead = paired ? (['lost', 'skipped', 'duplicated'] as const) : [];
  const matrix = tableHtml(
    [...dims.map(h), 'runs', 'lost', 'skipped', 'duplicated', 'not replicated', ...pairedHead.map((f) => `<span title="minus the first variant of the same environment (the row showing —), run by run">paired Δ ${f}</span>`)],
    summary.map((s) => [...dims.map((d) => h(s.values[d])), h(runsText(s)), ...[s.figures.lost, s.figures.skipped, s.figures.duplicated, s.figures.notReplicated].map((x) => h(formatStat(x))), ...pairedHead.map((f) => h(pairedText(s.paired, f)))]),
    'matrix',
  );
  return `<h2>Lost / skipped / duplicated</h2>
${matrix}
<p class="sub">Median (min–max) over repetitions. Lost: never delivered and not on the backup. Skipped: never delivered but on the backup.
Unreached: on the backup beyond where the consumer stopped. Duplicated: delivered more than once. Not replicated: acked but absent from the backup (the RPO).</p>`;
}

export function renderHtml(model: ReportModel, chartJs: string): string {
  const r = model.results;
  const chart = comparisonChart(model.comparison);
  const data = JSON.stringify({ timelines: model.timelines, comparison: chart, catchUp: model.catchUpCurve }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mm2-drill: ${h(r.scenario.name)} — ${h(r.status)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;padding:0 1rem}
h1{margin-bottom:.2rem} .sub{color:#556} table{border-collapse:collapse;margin:.8rem 0}
th,td{border:1px solid #ccd;padding:.3rem .6rem;text-align:right} th{background:#eef1f7} td:first-child,th:first-child{text-align:left}
.status,.v{padding:.1rem .5rem;border-radius:.6rem;font-size:.85em;color:#fff;background:#777}
.passed,.pass{background:#2e7d32}.measured{background:#1565c0}.failed,.fail{background:#c62828}.error{background:#ad1457}.interrupted,.unknown{background:#ef6c00}
p.error{background:none;color:#ad1457} .chart{position:relative;height:300px;margin:1rem 0} .chart.small{height:200px} code{word-break:break-all;font-size:.85em}
section.cell{border-top:1px solid #dde;margin-top:1.5rem}
table.mirror-settings td{text-align:left;overflow-wrap:anywhere} mark{background:#ffe0b2}
.cards{display:flex;flex-wrap:wrap;gap:.6rem;margin:.8rem 0}
.card{flex:1 1 180px;border:1px solid #ccd;border-left:6px solid #90a4ae;border-radius:.4rem;padding:.4rem .7rem;background:#fafbfd}
.card .label{color:#556;font-size:.85em} .card .value{font-size:1.6em;font-weight:600} .card .detail{color:#445;font-size:.8em}
.card.tone-good{border-left-color:#2e7d32}.card.tone-bad{border-left-color:#c62828}.card.tone-bad .value{color:#c62828}
.card.tone-warn{border-left-color:#6a1b9a}.card.tone-unknown{border-left-color:#ef6c00}.card.tone-unknown .value{color:#ef6c00}
table.events th,table.events td:nth-child(3),table.events td:nth-child(4),table.faults th,table.faults td{text-align:left}
table.faults td:nth-child(3),table.faults td:nth-child(5){white-space:nowrap;font-variant-numeric:tabular-nums} table.events td:nth-child(4){overflow-wrap:anywhere}
table.events{width:100%} table.events td:nth-child(3){width:28%} table.events time{font-variant-numeric:tabular-nums;white-space:nowrap}
tr.ev-kill td{background:#ffebee} tr.ev-failover td,tr.ev-first-backup-delivery td{background:#e3f2fd}
tr.ev-fault-start td,tr.ev-fault-end td{background:#fff3e0} tr.ev-fault-error td,tr.ev-step-failed td,tr.ev-step-not-reached td{background:#fce4ec}
p.logs a{white-space:nowrap}
p.verdict{font-size:1.05em;line-height:1.5;margin:.5rem 0;padding:.5rem .8rem;background:#f4f6fb;border-left:4px solid #1565c0;border-radius:.3rem}
p.run-verdict{font-weight:600} .meta{font-size:.85em}
.story{margin-bottom:1rem} table.cell-checks{margin:.4rem 0} table.cell-checks td:nth-child(3) small{color:#556}
tr.check-fail td{background:#ffebee} tr.check-unknown td{background:#fff3e0}
nav.toc ul{margin:.2rem 0;padding-left:1.2rem} nav.toc li{margin:.25rem 0} nav.toc li.group{font-weight:600;list-style:square}
nav.toc li.group li{font-weight:400;list-style:disc} nav.toc .sub{font-size:.9em}
.chip{display:inline-block;font-size:.8em;border:1px solid #ccd;border-left:4px solid #90a4ae;border-radius:.3rem;padding:0 .4rem;margin:.1rem 0;background:#fafbfd;white-space:nowrap}
.chip.tone-good{border-left-color:#2e7d32}.chip.tone-bad{border-left-color:#c62828;color:#c62828}.chip.tone-warn{border-left-color:#6a1b9a}.chip.tone-unknown{border-left-color:#ef6c00;color:#ef6c00}
</style></head><body>
<h1>${h(r.scenario.name)} <span class="status ${h(r.status)}">${h(r.status)}</span></h1>
<p class="sub">${h(r.scenario.description)}</p>
<p class="sub meta">Run <code>${h(r.runId)}</code> from ${h(r.startedAt)} to ${n(r.finishedAt)}. Kafka ${h(r.environment.kafkaVersion)} (<code>${h(r.environment.kafkaImage)}</code>),
Toxiproxy <code>${h(r.environment.toxiproxyImage)}</code>, Node ${h(r.environment.node)}, ${h(r.environment.platform)}, mm2-drill ${h(r.tool.version)}.</p>
${drawSections(model, drawers(chart)).join('\n')}
<script>${chartJs}</script>
<script>
const DATA = ${data};
const PARTS = ${JSON.stringify(r.cells.map((c) => c.partitions ?? {})).replace(/</g, '\\u003c')};
const TRANSLATION = ${JSON.stringify(r.cells.map(translationChart)).replace(/</g, '\\u003c')};
// Fault windows shaded and events as vertical lines, labelled (no annotation plugin: Chart.js is
// inlined alone, and this is all the timeline needs).
const MARK_STYLE = { kill: ['#c62828', []], failover: ['#1565c0', [6, 3]], 'first-backup-delivery': ['#6a1b9a', [6, 3]], 'drain-done': ['#2e7d32', [2, 3]] };
const markStyle = (m) => MARK_STYLE[m.kind] || (/fail|error|not-reached/.test(m.kind) ? ['#ad1457', []] : ['#607d8b', [2, 2]]);
const marks = { id: 'marks', beforeDatasetsDraw(chart, _a, opts) {
  const { ctx, chartArea: a, scales: { x } } = chart; if (!opts) return;
  ctx.save(); ctx.font = '11px sans-serif';
  for (const w of opts.windows || []) {
    const x0 = Math.max(a.left, x.getPixelForValue(w.from)), x1 = w.to === null ? a.right : Math.min(a.right, x.getPixelForValue(w.to));
    if (x1 < a.left || x0 > a.right) continue;
    ctx.fillStyle = 'rgba(239,108,0,.15)'; ctx.fillRect(x0, a.top, Math.max(2, x1 - x0), a.bottom - a.top);
    ctx.fillStyle = '#8a4b00'; ctx.fillText(w.label, x0 + 4, a.bottom - 6);
  }
  for (const m of opts.marks || []) {
    const px = x.getPixelForValue(m.at); if (!(px >= a.left && px <= a.right)) continue;
    const [color, dash] = markStyle(m);
    ctx.strokeStyle = color; ctx.lineWidth = m.kind === 'kill' ? 2 : 1.5; ctx.setLineDash(dash);
    ctx.beginPath(); ctx.moveTo(px, a.top); ctx.lineTo(px, a.bottom); ctx.stroke(); ctx.setLineDash([]);
  }
  ctx.restore();
}, afterDatasetsDraw(chart, _a, opts) {
  // Labels over the curves on a white ground, each on the first row where it overlaps no
  // earlier label (events seconds apart — a kill, a failover, its first delivery — stay legible).
  const { ctx, chartArea: a, scales: { x } } = chart; if (!opts) return;
  ctx.save(); ctx.font = '11px sans-serif'; ctx.textBaseline = 'middle';
  const rows = [];
  const shown = (opts.marks || []).map((m) => ({ m, px: x.getPixelForValue(m.at) })).filter((o) => o.px >= a.left && o.px <= a.right).sort((p, q) => p.px - q.px);
  for (const { m, px } of shown) {
    const w = ctx.measureText(m.label).width;
    const tx = px + 3 + w > a.right ? px - 3 - w : px + 3;
    let r = rows.findIndex((end) => end < tx - 4);
    if (r < 0 && rows.length < 8) r = rows.length;
    if (r < 0) r = rows.indexOf(Math.min(...rows));
    rows[r] = tx + w;
    const y = a.top + 8 + r * 14;
    ctx.fillStyle = 'rgba(255,255,255,.85)'; ctx.fillRect(tx - 1, y - 6, w + 2, 12);
    ctx.fillStyle = markStyle(m)[0]; ctx.fillText(m.label, tx, y);
  }
  ctx.restore();
} };
// The comparison's whiskers (min–max) and the value of each bar: a 0 reads "0", an unknown "unknown", never a bar of 0.
const barValues = { id: 'barValues', afterDatasetsDraw(chart) {
  const { ctx, scales: { x } } = chart;
  ctx.save(); ctx.font = '11px sans-serif'; ctx.textBaseline = 'middle';
  chart.data.datasets.forEach((ds, di) => {
    const meta = chart.getDatasetMeta(di); if (meta.hidden) return;
    meta.data.forEach((bar, j) => {
      const y = bar.y; if (!Number.isFinite(y)) return;
      const v = ds.data[j], lo = ds.min[j], hi = ds.max[j];
      ctx.strokeStyle = '#333'; ctx.lineWidth = 1;
      if (v !== null && lo !== hi) {
        const a = x.getPixelForValue(lo), b = x.getPixelForValue(hi);
        ctx.beginPath(); ctx.moveTo(a, y); ctx.lineTo(b, y); ctx.moveTo(a, y - 3); ctx.lineTo(a, y + 3); ctx.moveTo(b, y - 3); ctx.lineTo(b, y + 3); ctx.stroke();
      }
      const end = x.getPixelForValue(v === null ? 0 : Math.max(v, hi ?? v));
      ctx.fillStyle = v === null ? '#ef6c00' : '#333';
      ctx.fillText(v === null ? 'unknown' : String(v) + (ds.unknown[j] ? ' ?' : ''), end + 4, y);
    });
  });
  ctx.restore();
} };
DATA.timelines.forEach((tl, i) => {
  const el = document.getElementById('timeline-' + i); if (!el) return;
  const pts = (ys) => tl.t.map((t, j) => ({ x: t, y: ys[j] }));
  new Chart(el, { type: 'line', data: { datasets: [
      { label: 'acked', data: pts(tl.acked), borderColor: '#1565c0', pointRadius: 0 },
      { label: 'replicated to the backup', data: pts(tl.replicated), borderColor: '#2e7d32', pointRadius: 0, spanGaps: true },
      { label: 'delivered to the consumer', data: pts(tl.delivered), borderColor: '#6a1b9a', pointRadius: 0 },
    ] },
    plugins: [marks],
    options: { animation: false, maintainAspectRatio: false, parsing: true, scales: { x: { type: 'linear', title: { display: true, text: tl.clock } }, y: { title: { display: true, text: 'messages' } } },
      plugins: { marks: { windows: tl.faults, marks: tl.marks }, title: { display: true, text: tl.key } } } });
});
PARTS.forEach((parts, i) => {
  const el = document.getElementById('partitions-' + i); if (!el) return;
  const names = Object.keys(parts);
  const series = [['lost', '#c62828'], ['skipped', '#ef6c00'], ['duplicated', '#6a1b9a']];
  new Chart(el, { type: 'bar', data: { labels: names, datasets: series.map(([k, color]) => ({ label: k, data: names.map((n) => parts[n][k]), backgroundColor: color })) },
    options: { animation: false, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'messages' } } },
      plugins: { title: { display: true, text: 'per source partition' } } } });
});
TRANSLATION.forEach((tr, i) => {
  const el = document.getElementById('translation-' + i); if (!el || !tr) return;
  const colors = ['#1565c0', '#2e7d32', '#6a1b9a', '#ef6c00', '#ad1457', '#00838f'];
  new Chart(el, { type: 'line', data: { datasets: Object.entries(tr.series).map(([tp, pts], j) => ({ label: tp, data: pts.map(([x, y]) => ({ x, y })), borderColor: colors[j % colors.length], pointRadius: 2, stepped: true })) },
    options: { animation: false, maintainAspectRatio: false, scales: { x: { type: 'linear', title: { display: true, text: tr.x === 'seconds' ? 'seconds from the cell start (MM2 emitted the checkpoint)' : 'checkpoint, in order' } },
      y: { title: { display: true, text: 'downstream − true (records)' } } },
      plugins: { title: { display: true, text: 'translation error per remote partition' } } } });
});
(() => {
  const c = DATA.catchUp; const el = document.getElementById('catch-up'); if (!el || !c) return;
  const colors = ['#1565c0', '#2e7d32', '#6a1b9a', '#ef6c00', '#ad1457', '#00838f'];
  const text = (p) => p.perSecond !== null ? Math.round(p.perSecond) + ' msg/s (' + Math.round(p.min) + '–' + Math.round(p.max) + ')' : p.atLeast !== null ? 'at least ' + Math.round(p.atLeast) + ' msg/s (drained within one sample)' : 'not measured';
  new Chart(el, { type: 'line', data: { datasets: c.lines.map((l, j) => ({ label: l.label, borderColor: colors[j % colors.length], backgroundColor: colors[j % colors.length],
      data: l.points.map((p) => ({ x: p.x, y: p.perSecond ?? p.atLeast, p })), pointStyle: l.points.map((p) => p.perSecond === null ? 'triangle' : 'circle'), pointRadius: 5 })) },
    options: { animation: false, maintainAspectRatio: false, scales: { x: { type: 'linear', title: { display: true, text: c.x } }, y: { beginAtZero: true, title: { display: true, text: 'records copied per second while behind' } } },
      plugins: { tooltip: { callbacks: { label: (t) => t.dataset.label + ': ' + text(t.raw.p) } } } } });
})();
(() => {
  const c = DATA.comparison; const el = document.getElementById('comparison'); if (!el) return;
  const stat = (ds, j) => ds.data[j] === null ? 'unknown' : ds.data[j] + (ds.min[j] === ds.max[j] ? '' : ' (' + ds.min[j] + '–' + ds.max[j] + ')') + (ds.unknown[j] ? ', unknown in ' + ds.unknown[j] + ' run(s)' : '');
  new Chart(el, { type: 'bar', data: { labels: c.labels, datasets: c.datasets }, plugins: [barValues],
    options: { indexAxis: 'y', animation: false, maintainAspectRatio: false, layout: { padding: { right: 60 } },
      scales: { y: { ticks: { autoSkip: false } }, x: { beginAtZero: true, grace: '10%', title: { display: true, text: 'messages (median; whiskers: min–max)' } } },
      plugins: { tooltip: { callbacks: { label: (t) => t.dataset.label + ': ' + stat(t.dataset, t.dataIndex) } } } } });
})();
</script>
</body></html>
`;
}

/** report.html, with Chart.js inlined (its source handed in: a reporter reads no file). */
export const htmlReporter = (chartJs: string): FileReporter => ({ name: 'html', file: 'report.html', render: (model) => renderHtml(model, chartJs) });
