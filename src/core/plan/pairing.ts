/**
 * Paired variants: the cells of a matrix that differ only on the consumer side share one
 * environment per repetition, so they face one failure instead of each its own.
 *
 * Why: MM2 checkpoints and syncs offsets on fixed schedules, and where the kill falls in those
 * schedules moves a cell's duplicates more than most settings do. Two cells killed at different
 * instants compare different luck; variants killed by the same kill, after the same messages,
 * differ only by what they vary. Each variant is one consumer group of its own (the scenario's
 * group id with `-v<n>`), started on the primary, failed over and drained on its own; the
 * producer, MM2, the faults, the kill and the verification read are shared, and every event of
 * theirs is recorded in each variant's history, so each variant is measured exactly as an
 * unpaired cell is.
 *
 * What is paired: cells whose scenarios are equal once `failover` and `workload.consumer` (and
 * the thresholds, judged per cell afterwards) are left out. Not paired: a scenario's own
 * playbook (it moves one consumer group through its steps), `pairing: false`, and every cell
 * that differs on the MM2, backup or producer side — those get an environment each.
 */
import type { Cell } from './matrix.ts';
import { setPath } from './matrix.ts';
import { playbookOf, type Scenario } from '../scenario/scenario.ts';

/** The scenario paths only the test consumer reads: variants that differ only there can share an environment. */
export const CONSUMER_SIDE = ['failover', 'workload.consumer'] as const;

export const isConsumerSide = (path: string): boolean => CONSUMER_SIDE.some((p) => path === p || path.startsWith(`${p}.`));

/** One environment of a run: the variants it holds (one when unpaired), for one repetition. */
export interface RunUnit {
  readonly cells: readonly Cell[];
  readonly repetition: number;
}

/** Why a scenario's cells each get their own environment; null when they may be paired. */
export function unpairedBecause(s: Scenario): string | null {
  if (!s.pairing) return 'pairing: false';
  if (playbookOf(s)) return "a scenario's own playbook moves one consumer group through its steps";
  return null;
}

/** Everything an environment depends on: the scenario without its consumer side and thresholds. */
function environmentKey(s: Scenario): string {
  const { failover: _f, thresholds: _t, workload: { consumer: _c, ...workload }, ...rest } = s;
  return JSON.stringify({ ...rest, workload });
}

/** The cells grouped by the environment they can share, in the order of their first cell. */
export function variantGroups(cells: readonly Cell[]): Cell[][] {
  const groups = new Map<string, Cell[]>();
  for (const [i, c] of cells.entries()) {
    const key = unpairedBecause(c.scenario) === null ? environmentKey(c.scenario) : `#${i}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()];
}

/** The run's environments: each group of variants once per repetition, group after group. */
export function planUnits(cells: readonly Cell[]): RunUnit[] {
  return variantGroups(cells).flatMap((group) => Array.from({ length: group[0]!.scenario.repeat }, (_, r) => ({ cells: group, repetition: r + 1 })));
}

/** A variant's cell in a shared environment: its own consumer group (`<group>-v<n>`), nothing else changed. */
export function asVariant(cell: Cell, index: number, variants: number): Cell {
  if (variants <= 1) return cell;
  const groupId = `${cell.scenario.workload.consumer.groupId}-v${index + 1}`;
  return { ...cell, scenario: setPath(cell.scenario, 'workload.consumer.groupId', groupId) };
}

/**
 * What the run's pairing is, for the terminal and the report: which dimensions share an
 * environment and which do not, and why.
 */
export function describePairing(cells: readonly Cell[]): string {
  const first = cells[0];
  if (!first || cells.length === 1) return 'one cell: nothing to pair';
  const why = unpairedBecause(first.scenario);
  if (why) return `not paired (${why}): one environment per cell run`;
  const dims = Object.keys(first.scenario.matrix);
  const shared = dims.filter(isConsumerSide);
  const apart = dims.filter((d) => !isConsumerSide(d));
  const groups = variantGroups(cells);
  const parts = [
    shared.length ? `${shared.join(', ')} paired: ${groups[0]!.length} variant(s) share each environment and its kill` : 'no consumer-side dimension: nothing to pair',
    ...(apart.length ? [`${apart.join(', ')} change(s) the environment (MM2, backup or producer side): one environment each`] : []),
  ];
  return `${parts.join('; ')} — ${groups.length * first.scenario.repeat} environment(s) for ${cells.length * first.scenario.repeat} cell run(s)`;
}
