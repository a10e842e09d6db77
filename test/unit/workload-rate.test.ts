import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import { BELOW_ASKED, workloadRateChecker, workloadRates, worstRatio } from '../../src/core/checker/workload-rate.ts';
import { figureValue } from '../../src/core/results/threshold-checks.ts';
import { cellSettingsOf } from '../../src/core/history/cell-settings.ts';
import type { CheckInput } from '../../src/core/checker/checker.ts';

/** `n` acks of `topic`, evenly from `from` to `to` (epoch ms), on `cluster` when given. */
function acks(topic: string, n: number, from: number, to: number, cluster?: string): HistoryEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    cell: 'c', t: n === 1 ? from : from + Math.round(((to - from) * i) / (n - 1)), type: 'ack' as const,
    id: `${topic}-${cluster ?? 'p'}-${i}`, topic, partition: i % 3, offset: String(i), ...(cluster ? { cluster } : {}),
  }));
}

describe('asked vs achieved rate', () => {
  it('achieved is the acks over the first-to-last-ack window, flagged under the asked share', () => {
    const [slow, fast] = workloadRates([...acks('slow', 601, 1000, 11_000), ...acks('fast', 1001, 1000, 11_000)], [
      { name: 'slow', ratePerSecond: 100 }, { name: 'fast', ratePerSecond: 100 },
    ]);
    expect(slow).toMatchObject({ topic: 'slow', askedPerSecond: 100, acked: 601, windowMs: 10_000, achievedPerSecond: 60.1, ratio: 0.601, belowAsked: true });
    expect(fast).toMatchObject({ acked: 1001, achievedPerSecond: 100.1, belowAsked: false });
  });

  it('the flag sits at the documented share of the asked rate', () => {
    const just = (n: number) => workloadRates(acks('t', n, 0, 10_000), [{ name: 't', ratePerSecond: 100 }])[0]!;
    expect(just(Math.ceil(BELOW_ASKED * 1000)).belowAsked).toBe(false);
    expect(just(Math.ceil(BELOW_ASKED * 1000) - 2).belowAsked).toBe(true);
  });

  it('sums the windows of the clusters written to: concurrent producers each write the asked rate', () => {
    const [r] = workloadRates([...acks('t', 500, 0, 5000, 'primary'), ...acks('t', 500, 2000, 7000, 'backup')], [{ name: 't', ratePerSecond: 100 }]);
    expect(r).toMatchObject({ acked: 1000, windowMs: 10_000, achievedPerSecond: 100, belowAsked: false });
  });

  it('is unknown when no window can be measured: no ack, one ack, or all at one instant', () => {
    const rates = workloadRates([...acks('one', 1, 5, 5), ...acks('instant', 4, 7, 7)], [{ name: 'none', ratePerSecond: 10 }, { name: 'one', ratePerSecond: 10 }, { name: 'instant', ratePerSecond: 10 }]);
    expect(rates.map((r) => [r.topic, r.acked, r.windowMs, r.achievedPerSecond, r.belowAsked])).toEqual([
      ['none', 0, null, 'unknown', 'unknown'], ['one', 1, null, 'unknown', 'unknown'], ['instant', 4, null, 'unknown', 'unknown'],
    ]);
  });

  it('a topic acked but never asked (an older history) has its achieved rate and no verdict', () => {
    const [r] = workloadRates(acks('old', 11, 0, 1000), []);
    expect(r).toMatchObject({ askedPerSecond: null, achievedPerSecond: 11, ratio: 'unknown', belowAsked: 'unknown' });
  });

  it('gates as achievedRateRatio: the worst topic, unknown when none is known', () => {
    const rates = workloadRates([...acks('a', 501, 0, 10_000), ...acks('b', 901, 0, 10_000)], [{ name: 'a', ratePerSecond: 100 }, { name: 'b', ratePerSecond: 100 }]);
    expect(worstRatio(rates)).toBe(rates[0]!.ratio);
    const gated = { counts: null, failoverGapMs: null, failoverRemainderMs: null, atKill: { lagMessages: null, groupSyncAgeMs: null, consumerBehind: null }, roundTrip: null } as unknown as Parameters<typeof figureValue>[0];
    expect(figureValue({ ...gated, workloadRates: rates }, 'achievedRateRatio')).toBe(rates[0]!.ratio);
    expect(figureValue({ ...gated, workloadRates: [] }, 'achievedRateRatio')).toBeNull();
  });

  it('reads the asked rates the cell recorded at its start', () => {
    const start: HistoryEvent = { cell: 'c', t: 0, type: 'cell-start', values: {}, settings: { workloadRates: [{ name: 't', partitions: 3, ratePerSecond: 200, messageBytes: 100 }] } };
    const events = [start, ...acks('t', 1001, 0, 10_000)];
    // The checker reads only the events and the settings (checker.test.ts covers the index being built once).
    const input = { events, settings: cellSettingsOf(events), cellStart: 0 } as unknown as CheckInput;
    expect(workloadRateChecker.run(input)).toEqual([expect.objectContaining({ topic: 't', askedPerSecond: 200, achievedPerSecond: 100.1, belowAsked: true })]);
  });
});
