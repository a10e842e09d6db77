/**
 * The report model: what every report of a run draws — the terminal, summary.md, report.html,
 * junit.xml, the GitHub annotations (src/render, one reporter each, written by run/reports.ts).
 * Built once from the results (and, for the charts, the history); a reporter derives nothing
 * again from it. It holds:
 *  - the results, and their per-cell summary as results.json records it (`summary`, computed
 *    once when the results were made: core/results/summary.ts), with the matrix's dimensions;
 *  - `sections`: the one list of a report's sections, in order — each reporter draws each of
 *    them in its own syntax, or leaves it out (`SectionDrawers` makes it say which);
 *  - per cell run a timeline (acked, replicated, delivered over time) with fault windows shaded
 *    and its events marked, and per matrix cell the figures' median and min–max for the
 *    comparison chart. Every time is in seconds from the workload's start (clock.ts): the clock
 *    of the terminal's narration and of the scenario's timeline, so the charts, the event tables
 *    and the terminal agree.
 */
import { markLabel, type EventKind } from '../checker/drill-events.ts';
import { byCell, eachOf, eventAt, eventsOf, type HistoryByCell, type HistoryEvent, type HistoryEvents } from '../history/history.ts';
import { clockOf } from './clock.ts';
import type { LogFile } from './log-files.ts';
import type { CellResult, RunResults } from './results.ts';
import type { CellSummary, Stat } from './results.ts';
import { catchUpCurve, type CatchUpCurve } from './catch-up-curve.ts';

export interface CellTimeline {
  key: string;
  /** What the times count from: "s from the workload's start" (clock.ts). */
  clock: string;
  /** Seconds on the clock. */
  t: number[];
  acked: number[];
  replicated: (number | null)[];
  delivered: number[];
  /** Fault windows, shaded (`to` null: not healed before the cell ended, or a kill). */
  faults: { label: string; from: number; to: number | null }[];
  /** Events drawn as vertical lines, seconds on the clock. */
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
  /** Per matrix cell, its figures over repetitions: `results.summary`, not computed again. */
  summary: readonly CellSummary[];
  /** Every matrix dimension, in the matrix's order. */
  dimensions: string[];
  /** Whether a cell is a paired variant: the reports then show the paired differences. */
  paired: boolean;
  timelines: CellTimeline[];
  comparison: Comparison;
  /** MM2's copy rate against a numeric dimension (core/results/catch-up-curve.ts); null: nothing to draw. */
  catchUpCurve: CatchUpCurve | null;
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
export function cellOrigin(cell: Pick<CellResult, 'startedAt'>, events: HistoryEvents): number {
  const at = Date.parse(cell.startedAt);
  return Number.isFinite(at) ? at : (eventAt(events, 0)?.t ?? 0);
}

export function cellTimeline(cell: CellResult, events: HistoryEvents): CellTimeline {
  const clock = clockOf(cell);
  const origin = cellOrigin(cell, events) + clock.originMs;
  const onAxis = (ms: number) => (ms - clock.originMs) / 1000;
  const acks = Array.from(eachOf(events, 'ack'), (e) => e.t).sort((a, b) => a - b);
  // The curves start at the first ack (nothing to draw before it); the axis counts on the clock.
  const t0 = acks[0] ?? eventAt(events, 0)?.t ?? origin;
  let last = t0;
  for (const e of events) last = Math.max(last, e.t);
  const deliveries = Array.from(eachOf(events, 'deliver'), (e) => e.t).sort((a, b) => a - b);
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
    clock: clock.label,
    t, acked, replicated, delivered,
    faults: cell.faults.map((f) => ({ label: f.description, from: onAxis(f.startMs), to: f.endMs === null ? null : onAxis(f.endMs) })),
    marks: (cell.events ?? [])
      .filter((e) => marked.has(e.kind) || (playbook && e.kind === 'step-start'))
      .map((e) => ({ at: onAxis(e.atMs), kind: e.kind, label: markLabel(e) })),
  };
}

