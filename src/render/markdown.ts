/** summary.md: the run as a Markdown report (also appended to $GITHUB_STEP_SUMMARY), every section of the report model. */
import { causes } from '../core/checker/attribution.ts';
import type { Count } from '../core/checker/ledger.ts';
import type { CellResult } from '../core/results/results.ts';
import { formatStat, pairedText, runsText } from '../core/results/summary.ts';
import { drawSections, type ReportModel, type SectionDrawers } from '../core/results/report-model.ts';
import type { FileReporter } from './reporter.ts';
import { boundText, duplicatesText, gapText, overText } from './table.ts';
import { incarnationRows, layoutRows, moveRows, propagationRows, roundTripRows, stepRows } from './round-trip-rows.ts';
import { cellsWithFile, countsText, fileText, settingRows } from './mirror-settings-rows.ts';
import { eventCells, eventHead, faultCells, faultHead, headlineText } from './cell-run-rows.ts';
import type { LogFile } from '../core/results/log-files.ts';
import { alarmRows } from './alarm-rows.ts';
import { topicRows } from './topic-rows.ts';
import { cellVerdict, runVerdict } from './verdict-sentence.ts';
import { clockOf, workloadClockLabel } from '../core/results/clock.ts';
import { rateRows } from './rate-rows.ts';
import { restartRows } from './restart-rows.ts';
import { aclRows, refusalRows } from './acl-rows.ts';
import { catchUpRows } from './catch-up-rows.ts';
import { BELOW_ASKED } from '../core/checker/workload-rate.ts';
import { keyOrderText } from './key-order-text.ts';
import { brokenInvariants, invariantDetail } from './invariant-text.ts';

const n = (c: Count | number | null | undefined) => (c === null || c === undefined ? '—' : String(c));

/**
 * The summary is appended to $GITHUB_STEP_SUMMARY, rendered as Markdown with HTML: a scenario's
 * description, a matrix value, an error message or a crafted results.json must show as text, not
 * become an image, a link or a closed `<details>`. Control characters (terminal escapes, bidi
 * overrides that reorder what a reader sees) are dropped, line breaks become spaces (they would end
 * a table row or open a block), and every character Markdown or HTML give a meaning to becomes a
 * character reference — read as the character itself in Markdown text and in HTML blocks alike.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const plain = (s: unknown) => String(s).replace(CONTROL, '').replace(/\s*[\r\n]+\s*/g, ' ');
