/** Asked vs achieved rate per topic per cell run as rows and lines, shared by the terminal, summary.md and report.html. */
import type { CellResult } from '../core/results/results.ts';
import { BELOW_ASKED, type WorkloadRate } from '../core/checker/workload-rate.ts';

export const rateHead = ['topic', 'asked msg/s', 'achieved msg/s', 'achieved / asked', 'acked', 'window s', 'verdict'];

const percent = (r: WorkloadRate) => (r.ratio === 'unknown' ? 'unknown' : `${Math.round(r.ratio * 1000) / 10} %`);
const verdict = (r: WorkloadRate) => (r.belowAsked === 'unknown' ? 'unknown' : r.belowAsked ? `BELOW ASKED (< ${BELOW_ASKED * 100} %)` : 'as asked');

export const rateCells = (r: WorkloadRate): string[] => [
  r.topic, r.askedPerSecond === null ? 'unknown' : String(r.askedPerSecond), String(r.achievedPerSecond), percent(r), String(r.acked),
  r.windowMs === null ? 'unknown' : (r.windowMs / 1000).toFixed(1), verdict(r),
];

/** Every topic of every cell run, the cell run first. */
export const rateRows = (cells: readonly CellResult[]): { head: string[]; rows: string[][] } =>
  ({ head: ['cell run', ...rateHead], rows: cells.flatMap((c) => (c.workloadRates ?? []).map((r) => [c.key, ...rateCells(r)])) });

/** One line per topic that fell below its asked rate, or whose rate could not be measured: the compact summary's warnings. */
export const rateWarnings = (cells: readonly CellResult[]): string[] =>
  cells.flatMap((c) => (c.workloadRates ?? []).filter((r) => r.belowAsked !== false && r.acked > 0).map((r) => r.belowAsked === 'unknown'
    ? `  ${c.key}: topic ${r.topic} — achieved rate unknown (asked ${r.askedPerSecond ?? 'unknown'} msg/s; its producing window could not be measured)`
    : `  ${c.key}: topic ${r.topic} — workload BELOW ASKED: achieved ${r.achievedPerSecond} msg/s of ${r.askedPerSecond} asked (${percent(r)}) over ${((r.windowMs ?? 0) / 1000).toFixed(1)} s`));
