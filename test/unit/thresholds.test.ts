import { describe, expect, it } from 'vitest';
import type { CellResult } from '../../src/core/results/results.ts';
import { checksFor, thresholdsSchema } from '../../src/core/scenario/thresholds.ts';
import { evaluate } from '../../src/core/results/threshold-checks.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import type { LedgerCounts } from '../../src/core/checker/ledger.ts';

const counts = { acked: 1000, lost: 0, skipped: 'unknown', duplicated: 120, extraDeliveries: 130, exactlyOnce: 880 } as unknown as LedgerCounts;
const cell = (values: Record<string, string | number | boolean>) => ({
  values, counts, failoverGapMs: 3500, failoverRemainderMs: 1500, atKill: { lagMessages: 40, lagMs: 200, groupSyncAgeMs: 900, groupSyncBehind: 10, consumerBehind: 0 }, roundTrip: null,
});

describe('thresholds', () => {
  it('passes, fails and says unknown for what was not measured', () => {
    const t = thresholdsSchema.parse({ lost: '==0', duplicated: '<=100', skipped: '==0', failoverGapSeconds: '<30', failoverRemainderSeconds: '<1', lagAtKillMessages: '< 50' });
    const byFigure = Object.fromEntries(evaluate(t, cell({})).map((c) => [c.figure, [c.value, c.verdict]]));
    expect(byFigure).toEqual({
      lost: [0, 'pass'], duplicated: [120, 'fail'], skipped: [null, 'unknown'], failoverGapSeconds: [3.5, 'pass'], failoverRemainderSeconds: [1.5, 'fail'], lagAtKillMessages: [40, 'pass'],
    });
  });

  it('gates a playbook\'s stranded and resurrected ids and its cutover window, unknown for a timeline drill', () => {
    const t = thresholdsSchema.parse({ stranded: '==0', resurrected: '<10', cutoverWindowSeconds: '<1' });
    const gaps = [{ from: 'kill', to: 'home', startMs: 0, endMs: 3000, durationMs: 3000 }, { from: 'stop', to: 'back', startMs: 9000, endMs: 14_500, durationMs: 5500 }];
    const roundTrip = { stranded: 1340, resurrected: 'unknown', writeGaps: gaps } as unknown as NonNullable<CellResult['roundTrip']>;
    const verdicts = (c: Parameters<typeof evaluate>[1]) => Object.fromEntries(evaluate(t, c).map((x) => [x.figure, [x.value, x.verdict]]));
    expect(verdicts({ ...cell({}), roundTrip })).toEqual({ stranded: [1340, 'fail'], resurrected: [null, 'unknown'], cutoverWindowSeconds: [5.5, 'fail'] });
    expect(verdicts(cell({}))).toEqual({ stranded: [null, 'unknown'], resurrected: [null, 'unknown'], cutoverWindowSeconds: [null, 'unknown'] });
  });

  it('applies `when` groups only to matching cells (a path may be shortened)', () => {
    const t = thresholdsSchema.parse([
      { checks: { lost: '==0' } },
      { when: { policy: 'identity' }, checks: { duplicated: '<=500' } },
    ]);
    expect(checksFor(t, { 'mirror.policy': 'default' })).toEqual([['lost', '==0']]);
    expect(checksFor(t, { 'mirror.policy': 'identity' })).toEqual([['lost', '==0'], ['duplicated', '<=500']]);
  });

  it('rejects malformed thresholds with the path', () => {
    expect(() => parseScenario({ name: 'x', thresholds: { lost: 'zero' } }, 't')).toThrow(/thresholds\.lost: a comparison like/);
    expect(() => parseScenario({ name: 'x', thresholds: { happiness: '>1' } }, 't')).toThrow(/thresholds/);
  });
});

describe('capacity', async () => {
  const { fitsTwice, memoryNeeded, memoryShortfall } = await import('../../src/core/plan/capacity.ts');
  const s = parseScenario({ name: 'big', kafka: { nodes: 3, backupNodes: 1 } }, 't');
  it('counts every broker and MM2', () => {
    expect(memoryNeeded(s)).toBe(5 * 768 * 1024 * 1024 + 256 * 1024 * 1024);
  });
  it('names what is needed and what the engine has', () => {
    expect(memoryShortfall(s, 2 * 1024 ** 3)).toMatch(/needs about 4\.0 GiB for its 4 brokers and MM2, and the Docker engine has 2\.0 GiB/);
    expect(memoryShortfall(s, 24 * 1024 ** 3)).toBeNull();
  });
  it('starts the next environment ahead only when two fit, and never on an engine that does not say', () => {
    const one = memoryNeeded(s);
    expect(fitsTwice(s, 2 * one)).toBe(true);
    expect(fitsTwice(s, 2 * one - 1)).toBe(false);
    expect(memoryShortfall(s, 2 * one - 1)).toBeNull(); // one fits: the drill runs, one environment at a time
    expect(fitsTwice(s, 0)).toBe(false);
  });
});
