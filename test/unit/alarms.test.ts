import { describe, expect, it } from 'vitest';
import { AlarmTracker, alarmCounts, alarmsOf, alarmsSchema, expiredUncopied } from '../../src/core/scenario/alarms.ts';
import type { HealthValues } from '../../src/core/history/health-signals.ts';
import { decodeHeartbeat } from '../../src/core/kafka/checkpoint.ts';
import { holds, parseComparison } from '../../src/core/scenario/comparison.ts';
import { describeFault } from '../../src/core/scenario/faults.ts';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import { heartbeatsTopics, offsetSyncsTopic, policySeparator } from '../../src/core/kafka/mm2-names.ts';
import { flowProperties } from '../../src/core/scenario/mirror-flow.ts';
import { thresholdsSchema } from '../../src/core/scenario/thresholds.ts';
import { evaluate } from '../../src/core/results/threshold-checks.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';

const values = (v: Partial<HealthValues>): HealthValues => ({ heartbeatAgeSeconds: null, replicatedHeartbeatAgeSeconds: null, checkpointAgeSeconds: null, offsetSyncAgeSeconds: null, expiredUncopiedMessages: null, ...v });

describe('comparisons', () => {
  it('reads the operator and the bound as written, and compares', () => {
    expect(parseComparison(' >= 10.5 ')).toEqual({ operator: '>=', bound: '10.5' });
    expect(parseComparison('ten')).toBeNull();
    expect([holds(10, '>10'), holds(10.1, '>10'), holds(0, '==0'), holds(-1, '<0'), holds(3, '!=3')]).toEqual([false, true, true, true, false]);
  });
});

describe('alarm tracker', () => {
  it('fires when its comparison starts to hold, clears when it stops; unknown changes nothing', () => {
    const t = new AlarmTracker(alarmsSchema.parse({ checkpointAgeSeconds: '>10', heartbeatAgeSeconds: '>5' }));
    expect(t.observe(values({ checkpointAgeSeconds: 2, heartbeatAgeSeconds: 1 }))).toEqual([]);
    expect(t.observe(values({ checkpointAgeSeconds: 10.4, heartbeatAgeSeconds: 1 }))).toEqual([{ signal: 'checkpointAgeSeconds', condition: '>10', state: 'fired', value: 10.4 }]);
    expect(t.firing('checkpointAgeSeconds')).toBe(true);
    // Still above: no second firing. Unknown (a killed cluster): the alarm keeps its state.
    expect(t.observe(values({ checkpointAgeSeconds: 12 }))).toEqual([]);
    expect(t.observe(values({}))).toEqual([]);
    expect(t.firing('checkpointAgeSeconds')).toBe(true);
    expect(t.observe(values({ checkpointAgeSeconds: 0.5, heartbeatAgeSeconds: 6 }))).toEqual([
      { signal: 'checkpointAgeSeconds', condition: '>10', state: 'cleared', value: 0.5 },
      { signal: 'heartbeatAgeSeconds', condition: '>5', state: 'fired', value: 6 },
    ]);
  });

  it('rejects an unknown signal and a malformed comparison with the path', () => {
    expect(() => parseScenario({ name: 'x', alarms: { lagSeconds: '>1' } }, 't')).toThrow(/alarms/);
    expect(() => parseScenario({ name: 'x', alarms: { checkpointAgeSeconds: 'stale' } }, 't')).toThrow(/alarms\.checkpointAgeSeconds: a comparison like/);
  });

  it('refuses a playbook condition on an alarm the scenario does not declare', () => {
    const playbook = [
      { action: 'check-health', cluster: 'primary' },
      { when: { alarm: 'checkpointAgeSeconds' }, action: 'kill-cluster', cluster: 'primary' },
      { action: 'move-consumers', to: 'backup' },
    ];
    expect(() => parseScenario({ name: 'x', playbook }, 't')).toThrow(/no alarm on checkpointAgeSeconds: declare it in alarms/);
    expect(parseScenario({ name: 'x', playbook, alarms: { checkpointAgeSeconds: '>10' } }, 't').alarms).toEqual({ checkpointAgeSeconds: '>10' });
  });
});

