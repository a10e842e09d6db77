import { describe, expect, it } from 'vitest';
import { conditionsOf, describeWhen, mirrorNamespace, viewsOn } from '../../src/core/scenario/playbook.ts';
import { defaultPlaybook } from '../../src/core/scenario/default-playbook.ts';
import { mirrorProperties } from '../../src/core/plan/mm2-settings.ts';
import { sourceOffsetsTopic } from '../../src/core/kafka/mm2-names.ts';
import { playbookOf } from '../../src/core/scenario/scenario.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';

describe('the playbook model', () => {
  const base = { name: 'pb', mirrors: { forward: { source: 'primary', target: 'backup', startAt: 'setup' }, reverse: { source: 'backup', target: 'primary' } } } as const;
  it('resolves a named playbook and fills step defaults', () => {
    const s = parseScenario({ ...base, playbooks: { a: [{ action: 'kill-cluster', cluster: 'primary' }] }, playbook: 'a' }, 'x');
    expect(playbookOf(s)).toEqual([{ action: 'kill-cluster', cluster: 'primary', timeoutSeconds: 180 }]);
  });
  it('fails a wait at its timeout unless it is a deadline that moves on, and only waits can be one', () => {
    const steps = (extra: object) => parseScenario({ ...base, playbook: [
      { action: 'wait-mirror-drained', mirror: 'forward', ...extra },
      { action: 'wait-group-synced', mirror: 'forward', ...extra },
    ] }, 'x');
    expect(playbookOf(steps({}))!.map((x) => 'onTimeout' in x && x.onTimeout)).toEqual(['fail', 'fail']);
    expect(playbookOf(steps({ onTimeout: 'continue', timeoutSeconds: 3 }))!.map((x) => 'onTimeout' in x && x.onTimeout)).toEqual(['continue', 'continue']);
    expect(() => parseScenario({ ...base, playbook: [{ action: 'stop-mirror', mirror: 'forward', onTimeout: 'continue' }] }, 'x')).toThrow(/onTimeout/);
  });
  it('rejects unknown mirrors and playbooks, with the names that exist', () => {
    expect(() => parseScenario({ ...base, playbook: [{ action: 'start-mirror', mirror: 'back' }] }, 'x')).toThrow(/no mirror named "back".*"forward", "reverse"/s);
    expect(() => parseScenario({ ...base, playbook: 'b' }, 'x')).toThrow(/no playbook named "b"/);
    expect(() => parseScenario({ ...base, timeline: [{ at: 5, action: 'kill-primary' }], playbook: [{ action: 'stop-producers' }] }, 'x')).toThrow(/timeline holds faults only/);
    expect(() => parseScenario({ ...base, playbook: [{ action: 'move-consumers', to: 'primary', strategy: 'checkpoints' }] }, 'x')).toThrow(/moving consumers back to the primary supports/);
    expect(() => parseScenario({ ...base, mirrors: { reverse: { source: 'backup', target: 'primary' } }, playbook: [{ action: 'stop-producers' }] }, 'x')).toThrow(/startAt "setup"/);
  });
  it('lets topic steps name the scenario\'s topics, and delete or alter only their views', () => {
    const ok = (step: object) => () => parseScenario({ ...base, playbook: [step] }, 'x');
    expect(ok({ action: 'delete-topic', cluster: 'backup', topic: 'primary.orders' })).not.toThrow();
    expect(ok({ action: 'create-topic', cluster: 'primary', topic: 'orders', partitions: 6, config: { 'retention.ms': '1000' } })).not.toThrow();
    expect(ok({ action: 'delete-topic', cluster: 'primary', topic: 'primary.orders' })).toThrow(/"primary.orders" is not a topic of the drill on primary \(orders, backup.orders\)/);
    expect(ok({ action: 'create-topic', cluster: 'backup', topic: 'primary.orders' })).toThrow(/not a topic of the scenario/);
    expect(ok({ action: 'reset-mirror-offsets', mirror: 'forward', topic: 'payments' })).toThrow(/not a topic of the scenario/);
    expect(ok({ action: 'reset-group', cluster: 'backup', to: 'sideways' })).toThrow();
  });
  it('starts a step on whichever of several conditions holds first, each checked like one alone', () => {
    const when = [{ cluster: 'primary', recordsAbove: 30_000 }, { at: 40 }];
    const s = parseScenario({ ...base, playbook: [{ when, action: 'stop-mirror', mirror: 'reverse' }] }, 'x');
    const step = playbookOf(s)![0]!;
    expect(conditionsOf(step.when)).toEqual(when);
    expect(describeWhen(step.when)).toBe('when the primary holds over 30000 records, or at 40s');
    expect(conditionsOf(undefined)).toEqual([]);
    expect(() => parseScenario({ ...base, playbook: [{ when: [{ at: 5 }, { mirror: 'back', lagBelow: 1 }], action: 'stop-producers' }] }, 'x')).toThrow(/no mirror named "back"/);
    expect(() => parseScenario({ ...base, playbook: [{ when: [{ at: 5 }, { alarm: 'heartbeatAgeSeconds' }], action: 'stop-producers' }] }, 'x')).toThrow(/no alarm on heartbeatAgeSeconds/);
    expect(() => parseScenario({ ...base, playbook: [{ when: [{ at: 5 }], action: 'stop-producers' }] }, 'x')).toThrow(/when/);
  });
  it('subscribes a moved consumer to every view of a topic on its cluster', () => {
    const s = parseScenario({ ...base, playbook: [{ action: 'stop-producers' }] }, 'x');
    expect(viewsOn('backup', 'orders', s.mirrors, () => 'default')).toEqual(['orders', 'primary.orders']);
    expect(viewsOn('primary', 'orders', s.mirrors, () => 'default')).toEqual(['orders', 'backup.orders']);
    expect(viewsOn('primary', 'orders', s.mirrors, () => 'identity')).toEqual(['orders']);
  });
  describe('two mirrors for one flow', () => {
    const mirrors = {
      data: { source: 'primary', target: 'backup', startAt: 'setup', policy: 'identity' },
      offsets: { source: 'primary', target: 'backup', startAt: 'setup', policy: 'default', role: 'offsets' },
    } as const;
    const s = parseScenario({ name: 'two', mirrors, playbook: [{ action: 'stop-producers' }] }, 'x');
    it("reads only the data mirror's copies: the offsets mirror's remote topics are nobody's view", () => {
      expect(viewsOn('backup', 'orders', s.mirrors, (m) => m.policy!)).toEqual(['orders']);
    });
    it('gives the second process of a flow its own Connect group and storage topics, and the first MM2\'s names', () => {
      expect(mirrorNamespace(s.mirrors, 'data')).toBeUndefined();
      expect(mirrorNamespace(s.mirrors, 'offsets')).toBe('offsets');
      const ep = { primaryBootstrap: 'p:1', backupBootstrap: 'b:1' };
      const flow = { source: 'primary', target: 'backup', policy: 'default', startFrom: 'earliest', properties: {} } as const;
      expect(mirrorProperties(s, ep, flow)['backup.group.id']).toBeUndefined();
      expect(mirrorProperties(s, ep, { ...flow, namespace: 'offsets' })).toMatchObject({
        'backup.group.id': 'primary-mm2-offsets',
        'backup.offset.storage.topic': 'mm2-offsets.primary.offsets.internal',
        'backup.config.storage.topic': 'mm2-configs.primary.offsets.internal',
        'backup.status.storage.topic': 'mm2-status.primary.offsets.internal',
      });
      expect(sourceOffsetsTopic('primary', 'offsets')).toBe('mm2-offsets.primary.offsets.internal');
    });
    it('refuses an offsets mirror without a data mirror of its flow declared before it', () => {
      const offsetsFirst = { offsets: mirrors.offsets, data: mirrors.data };
      expect(() => parseScenario({ name: 'two', mirrors: offsetsFirst, playbook: [{ action: 'stop-producers' }] }, 'x')).toThrow(/mirrors\.offsets\.role.*"data" mirror of the same flow/s);
      const reverseOnly = { ...mirrors, back: { source: 'backup', target: 'primary', role: 'offsets' } };
      expect(() => parseScenario({ name: 'two', mirrors: reverseOnly, playbook: [{ action: 'stop-producers' }] }, 'x')).toThrow(/backup → primary/);
    });
  });
});

