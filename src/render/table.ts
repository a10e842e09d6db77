/**
 * The terminal reporter (`terminalReporter`), over the report model. By default a compact
 * summary: one ✓/✗ line per cell run with its headline figures and what failed, then the
 * verdict (`summaryLines`, `verdictLine`). With
 * `--verbose`, the full tables (cli-table3) before it: the matrix table puts the first
 * dimension in rows and the second in columns, each cell showing lost / skipped / duplicated;
 * the detail table shows every figure of every cell run — the model's sections the terminal
 * has a place for, in the list's order.
 */
import Table from 'cli-table3';
import type { Count, LedgerCounts } from '../core/checker/ledger.ts';
import { attributionText } from './attribution-text.ts';
import { counted, type CellResult, type RunResults } from '../core/results/results.ts';
import { incarnationRows, layoutRows, propagationRows, roundTripRows, stepRows } from './round-trip-rows.ts';
import { restartRows } from './restart-rows.ts';
import { aclRows, refusalRows } from './acl-rows.ts';
import { catchUpRows } from './catch-up-rows.ts';
import { alarmRows } from './alarm-rows.ts';
import { topicRows } from './topic-rows.ts';
import { rateRows, rateWarnings } from './rate-rows.ts';
import { formatStat } from '../core/results/summary.ts';
import { type CellSummary } from '../core/results/results.ts';
import { drawSections, type ReportModel, type SectionDrawers } from '../core/results/report-model.ts';
import type { Reporter } from './reporter.ts';
import { aggregateMessage, checkMessage, retriedText } from './check-text.ts';
import type { AggregateCheck } from '../core/checker/verdict.ts';
import { cellVerdict, runVerdict } from './verdict-sentence.ts';
import { workloadClockLabel } from '../core/results/clock.ts';
import { paint, type Style } from './paint.ts';
import { keyOrderFigures } from './key-order-text.ts';
import { brokenInvariants, invariantText } from './invariant-text.ts';

const n = (c: Count | undefined): string => (c === undefined ? '—' : String(c));

const summaryText = (s: CellSummary): string => {
  if (s.figures.acked === null) return s.runs > 1 ? `no run finished (${s.runs})` : 'did not finish';
  const f = s.figures;
  const failing = s.runs - s.passed - s.measured;
  return `${formatStat(f.lost)} / ${formatStat(f.skipped)} / ${formatStat(f.duplicated)}${failing ? `\n(${failing} of ${s.runs} not passed)` : ''}`;
};

/**
 * Rows = the first matrix dimension, columns = the second; each cell shows
 * lost / skipped / duplicated, as median (min–max) over repetitions.
 */
export function matrixTable({ summary: summaries, dimensions: dims }: Pick<ReportModel, 'summary' | 'dimensions'>): string {
  const [rowDim, colDim] = dims;
  const rest = dims.slice(2);
  const label = (s: CellSummary, d: string | undefined, fallback: string) => (d ? String(s.values[d]) : fallback);
  const rowVals = [...new Set(summaries.map((s) => label(s, rowDim, 'all')))];
  const colVals = [...new Set(summaries.map((s) => label(s, colDim, 'lost / skipped / duplicated')))];
  const short = (d: string) => d.split('.').pop() ?? d;
  const table = new Table({ head: [rowDim ? short(rowDim) : '', ...colVals.map((v) => (colDim ? `${short(colDim)}=${v}` : v))], style: { head: [], border: [] } });
  for (const r of rowVals) {
    table.push([
      r,
      ...colVals.map((col) =>
        summaries
          .filter((s) => label(s, rowDim, 'all') === r && label(s, colDim, 'lost / skipped / duplicated') === col)
          .map((s) => (rest.length ? `${rest.map((d) => `${short(d)}=${s.values[d]}`).join(',')}: ` : '') + summaryText(s))
          .join('\n'),
      ),
    ]);
  }
  return table.toString();
}

/** "≤ 412 ok", "≤ 412 BROKEN" or "≤ 412, no skips unknown" (the strategy's predicted duplicates bound, see core/checker/expected-bound.ts). */
export const boundText = (b: CellResult['expected']): string =>
  (b ? `≤ ${b.maxDuplicates}${b.skipsPossible ? '' : ', no skips'} ${b.holds === 'unknown' ? 'unknown' : b.holds ? 'ok' : 'BROKEN'}` : '—');

