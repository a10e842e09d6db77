/** MM2's invariants broken, in words (core/checker/mm2-invariants.ts): one line per broken invariant of a cell run, with its first finding. */
import type { InvariantCheck, InvariantFinding } from '../core/checker/mm2-invariants.ts';
import type { CellResult } from '../core/results/results.ts';

/** "orders/0 upstream 500 → downstream 480 after 450 → 500 (downstream went back)" — what the first finding shows. */
export function findingText(f: InvariantFinding): string {
  const parts = [`${f.tp} upstream ${f.upstream} → downstream ${f.downstream}`];
  if (f.backupEnd) parts.push(`past the backup's end ${f.backupEnd.offset} (${f.backupEnd.bound})`);
  if (f.previous) parts.push(`after ${f.previous.upstream} → ${f.previous.downstream}${f.went ? ` (${f.went} went back)` : ''}`);
  if (f.found !== undefined) parts.push(`holds ${f.found}, not ${f.id}${f.copies?.length ? ` (copied at ${f.copies.join(', ')})` : ' (never copied)'}`);
  if (f.redeliveries !== undefined) parts.push(`true ${f.truth}: ${f.redeliveries} re-deliveries > offset.lag.max ${f.bound}, after the sync ${f.sync?.upstream} → ${f.sync?.downstream}`);
  return parts.join(' ');
}

/** "2 of 140 checked, e.g. …": a broken invariant's count and its first finding. */
export const invariantDetail = (i: InvariantCheck): string =>
  `${i.findings} of ${i.checked} checked${i.samples[0] ? `, e.g. ${findingText(i.samples[0])}` : ''}`;

/** "offset-sync-rewind: 2 of 140 checked, e.g. …". */
export const invariantText = (i: InvariantCheck): string => `${i.name}: ${invariantDetail(i)}`;

/** Each broken invariant of the cell runs, with its cell run's key. */
export const brokenInvariants = (cells: readonly CellResult[]): { key: string; check: InvariantCheck }[] =>
  cells.flatMap((c) => (c.invariants ?? []).filter((i) => i.verdict === 'broken').map((check) => ({ key: c.key, check })));