/** Every matrix dimension, in the matrix's order (the first cell's, then any the others add). */
const dimensionsOf = (summaries: readonly CellSummary[]): string[] => [...new Set(summaries.flatMap((s) => Object.keys(s.values)))];

/** One category per matrix cell, labelled by every dimension's value; one series per figure. */
export function comparison(summaries: readonly CellSummary[]): Comparison {
  const dimensions = dimensionsOf(summaries);
  return {
    dimensions,
    categories: summaries.map((s) => ({ cellId: s.cellId, values: dimensions.map((d) => (d in s.values ? String(s.values[d]) : '—')) })),
    series: comparedFigures.map((figure) => ({ figure, stats: summaries.map((s) => s.figures[figure]) })),
  };
}

/**
 * `history`: only report.html draws it (its timelines); without it the timelines hold the
 * cells' events alone. `logs`: each cell run's log files, listed by the caller (no I/O here).
 */
export function reportModel(results: RunResults, history: readonly HistoryEvent[] | HistoryByCell = [], logs: Record<string, LogFile[]> = {}): ReportModel {
  const cells = byCell(history);
  const summary = results.summary;
  return {
    results,
    summary,
    dimensions: dimensionsOf(summary),
    paired: summary.some((s) => s.paired),
    timelines: results.cells.map((c) => cellTimeline(c, cells.get(c.key) ?? [])),
    comparison: comparison(summary),
    catchUpCurve: catchUpCurve(results.cells, dimensionsOf(summary)),
    logs,
  };
}

/**
 * A report's sections, in the order every report draws them: the verdict first, in sentences;
 * then the terminal and summary.md draw the run-wide tables, report.html its contents, matrix
 * and comparison chart (for more than one cell), then a page per cell run, its cards on top;
 * a section a report has no place for is left out of it.
 */
export const sections = [
  'verdict', // the run's verdict and each cell run's, a sentence each (render/verdict-sentence.ts)
  'contents', // multi-cell runs: the cell runs grouped by matrix values, each linked to its page
  'matrix', // lost / skipped / duplicated per matrix cell, over its repetitions
  'cell-run-table', // every figure of every cell run, a row each
  'cell-run-headlines', // per cell run: its headline, events, faults and log files
  'round-trip', // playbook cells: the round trip, its steps and moves, recreated topics, topic changes
  'alarms',
  'topics', // replication per topic (with more than one topic)
  'workload-rate', // asked vs achieved rate per topic
  'not-gated', // no threshold applied: nothing was gated
  'attribution', // the failover's duplicates and skips by cause
  'thresholds',
  'properties-file', // the MM2 properties a team's file ran with, and what the drill changed
  'errors',
  'bounds', // expected bounds broken or unknown, and their evidence
  'consistency', // consistency checks not passed
  'acls', // secured clusters: the workload's ACLs on the backup and when they arrived, the moved clients' refusals
  'mirror-restarts', // MM2 restarted by the timeline: per restart its downtime, time to copy again and duplicates
  'catch-up', // MM2's catch-up after each healed fault, and its copy rate against a numeric dimension (a chart in report.html)
  'mm2-findings', // MM2's invariants broken (core/checker/mm2-invariants.ts): findings about MM2, not the drill
  'key-order', // keyed workloads: the order per key across the failover (core/checker/key-order.ts)
  'comparison', // the comparison chart
  'cell-run-pages', // per cell run: everything about it on one page
] as const;
export type Section = (typeof sections)[number];

/**
 * How a report draws each section, in its own syntax: null where it has none (or the run has
 * nothing for it). Every section must be named, so a new one is a compile error in each report
 * until that report says how it draws it — or that it leaves it out.
 */
export type SectionDrawers<T> = Record<Section, ((model: ReportModel) => T | null) | null>;

/** The sections a report draws, in the order of `sections`. */
export const drawSections = <T>(model: ReportModel, drawers: SectionDrawers<T>): T[] =>
  sections.flatMap((s) => {
    const drawn = drawers[s]?.(model) ?? null;
    return drawn === null ? [] : [drawn];
  });
