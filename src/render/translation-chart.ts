/**
 * The translation-accuracy chart of a cell run (report.html): each remote partition's checkpoint
 * errors (downstream − true equivalent, records) over time, and a caption with the figures and the
 * invariants' findings. Unknown errors are left out of the lines (never drawn as a value) and
 * counted in the caption. Time is seconds from the cell start when MM2's timestamps were
 * recorded; otherwise each checkpoint's rank in its partition.
 */
import type { CellResult } from '../core/results/results.ts';

export interface TranslationChart {
  /** `seconds`: from the cell start; `rank`: the checkpoint's order in its partition (no timestamps recorded). */
  readonly x: 'seconds' | 'rank';
  /** Remote `topic/partition` → [x, error] of each checkpoint whose error is known. */
  readonly series: Record<string, [number, number][]>;
  readonly caption: string;
}

export function translationChart(c: CellResult): TranslationChart | null {
  const t = c.translation;
  if (!t || t.points.length === 0) return null;
  const start = Date.parse(c.startedAt);
  const timed = t.points.every((p) => p.ts !== null) && Number.isFinite(start);
  const series: Record<string, [number, number][]> = {};
  const rank = new Map<string, number>();
  for (const p of t.points) {
    const r = (rank.get(p.tp) ?? 0) + 1;
    rank.set(p.tp, r);
    if (p.error === null) continue;
    (series[p.tp] ??= []).push([timed ? Math.round((p.ts! - start) / 100) / 10 : r, p.error]);
  }
  const e = t.error;
  const spread = e ? `error min ${e.min}, median ${e.median}, max ${e.max} records over ${e.count} checkpoints` : 'no error known';
  const broken = (c.invariants ?? []).filter((i) => i.verdict === 'broken').map((i) => `${i.name}: ${i.findings} finding(s)`);
  const caption = `Checkpoints of ${t.group ?? 'the group'}: ${spread}${t.unknown ? `, ${t.unknown} unknown` : ''}; at the failover ${t.atFailover ?? '—'}. `
    + `Negative: behind (duplicates on resuming); positive: ahead (skips). ${broken.length ? `MM2 invariants broken — ${broken.join('; ')}.` : 'MM2 invariants: no finding.'}`;
  return { x: timed ? 'seconds' : 'rank', series, caption };
}
