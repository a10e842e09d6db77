/**
 * What the HTML report draws, derived from results.json and the history: per cell run a
 * timeline (acked, replicated, delivered over time) with fault windows and the kill, and per
 * matrix cell the figures' median and min–max for the comparison charts.
 */
import { eventsOf, type HistoryEvent } from './history.ts';
import type { CellResult, RunResults } from './results.ts';
import { summarize } from './summary.ts';

export interface CellTimeline {
  key: string;
  /** Seconds from the first ack. */
  t: number[];
  acked: number[];
  replicated: (number | null)[];
  delivered: number[];
  kill: number | null;
  faults: { label: string; from: number; to: number | null }[];
}

export interface ReportModel {
  results: RunResults;
  timelines: CellTimeline[];
  /** Comparison series: x = the second matrix dimension (or the first), one line per value of the first. */
  comparison: { dimension: string | null; series: string | null; points: { series: string; x: string; figure: 'skipped' | 'duplicated'; median: number; min: number; max: number }[] };
}

const BUCKET_MS = 500;

export function cellTimeline(cell: CellResult, events: readonly HistoryEvent[]): CellTimeline {
  const acks = eventsOf(events, 'ack').map((e) => e.t).sort((a, b) => a - b);
  const t0 = acks[0] ?? events[0]?.t ?? 0;
  const last = events.reduce((m, e) => Math.max(m, e.t), t0);
  const deliveries = eventsOf(events, 'deliver').map((e) => e.t).sort((a, b) => a - b);
  const samples = eventsOf(events, 'sample');
  const t: number[] = [];
  const acked: number[] = [];
  const replicated: (number | null)[] = [];
  const delivered: number[] = [];
  let ai = 0;
  let di = 0;
  let si = 0;
  let lastReplicated: number | null = null;
  for (let at = t0; at <= last + BUCKET_MS; at += BUCKET_MS) {
    while (ai < acks.length && acks[ai]! <= at) ai++;
    while (di < deliveries.length && deliveries[di]! <= at) di++;
    while (si < samples.length && samples[si]!.t <= at) lastReplicated = samples[si++]!.backupEnd;
    t.push((at - t0) / 1000);
    acked.push(ai);
    delivered.push(di);
    // Replication is sampled until the kill; after the last sample it is not known, not flat.
    replicated.push(si > 0 && at - samples[si - 1]!.t > 1500 ? null : lastReplicated);
  }
  const kill = eventsOf(events, 'kill')[0];
  return {
    key: cell.key,
    t, acked, replicated, delivered,
    kill: kill ? (kill.t - t0) / 1000 : null,
    faults: cell.faults.map((f) => ({ label: f.description, from: (f.startT - t0) / 1000, to: f.endT === null ? null : (f.endT - t0) / 1000 })),
  };
}

export function reportModel(results: RunResults, history: readonly HistoryEvent[]): ReportModel {
  const byCell = Map.groupBy(history, (e) => e.cell);
  const summaries = summarize(results.cells);
  const dims = [...new Set(summaries.flatMap((s) => Object.keys(s.values)))];
  const [first, second] = dims;
  const xDim = second ?? first ?? null;
  const seriesDim = second ? first! : null;
  const points = summaries.flatMap((s) =>
    (['skipped', 'duplicated'] as const).flatMap((figure) => {
      const st = s.figures[figure];
      if (!st) return [];
      return [{ series: seriesDim ? String(s.values[seriesDim]) : 'all', x: xDim ? String(s.values[xDim]) : s.cellId, figure, median: st.median, min: st.min, max: st.max }];
    }),
  );
  return {
    results,
    timelines: results.cells.map((c) => cellTimeline(c, byCell.get(c.key) ?? [])),
    comparison: { dimension: xDim, series: seriesDim, points },
  };
}