/** Every figure of every cell run, one row each. */
export function detailTable(results: RunResults): string {
  const head = ['cell run', 'status', 'acked', 'lost', 'skipped', 'unreached', 'exactly once', 'dup: failover / before kill', 'not repl.', 'repl. dup', 'indet. (seen)', 'gap s (wait + rest)', 'lag@kill', 'sync age s', 'dup bound'];
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const c of results.cells) {
    const k = c.counts;
    table.push([
      c.key,
      c.status,
      ...(k
        ? [k.acked, n(k.lost), n(k.skipped), n(k.unreached), k.exactlyOnce, duplicatesText(k), n(k.notReplicated), k.replicationDuplicates, `${k.indeterminate} (${k.indeterminateAppeared})`].map(String)
        : Array(9).fill('—')),
      gapText(c),
      c.atKill.lagMessages === null ? '—' : `${c.atKill.lagMessages} msg${c.atKill.lagMs === null ? '' : ` / ${(c.atKill.lagMs / 1000).toFixed(1)}s`}`,
      c.atKill.groupSyncAgeMs === null ? '—' : (c.atKill.groupSyncAgeMs / 1000).toFixed(1),
      boundText(c.expected),
    ]);
  }
  return table.toString();
}

/** "1031 / 4" (by the failover / before the kill), with after-failover re-deliveries when any. */
export const duplicatesText = (k: LedgerCounts): string =>
  `${k.duplicatedByFailover} / ${k.duplicatedBeforeKill}${k.duplicatedAfterFailover ? ` (+${k.duplicatedAfterFailover} after)` : ''}`;

/** "4.1 (2.0 + 2.1)": the failover gap, the configured wait and the measured remainder, in seconds. */
export const gapText = (c: Pick<CellResult, 'failoverGapMs' | 'failoverDelayMs' | 'failoverRemainderMs'>): string => {
  if (c.failoverGapMs === null) return 'unknown';
  const s = (ms: number) => (ms / 1000).toFixed(1);
  return c.failoverDelayMs === null || c.failoverRemainderMs === null ? s(c.failoverGapMs) : `${s(c.failoverGapMs)} (${s(c.failoverDelayMs)} + ${s(c.failoverRemainderMs)})`;
};

/** One line per cell run: why its failover duplicated and skipped what it did (attribution.ts). */
export function attributionLines(results: RunResults): string[] {
  return results.cells.flatMap((c) => (c.attribution ? [`${c.key}  ${attributionText(c.attribution)}`] : []));
}

/** Every threshold of every cell run, with its verdict. */
/** Where a threshold over repetitions was judged: "default (median of 3 runs)". */
export const overText = (cellId: string, x: Pick<AggregateCheck, 'over' | 'runs'>): string => `${cellId} (${x.over} of ${x.runs} runs)`;

export function checksTable(results: RunResults): string | null {
  const rows = [
    ...results.cells.flatMap((c) => c.checks.map((x) => [c.key, `${x.figure} ${x.expression}`, x.value === null ? 'unknown' : String(x.value), x.verdict.toUpperCase()])),
    ...results.summary.flatMap((s) => (s.checks ?? []).map((x) => [overText(s.cellId, x), `${x.figure} ${x.over} ${x.expression}`, x.value === null ? 'unknown' : String(x.value), x.verdict.toUpperCase()])),
  ];
  if (rows.length === 0) return null;
  const table = new Table({ head: ['cell run', 'threshold', 'measured', 'verdict'], style: { head: [], border: [] } });
  for (const r of rows) table.push(r);
  return table.toString();
}

/** A playbook cell per row: the round trip's classes, stranded and resurrected ids, copies back on the primary. */
export function roundTripTable(results: RunResults): string | null {
  const { head, rows } = roundTripRows(results);
  if (rows.length === 0) return null;
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) table.push(r);
  return table.toString();
}

/** Rows as a plain table, or null when there are none. */
function rowsTable({ head, rows }: { head: string[]; rows: string[][] }): string | null {
  if (rows.length === 0) return null;
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) table.push(r);
  return table.toString();
}

