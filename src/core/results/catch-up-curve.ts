/**
 * MM2's sustained copy rate against a numeric matrix dimension — a round trip swept, say — as a
 * curve a team reads off for its own settings: one line per value of the other dimensions
 * (MM2's defaults, tuned…), one point per matrix cell.
 *
 * A cell run's point is its headline catch-up (core/checker/catch-up.ts): of the faults after
 * which MM2 had something to drain, the one with the largest backlog — the backlog the scenario
 * built on purpose, not the few records a latency's heal leaves. Its copy rate, or when the
 * backlog drained within one sampling interval, the lower bound (drawn as such, never as a rate).
 */
import type { CatchUp } from '../checker/catch-up.ts';
import type { CellResult } from './results.ts';

export interface CatchUpPoint {
  x: number;
  /** Median over the repetitions of the measured rate (records/s); null: no repetition measured one. */
  perSecond: number | null;
  /** The lowest `min` and highest `max` of the repetitions' rates. */
  min: number | null;
  max: number | null;
  /** With no measured rate: the highest lower bound of the repetitions. */
  atLeast: number | null;
  runs: number;
}

export interface CatchUpCurve {
  /** The dimension on the x axis. */
  x: string;
  lines: { label: string; points: CatchUpPoint[] }[];
}

/** The catch-up a cell run is summed up by: the largest backlog among those with a rate or a lower bound. */
export function headlineCatchUp(c: Pick<CellResult, 'catchUp'>): CatchUp | undefined {
  return (c.catchUp ?? [])
    .filter((x) => x.copyRate !== null || x.atLeastPerSecond !== null)
    .reduce<CatchUp | undefined>((best, x) => (best === undefined || (x.backlog ?? 0) > (best.backlog ?? 0) ? x : best), undefined);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Null without a numeric dimension or without a cell run that drained something. */
export function catchUpCurve(cells: readonly Pick<CellResult, 'values' | 'catchUp' | 'retriedAs'>[], dimensions: readonly string[]): CatchUpCurve | null {
  const counted = cells.filter((c) => c.retriedAs === undefined && headlineCatchUp(c));
  const x = dimensions.find((d) => counted.length > 0 && counted.every((c) => typeof c.values[d] === 'number'));
  if (x === undefined) return null;
  const others = dimensions.filter((d) => d !== x);
  const label = (c: (typeof counted)[number]) => (others.length ? others.map((d) => `${d}=${String(c.values[d])}`).join(', ') : 'every cell');
  const lines = [...Map.groupBy(counted, label)].map(([name, runs]) => ({
    label: name,
    points: [...Map.groupBy(runs, (c) => c.values[x] as number)].sort(([a], [b]) => a - b).map(([at, reps]) => {
      const ups = reps.map((c) => headlineCatchUp(c)!);
      const rates = ups.flatMap((u) => (u.copyRate ? [u.copyRate] : []));
      const bounds = ups.flatMap((u) => (u.atLeastPerSecond === null ? [] : [u.atLeastPerSecond]));
      return {
        x: at,
        perSecond: rates.length ? median(rates.map((r) => r.perSecond)) : null,
        min: rates.length ? Math.min(...rates.map((r) => r.min)) : null,
        max: rates.length ? Math.max(...rates.map((r) => r.max)) : null,
        atLeast: rates.length || !bounds.length ? null : Math.max(...bounds),
        runs: reps.length,
      };
    }),
  }));
  return { x, lines };
}
