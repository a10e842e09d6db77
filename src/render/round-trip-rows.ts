/** The round trip of playbook cells as rows, shared by the terminal tables and summary.md. */
import type { Count } from '../core/checker/ledger.ts';
import type { RunResults } from '../core/results/results.ts';
import { clockOf, onClock } from '../core/results/clock.ts';
import type { CopyHistogram, RoundTrip } from '../core/checker/round-trip.ts';
import { verdictText } from '../core/kafka/topic-drift.ts';

const n = (c: Count): string => String(c);

/** Copies of ids on a cluster: "2980 ×1, 20 ×2" (ids with two or more copies were copied back or re-copied). */
export const copiesText = (h: CopyHistogram): string =>
  h === 'unknown' ? 'unknown' : ([['×0', h.none], ['×1', h.one], ['×2', h.two], ['×3+', h.more]] as const).filter(([, v]) => v).map(([k, v]) => `${v} ${k}`).join(', ') || '—';

export function roundTripRows(results: RunResults): { head: string[]; rows: string[][] } {
  const head = ['cell run', 'acked (before / backup-local / outage / after)', 'lost', 'skipped', 'duplicated', 'stranded', 'after failback, not copied', 'resurrected (delivered)', 'pre-kill ids on the primary', 'write gaps s', 'round trip s'];
  const rows = results.cells.flatMap((c) => {
    const rt = c.roundTrip;
    if (!rt) return [];
    const e = rt.byEra;
    const last = rt.steps.at(-1);
    return [[
      c.key, `${rt.total.acked} (${e['before-kill'].acked} / ${e['backup-local']?.acked ?? 0} / ${e.outage.acked} / ${e['after-failback'].acked})`, n(rt.total.lost), n(rt.total.skipped), String(rt.total.duplicated),
      n(rt.stranded), rt.absent ? n(rt.absent.afterFailback) : '—', `${n(rt.resurrected)} (${n(rt.resurrectedDelivered)})`, copiesText(rt.copies['before-kill'].primary),
      rt.writeGaps.map((g) => ((g.durationMs ?? 0) / 1000).toFixed(1)).join(', ') || '—',
      last?.endMs == null ? '—' : (last.endMs / 1000).toFixed(0),
    ]];
  });
  return { head, rows };
}

export function stepRows(results: RunResults): { head: string[]; rows: string[][] } {
  const head = ['cell run', 'step', "start s (workload clock)", 'took s', 'detail'];
  const rows = results.cells.flatMap((c) => (c.roundTrip?.steps ?? []).map((s) => [
    c.key, s.label, onClock(clockOf(c), s.startMs), s.durationMs === null ? s.state : (s.durationMs / 1000).toFixed(1), s.detail ?? '',
  ]));
  return { head, rows };
}

/** `topic/partition@offset, …` */
export const offsetsText = (o: Readonly<Record<string, string>>): string => Object.entries(o).map(([tp, off]) => `${tp}@${off}`).join(', ') || '—';

/** The consumer's gap at a move: "2.3 (from the kill)"; results written before it existed have none. */
const moveGapText = (m: RoundTrip['moves'][number]): string =>
  m.gapMs === undefined ? '—' : m.gapMs === null ? 'nothing delivered' : `${(m.gapMs / 1000).toFixed(1)} (from the ${m.gapFrom === 'kill' ? 'kill' : 'move'})`;

/** Each move of the consumer group: the offsets it found on its new cluster, where it really resumed, and its gap. */
export function moveRows(results: RunResults): { head: string[]; rows: string[][] } {
  const head = ['cell run', 'move', 'to', 'committed offsets found', 'resumed at (first offset processed)', 'gap s (stop → first delivery)'];
  const rows = results.cells.flatMap((c) => (c.roundTrip?.moves ?? []).map((m) => [c.key, m.label, m.to, offsetsText(m.committed), offsetsText(m.resumedAt), moveGapText(m)]));
  return { head, rows };
}

const seconds = (ms: number | null): string => (ms === null ? '—' : (ms / 1000).toFixed(1));

/** Each incarnation of a topic the playbook deleted or recreated (core/checker/incarnation.ts). */
export const incarnationHead = ['topic', 'incarnation', 'created s', 'deleted s', 'partitions', 'acked', 'lost', 'skipped', 'duplicated', 'copies on the primary', 'copies on the backup', 'not replicated (head)'];
export const incarnationCells = (rt: RoundTrip): string[][] => rt.incarnations.map((x) => [
  `${x.topic} on ${x.cluster}`, `#${x.incarnation}`, x.createdMs === null ? 'set-up' : seconds(x.createdMs), seconds(x.deletedMs), x.partitions === null ? 'as declared' : String(x.partitions),
  String(x.classes.acked), n(x.classes.lost), n(x.classes.skipped), String(x.classes.duplicated), copiesText(x.copies.primary), copiesText(x.copies.backup),
  `${n(x.notReplicated)} (${n(x.headNotReplicated)})`,
]);

/** The other cluster's partitions holding a recreated topic's copies: incarnations in offset order. */
export const layoutHead = ['remote partition', 'incarnations in offset order', 'interleaved'];
export const layoutCells = (rt: RoundTrip): string[][] => rt.layouts.map((l) => [
  `${l.topic}/${l.partition} on ${l.cluster}`,
  l.runs.map((r) => `${typeof r.incarnation === 'number' ? `#${r.incarnation}` : '?'} ×${r.count} @${r.from === r.to ? r.from : `${r.from}–${r.to}`}`).join(' · '),
  l.interleaved ? 'yes' : 'no',
]);

const perCell = (results: RunResults, head: string[], cells: (rt: RoundTrip) => string[][]) => ({
  head: ['cell run', ...head],
  rows: results.cells.flatMap((c) => (c.roundTrip ? cells(c.roundTrip).map((r) => [c.key, ...r]) : [])),
});
export const incarnationRows = (results: RunResults) => perCell(results, incarnationHead, incarnationCells);
export const layoutRows = (results: RunResults) => perCell(results, layoutHead, layoutCells);

/** Each altered property: when its remote copy showed it, and what the consumers found at their move. */
export const propagationHead = ['source topic', 'property', 'new value', 'remote copy', 'before', 'propagated after s', 'at the failover', 'MM2 predicts'];
export const propagationCells = (rt: RoundTrip): string[][] => rt.configChanges.map((c) => [
  `${c.topic} on ${c.cluster}`, c.property, c.to, `${c.remoteTopic} on ${c.remoteCluster}`, c.before ?? '—',
  c.propagatedMs === null ? 'never (in the cell)' : ((c.propagatedMs - c.changedMs) / 1000).toFixed(1), c.atFailover ?? '—', `${verdictText(c.mm2)}: ${c.mm2.why}`,
]);
export const propagationRows = (results: RunResults) => perCell(results, propagationHead, propagationCells);
