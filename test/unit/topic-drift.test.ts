import { describe, expect, it } from 'vitest';
import { compareClusters, configVerdict, mm2SyncDefaults, topicDrift, type ConfigValue, type TopicSnapshot } from '../../src/core/kafka/topic-drift.ts';

const v = (value: string, origin: ConfigValue['origin'] = 'topic', extra: Partial<ConfigValue> = {}): ConfigValue => ({ value, origin, readOnly: false, sensitive: false, ...extra });
const topic = (name: string, configs: Record<string, ConfigValue>, partitions = 3, replicationFactor = 3): TopicSnapshot => ({ name, partitions, replicationFactor, configs });

describe('what MM2 does about a config difference', () => {
  it('syncs a property set on the source at its next config sync', () => {
    expect(configVerdict('retention.ms', v('60000'), mm2SyncDefaults)).toMatchObject({ action: 'syncs', withinSeconds: 600 });
    expect(configVerdict('retention.ms', v('60000', 'dynamic-default-broker'), { ...mm2SyncDefaults, intervalSeconds: 5 })).toMatchObject({ action: 'syncs', withinSeconds: 5 });
  });
  it('never syncs what config.properties.exclude names, by whole-name match', () => {
    expect(configVerdict('min.insync.replicas', v('2'), mm2SyncDefaults)).toMatchObject({ action: 'never', why: expect.stringContaining('config.properties.exclude') });
    expect(configVerdict('message.timestamp.type', v('LogAppendTime'), mm2SyncDefaults).action).toBe('never');
    expect(configVerdict('min.insync.replicas', v('2'), { ...mm2SyncDefaults, exclude: ['min\\.insync'] }).action).toBe('syncs');
  });
  it('never syncs read-only, sensitive or static-broker values, nor anything when sync is off', () => {
    expect(configVerdict('x', v('1', 'topic', { readOnly: true }), mm2SyncDefaults).action).toBe('never');
    expect(configVerdict('x', v('1', 'topic', { sensitive: true }), mm2SyncDefaults).action).toBe('never');
    expect(configVerdict('log.retention.ms', v('1', 'static-broker'), mm2SyncDefaults).action).toBe('never');
    expect(configVerdict('retention.ms', v('1'), { ...mm2SyncDefaults, enabled: false }).why).toBe('sync.topic.configs.enabled=false');
  });
  it('turns a source default into a delete of the target override (use.defaults.from=target), or a set (source)', () => {
    expect(configVerdict('cleanup.policy', v('delete', 'default'), mm2SyncDefaults).action).toBe('deletes-target-override');
    expect(configVerdict('cleanup.policy', v('delete', 'default'), { ...mm2SyncDefaults, useDefaultsFrom: 'source' }).action).toBe('syncs');
  });
});

describe('comparing a topic with its remote copy', () => {
  it('reports partitions, replication factor and differing configs, and nothing else', () => {
    const src = topic('orders', { 'retention.ms': v('60000'), 'cleanup.policy': v('delete', 'default'), 'min.insync.replicas': v('2') }, 6, 3);
    const remote = topic('primary.orders', { 'retention.ms': v('604800000', 'default'), 'cleanup.policy': v('compact'), 'min.insync.replicas': v('1', 'default') }, 3, 1);
    const drifts = topicDrift(src, remote, mm2SyncDefaults);
    expect(drifts.map((d) => [d.property, d.mm2.action])).toEqual([
      ['partitions', 'syncs'], ['replication.factor', 'never'], ['cleanup.policy', 'deletes-target-override'], ['min.insync.replicas', 'never'], ['retention.ms', 'syncs'],
    ]);
    expect(topicDrift(src, { ...src, name: 'primary.orders' }, mm2SyncDefaults)).toEqual([]);
  });
  it('never shrinks partitions', () => {
    expect(topicDrift(topic('orders', {}, 3), topic('primary.orders', {}, 6), mm2SyncDefaults)[0]?.mm2.action).toBe('never');
  });
  it('maps names through the policy and leaves internal topics and copies from the target out', () => {
    const source = [topic('orders', {}), topic('backup.orders', {}), topic('mm2-offset-syncs.backup.internal', {}), topic('__consumer_offsets', {})];
    const target = [topic('primary.orders', {}, 3, 3)];
    const base = { source, target, sourceAlias: 'primary', targetAlias: 'backup', rules: mm2SyncDefaults };
    expect(compareClusters({ ...base, policy: 'default' })).toEqual({ topics: 1, drifts: [] });
    const identity = compareClusters({ ...base, policy: 'identity' });
    expect(identity.drifts.filter((d) => d.property === '(remote topic)').map((d) => d.sourceTopic)).toEqual(['orders', 'backup.orders']);
  });
});
