/** The scenario's alarms per cell run as rows, shared by the terminal tables, summary.md and report.html. */
import { alarmLabel, type AlarmResult } from '../core/scenario/alarms.ts';
import type { CellResult } from '../core/results/results.ts';
import { clockOf, onClock, type Clock } from '../core/results/clock.ts';

const s = (ms: number | null) => (ms === null ? '—' : (ms / 1000).toFixed(1));
const v = (x: number | null) => (x === null ? 'unknown' : `${x.toFixed(1)} s`);

export const alarmHead = ['alarm', 'fired', 'first fired at s (workload clock)', 'firing at the kill', 'firing for s at the kill', 'signal at the kill', 'peak'];

/** `clock`: the cell run's (times from the workload's start, core/results/clock.ts). */
export const alarmCells = (a: AlarmResult, clock: Clock): string[] => [
  alarmLabel(a), String(a.fired), a.firstFiredMs === null ? '—' : onClock(clock, a.firstFiredMs), a.firingAtKill === null ? '—' : a.firingAtKill ? 'yes' : 'no', s(a.leadMs), v(a.valueAtKill), v(a.peak),
];

/** Every alarm of every cell run, the cell run first. */
export function alarmRows(cells: readonly CellResult[]): { head: string[]; rows: string[][] } {
  return { head: ['cell run', ...alarmHead], rows: cells.flatMap((c) => (c.alarms ?? []).map((a) => [c.key, ...alarmCells(a, clockOf(c))])) };
}
