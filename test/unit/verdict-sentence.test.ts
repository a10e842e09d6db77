import { describe, expect, it } from 'vitest';
import type { LedgerCounts } from '../../src/core/checker/ledger.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import type { TopicReplication } from '../../src/core/checker/topic-replication.ts';
import { summarize } from '../../src/core/results/summary.ts';
import { produceRate, rpoOf } from '../../src/core/results/rpo.ts';
import { clockOf, onClock } from '../../src/core/results/clock.ts';
import { cellVerdict, runVerdict } from '../../src/render/verdict-sentence.ts';
import { contents } from '../../src/render/contents.ts';

const counts = (over: Partial<LedgerCounts> = {}): LedgerCounts => ({
  acked: 6000, failed: 0, indeterminate: 0, lost: 0, skipped: 0, unreached: 0, exactlyOnce: 4979, duplicated: 1021, extraDeliveries: 1021,
  duplicatedBeforeKill: 0, duplicatedByFailover: 1021, duplicatedByProducer: 0, duplicatedAfterFailover: 0,
  notReplicated: 0, replicationDuplicates: 0, replicationExtraCopies: 0, indeterminateAppeared: 0, failedAppeared: 0, foreignDeliveries: 0, deliveredPrimary: 4000, deliveredBackup: 3000, ...over,
});
const topic = (over: Partial<TopicReplication> = {}): TopicReplication => ({
  topic: 'orders', acked: 4000, lagSeconds: null, lagMessagesMax: null, notReplicated: 0, rpoSeconds: null, series: [], ...over,
});

/** A timeline drill's cell run: the workload from 10 s, the kill at 30 s (4000 acked by then: 200 msg/s). */
const cell = (over: Partial<CellResult> = {}): CellResult => ({
  key: 'mirror.policy=default#1', cellId: 'mirror.policy=default', repetition: 1, values: { 'mirror.policy': 'default' }, policy: 'default', remoteTopics: ['primary.orders'],
  mirrorSettings: {}, status: 'measured', roundTrip: null, counts: counts(), failoverGapMs: 2100, failoverDelayMs: 2000, failoverRemainderMs: 100,
  consistency: { holds: true, checks: [] }, backupReadComplete: true, drainComplete: true, samples: null, partitions: {},
  atKill: { lagMessages: 0, lagMs: 0, groupSyncAgeMs: 700, groupSyncBehind: 0, consumerBehind: 0 }, expected: null,
  attribution: {
    strategy: 'mm2-sync',
    duplicates: { total: 1021, parts: [{ cause: 'commit-lag', messages: 990, expectedMax: null }, { cause: 'translation-slack', messages: 31, expectedMax: null }] },
    skips: { total: 0, parts: [] }, partitions: {},
  },
  faults: [], checks: [], topics: [topic()], phases: { 'workload-started': 10_000, kill: 30_000 }, startedAt: '2026-11-21T04:00:00.000Z', durationMs: 60_000, ...over,
});

const run = (cells: CellResult[], status: RunResults['status']): RunResults => ({
  schemaVersion: 2, tool: { name: 'mm2-drill', version: '0' }, runId: 'r', scenario: { name: 's', file: 's.ts', description: '' }, status,
  startedAt: '2026-11-21T04:00:00.000Z', finishedAt: null, environment: { kafkaImage: '', kafkaVersion: '', toxiproxyImage: '', node: '', platform: '' }, cells, summary: summarize(cells),
});