/** Each alarm of each cell run: when it fired, its lead over the kill, its signal at the kill (null without alarms). */
export const alarmsTable = (results: RunResults): string | null => rowsTable(alarmRows(results.cells));

/** Each topic of each cell run: the backup's lag in seconds and messages, what never reached it (null with one topic). */
export const topicsTable = (results: RunResults): string | null => rowsTable(topicRows(results.cells));

/** Each playbook step of each cell run: when it started and how long it took. */
export function stepsTable(results: RunResults): string | null {
  const { head, rows } = stepRows(results);
  if (rows.length === 0) return null;
  const table = new Table({ head, style: { head: [], border: [] }, colWidths: [null, null, null, null, 80], wordWrap: true });
  for (const r of rows) table.push(r);
  return table.toString();
}

/** Recreated topics: each incarnation's figures, then the remote partitions' incarnation runs (null when no topic was recreated). */
export function incarnationsTable(results: RunResults): string | null {
  const inc = incarnationRows(results);
  if (inc.rows.length === 0) return null;
  const lay = layoutRows(results);
  const a = new Table({ head: inc.head, style: { head: [], border: [] } });
  for (const r of inc.rows) a.push(r);
  const b = new Table({ head: lay.head, style: { head: [], border: [] }, colWidths: [null, null, 80, null], wordWrap: true });
  for (const r of lay.rows) b.push(r);
  return `${a.toString()}\n${b.toString()}`;
}

/** Altered topic properties and their propagation to the remote copies (null when nothing was altered). */
export function propagationTable(results: RunResults): string | null {
  const { head, rows } = propagationRows(results);
  if (rows.length === 0) return null;
  const table = new Table({ head, style: { head: [], border: [] }, colWidths: [null, null, null, null, null, null, null, null, 60], wordWrap: true });
  for (const r of rows) table.push(r);
  return table.toString();
}

/** How the compact summary is printed: in colours or not (the caller asks adapters/terminal-colors.ts). */
export interface SummaryStyle {
  color: boolean;
}

const marks: Record<CellResult['status'], string> = { passed: '✓', failed: '✗', measured: '•', error: '!', interrupted: '-' };
const colours: Record<CellResult['status'] | 'running', Style> = { passed: 'green', failed: 'red', measured: 'cyan', error: 'red', interrupted: 'yellow', running: 'yellow' };
/** Text from elsewhere (an error's message, a container's log tail) without its escape sequences and control characters. */
const plain = (s: string) => s.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f]/g, '');

/** The headline figures of a cell run, label → value ('unknown' when not measured; absent when it does not apply). */
export function headlineFigures(c: CellResult): [string, string][] {
  const k = c.counts;
  if (!k || c.status === 'error' || c.status === 'interrupted') return [];
  const figures: [string, string][] = [
    ['acked', String(k.acked)], ['lost', n(k.lost)], ['skipped', n(k.skipped)], ['duplicated', String(k.duplicated)], ['not replicated', n(k.notReplicated)],
  ];
  // Only when it happened: the cause of part of `not replicated` (ledger.ts `expiredBeforeCopy`).
  if (typeof k.expiredBeforeCopy === 'number' && k.expiredBeforeCopy > 0) figures.push(['expired before MM2 copied', String(k.expiredBeforeCopy)]);
  if (c.failoverGapMs !== null) figures.push(['gap', `${(c.failoverGapMs / 1000).toFixed(1)}s`]);
  if (c.roundTrip) figures.push(['stranded', n(c.roundTrip.stranded)], ['resurrected', n(c.roundTrip.resurrected)]);
  figures.push(...keyOrderFigures(c.keyOrder));
  return figures;
}

/** What failed in a cell run, in words: thresholds failed or unknown, consistency checks failed. */
export function failedChecks(c: CellResult): string[] {
  return [
    ...c.checks.filter((x) => x.verdict !== 'pass').map((x) => checkMessage(c, x)),
    ...(c.consistency?.checks ?? []).filter((x) => x.verdict === 'fail').map((x) => `consistency check ${x.name} failed (a harness bug): ${x.detail}`),
  ];
}

