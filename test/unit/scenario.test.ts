import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/core/validate.ts';
import { DrillError } from '../../src/core/errors.ts';

const minimal = { name: 'drill' };

const rejection = (raw: unknown): string => {
  try {
    parseScenario(raw, 'test.ts');
  } catch (e) {
    expect(e).toBeInstanceOf(DrillError);
    expect((e as DrillError).code).toBe('SCENARIO_INVALID');
    expect((e as DrillError).exitCode).toBe(2);
    return (e as DrillError).message;
  }
  throw new Error('expected the scenario to be rejected');
};

describe('scenario schema', () => {
  it('fills every default from a minimal file', () => {
    const s = parseScenario(minimal, 'test.ts');
    expect(s.topics).toEqual([{ name: 'orders', partitions: 3, config: {} }]);
    expect(s.mirror).toMatchObject({ policy: 'default', checkpointIntervalSeconds: 1, syncGroupOffsets: true, offsetLagMax: 100 });
    expect(s.workload).toMatchObject({ ratePerSecond: 200, acks: 'all', idempotent: false, keys: 'id' });
    expect(s.workload.consumer).toEqual({ groupId: 'drill-consumer', commit: 'auto', commitIntervalMs: 5000, processingDelayMs: 0, startDelaySeconds: 0 });
    expect(s.timeline).toEqual([{ at: 20, action: 'kill-primary' }]);
    expect(s.failover).toMatchObject({ strategy: 'mm2-sync', autoOffsetReset: 'earliest' });
    expect(s.kafka.nodes).toBe(1);
    expect(s.repeat).toBe(1);
  });

  it.each([
    [{ ...minimal, name: 'Has Spaces' }, 'name:', 'kebab-case'],
    [{}, 'name:', 'expected string'],
    [{ ...minimal, mirror: { policy: 'prefixless' } }, 'mirror.policy:', '"default"'],
    [{ ...minimal, mirror: { offsetLagMax: -1 } }, 'mirror.offsetLagMax:', 'found number -1'],
    [{ ...minimal, mirror: { checkpointIntervalSeconds: '5' } }, 'mirror.checkpointIntervalSeconds:', 'found "5"'],
    [{ ...minimal, workload: { ratePerSecond: 0 } }, 'workload.ratePerSecond:', 'found number 0'],
    [{ ...minimal, workload: { ratePerSecond: 1e9 } }, 'workload.ratePerSecond:', 'Too big'],
    [{ ...minimal, workload: { messageBytes: 10 } }, 'workload.messageBytes:', 'Too small'],
    [{ ...minimal, workload: { acks: 2 } }, 'workload.acks:', 'found number 2'],
    [{ ...minimal, topics: [] }, 'topics:', 'Too small'],
    [{ ...minimal, topics: [{ name: 'bad topic' }] }, 'topics[0].name:', 'Kafka topic name'],
    [{ ...minimal, topics: [{ name: 'orders', partitions: 1.5 }] }, 'topics[0].partitions:', 'found number 1.5'],
    [{ ...minimal, kafka: { nodes: 0 } }, 'kafka.nodes:', 'Too small'],
    [{ ...minimal, kafka: { version: 'latest' } }, 'kafka.version:', 'a version like'],
    [{ ...minimal, timeline: { killPrimaryAfterSeconds: 20 } }, 'timeline:', 'expected array'],
    [{ ...minimal, timeline: [{ at: -3, action: 'kill-primary' }] }, 'timeline[0].at:', 'found number -3'],
    [{ ...minimal, timeline: [{ at: 5, action: 'kill-backup' }] }, 'timeline[0].action:', 'found "kill-backup"'],
    [{ ...minimal, timeline: [{ at: { acked: 0 }, action: 'kill-primary' }] }, 'timeline[0].at.acked:', 'found number 0'],
    [{ ...minimal, timeline: [{ at: 5, action: 'kill-primary' }, { at: 9, action: 'kill-primary' }] }, 'timeline:', 'at most one'],
    [{ ...minimal, timeline: [{ at: 5, action: { fault: 'kill-mirror' } }] }, 'workload.durationSeconds:', 'without "kill-primary"'],
    [{ ...minimal, timeline: [{ at: 5, durationSeconds: 3, action: 'kill-primary' }] }, 'timeline:', 'cannot have a duration'],
    [{ ...minimal, timeline: [{ at: 5, action: { fault: 'latency', link: 'mm2-secondary', latencyMs: 5 } }, { at: 9, action: 'kill-primary' }] }, 'timeline[0].action.link:', 'found "mm2-secondary"'],
    [{ ...minimal, timeline: [{ at: 5, action: { fault: 'latency', link: 'mm2-primary' } }, { at: 9, action: 'kill-primary' }] }, 'timeline[0].action.latencyMs:', 'expected number'],
    [{ ...minimal, timeline: [{ at: 5, action: { fault: 'explode' } }, { at: 9, action: 'kill-primary' }] }, 'timeline[0].action.fault:', 'found "explode"'],
    [{ ...minimal, workload: { consumer: { commit: 'never' } } }, 'workload.consumer.commit:', 'found "never"'],
    [{ ...minimal, workload: { consumer: { processingDelayMs: -1 } } }, 'workload.consumer.processingDelayMs:', 'found number -1'],
    [{ ...minimal, workload: { keys: 0 } }, 'workload.keys:', 'found number 0'],
    [{ ...minimal, workload: { idempotent: true, acks: 'leader' } }, 'workload.acks:', 'idempotent'],
    [{ ...minimal, mirror: { policy: 'suffix' } }, 'mirror.policy:', 'customPolicies'],
    [{ ...minimal, mirror: { customPolicies: { s: { class: 'a.B' } } } }, 'mirror.customPolicies.s:', 'exactly one of'],
    [{ ...minimal, mirror: { customPolicies: { s: { class: 'not a class', jar: 'x.jar' } } } }, 'mirror.customPolicies.s.class:', 'Java class name'],
    [{ ...minimal, failover: { strategy: 'pray' } }, 'failover.strategy:', 'found "pray"'],
    [{ ...minimal, mirrorr: {} }, '(root):', 'mirrorr'],
    [{ ...minimal, mirror: { polcy: 'identity' } }, 'mirror:', 'polcy'],
    [{ ...minimal, repeat: 0 }, 'repeat:', 'Too small'],
    [{ ...minimal, matrix: { 'mirror.policy': [] } }, 'matrix["mirror.policy"]:', 'Too small'],
    ['not an object', '(root):', 'expected object'],
  ])('rejects %j with the path and what was found', (raw, path, hint) => {
    const msg = rejection(raw);
    expect(msg).toContain(path);
    expect(msg).toContain(hint);
    expect(msg).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  });

  it('reports every problem at once', () => {
    const msg = rejection({ name: 'x', mirror: { policy: 'nope', offsetLagMax: -5 }, workload: { ratePerSecond: -1 } });
    expect(msg.split('\n  - ')).toHaveLength(4);
  });
});
