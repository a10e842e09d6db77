import { describe, expect, it } from 'vitest';
import type { CatchUp } from '../../src/core/checker/catch-up.ts';
import { catchUpCurve, headlineCatchUp } from '../../src/core/results/catch-up-curve.ts';
import { catchUpRows, copyRateText } from '../../src/render/catch-up-rows.ts';
import type { CellResult } from '../../src/core/results/results.ts';

const up = (backlog: number, rate: number | null, atLeast: number | null = null, description = 'pause mirror'): CatchUp => ({
  step: 1, description, healedMs: 25_000, backlog, resumedMs: 500, caughtUpMs: 3000, atLeastPerSecond: atLeast,
  copyRate: rate === null ? null : { perSecond: rate, min: rate - 10, max: rate + 10, copied: rate * 2, windowMs: 2000, intervals: 2 },
});
const cell = (values: Record<string, string | number>, catchUp: CatchUp[]) => ({ key: `${JSON.stringify(values)}#1`, values, catchUp }) as unknown as CellResult;
const L = 'timeline.0.action.latencyMs';

describe('the copy-rate curve', () => {
  it("sums a cell run up by its largest backlog's catch-up, not a latency heal's few records", () => {
    expect(headlineCatchUp({ catchUp: [up(20, null, 300, 'latency'), up(19_000, 7500)] })!.description).toBe('pause mirror');
    expect(headlineCatchUp({ catchUp: [up(5, null, null)] })).toBeUndefined();
    expect(headlineCatchUp({})).toBeUndefined();
  });
  it('puts the numeric dimension on x, one line per value of the others, points in x order; a lower bound stays a bound', () => {
    const cells = [
      cell({ [L]: 40, mirrors: 'defaults' }, [up(19_000, 7000)]),
      cell({ [L]: 1, mirrors: 'defaults' }, [up(19_000, null, 6700)]),
      cell({ [L]: 40, mirrors: 'tuned' }, [up(19_000, 9000)]),
    ];
    const c = catchUpCurve(cells, [L, 'mirrors'])!;
    expect(c.x).toBe(L);
    expect(c.lines.map((l) => l.label)).toEqual(['mirrors=defaults', 'mirrors=tuned']);
    expect(c.lines[0]!.points).toEqual([
      { x: 1, perSecond: null, min: null, max: null, atLeast: 6700, runs: 1 },
      { x: 40, perSecond: 7000, min: 6990, max: 7010, atLeast: null, runs: 1 },
    ]);
  });
  it('takes the median over repetitions and the widest min–max', () => {
    const cells = [7000, 7400, 9000].map((r) => cell({ [L]: 40 }, [up(1000, r)]));
    expect(catchUpCurve(cells, [L])!.lines).toEqual([{ label: 'every cell', points: [{ x: 40, perSecond: 7400, min: 6990, max: 9010, atLeast: null, runs: 3 }] }]);
  });
  it('draws nothing without a numeric dimension or without a backlog drained', () => {
    expect(catchUpCurve([cell({ mirrors: 'a' }, [up(100, 50)])], ['mirrors'])).toBeNull();
    expect(catchUpCurve([cell({ [L]: 1 }, [])], [L])).toBeNull();
  });
  it('rows: every catch-up with a backlog, its rate or its bound in words', () => {
    expect(copyRateText(up(1, 7564.4))).toBe('7564 (7554–7574)');
    expect(copyRateText(up(1, null, 6737.2))).toBe('≥ 6737');
    expect(copyRateText(up(1, null))).toBe('—');
    const rows = catchUpRows([cell({ [L]: 1 }, [up(19_098, null, 6737), up(0, null, null, 'latency')])]).rows;
    expect(rows).toEqual([['{"timeline.0.action.latencyMs":1}#1', 'pause mirror', '19098', '0.5', '3.0', '≥ 6737']]);
  });
});
