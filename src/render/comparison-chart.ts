/**
 * The comparison chart of report.html as data for Chart.js: horizontal grouped bars, one group
 * per matrix cell, one bar per figure (each figure its own colour, the same as in the
 * per-partition charts), the median with min–max whiskers over the repetitions.
 *
 * Why this layout: a category per matrix cell names the value of every dimension, so a matrix
 * of any size is drawn whole — no dimension is folded into a line or silently dropped — and
 * horizontal bars keep long labels ("mirrors.reverse.startFrom=earliest") readable however
 * many cells there are, every one labelled (no tick skipping).
 */
import type { Comparison, ComparedFigure } from '../core/results/report-model.ts';

/** A fixed colour per figure, shared with the per-partition charts (lost red, skipped orange, duplicated purple). */
export const figureStyle: Record<ComparedFigure, { label: string; color: string }> = {
  lost: { label: 'lost', color: '#c62828' },
  skipped: { label: 'skipped', color: '#ef6c00' },
  duplicated: { label: 'duplicated', color: '#6a1b9a' },
  notReplicated: { label: 'not replicated (RPO)', color: '#00838f' },
};

export interface ComparisonDataset {
  label: string;
  figure: ComparedFigure;
  backgroundColor: string;
  /** The median per category; null: unknown in every repetition (drawn as "unknown", never as 0). */
  data: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  /** Repetitions where the figure was unknown, per category. */
  unknown: number[];
}

export interface ComparisonChart {
  /** One label per category, one line per dimension ("mirror.policy=default"). */
  labels: string[][];
  datasets: ComparisonDataset[];
  /** What is plotted, in words, shown under the chart. */
  caption: string;
  /** Pixels: enough for every category's bars. */
  height: number;
}

export function comparisonChart(c: Comparison): ComparisonChart {
  const labels = c.categories.map((cat) => (c.dimensions.length ? c.dimensions.map((d, i) => `${d}=${cat.values[i]}`) : [cat.cellId]));
  const datasets = c.series.map((s) => ({
    label: figureStyle[s.figure].label,
    figure: s.figure,
    backgroundColor: figureStyle[s.figure].color,
    data: s.stats.map((x) => x?.median ?? null),
    min: s.stats.map((x) => x?.min ?? null),
    max: s.stats.map((x) => x?.max ?? null),
    unknown: s.stats.map((x) => x?.unknown ?? 0),
  }));
  const figures = datasets.map((d) => d.label).join(', ');
  const grouped = c.dimensions.length
    ? `One group of bars per matrix cell (${c.categories.length}), named by the value of every dimension: ${c.dimensions.join(', ')}.`
    : 'One group of bars: the scenario has no matrix.';
  const caption = `Bars: the median over the repetitions of ${figures}, in messages; whiskers: min–max when the repetitions differ; ` +
    `"?" marks a figure unknown in some repetition, "unknown" one never measured. ${grouped}`;
  const lines = Math.max(1, c.dimensions.length);
  // Each group: a bar per figure, and room for its label's lines.
  const perCategory = Math.max(datasets.length * 12 + 14, lines * 14 + 8);
  return { labels, datasets, caption, height: Math.max(220, 80 + c.categories.length * perCategory) };
}
