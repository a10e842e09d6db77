/**
 * `mm2-drill compare` drawn: per matrix cell present in both runs a table of every figure — A
 * (the baseline), B, the change B − A and its flag (core/results/compare-runs.ts) — for the
 * terminal (cli-table3) and as Markdown. Values are shown exactly as results.json holds them
 * (a median of two counts may end in .5; nothing is rounded away).
 */
import Table from 'cli-table3';
import type { Stat } from '../core/results/results.ts';
import type { CompareFlag, RunComparison } from '../core/results/compare-runs.ts';
import { mdText, table as mdTable } from './markdown.ts';

/** A figure's value as given, to 4 decimals at most (seconds are whole milliseconds; a median of two halves them). */
export const num = (x: number): string => String(Number(x.toFixed(4)));

/** "66" for one run, "66 (52–80) n=3" for several, "+1?" when a run did not measure it, "unknown" when none did. */
export function statText(s: Stat | null): string {
  if (!s) return 'unknown';
  const spread = s.n > 1 ? `${num(s.median)} (${num(s.min)}–${num(s.max)}) n=${s.n}` : num(s.median);
  return s.unknown > 0 ? `${spread} +${s.unknown}?` : spread;
}

/** "+12", "−3", "±0"; "unknown" when a side is. */
export const changeText = (x: number | null): string => (x === null ? 'unknown' : `${x > 0 ? '+' : x < 0 ? '−' : '±'}${num(Math.abs(x))}`);

export const flagText: Record<CompareFlag, string> = {
  unknown: 'unknown (not measured on one side)',
  'spread-unknown': 'spread unknown (one repetition)',
  'within-spread': 'within spread',
  better: 'BETTER beyond spread',
  worse: 'WORSE beyond spread',
  changed: 'CHANGED beyond spread',
};

const head = ['figure', 'A (before)', 'B (after)', 'change B−A', 'flag'];

const rowsOf = (c: RunComparison['cells'][number]) => c.figures.map((f) => [f.figure, statText(f.a), statText(f.b), changeText(f.change), flagText[f.flag]]);

const title = (r: RunComparison) => `${r.scenario}: A ${r.a.runId} (${r.a.startedAt}, ${r.a.status}) → B ${r.b.runId} (${r.b.startedAt}, ${r.b.status})`;

const legend = 'median (min–max) n=repetitions; flagged when each median is outside the other run\'s min–max, with ≥ 2 repetitions on both sides';

const cellTitle = (c: RunComparison['cells'][number]) => `${c.cellId} — A: ${c.runs.a} run(s), B: ${c.runs.b} run(s)`;

const tail = (r: RunComparison): string[] => [
  ...(r.onlyInA.length ? [`only in A (not compared): ${r.onlyInA.join(', ')}`] : []),
  ...(r.onlyInB.length ? [`only in B (not compared): ${r.onlyInB.join(', ')}`] : []),
  r.regressions.length ? `WORSE beyond the spread: ${r.regressions.join('; ')}` : 'no figure got worse beyond the spread of the repetitions',
];

export function compareTerminal(r: RunComparison): string {
  const out = [title(r), legend];
  for (const c of r.cells) {
    // No rule between rows: a figure a line reads down like a ledger.
    const t = new Table({ head, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
    t.push(...rowsOf(c));
    out.push('', cellTitle(c), t.toString());
  }
  if (!r.cells.length) out.push('', 'no matrix cell is in both runs');
  return [...out, '', ...tail(r)].join('\n');
}

export function compareMarkdown(r: RunComparison): string {
  const out = [`# ${mdText(title(r))}`, '', mdText(legend)];
  for (const c of r.cells) out.push('', `## ${mdText(cellTitle(c))}`, '', mdTable(head, rowsOf(c)));
  if (!r.cells.length) out.push('', 'no matrix cell is in both runs');
  return [...out, '', ...tail(r).map((l) => `- ${mdText(l)}`), ''].join('\n');
}
