/**
 * report.html: one self-contained file a team can attach to a ticket — the scenario, the
 * environment, the matrix, thresholds, charts (Chart.js, inlined) and the ids behind the counts.
 */
import { causes, type Attribution, type Part } from '../core/attribution.ts';
import type { Count, Sample } from '../core/ledger.ts';
import type { CellResult } from '../core/results.ts';
import type { ReportModel } from '../core/report-model.ts';
import { eras, type Era, type RoundTrip } from '../core/round-trip.ts';
import { copiesText, incarnationCells, incarnationHead, layoutCells, layoutHead, offsetsText, propagationCells, propagationHead } from './round-trip-rows.ts';
import { formatStat, runsText, summarize } from '../core/summary.ts';
import { countsText, fileText, settingRows } from './mirror-settings-rows.ts';

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
  ${tableHtml(['check', 'verdict', 'detail'], checks.map((x) => [h(x.name), `<span class="v ${x.verdict}">${x.verdict}</span>`, h(x.detail)]), 'consistency')}</details>`;
}

function roundTripHtml(rt: RoundTrip): string {
  const classes = (x: RoundTrip['byEra'][Era]) => [x.acked, x.lost, x.skipped, x.unreached, x.exactlyOnce, x.duplicated].map(n);
  const ids = (label: string, list: Sample) => (list === 'unknown' ? `<p>${label}: unknown</p>` : list.length ? `<details><summary>${label} (first ${list.length})</summary><code>${list.map(h).join(' ')}</code></details>` : '');
  return `<h4>Round trip: ${n(rt.stranded)} stranded, ${n(rt.resurrected)} resurrected (${n(rt.resurrectedDelivered)} delivered), ${n(rt.vanished)} vanished; the consumer finished on ${n(rt.finalCluster)}</h4>
  ${tableHtml(['era', 'acked', 'lost', 'skipped', 'unreached', 'exactly once', 'duplicated', 'copies on the primary', 'copies on the backup'],
    eras.map((e) => [h(e), ...classes(rt.byEra[e]), h(copiesText(rt.copies[e].primary)), h(copiesText(rt.copies[e].backup))]), 'round-trip')}
  ${tableHtml(['move', 'to', 'committed offsets found', 'resumed at'], rt.moves.map((m) => [h(m.label), h(m.to), h(offsetsText(m.committed)), h(offsetsText(m.resumedAt))]), 'moves')}
  ${tableHtml(['step', 'start s', 'took s', 'detail'], rt.steps.map((s) => [h(s.label), (s.startMs / 1000).toFixed(1), s.durationMs === null ? h(s.state) : (s.durationMs / 1000).toFixed(1), h(s.detail ?? '')]), 'steps')}
  ${rt.incarnations.length ? `<h4>Recreated topics: ${rt.incarnationUnknown} acked id(s) of unknown incarnation</h4>${tableHtml(incarnationHead, incarnationCells(rt).map((r) => r.map(h)), 'incarnations')}${tableHtml(layoutHead, layoutCells(rt).map((r) => r.map(h)), 'layouts')}` : ''}
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