describe('alarms in the history', () => {
  const cell = 'c#1';
  const t0 = 1_000_000;
  const health = (s: number, v: Partial<HealthValues>): HistoryEvent => ({ cell, t: t0 + s * 1000, type: 'health', values: values(v) });
  const events: HistoryEvent[] = [
    { cell, t: t0, type: 'alarm', signal: 'checkpointAgeSeconds', condition: '>10', state: 'armed' },
    { cell, t: t0, type: 'alarm', signal: 'heartbeatAgeSeconds', condition: '>5', state: 'armed' },
    health(1, { checkpointAgeSeconds: 1, heartbeatAgeSeconds: 0.5 }),
    health(20, { checkpointAgeSeconds: 10.6, heartbeatAgeSeconds: 0.4 }),
    { cell, t: t0 + 20_000, type: 'alarm', signal: 'checkpointAgeSeconds', condition: '>10', state: 'fired', value: 10.6 },
    health(39, { checkpointAgeSeconds: 29.5, heartbeatAgeSeconds: 0.3 }),
    { cell, t: t0 + 40_000, type: 'kill', target: 'primary', signal: 'SIGKILL' },
    health(60, { checkpointAgeSeconds: 50, heartbeatAgeSeconds: 7 }),
    { cell, t: t0 + 60_000, type: 'alarm', signal: 'heartbeatAgeSeconds', condition: '>5', state: 'fired', value: 7 },
  ];

  it('says when each alarm first fired, its lead over the kill, and its signal at the kill', () => {
    expect(alarmsOf(events, t0)).toEqual([
      { signal: 'checkpointAgeSeconds', condition: '>10', fired: 1, firstFiredMs: 20_000, leadMs: 20_000, firingAtKill: true, valueAtKill: 29.5, peak: 50 },
      { signal: 'heartbeatAgeSeconds', condition: '>5', fired: 1, firstFiredMs: 60_000, leadMs: null, firingAtKill: false, valueAtKill: 0.3, peak: 7 },
    ]);
    expect(alarmCounts(alarmsOf(events, t0))).toEqual({ fired: 2, firingAtKill: 1 });
  });

  it('gates on the alarms that fired before the kill; unknown without alarms or without a kill', () => {
    const t = thresholdsSchema.parse({ alarmsFiringAtKill: '>=1', alarmsFired: '==0', checkpointAlarmLeadSeconds: '>=5', heartbeatAlarmLeadSeconds: '>=5' });
    const base = { values: {}, counts: null, failoverGapMs: null, failoverRemainderMs: null, atKill: { lagMessages: null, lagMs: null, groupSyncAgeMs: null, groupSyncBehind: null, consumerBehind: null }, roundTrip: null };
    const verdicts = (alarms: ReturnType<typeof alarmsOf>) => evaluate(t, { ...base, alarms }).map((c) => [c.figure, c.value, c.verdict]);
    // The checkpoint alarm warned 20 s ahead; the heartbeat one only after the kill.
    expect(verdicts(alarmsOf(events, t0))).toEqual([
      ['alarmsFiringAtKill', 1, 'pass'], ['alarmsFired', 2, 'fail'], ['checkpointAlarmLeadSeconds', 20, 'pass'], ['heartbeatAlarmLeadSeconds', null, 'unknown'],
    ]);
    const none = [['alarmsFiringAtKill', null, 'unknown'], ['alarmsFired', null, 'unknown'], ['checkpointAlarmLeadSeconds', null, 'unknown'], ['heartbeatAlarmLeadSeconds', null, 'unknown']];
    expect(verdicts([])).toEqual(none);
    const noKill = alarmsOf(events.filter((e) => e.type !== 'kill'), t0);
    expect(verdicts(noKill)).toEqual([['alarmsFiringAtKill', null, 'unknown'], ['alarmsFired', 2, 'fail'], ...none.slice(2)]);
  });
});

describe('MM2 health records', () => {
  it('decodes a heartbeat as MirrorHeartbeatTask writes it', () => {
    const str = (s: string) => [...[0, s.length], ...Buffer.from(s)];
    const key = Uint8Array.from([...str('primary'), ...str('backup')]);
    const value = Buffer.alloc(10);
    value.writeInt16BE(0, 0);
    value.writeBigInt64BE(1_763_700_000_123n, 2);
    expect(decodeHeartbeat(key, value)).toEqual({ sourceCluster: 'primary', targetCluster: 'backup', timestamp: 1_763_700_000_123 });
    value.writeInt16BE(1, 0);
    expect(() => decodeHeartbeat(key, value)).toThrow(/unknown heartbeat value version 1/);
  });

  it('names the offset syncs and heartbeats topics as MM2 does, honouring location and separator', () => {
    const s = (properties: Record<string, string>) => flowProperties(parseScenario({ name: 'x', mirror: { properties } }, 't'));
    expect(offsetSyncsTopic(s({}))).toEqual({ cluster: 'primary', topic: 'mm2-offset-syncs.backup.internal' });
    expect(offsetSyncsTopic(s({ 'offset-syncs.topic.location': 'target' }))).toEqual({ cluster: 'backup', topic: 'mm2-offset-syncs.primary.internal' });
    expect(offsetSyncsTopic(s({ 'replication.policy.separator': '_' })).topic).toBe('mm2-offset-syncs_backup_internal');
    expect(heartbeatsTopics(policySeparator(s({ 'replication.policy.separator': '_' })))).toEqual({ source: 'primary', local: 'heartbeats', replicated: 'primary_heartbeats' });
  });

  it('describes a restart that changes MM2\'s properties', () => {
    expect(describeFault({ fault: 'restart', target: 'mirror', mode: 'kill', properties: { 'groups.exclude': 'drill-.*' } })).toBe('restart MirrorMaker 2 with groups.exclude=drill-.*');
  });
});

describe('expiredUncopiedMessages', () => {
  const parts = ['orders/0', 'orders/1'];
  const m = (a: number, b: number) => new Map([['orders/0', BigInt(a)], ['orders/1', BigInt(b)]]);

  it('sums, per partition, how far the log start passed the offset MM2 stored as copied', () => {
    expect(expiredUncopied(parts, m(150, 40), m(100, 60))).toBe(50);
    expect(expiredUncopied(parts, m(0, 0), m(100, 60))).toBe(0);
  });

  it('is unknown until every partition has a log start and a stored offset', () => {
    expect(expiredUncopied(parts, null, m(1, 1))).toBeNull();
    expect(expiredUncopied(parts, m(5, 5), new Map([['orders/0', 1n]]))).toBeNull();
    expect(expiredUncopied([], m(5, 5), m(1, 1))).toBeNull();
  });

  it('fires an alarm on a count like on an age', () => {
    const t = new AlarmTracker({ expiredUncopiedMessages: '>0' });
    expect(t.observe(values({ expiredUncopiedMessages: 0 }))).toEqual([]);
    expect(t.observe(values({ expiredUncopiedMessages: 12 })).map((x) => x.state)).toEqual(['fired']);
    expect(t.observe(values({ expiredUncopiedMessages: null }))).toEqual([]);
    expect(t.observe(values({ expiredUncopiedMessages: 0 })).map((x) => x.state)).toEqual(['cleared']);
  });
});
