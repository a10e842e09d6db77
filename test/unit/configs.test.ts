import { describe, expect, it } from 'vitest';
import { brokerProperties, renderProperties } from '../../src/core/kafka/broker-config.ts';
import { mirrorProperties } from '../../src/core/plan/mm2-settings.ts';
import { remoteTopicName } from '../../src/core/kafka/replication-policy.ts';
import { brokersOf, planProxies, proxyFor } from '../../src/core/kafka/network-layout.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { decodeId, encodeMessage } from '../../src/core/history/message.ts';
import { produceOutcome } from '../../src/core/kafka/produce-outcome.ts';

describe('topology', () => {
  const brokers = [...brokersOf('primary', 3), ...brokersOf('backup', 1)];
  const plan = planProxies(brokers);
  it('gives every broker one proxy per client class, on distinct ports', () => {
    expect(plan).toHaveLength(12);
    expect(new Set(plan.map((p) => p.listenPort)).size).toBe(12);
    // The harness's own path goes through Toxiproxy too, so a restarted broker keeps its address.
    expect(proxyFor(plan, brokers[0]!, 'admin')).toMatchObject({ name: 'primary-0-admin', upstream: 'primary-0:9095' });
    expect(proxyFor(plan, brokers[1]!, 'mirror')).toMatchObject({ name: 'primary-1-mirror', upstream: 'primary-1:9092' });
    expect(proxyFor(plan, brokers[3]!, 'client')).toMatchObject({ name: 'backup-0-client', upstream: 'backup-0:9094' });
  });
});

describe('broker properties', () => {
  const brokers = brokersOf('primary', 3);
  const props = brokerProperties({
    broker: brokers[1]!, clusterBrokers: brokers, mirrorAdvertised: 'toxiproxy:20002', clientAdvertised: '127.0.0.1:32001',
    adminAdvertised: '127.0.0.1:32002', overrides: { 'log.retention.ms': 5000 }, version: '4.3.1',
  });
  it('runs KRaft combined mode with every broker a voter', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['node.id']).toBe(2);
    expect(props['controller.quorum.voters']).toBe('1@primary-0:9093,2@primary-1:9093,3@primary-2:9093');
  });
  it('advertises MM2 and clients through Toxiproxy and the harness directly', () => {
    expect(props['advertised.listeners']).toBe('INTERNAL://primary-1:9091,MIRROR://toxiproxy:20002,CLIENT://127.0.0.1:32001,ADMIN://127.0.0.1:32002');
  });
  it('uses RF 3 / min ISR 2 on three nodes and applies overrides last', () => {
    expect(props['default.replication.factor']).toBe(3);
    expect(props['min.insync.replicas']).toBe(2);
    expect(renderProperties(props)).toContain('log.retention.ms=5000\n');
  });
});