describe('the verdict sentence of a cell run', () => {
  it('says when the consumer was back, what was re-delivered in messages and seconds of traffic and why, what was lost, and the RPO', () => {
    expect(cellVerdict(cell())).toBe(
      'With policy default, the consumer was back on the backup 2.1 s after the kill (2.0 s configured wait + 0.1 s) and re-delivered 1,021 messages'
      + ' — 5.1 s of traffic at the measured 200 msg/s; 97% consumer commit lag, 3% translation slack; nothing lost or skipped; RPO 0 messages (0.0 s).',
    );
  });

  it('names several causes, the duplicates that were not the failover\'s among them', () => {
    const c = cell({ counts: counts({ duplicated: 1000, duplicatedByFailover: 900, duplicatedBeforeKill: 60, duplicatedByProducer: 40 }), attribution: {
      strategy: 'mm2-sync', skips: { total: 0, parts: [] }, partitions: {},
      duplicates: { total: 900, parts: [{ cause: 'sync-lag', messages: 300, expectedMax: 400 }, { cause: 'commit-lag', messages: 600, expectedMax: 600 }] },
    } });
    expect(cellVerdict(c)).toContain('re-delivered 1,000 messages — 5.0 s of traffic at the measured 200 msg/s; 60% consumer commit lag, 30% group-sync lag, 6% before the kill, 4% written twice by the producer;');
  });

  it('says unknown for what the results do not know, never a guess', () => {
    const c = cell({
      counts: counts({ skipped: 'unknown', lost: 'unknown', notReplicated: 'unknown' }), backupReadComplete: false, failoverGapMs: null, failoverDelayMs: null, failoverRemainderMs: null,
      phases: { kill: 30_000 }, topics: undefined,
      attribution: { strategy: 'mm2-sync', skips: { total: 'unknown', parts: [] }, partitions: {}, duplicates: { total: 1021, parts: [{ cause: 'commit-lag', messages: 1000, expectedMax: null }, { cause: 'sync-lag', messages: 'unknown', expectedMax: null }, { cause: 'sync-or-translation', messages: 21, expectedMax: null }] } },
    });
    const s = cellVerdict(c);
    expect(s).toContain('when the consumer was back on the backup is unknown');
    expect(s).toContain('seconds of traffic unknown'); // no workload start: no measured rate
    expect(s).toContain('the split between group-sync lag and translation slack unknown');
    expect(s).toContain('lost unknown, skipped unknown (the backup could not be read completely)');
    expect(s).toContain('RPO unknown');
    expect(s).not.toMatch(/\b0 lost|nothing lost/);
  });

  it('gives the RPO in seconds from the acks\' timestamps (the worst topic), unknown without them', () => {
    const missing = { counts: counts({ notReplicated: 40 }), topics: [topic({ notReplicated: 10, rpoSeconds: 0.4 }), topic({ topic: 'audit', notReplicated: 30, rpoSeconds: 1.3 })] };
    expect(rpoOf(missing)).toEqual({ messages: 40, seconds: 1.3 });
    expect(cellVerdict(cell(missing))).toContain('RPO 40 messages (1.3 s)');
    expect(rpoOf({ counts: counts({ notReplicated: 40 }), topics: undefined })).toEqual({ messages: 40, seconds: 'unknown' });
    expect(rpoOf({ counts: counts({ notReplicated: 40 }), topics: [topic({ rpoSeconds: 'unknown' })] })).toEqual({ messages: 40, seconds: 'unknown' });
    expect(rpoOf({ counts: null, topics: [] })).toEqual({ messages: 'unknown', seconds: 'unknown' });
    expect(cellVerdict(cell({ counts: counts({ notReplicated: 40 }), topics: undefined }))).toContain('RPO 40 messages (seconds unknown)');
  });

  it('measures the produce rate from the workload\'s start to the kill, or has none', () => {
    expect(produceRate(cell())).toBe(200);
    expect(produceRate(cell({ phases: { kill: 30_000 } }))).toBeNull();
    expect(produceRate(cell({ topics: undefined }))).toBeNull();
  });

  it('names a failed threshold with its limit and its value, and an unknown one with why', () => {
    const c = cell({ status: 'failed', checks: [
      { figure: 'duplicated', expression: '<=100', value: 1021, verdict: 'fail' },
      { figure: 'lost', expression: '==0', value: 0, verdict: 'pass' },
      { figure: 'skipped', expression: '<=0', value: null, verdict: 'unknown' },
    ], counts: counts({ skipped: 'unknown' }), backupReadComplete: false });
    const s = cellVerdict(c);
    expect(s).toMatch(/ Failed: duplicated = 1021, threshold duplicated <= 100; skipped could not be measured \(the backup could not be read completely\), threshold skipped <= 0\.$/);
    expect(s).not.toContain('threshold lost');
  });

  it('a cell run that did not finish: why, and every figure unknown', () => {
    const s = cellVerdict(cell({ status: 'error', counts: null, error: { code: 'WAIT_TIMEOUT', message: 'MM2 never replicated' } }));
    expect(s).toBe('With policy default, the drill stopped on WAIT_TIMEOUT: MM2 never replicated; lost, skipped, duplicated and the RPO are unknown.');
  });

  it('a drill without a kill has no failover', () => {
    expect(cellVerdict(cell({ failoverGapMs: null, phases: { 'workload-started': 10_000 }, counts: counts({ duplicated: 0, duplicatedByFailover: 0 }), attribution: null })))
      .toMatch(/^With policy default, no failover \(the primary was not killed\) and re-delivered nothing; nothing lost or skipped;/);
  });
});

