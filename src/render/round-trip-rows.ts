/** The round trip of playbook cells as rows, shared by the terminal tables and summary.md. */
import type { Count } from '../core/ledger.ts';
import type { RunResults } from '../core/results.ts';
import type { CopyHistogram } from '../core/round-trip.ts';

const n = (c: Count): string => String(c);

/** Copies of ids on a cluster: "2980 ×1, 20 ×2" (ids with two or more copies were copied back or re-copied). */
export const copiesText = (h: CopyHistogram): string =>
  h === 'unknown' ? 'unknown' : ([['×0', h.none], ['×1', h.one], ['×2', h.two], ['×3+', h.more]] as const).filter(([, v]) => v).map(([k, v]) => `${v} ${k}`).join(', ') || '—';

export function roundTripRows(results: RunResults): { head: string[]; rows: string[][] } {
  const head = ['cell run', 'acked (before / outage / after)', 'lost', 'skipped', 'duplicated', 'stranded', 'resurrected (delivered)', 'pre-kill ids on the primary', 'write gaps s', 'round trip s'];
  const rows = results.cells.flatMap((c) => {
    const rt = c.roundTrip;
    if (!rt) return [];
    const e = rt.byEra;
    const last = rt.steps.at(-1);
    return [[
      c.key, `${rt.total.acked} (${e['before-kill'].acked} / ${e.outage.acked} / ${e['after-failback'].acked})`, n(rt.total.lost), n(rt.total.skipped), String(rt.total.duplicated),
      n(rt.stranded), `${n(rt.resurrected)} (${n(rt.resurrectedDelivered)})`, copiesText(rt.copies['before-kill'].primary),
      rt.writeGaps.map((g) => ((g.durationMs ?? 0) / 1000).toFixed(1)).join(', ') || '—',
      last?.endMs == null ? '—' : (last.endMs / 1000).toFixed(0),
    ]];
  });
  return { head, rows };
}

export function stepRows(results: RunResults): { head: string[]; rows: string[][] } {
  const head = ['cell run', 'step', 'start s', 'took s', 'detail'];
  const rows = results.cells.flatMap((c) => (c.roundTrip?.steps ?? []).map((s) => [
    c.key, s.label, (s.startMs / 1000).toFixed(1), s.durationMs === null ? s.state : (s.durationMs / 1000).toFixed(1), s.detail ?? '',
  ]));
  return { head, rows };
}

/** `topic/partition@offset, …` */
export const offsetsText = (o: Readonly<Record<string, string>>): string => Object.entries(o).map(([tp, off]) => `${tp}@${off}`).join(', ') || '—';

/** Each move of the consumer group: the offsets it found on its new cluster, and where it really resumed. */
export function moveRows(results: RunResults): { head: string[]; rows: string[][] } {
  const head = ['cell run', 'move', 'to', 'committed offsets found', 'resumed at (first offset processed)'];
  const rows = results.cells.flatMap((c) => (c.roundTrip?.moves ?? []).map((m) => [c.key, m.label, m.to, offsetsText(m.committed), offsetsText(m.resumedAt)]));
  return { head, rows };
}