function cellSection(c: CellResult, i: number): string {
  const k = c.counts;
  const ids = (label: string, list: Sample | undefined, total: Count | undefined) =>
    list === 'unknown'
      ? `<p>${label}: unknown (the backup was not read completely)</p>`
      : list && list.length ? `<details><summary>${label}: showing ${list.length} of ${n(total)}</summary><code>${list.map(h).join(' ')}</code></details>` : '';
  const parts = Object.entries(c.partitions ?? {});
  return `<section class="cell" id="cell-${i}">
  <h3>${h(c.key)} <span class="status ${c.status}">${c.status}</span></h3>
  ${c.error ? `<p class="error"><b>${h(c.error.code)}</b>: ${h(c.error.message)}</p>` : ''}
  <p>Remote topic ${c.remoteTopics.map((t) => `<code>${h(t)}</code>`).join(', ')}; failover gap ${c.failoverGapMs === null ? 'unknown' : `${(c.failoverGapMs / 1000).toFixed(1)} s`}${c.failoverDelayMs === null || c.failoverRemainderMs === null ? '' : ` (${(c.failoverDelayMs / 1000).toFixed(1)} s configured wait + ${(c.failoverRemainderMs / 1000).toFixed(1)} s measured)`};
  at the kill: lag ${n(c.atKill.lagMessages)} messages, group sync age ${c.atKill.groupSyncAgeMs === null ? '—' : `${(c.atKill.groupSyncAgeMs / 1000).toFixed(1)} s`}.</p>
  ${c.expected ? `<p>Failover <b>${h(c.expected.strategy)}</b>: ${h(c.expected.measuredDuplicates)} duplicated by the failover, predicted ≤ ${h(c.expected.maxDuplicates)}${c.expected.skipsPossible ? '' : ' and no skips'}
  <span class="v ${c.expected.holds ? 'pass' : 'fail'}">${c.expected.holds ? 'within bound' : 'bound broken'}</span><br><small>${h(c.expected.reasoning)}</small></p>
  ${c.expected.evidence.length ? `<ul>${c.expected.evidence.map((e) => `<li>${h(e)}</li>`).join('')}</ul>` : ''}` : ''}
  <div class="chart"><canvas id="timeline-${i}" aria-label="timeline ${h(c.key)}"></canvas></div>
  ${parts.length ? `<div class="chart small"><canvas id="partitions-${i}" aria-label="per-partition breakdown ${h(c.key)}"></canvas></div>` : ''}
  ${parts.length ? tableHtml(['partition', 'acked', 'lost', 'skipped', 'unreached', 'exactly once', 'duplicated'], parts.map(([p, x]) => [h(p), ...[x.acked, x.lost, x.skipped, x.unreached, x.exactlyOnce, x.duplicated].map(n)]), 'partitions') : ''}
  ${c.roundTrip ? roundTripHtml(c.roundTrip) : ''}
  ${c.attribution ? attributionHtml(c.attribution) : ''}
  ${consistencyHtml(c)}
  ${propertiesFileHtml(c)}
  ${ids('Skipped ids', c.samples?.skipped, k?.skipped)}${ids('Unreached ids', c.samples?.unreached, k?.unreached)}${ids('Duplicated ids', c.samples?.duplicated, k?.duplicated)}${ids('Lost ids', c.samples?.lost, k?.lost)}
</section>`;
}

