/** MM2's restarts per cell run as rows (results.json `restarts`), shared by the terminal tables and summary.md. */
import type { CellResult } from '../core/results/results.ts';

const sec = (ms: number | 'unknown') => (ms === 'unknown' ? 'unknown' : (ms / 1000).toFixed(1));

export const restartHead = ['cell run', 'step', 'restart', 'stop', 'at s (cell clock)', 'down s', 'copying again after s', 'replication duplicates'];

/** Every restart of every cell run, the cell run first; then a row for the duplicates no restart explains, when there are any. */
export function restartRows(cells: readonly CellResult[]): { head: string[]; rows: string[][] } {
  return {
    head: restartHead,
    rows: cells.flatMap((c) => {
      const r = c.restarts;
      if (!r) return [];
      const rows = r.restarts.map((x) => [c.key, String(x.step), String(x.restart), x.mode === 'kill' ? 'SIGKILL' : 'clean (SIGTERM)', sec(x.atMs), sec(x.downMs), sec(x.resumeMs), String(x.duplicates)]);
      return r.unattributed === 0 ? rows : [...rows, [c.key, '—', '—', 'no restart', '—', '—', '—', String(r.unattributed)]];
    }),
  };
}
