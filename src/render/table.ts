/**
 * Terminal tables (cli-table3). The matrix table puts the first dimension in rows and the
 * second in columns; each cell shows lost / skipped / duplicated.
 */
import Table from 'cli-table3';
import type { Count, LedgerCounts } from '../core/ledger.ts';
import { attributionText } from './attribution-text.ts';
import type { CellResult, RunResults } from '../core/results.ts';
import { incarnationRows, layoutRows, propagationRows, roundTripRows, stepRows } from './round-trip-rows.ts';
import { formatStat, summarize, type CellSummary } from '../core/summary.ts';

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
export function matrixTable(results: RunResults): string {
  const summaries = summarize(results.cells);
  const dims = [...new Set(summaries.flatMap((c) => Object.keys(c.values)))];
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

/** "≤ 412 ok" or "≤ 412 BROKEN" (the strategy's predicted duplicates bound, see core/expected-bound.ts). */
export const boundText = (b: CellResult['expected']): string => (b ? `≤ ${b.maxDuplicates}${b.skipsPossible ? '' : ', no skips'} ${b.holds ? 'ok' : 'BROKEN'}` : '—');

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
export function checksTable(results: RunResults): string | null {
  const rows = results.cells.flatMap((c) => c.checks.map((x) => [c.key, `${x.figure} ${x.expression}`, x.value === null ? 'unknown' : String(x.value), x.verdict.toUpperCase()]));
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
