/** Replication per topic per cell run as rows, shared by the terminal tables, summary.md and report.html. */
import type { CellResult } from '../core/results/results.ts';
import type { TopicReplication } from '../core/checker/topic-replication.ts';

const n = (x: number | 'unknown' | null) => (x === null ? '—' : String(x));
const known = (x: number | null) => (x === null ? 'unknown' : String(x));

export const topicHead = ['topic', 'acked', 'lag s (median / max)', 'lag msgs max', 'not replicated', 'RPO s'];

export const topicCells = (t: TopicReplication): string[] => [
  t.topic, String(t.acked), t.lagSeconds ? `${t.lagSeconds.median} / ${t.lagSeconds.max}` : 'unknown', known(t.lagMessagesMax), n(t.notReplicated), n(t.rpoSeconds),
];

/** Every topic of every cell run, the cell run first; no rows when every cell has one topic (the main table says it all). */
export function topicRows(cells: readonly CellResult[]): { head: string[]; rows: string[][] } {
  const many = cells.some((c) => (c.topics?.length ?? 0) > 1);
  return { head: ['cell run', ...topicHead], rows: many ? cells.flatMap((c) => (c.topics ?? []).map((t) => [c.key, ...topicCells(t)])) : [] };
}
