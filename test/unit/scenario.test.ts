import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/core/scenario/validate.ts';
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
    expect(s.workload).toMatchObject({ ratePerSecond: 200, acks: 'all', idempotent: true, keys: 'id' });
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
    [{ ...minimal, timeline: { killPrimaryAfterSeconds: 20 } }, 'timeline:', 'expected an array of steps, or the name of an entry of `timelines`'],
    [{ ...minimal, timeline: [{ at: -3, action: 'kill-primary' }] }, 'timeline[0].at:', 'found number -3'],
    [{ ...minimal, mirrors: { forward: { source: 'primary', target: 'backup', startAt: 'setup', properties: { 'tasks.max': 3 } } } }, 'mirrors:', 'without a playbook the drill runs one MirrorMaker 2 from the `mirror` block'],
    [{ ...minimal, topologies: { a: { forward: { source: 'primary', target: 'backup', startAt: 'setup' } }, b: { x: { source: 'primary', target: 'backup', startAt: 'setup' } } }, mirrors: 'b' }, 'mirrors:', '`mirrors` is not used'],
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
    // Names Kafka rejects, or MM2 would never replicate.
    [{ ...minimal, topics: [{ name: '.' }] }, 'topics[0].name:', 'Kafka rejects "." and ".."'],
    [{ ...minimal, topics: [{ name: '..' }] }, 'topics[0].name:', 'Topic.validate'],
    [{ ...minimal, topics: [{ name: 'orders.replica' }] }, 'topics[0].name:', 'matches ".*\\.replica" of MM2\'s default topics.exclude'],
    [{ ...minimal, topics: [{ name: '__orders' }] }, 'topics[0].name:', 'isInternalTopic'],
    [{ ...minimal, topics: [{ name: '.orders' }] }, 'topics[0].name:', 'starts with "__" or "."'],
    [{ ...minimal, topics: [{ name: 'mm2-orders.internal' }] }, 'topics[0].name:', 'MM2\'s own topics'],
    [{ ...minimal, topics: [{ name: 'x.checkpoints.internal' }] }, 'topics[0].name:', 'checkpoints topic'],
    [{ ...minimal, kafka: { version: '3.9.0' }, topics: [{ name: 'orders-internal' }] }, 'topics[0].name:', 'before Kafka 4.0'],
    [{ ...minimal, kafka: { version: '3.9.0' }, topics: [{ name: 'orders.internal' }] }, 'topics[0].name:', 'whatever topics.exclude says'],
    [{ ...minimal, topics: [{ name: 'secret-orders' }], mirror: { properties: { 'topics.exclude': 'audit.*, secret-.*' } } }, 'topics[0].name:', 'matches "secret-.*" of mirror.properties["topics.exclude"]'],
    [{ ...minimal, topics: [{ name: 'secret-orders' }], mirror: { properties: { 'topics.exclude': 'x', 'primary->backup.topics.exclude': 'secret-.*' } } }, 'topics[0].name:', 'mirror.properties["primary->backup.topics.exclude"]'],
    [{ ...minimal, topics: [{ name: 'backup.orders' }] }, 'topics[0].name:', 'never mirrors such a topic back there (MirrorSourceConnector.isCycle)'],
    [{ ...minimal, topics: [{ name: 'primary.orders' }] }, 'topics[0].name:', 'would be ambiguous'], [{ ...minimal, topics: [{ name: 'bad topic' }, { name: '__x y' }] }, 'topics[1].name:', 'Kafka topic name'],
    [{ ...minimal, topics: [{ name: 'backup_orders' }], mirror: { properties: { 'replication.policy.separator': '_' } } }, 'topics[0].name:', '"backup_" prefix'],
    [{ ...minimal, topics: [{ name: 'orders' }, { name: 'orders' }] }, 'topics[1].name:', 'declare each topic once'],
    [{ ...minimal, topics: [{ name: 'a.b' }, { name: 'a_b' }] }, 'topics[1].name:', 'collides with topics[0].name "a.b"'],
    // Cross-field checks.
    [{ ...minimal, timeline: [{ at: 5, action: { fault: 'kill-broker', cluster: 'primary', broker: 1 } }, { at: 9, action: 'kill-primary' }] }, 'timeline[0].action.broker:', 'the primary has 1 broker(s) (kafka.nodes), numbered 0 to 0'],
    [{ ...minimal, kafka: { nodes: 3, backupNodes: 1 }, timeline: [{ at: 5, action: { fault: 'kill-broker', cluster: 'backup', broker: 2 } }, { at: 9, action: 'kill-primary' }] }, 'timeline[0].action.broker:', 'the backup has 1 broker(s) (kafka.backupNodes)'],
    [{ ...minimal, kafka: { nodes: 2 }, timeline: [{ at: 5, action: { fault: 'kill-broker', cluster: 'backup', broker: 2 } }, { at: 9, action: 'kill-primary' }] }, 'timeline[0].action.broker:', 'as kafka.backupNodes is not set'],
    [{ ...minimal, workload: { consumer: { startDelaySeconds: 20 } } }, 'workload.consumer.startDelaySeconds:', 'never consume on the primary'],
    [{ ...minimal, workload: { consumer: { startDelaySeconds: 30 } }, timeline: [{ at: 25, jitterSeconds: 10, action: 'kill-primary' }] }, 'workload.consumer.startDelaySeconds:', 'at 25 s at the earliest'],
    [{ ...minimal, mirror: { customPolicies: { default: { class: 'a.B', jar: 'x.jar' } } } }, 'mirror.customPolicies.default:', 'built-in DefaultReplicationPolicy'],
    [{ ...minimal, mirror: { customPolicies: { identity: { class: 'a.B', jar: 'x.jar' } } } }, 'mirror.customPolicies.identity:', 'built-in IdentityReplicationPolicy'],
    [{ ...minimal, failover: { standbyOnBackup: true, strategy: 'checkpoints' } }, 'failover.standbyOnBackup:', 'resumes as a group of its own (drill-consumer-checkpoints)'],
    [{ ...minimal, failover: { standbyOnBackup: true }, playbook: [{ action: 'stop-producers' }] }, 'failover.standbyOnBackup:', "the default playbook's failover only"],
    [{ ...minimal, failover: { standbyOnBackup: true }, workload: { durationSeconds: 10 }, timeline: [{ at: 5, action: { fault: 'kill-mirror' } }] }, 'failover.standbyOnBackup:', 'no "kill-primary"'],
  ])('rejects %j with the path and what was found', (raw, path, hint) => {
    const msg = rejection(raw);
    expect(msg).toContain(path);
    expect(msg).toContain(hint);
    expect(msg).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  });

  it.each([
    ['a name ending in "-internal" or ".internal" (replicated since Kafka 4.0, KAFKA-17200)', { topics: [{ name: 'orders-internal' }, { name: 'orders.internal' }] }],
    ['a name the scenario\'s own topics.exclude lets through', { topics: [{ name: 'orders.replica' }], mirror: { properties: { 'topics.exclude': 'secret-.*' } } }],
    ['an empty topics.exclude', { topics: [{ name: 'orders.replica' }], mirror: { properties: { 'primary->backup.topics.exclude': '' } } }],
    ['the flow-prefixed topics.exclude over the top-level one', { topics: [{ name: 'orders' }], mirror: { properties: { 'topics.exclude': '.*', 'primary->backup.topics.exclude': 'secret-.*' } } }],
    ['an alias prefix under another separator', { topics: [{ name: 'primary.orders' }], mirror: { properties: { 'replication.policy.separator': '_' } } }],
    ['a name that merely contains an alias', { topics: [{ name: 'backup-orders' }, { name: 'orders.primary' }] }],
    ['the last broker of each cluster', { kafka: { nodes: 3, backupNodes: 2 }, timeline: [{ at: 5, action: { fault: 'kill-broker', cluster: 'primary', broker: 2 } }, { at: 6, action: { fault: 'kill-broker', cluster: 'backup', broker: 1 } }, { at: 9, action: 'kill-primary' }] }],
    ['a consumer starting just before the kill', { workload: { consumer: { startDelaySeconds: 19.5 } } }],
    ['a late consumer and a kill once N messages were acked', { workload: { consumer: { startDelaySeconds: 30 } }, timeline: [{ at: { acked: 10_000 }, action: 'kill-primary' }] }],
    ['a standby member of the group on the backup, with mm2-sync', { failover: { standbyOnBackup: true, autoOffsetReset: 'latest' } }],
    ['a late consumer and no kill', { workload: { durationSeconds: 20, consumer: { startDelaySeconds: 5 } }, timeline: [{ at: 2, action: { fault: 'kill-mirror' } }] }],
  ])('accepts %s', (_label, fields) => {
    expect(() => parseScenario({ ...minimal, ...fields }, 'test.ts')).not.toThrow();
  });

  it.each([
    [{}, true],
    [{ acks: 'leader' }, false],
    [{ acks: 'none' }, false],
    [{ acks: 'all', idempotent: false }, false],
    [{ acks: 'leader', idempotent: false }, false],
    [{ idempotent: true }, true],
  ])('defaults the producer to idempotent with acks "all" only, like the Java client since Kafka 3.0 (KIP-679): %j', (workload, idempotent) => {
    expect(parseScenario({ ...minimal, workload }, 'test.ts').workload.idempotent).toBe(idempotent);
  });

  it('gives a name Kafka rejects one error, not a second one about MM2', () => {
    expect(rejection({ ...minimal, topics: [{ name: '.' }] }).split('\n  - ')).toHaveLength(2);
  });

  it('reports every problem at once', () => {
    const msg = rejection({ name: 'x', mirror: { policy: 'nope', offsetLagMax: -5 }, workload: { ratePerSecond: -1 } });
    expect(msg.split('\n  - ')).toHaveLength(4);
  });
});