describe('the default playbook', () => {
  it('is today\'s drill: the timeline\'s kill (with its jitter), the failover after its delay, the drain', () => {
    const s = parseScenario({ name: 'd', timeline: [{ at: 20, jitterSeconds: 5, action: 'kill-primary' }], failover: { strategy: 'timestamp', delaySeconds: 3 } }, 'x');
    expect(defaultPlaybook(s).map((x) => [x.action, x.when])).toEqual([
      ['kill-cluster', { at: 20, jitterSeconds: 5 }],
      ['move-consumers', { afterSeconds: 3 }],
      ['drain-consumers', undefined],
    ]);
    expect(defaultPlaybook(s)[1]).toMatchObject({ to: 'backup', strategy: 'timestamp' });
  });
  it('without a kill: the producer stops after the workload\'s duration and the consumer drains the primary', () => {
    const s = parseScenario({ name: 'd', timeline: [{ at: 5, action: { fault: 'latency', link: 'mm2-backup', latencyMs: 100 } }], workload: { durationSeconds: 30 } }, 'x');
    expect(defaultPlaybook(s).map((x) => [x.action, x.when])).toEqual([['stop-producers', { at: 30 }], ['drain-consumers', undefined]]);
  });
  it('keeps a kill at an acked count or a replication lag as it was written', () => {
    const s = parseScenario({ name: 'd', timeline: [{ at: { replicationLagAbove: 50 }, action: 'kill-primary' }] }, 'x');
    expect(defaultPlaybook(s)[0]?.when).toEqual({ replicationLagAbove: 50 });
  });
});
