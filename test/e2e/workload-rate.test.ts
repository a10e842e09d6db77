/**
 * Asked vs achieved, for real: one quickstart cell asked for 20,000 msg/s of small
 * messages. Whether this machine reaches it or not, the report must say what the history's acks
 * say — the acked records over the producing window — flag it exactly when it is under 95 % of
 * the asked rate, gate on it, and every acked id must still be classified.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { runDrill } from './helpers.ts';

const ASKED = 20_000;

describe('asked vs achieved rate (quickstart at 20,000 msg/s of 100 B)', () => {
  let results: RunResults;
  let history: HistoryEvent[];
  let stdout: string;
  let code: number | null;
  let cell: CellResult;

  beforeAll(async () => {
    ({ results, history, stdout, code } = await runDrill('scenarios/quickstart.ts', 'quickstart', [
      '--only', 'policy=default',
      '--set', `workload.ratePerSecond=${ASKED}`, '--set', 'workload.messageBytes=100', '--set', 'timeline.0.at=10',
      '--set', 'thresholds.achievedRateRatio=>=0',
    ]));
    cell = results.cells[0]!;
  }, 300_000);

  it('reports the asked rate and what the acks say was achieved', () => {
    expect(results.cells).toHaveLength(1);
    const acks = eventsOf(history, 'ack').filter((a) => a.cell === cell.key && a.topic === 'orders');
    expect(acks.length).toBeGreaterThan(1000);
    // The window as the acks give it: per cluster written to, first to last ack.
    const byCluster = Map.groupBy(acks, (a) => a.cluster ?? 'primary');
    const span = (xs: readonly { t: number }[]) => xs.reduce((m, a) => Math.max(m, a.t), -Infinity) - xs.reduce((m, a) => Math.min(m, a.t), Infinity);
    const windowMs = [...byCluster.values()].reduce((w, xs) => w + span(xs), 0);
    const achieved = (acks.length * 1000) / windowMs;
    const [rate] = cell.workloadRates ?? [];
    expect(rate).toMatchObject({ topic: 'orders', askedPerSecond: ASKED, acked: acks.length, windowMs });
    expect(rate!.achievedPerSecond).toBeCloseTo(achieved, 0);
    // The producer never writes faster than asked (one batch at the window's edge aside).
    expect(rate!.ratio as number).toBeLessThanOrEqual(1.05);
    expect(rate!.belowAsked).toBe(achieved / ASKED < 0.95);
    expect(cell.counts!.acked).toBe(acks.length);
  });

  it('says so in the terminal when the workload ran below the asked rate, and gates on it', () => {
    const [rate] = cell.workloadRates!;
    expect(stdout.includes('BELOW ASKED')).toBe(rate!.belowAsked === true);
    const check = cell.checks.find((c) => c.figure === 'achievedRateRatio');
    expect(check).toMatchObject({ value: rate!.ratio, verdict: 'pass' });
  });

  it('classifies every acked id, the consistency checks pass', () => {
    const k = cell.counts!;
    expect(cell.consistency?.holds).toBe(true);
    expect(cell.consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
    expect(cell.backupReadComplete).toBe(true);
    expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated).toBe(k.acked);
    expect(code).toBe(0);
  });
});
