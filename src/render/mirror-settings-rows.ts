/**
 * "MM2 properties this cell ran with" for a cell that drilled a team's properties file: every
 * property MM2 got and every entry of the file it did not get, the ones the drill changed marked
 * with the file's value, the value used and why. summary.md and report.html render these rows.
 */
import type { CellResult, PropertiesFileResult } from '../core/results/results.ts';

export interface SettingRow {
  readonly key: string;
  /** The value MM2 ran with; null: left out. */
  readonly value: string | null;
  readonly changed: boolean;
  /** The file's key when it differs from `key` (its own cluster aliases). */
  readonly fileKey: string | null;
  /** The file's value; null: the file does not set it. For an unchanged row, the value itself. */
  readonly fileValue: string | null;
  readonly by: 'drill' | 'scenario' | null;
  readonly reason: string;
}

export function settingRows(c: Pick<CellResult, 'mirrorSettings' | 'propertiesFile'>): SettingRow[] {
  const changes = new Map((c.propertiesFile?.changes ?? []).map((x) => [x.key, x]));
  const rows: SettingRow[] = Object.entries(c.mirrorSettings).map(([key, v]) => {
    const x = changes.get(key);
    const value = String(v);
    return x
      ? { key, value, changed: true, fileKey: x.fileKey !== key ? x.fileKey : null, fileValue: x.fileValue, by: x.by, reason: x.reason }
      : { key, value, changed: false, fileKey: null, fileValue: value, by: null, reason: '' };
  });
  for (const x of changes.values()) {
    if (x.value === null) rows.push({ key: x.key, value: null, changed: true, fileKey: x.fileKey !== x.key ? x.fileKey : null, fileValue: x.fileValue, by: x.by, reason: x.reason });
  }
  return rows;
}

/** One line about the file: its path and how its clusters were mapped. */
export const fileText = (f: PropertiesFileResult): string =>
  `${f.path ?? 'mirror.propertiesText'} (${Object.entries(f.clusterAliases).map(([a, c]) => `${a} → ${c}`).join(', ')})`;

/** "24 properties, 12 changed from the file (11 by the drill, 1 by the scenario)". */
export function countsText(rows: readonly SettingRow[]): string {
  const changed = rows.filter((r) => r.changed);
  const by = (who: 'drill' | 'scenario') => changed.filter((r) => r.by === who).length;
  return `${rows.filter((r) => r.value !== null).length} properties, ${changed.length} changed from the file (${by('drill')} by the drill, ${by('scenario')} by the scenario)`;
}

/** The cell runs to show: one per matrix cell (its repetitions ran with the same file and settings), MM2 having started. */
export function cellsWithFile(cells: readonly CellResult[]): CellResult[] {
  const first = new Map<string, CellResult>();
  for (const c of cells) if (c.propertiesFile?.changes && !first.has(c.cellId)) first.set(c.cellId, c);
  return [...first.values()];
}
