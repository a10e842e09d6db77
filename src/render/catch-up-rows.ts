/** MM2's catch-up after each healed fault, per cell run, as rows (results.json `catchUp`), shared by the terminal tables and summary.md. */
import type { CatchUp } from '../core/checker/catch-up.ts';
import type { CellResult } from '../core/results/results.ts';

const sec = (ms: number | null) => (ms === null ? '—' : (ms / 1000).toFixed(1));
const perSecond = (n: number) => String(Math.round(n));

/** The copy rate in words: `7564 (7375–7744)`, `≥ 6737` when the backlog drained within one interval, `—` when MM2 never copied again. */
export function copyRateText(c: Pick<CatchUp, 'copyRate' | 'atLeastPerSecond'>): string {
  if (c.copyRate) return `${perSecond(c.copyRate.perSecond)} (${perSecond(c.copyRate.min)}–${perSecond(c.copyRate.max)})`;
  return c.atLeastPerSecond === null ? '—' : `≥ ${perSecond(c.atLeastPerSecond)}`;
}

export const catchUpHead = ['cell run', 'after', 'backlog', 'copying again after s', 'caught up after s', 'copy rate msg/s (min–max)'];

/** Every catch-up of every cell run with something to drain (a backlog above 0). */
export function catchUpRows(cells: readonly CellResult[]): { head: string[]; rows: string[][] } {
  return {
    head: catchUpHead,
    rows: cells.flatMap((c) => (c.catchUp ?? []).filter((x) => (x.backlog ?? 0) > 0).map((x) => [c.key, x.description, String(x.backlog), sec(x.resumedMs), sec(x.caughtUpMs), copyRateText(x)])),
  };
}
