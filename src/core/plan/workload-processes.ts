/**
 * The workload as several producer processes (`workload.processes`): each writes every partition
 * of every topic at its share of the topic's rate — as the instances of one application do, each
 * with the default partitioner — with an id space of its own, `<prefix>-w<k>-<n>`: ids stay
 * unique across the processes and dense per process (`n` = 0, 1, 2, … as one producer issues
 * them), which the compact history's lines rely on (core/history/compact-history.ts).
 */

/** Process `k`'s id prefix (k = 0 … processes - 1). */
export const processIdPrefix = (prefix: string, k: number): string => `${prefix}-w${k}`;

/** Each topic at one process's share of its rate: `processes` of them write the topic's whole rate. */
export const processShare = <T extends { readonly ratePerSecond: number }>(topics: readonly T[], processes: number): T[] =>
  topics.map((t) => ({ ...t, ratePerSecond: t.ratePerSecond / processes }));