describe('the verdict sentence of a run', () => {
  it('ranges over the cell runs that finished and names those that did not pass', () => {
    const cells = [
      cell(),
      cell({ key: 'mirror.policy=identity#1', cellId: 'mirror.policy=identity', values: { 'mirror.policy': 'identity' }, status: 'failed', failoverGapMs: 3400, counts: counts({ duplicated: 60, lost: 3, notReplicated: 3 }), topics: [topic({ notReplicated: 3, rpoSeconds: 0.2 })] }),
      cell({ key: 'mirror.policy=identity#2', status: 'error', counts: null }),
    ];
    expect(runVerdict(run(cells, 'error'))).toBe(
      'ERROR: 3 cell runs (1 measured, 1 failed, 1 error); lost 0–3, skipped 0, duplicated 60–1,021, RPO 0–3 messages (0.0–0.2 s), consumer back on the backup 2.1–3.4 s after the kill in the 2 that finished.'
      + ' Not passed: mirror.policy=identity#1, mirror.policy=identity#2.',
    );
  });

  it('says unknown where a run did not know a figure, and when nothing finished', () => {
    expect(runVerdict(run([cell(), cell({ counts: counts({ lost: 'unknown' }) })], 'measured'))).toContain('lost 0 (unknown in 1)');
    expect(runVerdict(run([cell({ status: 'interrupted', counts: null })], 'interrupted'))).toBe('INTERRUPTED: 1 cell run (1 interrupted); no cell run finished, so every figure is unknown.');
  });
});

describe('the clock of every output', () => {
  it("counts from the workload's start, or from the cell's when it never started, and says which", () => {
    expect(clockOf({ phases: { 'workload-started': 17_900 } })).toEqual({ originMs: 17_900, label: "s from the workload's start" });
    expect(onClock(clockOf({ phases: { 'workload-started': 17_900 } }), 33_700)).toBe('15.8');
    expect(onClock(clockOf({ phases: { 'workload-started': 17_900 } }), 10_000)).toBe('-7.9');
    expect(clockOf({ phases: {} })).toEqual({ originMs: 0, label: "s from the cell's start (no workload started)" });
  });
});

describe("report.html's contents", () => {
  const at = (values: Record<string, string>, repetition = 1, status: CellResult['status'] = 'measured') => {
    const id = Object.entries(values).map(([k, v]) => `${k}=${v}`).join(',');
    return cell({ key: `${id}#${repetition}`, cellId: id, values, repetition, status });
  };

  it('groups the cell runs by every matrix value but the last, each entry named by what is left and linked by its place', () => {
    const cells = [
      at({ policy: 'default', start: 'earliest', playbook: 'a' }), at({ policy: 'default', start: 'earliest', playbook: 'b' }, 1, 'failed'),
      at({ policy: 'default', start: 'latest', playbook: 'a' }), at({ policy: 'identity', start: 'earliest', playbook: 'a' }), at({ policy: 'default', start: 'earliest', playbook: 'a' }, 2),
    ];
    expect(contents(cells, ['policy', 'start', 'playbook'])).toEqual([
      { title: 'policy=default, start=earliest', entries: [{ index: 0, label: 'playbook=a #1', status: 'measured' }, { index: 1, label: 'playbook=b #1', status: 'failed' }, { index: 4, label: 'playbook=a #2', status: 'measured' }] },
      { title: 'policy=default, start=latest', entries: [{ index: 2, label: 'playbook=a #1', status: 'measured' }] },
      { title: 'policy=identity, start=earliest', entries: [{ index: 3, label: 'playbook=a #1', status: 'measured' }] },
    ]);
  });

  it('one dimension: one list, untitled; none: the cell ids', () => {
    expect(contents([at({ policy: 'default' }), at({ policy: 'identity' })], ['policy'])).toEqual([
      { title: null, entries: [{ index: 0, label: 'policy=default #1', status: 'measured' }, { index: 1, label: 'policy=identity #1', status: 'measured' }] },
    ]);
    expect(contents([cell({ cellId: 'default', values: {} })], [])).toEqual([{ title: null, entries: [{ index: 0, label: 'default #1', status: 'measured' }] }]);
  });
});
