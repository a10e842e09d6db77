/**
 * Terminal tables (cli-table3). The matrix table puts the first dimension in rows and the
 * second in columns; each cell shows lost / skipped / duplicated.
 */
import Table from 'cli-table3';
import type { Count } from '../core/ledger.ts';
import type { CellResult, RunResults } from '../core/results.ts';

const n = (c: Count | undefined): string => (c === undefined ? '—' : String(c));

export function cellSummary(c: CellResult): string {
  // Counts of a cell that did not finish are partial: show why instead.
  if (c.status === 'interrupted') return 'interrupted';
  if (c.status === 'error' || !c.counts) return `error: ${c.error?.code ?? '?'}`;
  const k = c.counts;
  return `${n(k.lost)} / ${n(k.skipped)} / ${n(k.duplicated)}${c.status === 'passed' ? '' : ` (${c.status})`}`;
}

export function matrixTable(results: RunResults): string {
  const dims = [...new Set(results.cells.flatMap((c) => Object.keys(c.values)))];
  const [rowDim, colDim] = dims;
  const rowVals = [...new Set(results.cells.map((c) => String(rowDim ? c.values[rowDim] : 'all')))];
  const colVals = [...new Set(results.cells.map((c) => String(colDim ? c.values[colDim] : 'lost / skipped / duplicated')))];
  const table = new Table({ head: [rowDim ?? '', ...colVals.map((v) => (colDim ? `${colDim}=${v}` : v))], style: { head: [], border: [] } });
  for (const r of rowVals) {
    table.push([
      r,
      ...colVals.map((col) =>
        results.cells
          .filter((c) => String(rowDim ? c.values[rowDim] : 'all') === r && (!colDim || String(c.values[colDim]) === col))
          .map(cellSummary)
          .join('\n'),
      ),
    ]);
  }
  return table.toString();
}

/** Every figure of every cell, one column per cell. */
export function detailTable(results: RunResults): string {
  const cells = results.cells;
  const table = new Table({ head: ['', ...cells.map((c) => c.key)], style: { head: [], border: [] } });
  const row = (label: string, f: (c: CellResult) => string) => table.push([label, ...cells.map(f)]);
  const count = (k: keyof NonNullable<CellResult['counts']>) => (c: CellResult) => (c.counts ? n(c.counts[k]) : '—');
  row('status', (c) => c.status);
  row('remote topic', (c) => c.remoteTopics.join(', '));
  row('acked', count('acked'));
  row('lost', count('lost'));
  row('skipped', count('skipped'));
  row('exactly once', count('exactlyOnce'));
  row('duplicated (extra deliveries)', (c) => (c.counts ? `${c.counts.duplicated} (${c.counts.extraDeliveries})` : '—'));
  row('not replicated (RPO)', count('notReplicated'));
  row('replication duplicates', count('replicationDuplicates'));
  row('indeterminate (appeared)', (c) => (c.counts ? `${c.counts.indeterminate} (${c.counts.indeterminateAppeared})` : '—'));
  row('delivered primary / backup', (c) => (c.counts ? `${c.counts.deliveredPrimary} / ${c.counts.deliveredBackup}` : '—'));
  row('failover gap', (c) => (c.failoverGapMs === null ? 'unknown' : `${(c.failoverGapMs / 1000).toFixed(1)} s`));
  row('invariant', (c) => (c.invariant ? (c.invariant.holds ? 'holds' : 'BROKEN') : '—'));
  return table.toString();
}