/**
 * The compact summary: one line per cell run — ✓ passed, ✗ failed, • measured (no threshold
 * applied), ! error, - interrupted — with its key, its headline figures (aligned across the
 * lines) and what failed; an error's detail (e.g. a log tail) follows its line, indented.
 */
export function summaryLines(results: RunResults, style: SummaryStyle = { color: false }): string[] {
  const cells = results.cells;
  const keyWidth = Math.max(0, ...cells.map((c) => c.key.length));
  const figures = cells.map(headlineFigures);
  // Columns by label, in first-seen order, each as wide as its widest value.
  const widths = new Map<string, number>();
  for (const row of figures) for (const [label, value] of row) widths.set(label, Math.max(widths.get(label) ?? 0, value.length));
  return cells.flatMap((c, i) => {
    const head = `${paint(style.color, colours[c.status], marks[c.status])} ${c.key.padEnd(keyWidth)}`;
    if (c.retriedAs !== undefined) return [`${head}  ${paint(style.color, colours.error, plain(retriedText(c)))}`];
    if (c.status === 'error' || c.status === 'interrupted') {
      const what = plain(c.status === 'interrupted' ? `interrupted${c.error ? `: ${c.error.message}` : ''}` : `${c.error?.code}: ${c.error?.message}`);
      const detail = c.status === 'error' && c.error?.detail ? plain(c.error.detail).split('\n').map((l) => `    ${l}`) : [];
      return [`${head}  ${paint(style.color, colours[c.status], what)}`, ...detail];
    }
    const row = new Map(figures[i]);
    const shown = [...widths].map(([label, w]) => (row.has(label) ? `${label} ${row.get(label)!.padStart(w)}` : ' '.repeat(label.length + 1 + w))).join('  ').trimEnd();
    const failed = failedChecks(c);
    return [`${head}  ${shown}${failed.length ? `  ${paint(style.color, colours.failed, `— ${failed.join('; ')}`)}` : ''}`];
  }).concat(results.summary.flatMap((s) => (s.checks ?? []).map((x) => {
    // A threshold over repetitions: a line per check, under the cell runs it was judged on.
    const status = x.verdict === 'pass' ? 'passed' : 'failed';
    return `${paint(style.color, colours[status], marks[status])} ${overText(s.cellId, x)}  ${x.verdict === 'pass' ? plain(aggregateMessage(x)) : paint(style.color, colours.failed, `— ${plain(aggregateMessage(x))}`)}`;
  })));
}

/** The last line: the run's verdict, its cell runs by status (the symbols' legend) and where the reports are. */
export function verdictLine(results: RunResults, runDir: string, style: SummaryStyle = { color: false }): string {
  const order = ['passed', 'measured', 'failed', 'error', 'interrupted'] as const;
  const cells = results.cells.filter(counted);
  const retried = results.cells.length - cells.length;
  const byStatus = order.map((s) => [s, cells.filter((c) => c.status === s).length] as const).filter(([, k]) => k > 0);
  const tally = `${byStatus.map(([s, k]) => `${k} ${marks[s]} ${s}`).join(', ') || 'no cell run finished'} of ${cells.length} cell run(s)${retried ? ` (and ${retried} attempt(s) in error, retried)` : ''}`;
  const gate = results.status === 'measured' ? ' — no threshold applied: nothing was gated (add `thresholds` to gate CI)' : '';
  return `${paint(style.color, colours[results.status], results.status.toUpperCase())}: ${tally}${gate} — results, summary.md, junit.xml, report.html: ${runDir}`;
}

/**
 * The verdict in sentences (render/verdict-sentence.ts), as summary.md and report.html open with
 * them: one per cell run, then the run's.
 */
export function verdictSentences(results: RunResults): string[] {
  return [...results.cells.map((c) => `  ${c.key}: ${plain(cellVerdict(c))}`), `  ${plain(runVerdict(results))}`];
}

