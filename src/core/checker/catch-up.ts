/**
 * MM2's catch-up after a fault: how fast it copies while it has a backlog — the most it can
 * sustain on that path (the drain rate of a backlog is MM2's capacity, whatever the producer's
 * rate), and how long it took to resume and to catch up.
 *
 * Specification, for each timeline fault healed while the lag was sampled (a `fault-end` with
 * `healed`, followed by replication samples):
 *  - `backlog`: the records the backup trailed the primary by at the last sample before the heal.
 *  - `resumedMs`: the heal → the first sample whose backup end is beyond the previous sample's
 *    (MM2 copying again); null when no sample shows it.
 *  - A sampling interval (s[k−1], s[k]] is **busy** when the backup still lacked, at s[k], more
 *    records than the primary gained during the interval: then records older than s[k−1] were
 *    still uncopied at s[k], so MM2 had something to copy for the whole interval. Anything else
 *    (it copied everything older and idled part of the interval, or the producer outran it by
 *    less than one interval) is not counted.
 *  - `copyRate`: over the run of consecutive busy intervals that starts at the first sample
 *    showing MM2 copying again (an interval that began before MM2 resumed was not copying all
 *    along) — the records copied divided by the time between its first and last sample. Its
 *    `min` and `max` are the same count over the longest and shortest the time can have been:
 *    a sample reads its offsets while its queries run, up to `q[k] = t[k] − t[k−1] − interval`
 *    before it is stamped (the sampler sleeps `interval` after each sample), so the true window
 *    is within [Δt − q[last], Δt + q[first]]. Null without a busy interval.
 *  - `atLeastPerSecond`: when the backlog drained before any busy interval, the most records an
 *    interval from the resume to the catch-up saw copied, over the longest that interval can have
 *    lasted: MM2 copied at least that fast (a lower bound; a larger backlog measures the rate).
 *  - `caughtUpMs`: the heal → the first sample after MM2 resumed that ends a non-busy interval:
 *    the backlog is gone (to within one interval's production). Null: still behind at the last sample.
 *
 * Counts are sums of offsets over the partitions: records, except behind a transactional
 * producer or an exactly-once MM2, whose commit markers occupy offsets too.
 * Samples stop before the primary is killed: a fault healed after that has no entry.
 */
import { eventsOf, type HistoryEvents } from '../history/history.ts';
import type { Checker } from './checker.ts';

/** The lag sampler's pause between two samples (adapters/clients/lag-sampler.ts). */
export const LAG_SAMPLE_INTERVAL_MS = 1000;

export interface CopyRate {
  /** Records copied per second over the busy window, and its bounds from when the samples read. */
  perSecond: number;
  min: number;
  max: number;
  copied: number;
  windowMs: number;
  /** Busy sampling intervals in the window. */
  intervals: number;
}

export interface CatchUp {
  step: number;
  description: string;
  /** The heal, ms from the cell start. */
  healedMs: number;
  backlog: number | null;
  resumedMs: number | null;
  caughtUpMs: number | null;
  copyRate: CopyRate | null;
  atLeastPerSecond: number | null;
}

interface Sample { t: number; primaryEnd: number; backupEnd: number }

/** A busy interval ending at `s[k]`: the backup lacks more than the primary gained since `s[k−1]`. */
const busy = (s: readonly Sample[], k: number): boolean =>
  s[k]!.primaryEnd - s[k]!.backupEnd > s[k]!.primaryEnd - s[k - 1]!.primaryEnd;

/** The catch-up after a heal at `healT`, from the samples (in time order). */
export function catchUpAfter(samples: readonly Sample[], healT: number, intervalMs = LAG_SAMPLE_INTERVAL_MS): Omit<CatchUp, 'step' | 'description' | 'healedMs'> {
  const before = samples.filter((x) => x.t <= healT).at(-1);
  const backlog = before ? Math.max(0, before.primaryEnd - before.backupEnd) : null;
  const first = samples.findIndex((x, k) => x.t > healT && k > 0 && x.backupEnd > samples[k - 1]!.backupEnd);
  if (first < 0) return { backlog, resumedMs: null, caughtUpMs: null, copyRate: null, atLeastPerSecond: null };
  let last = first;
  while (last + 1 < samples.length && busy(samples, last + 1)) last += 1;
  const caught = last + 1 < samples.length ? last + 1 : null;
  const at = (k: number) => samples[k]!;
  const query = (k: number) => Math.max(0, at(k).t - at(k - 1).t - intervalMs);
  let copyRate: CopyRate | null = null;
  if (last > first) {
    const copied = at(last).backupEnd - at(first).backupEnd;
    const windowMs = at(last).t - at(first).t;
    const shortest = Math.max(1, windowMs - query(last));
    copyRate = {
      perSecond: (copied * 1000) / windowMs,
      min: (copied * 1000) / (windowMs + query(first)),
      max: (copied * 1000) / shortest,
      copied, windowMs, intervals: last - first,
    };
  }
  // Drained within an interval: each interval up to the catch-up copied at least as fast as its count over its longest length.
  const quickest = (ks: number[]) => Math.max(...ks.map((k) => ((at(k).backupEnd - at(k - 1).backupEnd) * 1000) / (at(k).t - at(k - 1).t + (k > 1 ? query(k - 1) : 0))));
  const atLeastPerSecond = copyRate === null && caught !== null ? quickest(Array.from({ length: caught - first + 1 }, (_, i) => first + i)) : null;
  return { backlog, resumedMs: at(first).t - healT, caughtUpMs: caught === null ? null : at(caught).t - healT, copyRate, atLeastPerSecond };
}

export function catchUps(events: HistoryEvents, cellStart: number): CatchUp[] {
  const samples = eventsOf(events, 'sample').map((s) => ({ t: s.t, primaryEnd: s.primaryEnd, backupEnd: s.backupEnd })).sort((a, b) => a.t - b.t);
  const lastSample = samples.at(-1);
  if (!lastSample) return [];
  return eventsOf(events, 'fault-end')
    .filter((e) => e.healed && e.t < lastSample.t)
    .map((e) => ({ step: e.step, description: e.description, healedMs: e.t - cellStart, ...catchUpAfter(samples, e.t) }));
}

export const catchUpChecker: Checker<CatchUp[]> = {
  name: 'catch-up',
  run: ({ events, cellStart }) => catchUps(events, cellStart),
};
