import { describe, expect, it } from 'vitest';
import { formatStat, runsText, stat, summarize } from '../../src/core/results/summary.ts';
import { runStatus } from '../../src/core/results/results.ts';
import type { CellResult } from '../../src/core/results/results.ts';
import type { LedgerCounts } from '../../src/core/checker/ledger.ts';

const counts = (over: Partial<LedgerCounts>): LedgerCounts => ({
  acked: 100, failed: 0, indeterminate: 0, lost: 0, skipped: 0, unreached: 0, exactlyOnce: 90, duplicated: 10, extraDeliveries: 10,
  duplicatedBeforeKill: 0, duplicatedByFailover: 10, duplicatedAfterFailover: 0,
  notReplicated: 0, replicationDuplicates: 0, replicationExtraCopies: 0, indeterminateAppeared: 0, failedAppeared: 0, foreignDeliveries: 0,
  deliveredPrimary: 80, deliveredBackup: 30, ...over,
});
const run = (cellId: string, repetition: number, c: Partial<LedgerCounts>, status: CellResult['status'] = 'passed'): CellResult => ({
  key: `${cellId}#${repetition}`, cellId, repetition, values: { 'mirror.policy': cellId }, policy: cellId, remoteTopics: [], mirrorSettings: {},
  status, roundTrip: null, counts: counts(c), failoverGapMs: 3000, failoverDelayMs: 2000, failoverRemainderMs: 1000, consistency: { holds: true, checks: [] }, backupReadComplete: true, drainComplete: true,
  samples: null, phases: {}, startedAt: '', durationMs: 1, faults: [], checks: [], partitions: {},
  atKill: { lagMessages: null, lagMs: null, groupSyncAgeMs: null, groupSyncBehind: null, consumerBehind: null }, expected: null, attribution: null,
});

describe('summaries across repetitions', () => {
  it('gives median and min–max per figure', () => {
    const [s] = summarize([run('a', 1, { duplicated: 10 }), run('a', 2, { duplicated: 30 }), run('a', 3, { duplicated: 20 })]);
    expect(s?.figures.duplicated).toEqual({ median: 20, min: 10, max: 30, n: 3, unknown: 0 });
    expect(formatStat(s!.figures.duplicated)).toBe('20 (10–30)');
  });
  it('uses the mean of the middle two for an even count', () => {
    expect(stat([1, 2, 3, 10], 4)?.median).toBe(2.5);
  });
  it('keeps unknowns and unfinished runs out of the numbers but counts them', () => {
    const [s] = summarize([run('a', 1, { skipped: 'unknown' }), run('a', 2, { skipped: 4 }), run('a', 3, {}, 'interrupted')]);
    expect(s?.figures.skipped).toEqual({ median: 4, min: 4, max: 4, n: 1, unknown: 2 });
    expect(formatStat(s!.figures.skipped)).toBe('4 +2?');
    expect(s?.passed).toBe(2);
  });
  it('counts measured (ungated) runs apart from passed ones', () => {
    const [s] = summarize([run('a', 1, {}, 'measured'), run('a', 2, {}, 'measured')]);
    expect(s).toMatchObject({ passed: 0, measured: 2 });
    expect(runsText(s!)).toBe('2 measured (not gated)');
  });
  it('says unknown when nothing was measured', () => {
    expect(formatStat(stat(['unknown'], 1))).toBe('unknown');
  });
});

describe('run status', () => {
  it('is measured, not passed, when no cell was gated', () => {
    expect(runStatus([run('a', 1, {}, 'measured')], false)).toBe('measured');
    expect(runStatus([run('a', 1, {}, 'measured'), run('b', 1, {}, 'passed')], false)).toBe('passed');
    expect(runStatus([run('a', 1, {}, 'measured'), run('b', 1, {}, 'failed')], false)).toBe('failed');
  });
});