export function renderHtml(model: ReportModel, chartJs: string): string {
  const r = model.results;
  const summaries = summarize(r.cells);
  const dims = [...new Set(summaries.flatMap((s) => Object.keys(s.values)))];
  const matrix = tableHtml(
    [...dims.map(h), 'runs', 'lost', 'skipped', 'duplicated', 'not replicated'],
    summaries.map((s) => [...dims.map((d) => h(s.values[d])), h(runsText(s)), ...[s.figures.lost, s.figures.skipped, s.figures.duplicated, s.figures.notReplicated].map((x) => h(formatStat(x)))]),
    'matrix',
  );
  const checks = r.cells.flatMap((c) => c.checks.map((x) => [h(c.key), h(x.figure), h(x.expression), n(x.value), `<span class="v ${x.verdict}">${x.verdict}</span>`]));
  const data = JSON.stringify({ timelines: model.timelines, comparison: model.comparison }).replace(/</g, '\\u003c');
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
</style></head><body>
<h1>${h(r.scenario.name)} <span class="status ${h(r.status)}">${h(r.status)}</span></h1>
<p class="sub">${h(r.scenario.description)}</p>
<p>Run <code>${h(r.runId)}</code> from ${h(r.startedAt)} to ${n(r.finishedAt)}. Kafka ${h(r.environment.kafkaVersion)} (<code>${h(r.environment.kafkaImage)}</code>),
Toxiproxy <code>${h(r.environment.toxiproxyImage)}</code>, Node ${h(r.environment.node)}, ${h(r.environment.platform)}, mm2-drill ${h(r.tool.version)}.</p>
<h2>Lost / skipped / duplicated</h2>
${matrix}
<p class="sub">Median (min–max) over repetitions. Lost: never delivered and not on the backup. Skipped: never delivered but on the backup.
Unreached: on the backup beyond where the consumer stopped. Duplicated: delivered more than once. Not replicated: acked but absent from the backup (the RPO).</p>
${checks.length ? `<h2>Thresholds</h2>${tableHtml(['cell run', 'figure', 'threshold', 'measured', 'verdict'], checks, 'checks')}` : ''}
<h2>Skipped and duplicated per cell</h2>
<div class="chart"><canvas id="comparison" aria-label="comparison chart"></canvas></div>
<h2>Cell runs</h2>
${r.cells.map(cellSection).join('\n')}
<script>${chartJs}</script>
<script>
const DATA = ${data};
const PARTS = ${JSON.stringify(r.cells.map((c) => c.partitions ?? {})).replace(/</g, '\\u003c')};
const shade = { id: 'shade', beforeDatasetsDraw(chart, _a, opts) {
  const { ctx, chartArea: a, scales: { x } } = chart; if (!opts || !opts.windows) return;
  ctx.save();
  for (const w of opts.windows) {
    const x0 = x.getPixelForValue(w.from), x1 = w.to === null ? a.right : x.getPixelForValue(w.to);
    ctx.fillStyle = w.kill ? 'rgba(198,40,40,.85)' : 'rgba(239,108,0,.15)';
    ctx.fillRect(x0, a.top, w.kill ? 2 : Math.max(2, x1 - x0), a.bottom - a.top);
    ctx.fillStyle = '#333'; ctx.font = '11px sans-serif'; ctx.fillText(w.label, x0 + 4, a.top + 12);
  }
  ctx.restore();
} };
Chart.register(shade);
DATA.timelines.forEach((tl, i) => {
  const el = document.getElementById('timeline-' + i); if (!el) return;
  const pts = (ys) => tl.t.map((t, j) => ({ x: t, y: ys[j] }));
  const windows = tl.faults.map((f) => ({ ...f, kill: false }));
  if (tl.kill !== null) windows.push({ from: tl.kill, to: tl.kill, label: 'kill', kill: true });
  new Chart(el, { type: 'line', data: { datasets: [
      { label: 'acked', data: pts(tl.acked), borderColor: '#1565c0', pointRadius: 0 },
      { label: 'replicated to the backup', data: pts(tl.replicated), borderColor: '#2e7d32', pointRadius: 0, spanGaps: true },
      { label: 'delivered to the consumer', data: pts(tl.delivered), borderColor: '#6a1b9a', pointRadius: 0 },
    ] },
    options: { animation: false, maintainAspectRatio: false, parsing: true, scales: { x: { type: 'linear', title: { display: true, text: 'seconds' } }, y: { title: { display: true, text: 'messages' } } },
      plugins: { shade: { windows }, title: { display: true, text: tl.key } } } });
});
PARTS.forEach((parts, i) => {
  const el = document.getElementById('partitions-' + i); if (!el) return;
  const names = Object.keys(parts);
  const series = [['lost', '#c62828'], ['skipped', '#ef6c00'], ['duplicated', '#6a1b9a']];
  new Chart(el, { type: 'bar', data: { labels: names, datasets: series.map(([k, color]) => ({ label: k, data: names.map((n) => parts[n][k]), backgroundColor: color })) },
    options: { animation: false, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'messages' } } },
      plugins: { title: { display: true, text: 'per source partition' } } } });
});
(() => {
  const c = DATA.comparison; const el = document.getElementById('comparison'); if (!el) return;
  const xs = [...new Set(c.points.map((p) => p.x))];
  const colors = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f'];
  const datasets = [];
  [...new Set(c.points.map((p) => p.series))].forEach((s, i) => ['duplicated', 'skipped'].forEach((fig) => {
    const row = xs.map((x) => c.points.find((p) => p.series === s && p.x === x && p.figure === fig));
    const color = colors[(2 * i + (fig === 'skipped' ? 1 : 0)) % colors.length];
    const name = (c.series ? s + ' ' : '') + fig;
    datasets.push({ label: name + ' max', data: row.map((p) => p ? p.max : null), borderColor: 'transparent', pointRadius: 0, fill: false });
    datasets.push({ label: name + ' min', data: row.map((p) => p ? p.min : null), borderColor: 'transparent', backgroundColor: color + '33', pointRadius: 0, fill: '-1' });
    datasets.push({ label: name, data: row.map((p) => p ? p.median : null), borderColor: color, backgroundColor: color });
  }));
  new Chart(el, { type: 'line', data: { labels: xs, datasets }, options: { animation: false, maintainAspectRatio: false,
    scales: { x: { title: { display: true, text: c.dimension || 'cell' } }, y: { beginAtZero: true, title: { display: true, text: 'messages (median, band: min–max)' } } },
    plugins: { legend: { labels: { filter: (i) => !/ (min|max)$/.test(i.text) } } } } });
})();
</script>
</body></html>
`;
}