const named: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
export const mdText = (s: unknown): string => plain(s).replace(/[&<>`*_[\]\\|~]/g, (ch) => named[ch] ?? `&#${ch.charCodeAt(0)};`);
/** Text on a line of its own: one that starts like a heading or a list would be one. */
const mdLine = (s: unknown): string => mdText(s).replace(/^(\s*)([#+=-]|\d+[.)])/, (_m, sp: string, lead: string) => `${sp}&#${lead.charCodeAt(0)};${lead.slice(1)}`);
/** A value in a code span: shown literally; only a backtick (it would end the span), a pipe (it would end a table cell) and control characters need care. */
const code = (s: unknown) => `\`${plain(s).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
/** `markdown`: the cells are Markdown already made safe (code spans); otherwise each is text. */
export const table = (head: readonly string[], rows: readonly (readonly string[])[], markdown = false) =>
  [row(head.map(mdText)), row(head.map(() => '---')), ...rows.map((r) => row(markdown ? r : r.map(mdText)))].join('\n');
const verdictIcon = { pass: '✅', fail: '❌', unknown: '❔' } as const;
const statusIcon = (c: CellResult): string => ({ passed: '✅', measured: '📏', failed: '❌', error: '💥', interrupted: '⏹' })[c.status];

/** The sections of summary.md (core/results/report-model.ts), in Markdown; each starts with an empty line. */
const drawers: SectionDrawers<string[]> = {
  verdict: ({ results: r }) => [
    '',
    `**${mdText(runVerdict(r))}**`,
    ...(r.cells.length > 1 || r.cells[0]?.error ? ['', ...r.cells.map((c) => `- ${statusIcon(c)} ${mdText(c.key)}: ${mdText(cellVerdict(c))}`)] : ['', mdLine(cellVerdict(r.cells[0]!))]),
  ],
  // report.html's: the summary is one page, read top to bottom.
  contents: null,
  matrix: ({ summary, dimensions: dims, paired }) => [
    '',
    '## Lost / skipped / duplicated per cell',
    '',
    table(
      [...dims, 'runs', 'lost', 'skipped', 'duplicated', 'not replicated', 'failover gap s', ...(paired ? ['paired Δ lost', 'paired Δ skipped', 'paired Δ duplicated'] : [])],
      summary.map((s) => [
        ...dims.map((d) => String(s.values[d] ?? '')),
        runsText(s),
        formatStat(s.figures.lost), formatStat(s.figures.skipped), formatStat(s.figures.duplicated), formatStat(s.figures.notReplicated),
        s.figures.failoverGapMs ? formatStat({ ...s.figures.failoverGapMs, median: s.figures.failoverGapMs.median / 1000, min: s.figures.failoverGapMs.min / 1000, max: s.figures.failoverGapMs.max / 1000 }, 1) : 'unknown',
        ...(paired ? (['lost', 'skipped', 'duplicated'] as const).map((f) => pairedText(s.paired, f)) : []),
      ]),
    ),
    '',
    'Values are median (min–max) over repetitions; `+N?` counts runs where the figure was unknown.',
    ...(paired ? ['', 'Paired Δ: the cell minus the first variant of its environment (the row showing —), run by run — both faced the same kill — median (min…max).'] : []),
  ],
  'cell-run-table': ({ results: r }) => [
    '',
    '## Every cell run',
    '',
    table(
      ['', 'cell run', 'acked', 'lost', 'skipped', 'unreached', 'exactly once', 'duplicated (extra)', 'by failover / before kill', 'predicted', 'not replicated', 'indeterminate (appeared)', 'failover gap s (wait + rest)', 'lag at kill'],
      r.cells.map((c) => {
        const k = c.counts;
        return [
          statusIcon(c), c.key, n(k?.acked), n(k?.lost), n(k?.skipped), n(k?.unreached), n(k?.exactlyOnce),
          k ? `${k.duplicated} (${k.extraDeliveries})` : '—', k ? duplicatesText(k) : '—', boundText(c.expected), n(k?.notReplicated), k ? `${k.indeterminate} (${k.indeterminateAppeared})` : '—',
          gapText(c), c.atKill.lagMessages === null ? '—' : `${c.atKill.lagMessages} msg`,
        ];
      }),
    ),
  ],
  'cell-run-headlines': ({ results, logs }) => cellRunSections(results.cells, logs),
  'round-trip': ({ results: r }) => {
    const trip = roundTripRows(r);
    if (!trip.rows.length) return null;
    const steps = stepRows(r);
    const moves = moveRows(r);
    const out = ['', '## Round trip (playbook cells)', '', table(trip.head, trip.rows), '', '### Steps', '', table(steps.head, steps.rows), '', '### Consumer moves', '', table(moves.head, moves.rows)];
    const inc = incarnationRows(r);
    const lay = layoutRows(r);
    if (inc.rows.length) out.push('', '### Recreated topics: incarnations', '', table(inc.head, inc.rows), '', table(lay.head, lay.rows));
    const prop = propagationRows(r);
    if (prop.rows.length) out.push('', '### Topic changes and their propagation', '', table(prop.head, prop.rows));
    return out;
  },
  alarms: ({ results: r }) => {
    const alarms = alarmRows(r.cells);
    return alarms.rows.length ? ['', '## Alarms', '', `Times in ${workloadClockLabel}; "firing for" is how long the alarm had been firing, without clearing, when the primary was killed (docs/alarms.md says what each signal can tell).`, '', table(alarms.head, alarms.rows)] : null;
  },
  topics: ({ results: r }) => {
    const topics = topicRows(r.cells);
    return topics.rows.length ? ['', '## Replication per topic', '', "Lag up to the kill: per sample, the age of the oldest message acked on the primary and not yet on the backup (the topic's worst partition), and the messages the backup trailed by. Not replicated: acked before the kill and never found on the backup; RPO: the kill's time minus the oldest of those (docs/topologies.md).", '', table(topics.head, topics.rows)] : null;
  },
  'workload-rate': ({ results: r }) => {
    const rates = rateRows(r.cells);
    return rates.rows.length ? ['', '## Workload: asked vs achieved rate', '', `Achieved: the topic's acked records over its producing window (first to last ack, per cluster written to). Below asked: under ${BELOW_ASKED * 100} % of the asked rate — the drill measured a lighter load than asked (docs/results.md).`, '', table(rates.head, rates.rows)] : null;
  },
  'not-gated': ({ results: r }) => (r.status === 'measured' ? ['', '> No threshold applied to any cell: the figures are measured, nothing was gated.'] : null),
  attribution: ({ results: r }) => {
    const why = r.cells.filter((c) => c.attribution);
    if (!why.length) return null;
    const out = ['', '## Why: the failover\'s duplicates and skips by cause', ''];
    for (const c of why) {
      const a = c.attribution!;
      const rows = [
        ...a.duplicates.parts.map((p) => ['duplicated', p.cause, String(p.messages), p.expectedMax === null ? '—' : `≤ ${p.expectedMax}`, causes[p.cause]]),
        ...a.skips.parts.map((p) => ['skipped', p.cause, String(p.messages), p.expectedMax === null ? '—' : `≤ ${p.expectedMax}`, causes[p.cause]]),
      ];
      out.push(`**${mdText(c.key)}** (${mdText(a.strategy)}): ${mdText(a.duplicates.total)} duplicated by the failover, ${mdText(a.skips.total)} skipped`, '', table(['', 'cause', 'messages', 'predicted', 'meaning'], rows), '');
    }
    return out;
  },
  thresholds: ({ results: r }) => {
    const checks = [
      ...r.cells.flatMap((c) => c.checks.map((x) => [verdictIcon[x.verdict], c.key, x.figure, x.expression, n(x.value)])),
      ...r.summary.flatMap((s) => (s.checks ?? []).map((x) => [verdictIcon[x.verdict], overText(s.cellId, x), x.figure, `${x.over} ${x.expression}`, n(x.value)])),
    ];
    return checks.length ? ['', '## Thresholds', '', table(['', 'cell run', 'figure', 'threshold', 'measured'], checks)] : null;
  },
  'properties-file': ({ results }) => propertiesFileSection(results.cells),
  errors: ({ results: r }) => {
    const errors = r.cells.filter((c) => c.error);
    return errors.length ? ['', '## Errors', '', ...errors.map((c) => `- **${mdText(c.key)}** ${code(c.error!.code)}: ${mdText(c.error!.message)}${c.retriedAs !== undefined ? ` — ${mdText(`retried as ${c.retriedAs ?? '(no result)'}, not counted`)}` : ''}`)] : null;
  },
  bounds: ({ results: r }) => {
    const outside = r.cells.filter((c) => c.expected && (c.expected.holds !== true || c.expected.evidence.length));
    return outside.length
      ? ['', '## Expected bounds and evidence', '', ...outside.map((c) => `- **${mdText(c.key)}** (${mdText(c.expected!.strategy)}): measured ${mdText(c.expected!.measuredDuplicates)} duplicated, predicted ≤ ${mdText(c.expected!.maxDuplicates)} (${mdText(c.expected!.reasoning)})${c.expected!.holds === 'unknown' ? ' — unknown: the skips could not be counted' : c.expected!.holds ? '' : ' — **BROKEN**'}${c.expected!.evidence.map((e) => `\n  - ${mdText(e)}`).join('')}`)]
      : null;
  },
  consistency: ({ results: r }) => {
    const notProven = r.cells.flatMap((c) => (c.consistency?.checks ?? []).filter((x) => x.verdict !== 'pass').map((x) => `- **${mdText(c.key)}** ${x.verdict === 'fail' ? '❌ **failed**' : '❔ unknown'} ${code(x.name)}: ${mdText(x.detail)}`));
    return notProven.length ? ['', '## Consistency checks not passed (a failure is a harness bug)', '', ...notProven] : null;
  },
  acls: ({ results: r }) => {
    const acls = aclRows(r.cells);
    const refusals = refusalRows(r.cells);
    return acls.rows.length || refusals.rows.length
      ? ['', '## Permissions after the failover', '', "The workload's ACLs on the backup and when each arrived (MM2's ACL sync copies LITERAL topic ACLs only, renamed, ALLOW ALL as READ, never ALLOW WRITE nor group ACLs), what the primary had that the backup lacked at the kill, and each moved client's first refusal by the backup's authorizer.", '', table(acls.head, acls.rows), '', table(refusals.head, refusals.rows)]
      : null;
  },
  'mirror-restarts': ({ results: r }) => {
    const restarts = restartRows(r.cells);
    return restarts.rows.length ? ['', '## MM2 restarts', '', "Per restart of MM2 by the timeline: how long it was down (stop → fresh start), when it copied again (stop → the first new record on the backup) and its replication duplicates — ids copied before the restart and again after it, MM2 having resumed from the source offsets it last flushed (`offset.flush.interval.ms`). Times from the cell's start.", '', table(restarts.head, restarts.rows)] : null;
  },
  'catch-up': ({ results: r }) => {
    const rows = catchUpRows(r.cells);
    return rows.rows.length ? ['', "## MM2's catch-up after each fault", '', "Per fault healed while replication was sampled: the records the backup trailed by at the heal, when MM2 copied again and when it had caught up (s from the heal), and its copy rate while it still had records older than the previous sample to copy — the most it sustains on that path; min–max: how long the window can have been, given when each sample read. `≥`: the backlog drained within one sampling interval, a lower bound (core/checker/catch-up.ts).", '', table(rows.head, rows.rows)] : null;
  },
  'mm2-findings': ({ results: r }) => {
    const broken = brokenInvariants(r.cells).map(({ key, check }) => `- **${mdText(key)}** ${code(check.name)}: ${mdText(invariantDetail(check))}`);
    return broken.length ? ['', "## MM2's invariants broken (findings about MirrorMaker 2, not the drill)", '', ...broken] : null;
  },
  'key-order': ({ results: r }) => {
    const keyed = r.cells.filter((c) => c.keyOrder);
    return keyed.length
      ? ['', '## Order per key (keyed workload)', '', 'Nonmonotonic: a value first delivered after a newer value of its key; poll-skip: never delivered while a newer one was (src/core/checker/key-order.ts).', '', ...keyed.map((c) => `- **${mdText(c.key)}** ${mdText(keyOrderText(c.keyOrder!))}`)]
      : null;
  },
  // A chart and a page per cell run are report.html's; the summary is also read on GitHub, as text.
  comparison: null,
  'cell-run-pages': null,
};

/** summary.md: the run's header, then its sections. Log files are listed, not linked: the summary is also read on GitHub. */
export function renderMarkdown(model: ReportModel): string {
  const r = model.results;
  const out: string[] = [
    `# mm2-drill: ${mdText(r.scenario.name)} — ${mdText(r.status.toUpperCase())}`,
    '',
    mdLine(r.scenario.description),
    '',
    `Run ${code(r.runId)}, ${mdText(r.startedAt)}${r.finishedAt ? ` → ${mdText(r.finishedAt)}` : ''}; Kafka ${mdText(r.environment.kafkaVersion)} (${code(r.environment.kafkaImage)}), Toxiproxy ${code(r.environment.toxiproxyImage)}, Node ${mdText(r.environment.node)}, ${mdText(r.environment.platform)}.`,
    ...drawSections(model, drawers).flat(),
  ];
  return `${out.join('\n')}\n`;
}

export const markdownReporter: FileReporter = { name: 'markdown', file: 'summary.md', stepSummary: true, render: renderMarkdown };

/**
 * Per cell run: its headline in one line (RPO, lost, skipped, duplicated and why, failover gap),
 * its events folded (wall clock in UTC, seconds from the workload's start), its faults, its log files.
 */
function cellRunSections(cells: readonly CellResult[], logs: Record<string, readonly LogFile[]>): string[] {
  if (!cells.length) return [];
  const out = ['', '## Each cell run', '', "Times: the wall clock in UTC, and seconds from the workload's start — the terminal's clock and the scenario timeline's (`at`); results.json's `phases`, `faults` and `events` count from the cell's start; `phases.workload-started` ties the two."];
  for (const c of cells) {
    out.push('', `**${statusIcon(c)} ${mdText(c.key)}** — ${mdText(headlineText(c))}`);
    const events = eventCells(c);
    if (events.length) out.push('', `<details><summary>Events (${events.length}); the s column: ${mdText(clockOf(c).label)}</summary>`, '', table(eventHead, events), '', '</details>');
    const faults = faultCells(c);
    if (faults.length) out.push('', table(faultHead, faults));
    const files = logs[c.key] ?? [];
    if (files.length) {
      const dir = files[0]!.path.slice(0, files[0]!.path.lastIndexOf('/') + 1);
      out.push('', `Logs in ${code(dir)}: ${files.map((f) => mdText(f.path.slice(dir.length))).join(', ')}`);
    }
  }
  return out;
}

/** Per matrix cell that drilled a team's MM2 properties file: the properties MM2 ran with, what the drill changed from the file and why. */
function propertiesFileSection(cells: readonly CellResult[]): string[] {
  const shown = cellsWithFile(cells);
  if (!shown.length) return [];
  const out = ['', '## MM2 properties from your file', '', '✏️ marks what the drill ran differently from the file: the value in the file → the value used, and why (docs/mm2-properties.md has the rules).'];
  for (const c of shown) {
    const rows = settingRows(c);
    out.push(
      '', `<details><summary><b>${mdText(c.cellId)}</b>: ${mdText(fileText(c.propertiesFile!))}: ${mdText(countsText(rows))}</summary>`, '',
      // Values in code spans: regexes and `*` stay literal.
      table(['', 'property', 'value used', 'in the file', 'changed by', 'why'], rows.map((x) => [
        x.changed ? '✏️' : '', code(x.key), x.value === null ? '(left out)' : code(x.value),
        !x.changed ? '=' : x.fileValue === null ? '(not set)' : `${x.fileValue === '(redacted)' ? x.fileValue : code(x.fileValue)}${x.fileKey ? ` as ${code(x.fileKey)}` : ''}`,
        mdText(x.by ?? ''), mdText(x.reason),
      ]), true),
      '', '</details>',
    );
  }
  return out;
}