/** The full tables (`--verbose`), one section each (core/results/report-model.ts): the terminal's run-wide tables. */
const drawers: SectionDrawers<string> = {
  // Printed after the tables, just above the verdict line (`verdictLines`): the last thing read.
  verdict: null,
  contents: null,
  matrix: (m) => `\n${m.results.scenario.name} — lost / skipped / duplicated (Kafka ${m.results.environment.kafkaVersion})\n${matrixTable(m)}`,
  'cell-run-table': ({ results }) => detailTable(results),
  // A terminal's scrollback is no place for every event of every cell run: summary.md and report.html have them.
  'cell-run-headlines': null,
  'round-trip': ({ results }) => {
    const trip = roundTripTable(results);
    const incarnations = incarnationsTable(results);
    const propagation = propagationTable(results);
    const parts = [
      trip && `Round trip (playbook cells)\n${trip}\nSteps\n${stepsTable(results)}`,
      incarnations && `Recreated topics: incarnations\n${incarnations}`,
      propagation && `Topic changes and their propagation to the remote copies\n${propagation}`,
    ].filter((x) => x !== null);
    return parts.length ? parts.join('\n') : null;
  },
  alarms: ({ results }) => {
    const alarms = alarmsTable(results);
    return alarms && `Alarms (times in ${workloadClockLabel})\n${alarms}`;
  },
  topics: ({ results }) => {
    const topics = topicsTable(results);
    return topics && `Replication per topic (lag up to the kill; not replicated: never on the backup)\n${topics}`;
  },
  'workload-rate': ({ results }) => {
    const rates = rowsTable(rateRows(results.cells));
    return rates && `Workload: asked vs achieved rate per topic (acked records over the producing window)\n${rates}`;
  },
  // The verdict line says it.
  'not-gated': null,
  attribution: ({ results }) => {
    const why = attributionLines(results);
    return why.length ? `Why (failover duplicates and skips by cause)\n${why.join('\n')}` : null;
  },
  thresholds: ({ results }) => {
    const checks = checksTable(results);
    return checks && `Thresholds\n${checks}`;
  },
  // What failed is on each cell run's summary line; the detail is in summary.md and report.html.
  'properties-file': null,
  errors: null,
  bounds: null,
  consistency: null,
  acls: ({ results }) => {
    const parts = [rowsTable(aclRows(results.cells)), rowsTable(refusalRows(results.cells))].filter(Boolean);
    return parts.length ? `Permissions after the failover (ACLs on the backup; the moved clients' first refusals)\n${parts.join('\n')}` : null;
  },
  'mirror-restarts': ({ results }) => {
    const restarts = rowsTable(restartRows(results.cells));
    return restarts && `MM2 restarts (duplicates: ids copied before the restart and again after it)\n${restarts}`;
  },
  'catch-up': ({ results }) => {
    const rows = rowsTable(catchUpRows(results.cells));
    return rows && `MM2's catch-up after each healed fault (copy rate while it still had a backlog)\n${rows}`;
  },
  // Under the compact summary, verbose or not (`findingLines`).
  'mm2-findings': null,
  // The summary line of each keyed cell run gives its nonmonotonic and poll-skip values.
  'key-order': null,
  comparison: null,
  'cell-run-pages': null,
};

export interface TerminalOptions extends SummaryStyle {
  /** The full tables before the summary. */
  verbose: boolean;
  /** Where the run's files are, named on the verdict line. */
  runDir: string;
}

/** MM2's invariants broken, a line each: findings about MM2, beside the drill's verdict (which they do not change). */
export const findingLines = (r: RunResults): string[] =>
  brokenInvariants(r.cells).map(({ key, check }) => `MM2 finding (not the drill's): ${key} ${plain(invariantText(check))}`);

/** The terminal: with `verbose`, the full tables; then the compact summary (a line per cell run) and the verdict. */
export const terminalReporter = (o: TerminalOptions): Reporter => ({
  name: 'terminal',
  render: (model) => {
    const r = model.results;
    const style = { color: o.color };
    return [
      ...(o.verbose ? drawSections(model, drawers) : []),
      `\n${r.scenario.name} (Kafka ${r.environment.kafkaVersion})`,
      ...summaryLines(r, style),
      ...rateWarnings(r.cells).map((l) => paint(style.color, colours.failed, l)),
      ...findingLines(r).map((l) => paint(style.color, 'yellow', l)),
      'In words:',
      ...verdictSentences(r),
      verdictLine(r, o.runDir, style),
    ].join('\n');
  },
});
