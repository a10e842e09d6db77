import { describe, expect, it } from 'vitest';
import { expandMatrix } from '../../src/core/plan/matrix.ts';
import { asSides, asVariant, describePairing, isConsumerSide, mirrorSideUnpairedBecause, planUnits, variantGroups } from '../../src/core/plan/pairing.ts';
import { formatDelta, summarize } from '../../src/core/results/summary.ts';
import type { CellResult } from '../../src/core/results/results.ts';
import type { ScenarioInput } from '../../src/core/scenario/scenario.ts';

const cells = (input: Partial<ScenarioInput>) => expandMatrix({ name: 'p', timeline: [{ at: 10, action: 'kill-primary' }], ...input } as ScenarioInput, 't.ts');

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

  it('pairs MM2-side dimensions too: one environment, each distinct mirror block a side of its own, its variants paired within it', () => {
    const c = cells({ matrix: { 'mirror.policy': ['default', 'identity'], 'failover.strategy': ['mm2-sync', 'checkpoints', 'latest'] } });
    const [env, ...more] = planUnits(c);
    expect(more).toEqual([]);
    expect(env!.cells.map((x) => x.id)).toEqual([
      'mirror.policy=default,failover.strategy=mm2-sync', 'mirror.policy=default,failover.strategy=checkpoints', 'mirror.policy=default,failover.strategy=latest',
      'mirror.policy=identity,failover.strategy=mm2-sync', 'mirror.policy=identity,failover.strategy=checkpoints', 'mirror.policy=identity,failover.strategy=latest',
    ]);
    expect(env!.sides).toEqual([0, 0, 0, 1, 1, 1]);
    // Each side's variants have one mirror block: the side's MM2 runs it.
    for (const side of [0, 1]) expect(new Set(env!.cells.filter((_, i) => env!.sides[i] === side).map((x) => JSON.stringify(x.scenario.mirror))).size).toBe(1);
    expect(describePairing(c)).toMatch(/mirror\.policy paired MM2-side: .* up to 2 variant\(s\), each with its own backup and MM2 \(at most 6 an environment/);
  });

  it('deals MM2-side variants over environments of at most the given backups, evenly, and keeps a large consumer-side group whole', () => {
    const c = cells({ matrix: { 'mirror.policy': ['default', 'identity'], 'mirror.checkpointIntervalSeconds': [1, 5, 30] }, repeat: 2 });
    expect(planUnits(c).map((u) => u.sides)).toEqual([[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5]]);
    expect(planUnits(c, 4).map((u) => u.sides)).toEqual([[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2]]);
    expect(planUnits(c, 1).map((u) => u.cells.length)).toEqual(Array(12).fill(1));
    expect(describePairing(c, 4)).toContain('4 environment(s) for 12 cell run(s)');
    // Six strategies on each of two policies: a side of six consumer groups is an environment's worth.
    const wide = cells({ matrix: { 'mirror.policy': ['default', 'identity'], 'failover.strategy': ['mm2-sync', 'checkpoints', 'raw-copy', 'timestamp', 'earliest', 'latest'] } });
    expect(planUnits(wide).map((u) => [u.cells.length, new Set(u.sides).size])).toEqual([[6, 1], [6, 1]]);
  });

  it('keeps MM2-side variants apart when they would share more than the primary, and says why', () => {
    const matrix = { 'mirror.policy': ['default', 'identity'] };
    const why = (input: Partial<ScenarioInput>) => {
      const c = cells({ matrix, ...input });
      expect(variantGroups(c)).toHaveLength(2);
      return describePairing(c);
    };
    expect(why({ timeline: [{ at: 5, action: { fault: 'latency', link: 'mm2-backup', latencyMs: 100 } }, { at: 10, action: 'kill-primary' }] } as Partial<ScenarioInput>)).toContain('a fault on the timeline');
    expect(why({ mirror: { properties: { 'offset-syncs.topic.location': 'source' } } } as Partial<ScenarioInput>)).toContain('keep the sides apart');
    expect(why({ alarms: { checkpointAgeSeconds: '>30' } } as Partial<ScenarioInput>)).toContain('alarms');
    expect(why({ timeline: [{ at: { replicationLagAbove: 50 }, action: 'kill-primary' }] } as Partial<ScenarioInput>)).toContain('replication lag');
    expect(mirrorSideUnpairedBecause(cells({ matrix })[0]!.scenario)).toBeNull();
  });

  it("keeps each side's MM2 to its own backup on the shared primary: syncs on its backup, no other side's group, no herder on the primary", () => {
    const c = cells({ matrix: { 'mirror.policy': ['default', 'identity'], 'failover.strategy': ['mm2-sync', 'latest'] } });
    const [u] = planUnits(c);
    const v = asSides(u!.cells.map((x, i) => asVariant(x, i, u!.cells.length)), u!.sides);
    const props = (i: number) => v[i]!.scenario.mirror.properties;
    expect(props(0)['offset-syncs.topic.location']).toBe('target');
    expect(props(0)['backup->primary.emit.heartbeats.enabled']).toBe(false);
    expect(props(0)['groups.exclude']).toBe('console-consumer-.*, connect-.*, __.*, drill-consumer-v3, drill-consumer-v4');
    expect(props(3)['groups.exclude']).toBe('console-consumer-.*, connect-.*, __.*, drill-consumer-v1, drill-consumer-v2');
    // MM2's groups.exclude is a regex: a group id's own dots match only dots.
    const dotted = asSides(cells({ matrix: { 'mirror.policy': ['default', 'identity'] }, workload: { consumer: { groupId: 'a.b' } } } as Partial<ScenarioInput>), [0, 1]);
    expect(dotted[0]!.scenario.mirror.properties['groups.exclude']).toMatch(/, a\\\.b$/);
    // One side: nothing to keep apart, nothing changed.
    const one = cells({ matrix: { 'failover.strategy': ['mm2-sync', 'latest'] } });
    expect(asSides(one, [0, 0])).toEqual(one);
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
