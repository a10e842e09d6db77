/**
 * Asked vs achieved: the rate each topic's workload was asked to write and the rate its acks
 * say it wrote, so that a drill whose producer fell behind (a slow machine, a throttled link,
 * a harness bottleneck) says so instead of reporting figures of a lighter load than asked.
 *
 *  - asked: the topic's `ratePerSecond` as the cell recorded it at its start (`workloadRates`).
 *  - the producing window: per cluster written to, the time from the topic's first ack there to
 *    its last; summed over the clusters (active-active producers write concurrently, each at
 *    the asked rate). Unknown with fewer than two acks on every cluster, or no time between them.
 *  - achieved: the topic's acks in its windows divided by the window — acked records per second
 *    while the producer was writing. A stall inside the window (a fault, a broker down) lowers it:
 *    the workload then really wrote less than asked.
 *  - below: achieved under `BELOW_ASKED` of asked (5 % slack for the batching at the window's
 *    edges and the clock's granularity); unknown when the window is.
 */
import { eachOf, type HistoryEvents } from '../history/history.ts';
import type { Checker } from './checker.ts';

/** A topic is flagged when its achieved rate is under this share of the asked rate. */
export const BELOW_ASKED = 0.95;

export interface WorkloadRate {
  readonly topic: string;
  /** Messages per second asked of the producer (null: the cell recorded no rate for the topic, e.g. an older history). */
  readonly askedPerSecond: number | null;
  /** Acked records of the topic (every cluster). */
  readonly acked: number;
  /** The producing window in ms (summed over the clusters written to); null when it cannot be measured. */
  readonly windowMs: number | null;
  /** Acked records per second over the window, one decimal; 'unknown' when the window is. */
  readonly achievedPerSecond: number | 'unknown';
  /** achieved / asked, three decimals; 'unknown' without both. */
  readonly ratio: number | 'unknown';
  /** Achieved under BELOW_ASKED of asked; 'unknown' when the ratio is. */
  readonly belowAsked: boolean | 'unknown';
}

export const workloadRateChecker: Checker<WorkloadRate[]> = {
  name: 'workload-rate',
  run: ({ events, settings }) => workloadRates(events, settings.workloadRates ?? []),
};

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Every topic asked of the workload or acked, asked ones first in their order. */
export function workloadRates(events: HistoryEvents, asked: readonly { name: string; ratePerSecond: number }[]): WorkloadRate[] {
  // Per topic, per cluster: the first and last ack's time and the acks.
  const spans = new Map<string, Map<string, { first: number; last: number; n: number }>>();
  for (const a of eachOf(events, 'ack')) {
    const byCluster = spans.get(a.topic) ?? new Map<string, { first: number; last: number; n: number }>();
    spans.set(a.topic, byCluster);
    const cluster = a.cluster ?? 'primary';
    const s = byCluster.get(cluster);
    if (s) {
      s.first = Math.min(s.first, a.t);
      s.last = Math.max(s.last, a.t);
      s.n++;
    } else byCluster.set(cluster, { first: a.t, last: a.t, n: 1 });
  }
  const topics = [...new Set([...asked.map((t) => t.name), ...spans.keys()])];
  return topics.map((topic) => {
    const rate = asked.find((t) => t.name === topic)?.ratePerSecond ?? null;
    const clusters = [...(spans.get(topic)?.values() ?? [])];
    const acked = clusters.reduce((n, s) => n + s.n, 0);
    // A cluster with one ack (or all at one instant) has no window: its acks cannot be timed.
    const timed = clusters.filter((s) => s.last > s.first);
    const windowMs = timed.length ? timed.reduce((w, s) => w + s.last - s.first, 0) : null;
    const achieved = windowMs === null ? 'unknown' : round((timed.reduce((n, s) => n + s.n, 0) * 1000) / windowMs, 1);
    const ratio = achieved === 'unknown' || rate === null ? 'unknown' : round(achieved / rate, 3);
    return { topic, askedPerSecond: rate, acked, windowMs, achievedPerSecond: achieved, ratio, belowAsked: ratio === 'unknown' ? 'unknown' : ratio < BELOW_ASKED };
  });
}

/** The worst topic's ratio (the threshold figure `achievedRateRatio`); null when no topic's is known. */
export function worstRatio(rates: readonly WorkloadRate[] | undefined): number | null {
  const known = (rates ?? []).flatMap((r) => (r.ratio === 'unknown' ? [] : [r.ratio]));
  return known.length ? Math.min(...known) : null;
}
