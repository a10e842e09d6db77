/**
 * report.html's table of contents for a run of several cell runs: the cell runs grouped by their
 * matrix values — one group per value of every dimension but the last, each cell run in it named by
 * what is left (the last dimension's value and its repetition) — each linked to its page
 * (`#cell-<index>`, its place in results.json's `cells`). A reader of 24 cell runs finds one by
 * what was varied, not by scrolling.
 */
import type { CellResult } from '../core/results/results.ts';

export interface ContentsEntry {
  /** The cell run's place in `results.cells`: its page's anchor is `cell-<index>`. */
  index: number;
  /** What tells it apart within its group: "policy=identity #2". */
  label: string;
  status: CellResult['status'];
}

export interface ContentsGroup {
  /** The values the group shares: "mirror.policy=default, playbook=drain-to-zero"; null: a run with one dimension or none. */
  title: string | null;
  entries: ContentsEntry[];
}

const valueText = (d: string, v: unknown) => `${d}=${v === undefined ? '—' : String(v)}`;

/** `dimensions`: the matrix's, in its order (the report model's). */
export function contents(cells: readonly CellResult[], dimensions: readonly string[]): ContentsGroup[] {
  const grouping = dimensions.slice(0, -1);
  const last = dimensions.at(-1);
  const groups = new Map<string, ContentsGroup>();
  cells.forEach((c, index) => {
    const title = grouping.length ? grouping.map((d) => valueText(d, c.values[d])).join(', ') : null;
    const group = groups.get(title ?? '') ?? { title, entries: [] };
    const label = `${last === undefined ? c.cellId : valueText(last, c.values[last])} #${c.repetition}`;
    group.entries.push({ index, label, status: c.status });
    groups.set(title ?? '', group);
  });
  return [...groups.values()];
}
