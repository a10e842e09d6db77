import { describe, expect, it } from 'vitest';
import { expandMatrix } from '../../src/core/plan/matrix.ts';
import { asVariant, describePairing, isConsumerSide, planUnits, variantGroups } from '../../src/core/plan/pairing.ts';
import { formatDelta, summarize } from '../../src/core/results/summary.ts';
import type { CellResult } from '../../src/core/results/results.ts';
import type { ScenarioInput } from '../../src/core/scenario/scenario.ts';

const cells = (input: Partial<ScenarioInput>) => expandMatrix({ name: 'p', timeline: [{ at: 10, action: 'kill-primary' }], ...input } as ScenarioInput, 't.ts');
const ids = (groups: { id: string }[][]) => groups.map((g) => g.map((c) => c.id));

describe('paired variants', () => {
  it('knows the consumer side from the rest', () => {
    expect(['failover.strategy', 'workload.consumer.commit', 'failover'].every(isConsumerSide)).toBe(true);
    expect(['mirror.policy', 'workload.ratePerSecond', 'failoverish', 'kafka.version'].some(isConsumerSide)).toBe(false);
  });

  it('puts variants that differ only on the consumer side in one environment, per repetition', () => {
    const c = cells({ matrix: { 'failover.strategy': ['mm2-sync', 'earliest'], 'workload.consumer.commit': ['batch', 'auto'] }, repeat: 3 });
    expect(variantGroups(c)).toHaveLength(1);
    const units = planUnits(c);
    expect(units.map((u) => u.repetition)).toEqual([1, 2, 3]);
    expect(units.every((u) => u.cells.length === 4)).toBe(true);
    expect(describePairing(c)).toContain('3 environment(s) for 12 cell run(s)');
  });

  it('gives every value of an MM2-side dimension its own environment, pairing within it', () => {
    const c = cells({ matrix: { 'mirror.policy': ['default', 'identity'], 'failover.strategy': ['mm2-sync', 'checkpoints', 'latest'] } });
    expect(ids(variantGroups(c))).toEqual([
      ['mirror.policy=default,failover.strategy=mm2-sync', 'mirror.policy=default,failover.strategy=checkpoints', 'mirror.policy=default,failover.strategy=latest'],
      ['mirror.policy=identity,failover.strategy=mm2-sync', 'mirror.policy=identity,failover.strategy=checkpoints', 'mirror.policy=identity,failover.strategy=latest'],
    ]);
    expect(describePairing(c)).toMatch(/mirror\.policy change\(s\) the environment/);
  });

  it('keeps one environment per cell when asked, or for a scenario\'s own playbook, and says why', () => {
    const off = cells({ pairing: false, matrix: { 'failover.strategy': ['mm2-sync', 'latest'] } });
    expect(variantGroups(off)).toHaveLength(2);
    expect(describePairing(off)).toContain('pairing: false');
    const playbook = expandMatrix({
      name: 'p', playbook: [{ action: 'kill-cluster', cluster: 'primary' }, { action: 'move-consumers', to: 'backup' }],
      matrix: { 'failover.autoOffsetReset': ['earliest', 'latest'] },
    }, 't.ts');
    expect(variantGroups(playbook)).toHaveLength(2);
    expect(describePairing(playbook)).toContain("own playbook");
  });

  it('gives each variant of a shared environment its own consumer group, and changes nothing else', () => {
    const [a, b] = cells({ matrix: { 'failover.strategy': ['mm2-sync', 'latest'] } });
    expect(asVariant(a!, 0, 1)).toBe(a);
    const v = asVariant(b!, 1, 2);
    expect(v.scenario.workload.consumer.groupId).toBe('drill-consumer-v2');
    expect({ ...v.scenario, workload: { ...v.scenario.workload, consumer: { ...v.scenario.workload.consumer, groupId: 'drill-consumer' } } }).toEqual(b!.scenario);
  });
});

describe('paired differences in the summary', () => {
  const run = (cellId: string, repetition: number, duplicated: number, env: string | null): CellResult => ({
    key: `${cellId}#${repetition}`, cellId, repetition, values: { 'failover.strategy': cellId }, policy: 'default', remoteTopics: [], mirrorSettings: {},
    status: 'measured', roundTrip: null, failoverGapMs: 2000 + duplicated, failoverDelayMs: 2000, failoverRemainderMs: 0, consistency: { holds: true, checks: [] },
    counts: { acked: 100, failed: 0, indeterminate: 0, lost: 0, skipped: 0, unreached: 0, exactlyOnce: 100 - duplicated, duplicated, extraDeliveries: duplicated, duplicatedBeforeKill: 0, duplicatedByFailover: duplicated, duplicatedAfterFailover: 0, notReplicated: 0, replicationDuplicates: 0, replicationExtraCopies: 0, indeterminateAppeared: 0, failedAppeared: 0, foreignDeliveries: 0, deliveredPrimary: 50, deliveredBackup: 50 },
    backupReadComplete: true, drainComplete: true, samples: null, phases: {}, startedAt: '', durationMs: 1, faults: [], checks: [], partitions: {},
    atKill: { lagMessages: null, lagMs: null, groupSyncAgeMs: null, groupSyncBehind: null, consumerBehind: null }, expected: null, attribution: null,
    pairedRun: env ? { environment: env, variants: [`a#${repetition}`, `b#${repetition}`] } : null,
  });

  it('takes each difference within one environment, run by run', () => {
    // Run 1: a=10, b=15 → +5; run 2: a=40, b=42 → +2; run 3: a=20, b=30 → +10. Independent medians say +10.
    const s = summarize([run('a', 1, 10, 'a#1'), run('b', 1, 15, 'a#1'), run('a', 2, 40, 'a#2'), run('b', 2, 42, 'a#2'), run('a', 3, 20, 'a#3'), run('b', 3, 30, 'a#3')]);
    const b = s.find((x) => x.cellId === 'b')!;
    expect(s.find((x) => x.cellId === 'a')!.paired).toBeNull();
    expect(b.paired?.baseline).toBe('a');
    expect(b.paired?.figures.duplicated).toEqual({ median: 5, min: 2, max: 10, n: 3, unknown: 0 });
    expect(b.paired?.figures.failoverGapMs?.median).toBe(5);
    expect(formatDelta(b.paired!.figures.duplicated)).toBe('+5 (+2…+10)');
    expect(formatDelta(b.paired!.figures.lost)).toBe('±0');
  });

  it('has no paired difference for cells that ran apart', () => {
    expect(summarize([run('a', 1, 10, null), run('b', 1, 15, null)]).every((x) => x.paired === null)).toBe(true);
  });
});
