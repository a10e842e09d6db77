/**
 * What the HTML report draws, derived from results.json and the history: per cell run a
 * timeline (acked, replicated, delivered over time) with fault windows shaded and its events
 * marked, and per matrix cell the figures' median and min–max for the comparison chart.
 * Every time is in seconds from the cell start, the origin of results.json's `phases`, `faults`
 * and `events`, so the charts, the event tables and results.json agree.
 */
import { markLabel, type EventKind } from './drill-events.ts';
import { eventsOf, type HistoryEvent } from './history.ts';
import type { LogFile } from './log-files.ts';
import type { CellResult, RunResults } from './results.ts';
import { summarize, type Stat } from './summary.ts';

export interface CellTimeline {
  key: string;
  /** Seconds from the cell start. */
  t: number[];
  acked: number[];
  replicated: (number | null)[];
  delivered: number[];
  /** Fault windows, shaded (`to` null: not healed before the cell ended, or a kill). */
  faults: { label: string; from: number; to: number | null }[];
  /** Events drawn as vertical lines, seconds from the cell start. */
  marks: { at: number; kind: EventKind; label: string }[];
}

/** The figures the comparison chart compares: the ledger's headline classes, all in messages. */
export const comparedFigures = ['lost', 'skipped', 'duplicated', 'notReplicated'] as const;
export type ComparedFigure = (typeof comparedFigures)[number];

/**
 * The comparison chart's data: one category per matrix cell, named by the value of every
 * dimension (none is dropped, however many the matrix has), one series per figure.
 */
export interface Comparison {
  /** Every matrix dimension, in the matrix's order. */
  dimensions: string[];
  /** One per matrix cell, in the matrix's order; `values` aligned with `dimensions`. */
  categories: { cellId: string; values: string[] }[];
  /** Per figure, its median and min–max per category (null: unknown in every repetition). */
  series: { figure: ComparedFigure; stats: (Stat | null)[] }[];
}

export interface ReportModel {
  results: RunResults;
  timelines: CellTimeline[];
  comparison: Comparison;
  /** Cell run key → its log files, relative to the run directory (empty when none were found). */
  logs: Record<string, LogFile[]>;
}

const BUCKET_MS = 500;

/**
 * Events marked on a timeline. Fault windows are shaded instead; a playbook's steps are marked
 * (the default playbook's steps are the kill, the failover and the drain, marked already).
 */
const marked: ReadonlySet<EventKind> = new Set(['kill', 'failover', 'first-backup-delivery', 'drain-done', 'fault-error', 'step-failed', 'step-not-reached', 'alarm']);

/** The cell start in epoch ms: `startedAt`, or the first event of a result that lacks it. */
export function cellOrigin(cell: Pick<CellResult, 'startedAt'>, events: readonly HistoryEvent[]): number {
  const at = Date.parse(cell.startedAt);
  return Number.isFinite(at) ? at : (events[0]?.t ?? 0);
}

export function cellTimeline(cell: CellResult, events: readonly HistoryEvent[]): CellTimeline {
  const origin = cellOrigin(cell, events);
  const acks = eventsOf(events, 'ack').map((e) => e.t).sort((a, b) => a - b);
  // The curves start at the first ack (nothing to draw before it); the axis still counts from the cell start.
  const t0 = acks[0] ?? events[0]?.t ?? origin;
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
    t.push((at - origin) / 1000);
    acked.push(ai);
    delivered.push(di);
    // Replication is sampled until the kill; after the last sample it is not known, not flat.
    replicated.push(si > 0 && at - samples[si - 1]!.t > 1500 ? null : lastReplicated);
  }
  const playbook = cell.roundTrip !== null;
  return {
    key: cell.key,
    t, acked, replicated, delivered,
    faults: cell.faults.map((f) => ({ label: f.description, from: f.startMs / 1000, to: f.endMs === null ? null : f.endMs / 1000 })),
    marks: (cell.events ?? [])
      .filter((e) => marked.has(e.kind) || (playbook && e.kind === 'step-start'))
      .map((e) => ({ at: e.atMs / 1000, kind: e.kind, label: markLabel(e) })),
  };
}

/** One category per matrix cell, labelled by every dimension's value; one series per figure. */
export function comparison(results: Pick<RunResults, 'cells'>): Comparison {
  const summaries = summarize(results.cells);
  const dimensions = [...new Set(summaries.flatMap((s) => Object.keys(s.values)))];
  return {
    dimensions,
    categories: summaries.map((s) => ({ cellId: s.cellId, values: dimensions.map((d) => (d in s.values ? String(s.values[d]) : '—')) })),
    series: comparedFigures.map((figure) => ({ figure, stats: summaries.map((s) => s.figures[figure]) })),
  };
}

export function reportModel(results: RunResults, history: readonly HistoryEvent[], logs: Record<string, LogFile[]> = {}): ReportModel {
  const byCell = Map.groupBy(history, (e) => e.cell);
  return {
    results,
    timelines: results.cells.map((c) => cellTimeline(c, byCell.get(c.key) ?? [])),
    comparison: comparison(results),
    logs,
  };
}
