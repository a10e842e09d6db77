/**
 * The one clock of a cell run's times in every output: seconds from its workload's start — the
 * clock a scenario's timeline (`at`) is written in, and the one the terminal narrates the drill on
 * (run/progress.ts). results.json keeps milliseconds from the cell's start (`phases`, `faults`,
 * `events`); `phases['workload-started']` ties the two together. A cell whose workload never
 * started counts from its own start, and its label says so.
 */
import type { CellResult } from './results.ts';

export interface Clock {
  /** Milliseconds from the cell's start to this clock's 0. */
  originMs: number;
  /** What 0 is, for a column or an axis: "s from the workload's start". */
  label: string;
}

export const workloadClockLabel = "s from the workload's start";

export function clockOf(c: Pick<CellResult, 'phases'>): Clock {
  const at = c.phases['workload-started'];
  return at === undefined ? { originMs: 0, label: "s from the cell's start (no workload started)" } : { originMs: at, label: workloadClockLabel };
}

/** A time of results.json (ms from the cell's start) on the clock, in seconds: "12.3", "-4.0" before the workload. */
export const onClock = (clock: Clock, ms: number): string => ((ms - clock.originMs) / 1000).toFixed(1);
