/**
 * The limit on cell runs (cells × repeat). Every cell run starts two fresh clusters and MM2 and
 * takes about a minute, so a matrix of hundreds of runs is most likely a mistake (a `--set` with
 * a long list, one dimension too many), better found before hours of Docker time than after.
 */
import { DrillError } from '../errors.ts';

export const MAX_CELL_RUNS = 200;

/** "mirror.policy 2 values × mirror.offsetLagMax 3 values = 6 cells": the count, before any cell is expanded. */
export function matrixCells(dims: readonly (readonly [string, readonly unknown[]])[]): { cells: number; breakdown: string } {
  const cells = dims.reduce((n, [, vals]) => n * vals.length, 1);
  const product = dims.map(([path, vals]) => `${path} ${vals.length} value(s)`).join(' × ');
  return { cells, breakdown: product ? `${product} = ${cells} cells` : '1 cell' };
}

/** Refuses more than MAX_CELL_RUNS cell runs unless `force`. */
export function checkCellRuns(cells: number, breakdown: string, repeat: number, force: boolean): void {
  const runs = cells * repeat;
  if (force || runs <= MAX_CELL_RUNS) return;
  throw new DrillError('SCENARIO_INVALID', `matrix: ${runs} cell runs (${breakdown}, × repeat ${repeat}), more than the limit of ${MAX_CELL_RUNS} cell runs`, {
    fix: `pass --force (run, list) to run all ${runs}, or run fewer: fewer matrix values or repetitions, a dimension pinned with --set path=value, or some cells with --only path=value`,
  });
}
