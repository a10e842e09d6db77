/**
 * The order per key of a keyed workload in words (core/checker/key-order.ts): the terminal's
 * figures beside the headline and summary.md's line per cell run.
 */
import type { KeyOrder } from '../core/checker/key-order.ts';

/** The headline figures of a keyed cell run: nonmonotonic and poll-skip values (none: not keyed). */
export const keyOrderFigures = (k: KeyOrder | null | undefined): [string, string][] =>
  k ? [['nonmonotonic', String(k.nonmonotonic)], ['poll-skip', String(k.pollSkip)], ...(k.resurrected ? [['older era after newer', String(k.resurrected)] as [string, string]] : [])] : [];

const example = (ids: readonly string[]) => (ids[0] === undefined ? '' : ` (e.g. ${ids[0]})`);

/** "12 keys (0 unordered), 3000 values: 0 nonmonotonic, 2 poll-skip (e.g. p-17), 140 rewound re-deliveries (expected)". */
export function keyOrderText(k: KeyOrder): string {
  const across = k.nonmonotonic ? `, ${k.nonmonotonicAcrossFailover} across the failover` : '';
  return `${k.keys} keys (${k.unordered} unordered, not judged), ${k.values} values: `
    + `${k.nonmonotonic} nonmonotonic${example(k.samples.nonmonotonic)}${across}, `
    + `${k.pollSkip} poll-skip${example(k.samples.pollSkip)}, `
    + `${k.rewoundDeliveries} re-deliveries of ${k.rewound} values after a newer one (the expected at-least-once rewind)`
    + (k.resurrected ? `; ${k.resurrected} values of an older era delivered after a newer era's (${k.resurrectedFirst ?? 0} first delivered so${example(k.samples.resurrected ?? [])}): resurrected at the failback` : '');
}