describe('mm2.properties', () => {
  const ep = { primaryBootstrap: 'toxiproxy:20000', backupBootstrap: 'toxiproxy:20002' };
  it('replicates primary → backup only, with the scenario intervals', () => {
    const s = parseScenario({ name: 'x', mirror: { checkpointIntervalSeconds: 5, offsetLagMax: 10, properties: { 'tasks.max': 4 } } }, 't');
    const p = mirrorProperties(s, ep);
    expect(p).toMatchObject({
      'primary->backup.enabled': true, 'backup->primary.enabled': false, 'primary->backup.topics': 'orders',
      'emit.checkpoints.interval.seconds': 5, 'offset.lag.max': 10, 'sync.group.offsets.enabled': true,
      'backup.offset.flush.interval.ms': 1000, 'tasks.max': 4,
      'replication.policy.class': 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
    });
  });
  it('copies exactly once on request: exactly-once support on the target herder\'s worker, with the internal REST server it needs (KIP-618, KIP-710)', () => {
    const on = mirrorProperties(parseScenario({ name: 'x', mirror: { exactlyOnce: true } }, 't'), ep);
    expect(on).toMatchObject({ 'backup.exactly.once.source.support': 'enabled', 'dedicated.mode.enable.internal.rest': true });
    // Only the herder writing to the backup: the opposite pair's herder (heartbeats) stays as it is.
    expect(on).not.toHaveProperty('primary.exactly.once.source.support');
    expect(on).not.toHaveProperty('exactly.once.source.support');
    const off = mirrorProperties(parseScenario({ name: 'x' }, 't'), ep);
    expect(Object.keys(off).filter((k) => /exactly\.once|internal\.rest/.test(k))).toEqual([]);
  });
  it('sizes each topic MM2 creates for the cluster it lands on', () => {
    const s = parseScenario({ name: 'x', kafka: { nodes: 3, backupNodes: 1 } }, 't');
    const p = mirrorProperties(s, ep);
    expect(p).toMatchObject({
      'primary->backup.replication.factor': 1, 'primary->backup.heartbeats.topic.replication.factor': 1,
      'primary->backup.offset-syncs.topic.replication.factor': 3, // on the source: one lost broker of three leaves a leader
      'backup->primary.heartbeats.topic.replication.factor': 3, 'backup->primary.offset-syncs.topic.replication.factor': 1,
      'backup.offset.storage.replication.factor': 1, 'primary.status.storage.replication.factor': 3,
    });
    expect(p).not.toHaveProperty('offset.storage.replication.factor'); // would override the per-target ones
    const own = parseScenario({ name: 'x', kafka: { nodes: 3, backupNodes: 1 }, mirror: { properties: { 'offset-syncs.topic.location': 'target', 'replication.factor': 1 } } }, 't');
    const q = mirrorProperties(own, ep);
    expect(q['primary->backup.offset-syncs.topic.replication.factor']).toBe(1);
    expect(q).not.toHaveProperty('primary->backup.replication.factor');
    expect(q['replication.factor']).toBe(1);
  });
  it('gives each herder one partition for its Connect offsets and status topics, unless the scenario sets them', () => {
    const p = mirrorProperties(parseScenario({ name: 'x' }, 't'), ep);
    for (const c of ['primary', 'backup']) expect(p).toMatchObject({ [`${c}.offset.storage.partitions`]: 1, [`${c}.status.storage.partitions`]: 1 });
    // A top-level key would be the scenario's: the per-target ones would override it.
    const own = mirrorProperties(parseScenario({ name: 'x', mirror: { properties: { 'offset.storage.partitions': 25, 'backup.status.storage.partitions': 5 } } }, 't'), ep);
    expect(own).not.toHaveProperty('backup.offset.storage.partitions');
    expect(own).not.toHaveProperty('primary.offset.storage.partitions');
    expect(own['backup.status.storage.partitions']).toBe(5);
    expect(own['primary.status.storage.partitions']).toBe(1);
  });
  it('names remote topics per policy', () => {
    expect(remoteTopicName('default', 'orders')).toBe('primary.orders');
    expect(remoteTopicName('identity', 'orders')).toBe('orders');
    const s = parseScenario({ name: 'x', mirror: { policy: 'identity' } }, 't');
    expect(mirrorProperties(s, ep)['replication.policy.class']).toBe('org.apache.kafka.connect.mirror.IdentityReplicationPolicy');
  });
});

describe('messages and produce outcomes', () => {
  it('round-trips the id through the value and pads to the requested size', () => {
    const v = encodeMessage('run-1-42', 1700000000000, 200);
    expect(v.length).toBe(200);
    expect(decodeId(undefined, v)).toBe('run-1-42');
    expect(decodeId('from-header', v)).toBe('from-header');
    expect(decodeId(undefined, 'not json')).toBeNull();
  });
  it('writes the value JSON.stringify would, at every size, small and beyond the cached padding', () => {
    for (const [id, bytes] of [['run-1-42', 64], ['a"quoted\\id', 100], ['run-9-7', 5000], ['x', 10]] as const) {
      const bare = JSON.stringify({ id, ts: 1700000000000, pad: '' });
      expect(encodeMessage(id, 1700000000000, bytes)).toBe(JSON.stringify({ id, ts: 1700000000000, pad: 'x'.repeat(Math.max(0, bytes - bare.length)) }));
    }
  });
  it('calls a produce failed only when the broker proves nothing was written', () => {
    expect(produceOutcome({ kafkaErrorTypes: ['MESSAGE_TOO_LARGE'] })).toBe('fail');
    expect(produceOutcome({ kafkaErrorTypes: [] })).toBe('indeterminate');
    expect(produceOutcome({ kafkaErrorTypes: ['NOT_ENOUGH_REPLICAS_AFTER_APPEND'] })).toBe('indeterminate');
    expect(produceOutcome({ kafkaErrorTypes: ['REQUEST_TIMED_OUT'] })).toBe('indeterminate');
  });
});
