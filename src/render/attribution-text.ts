/**
 * The attribution in words, shared by the terminal and summary.md: "of 1031 duplicated by the
 * failover: 995 consumer commit lag (≤ 1000), 12 group-sync lag (≤ 400), 24 translation slack (≤ 303)".
 */
import { causes, type Attribution, type Part } from '../core/checker/attribution.ts';

/** A cause's short name: "consumer commit lag". */
export const shortName = (p: Pick<Part, 'cause'>): string => causes[p.cause].split(':')[0]!;
const partText = (p: Part) =>
  `${p.messages === 'unknown' ? `${shortName(p)} unknown` : `${p.messages} ${shortName(p)}`}${p.expectedMax === null ? '' : ` (≤ ${p.expectedMax})`}`;
/** Largest first; unknown parts last (the part that could not be split says how many they share). */
const byCount = (parts: readonly Part[]) => [...parts].sort((a, b) => (b.messages === 'unknown' ? -1 : b.messages) - (a.messages === 'unknown' ? -1 : a.messages));

/** The parts that counted something, largest first: "489 consumer commit lag, 140 translation slack" (empty: none). */
export const partsText = (parts: readonly Part[]): string =>
  byCount(parts).filter((p) => p.messages !== 'unknown' && p.messages > 0).map((p) => `${p.messages} ${shortName(p)}`).join(', ');

export function attributionText(a: Attribution): string {
  const dup = a.duplicates.total === 0 && a.duplicates.parts.every((p) => p.messages === 0)
    ? 'no duplicates from the failover'
    : `of ${a.duplicates.total} duplicated by the failover: ${byCount(a.duplicates.parts).map(partText).join(', ')}`;
  const skips = a.skips.total === 'unknown'
    ? 'skips unknown'
    : a.skips.total === 0 ? 'no skips' : `of ${a.skips.total} skipped: ${byCount(a.skips.parts).map(partText).join(', ')}`;
  return `${a.strategy}: ${dup}; ${skips}`;
}
