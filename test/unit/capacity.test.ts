import { describe, expect, it } from 'vitest';
import { backupsPerEnvironment, expectedMessages, fitsTwice, harnessShortfall, HARNESS_BYTES_PER_MESSAGE, JVM_FOOTPRINT_BYTES, MAX_BACKUPS_PER_ENVIRONMENT, memoryNeeded, HISTORY_BYTES_PER_MESSAGE, VARIANT_BYTES_PER_MESSAGE, VARIANT_HISTORY_BYTES_PER_MESSAGE } from '../../src/core/plan/capacity.ts';
import { brokerProperties, largeMessageLimit } from '../../src/core/kafka/broker-config.ts';
import { brokersOf } from '../../src/core/kafka/network-layout.ts';
import { mirrorProperties } from '../../src/core/plan/mm2-settings.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';

const scenario = (raw: Record<string, unknown>) => parseScenario({ name: 'scale', ...raw }, 'scale.ts');
const GiB = 1024 ** 3;

describe('what a cell run produces', () => {
  it('is the rate until the kill, the duration, or the acked count, whichever comes first', () => {
    expect(expectedMessages(scenario({ workload: { ratePerSecond: 1000 }, timeline: [{ at: 30, jitterSeconds: 5, action: 'kill-primary' }] }))).toBe(35_000);
    expect(expectedMessages(scenario({ workload: { ratePerSecond: 1000, durationSeconds: 10 }, timeline: [{ at: 9, action: 'kill-primary' }] }))).toBe(9000);
    expect(expectedMessages(scenario({ workload: { ratePerSecond: 1000 }, timeline: [{ at: { acked: 5000 }, action: 'kill-primary' }] }))).toBe(5000);
    // Topics with rates of their own add theirs to the shared rate.
    expect(expectedMessages(scenario({ topics: [{ name: 'a', ratePerSecond: 300 }, { name: 'b' }], workload: { ratePerSecond: 100 }, timeline: [{ at: 10, action: 'kill-primary' }] }))).toBe(4000);
    // A kill on replication lag and no duration: nothing says when production ends.
    expect(expectedMessages(scenario({ timeline: [{ at: { replicationLagAbove: 10 }, action: 'kill-primary' }] }))).toBeNull();
  });
});

describe('what the machine can hold', () => {
  // A 10-minute rehearsal at 10,000 msg/s with the kill in the middle: 3,000,000 messages.
  const rehearsal = scenario({ topics: [{ name: 'orders', partitions: 1000 }], workload: { ratePerSecond: 10_000 }, timeline: [{ at: 300, action: 'kill-primary' }] });
  const messages = expectedMessages(rehearsal)!;

  it('says nothing when memory and disk hold the run', () => {
    expect(harnessShortfall(rehearsal, 1, 1, { freeMemory: 64 * GiB, freeDisk: 100 * GiB })).toBeNull();
  });

  it('says what the machine holds when the harness would not fit in memory, paired variants adding their own deliveries', () => {
    const need = messages * (HARNESS_BYTES_PER_MESSAGE + VARIANT_BYTES_PER_MESSAGE);
    const free = need / 2;
    const text = harnessShortfall(rehearsal, 2, 2, { freeMemory: free, freeDisk: 100 * GiB })!;
    expect(text).toContain('3,000,000 messages');
    expect(text).toContain('2 paired variants');
    // A paired variant costs less than an environment of its own: the shared events are held once.
    expect(VARIANT_BYTES_PER_MESSAGE).toBeLessThan(HARNESS_BYTES_PER_MESSAGE);
    // It holds half of what was asked: half the messages, half the time at this rate.
    expect(text).toContain(`holds about ${Math.floor(messages / 2).toLocaleString('en-US')} messages a cell run (150 s at 10,000 msg/s)`);
    expect(harnessShortfall(rehearsal, 2, 2, { freeMemory: need, freeDisk: 100 * GiB })).toBeNull();
  });

  it('says what the results directory holds when the histories would not fit on disk', () => {
    const need = messages * 3 * (HISTORY_BYTES_PER_MESSAGE + VARIANT_HISTORY_BYTES_PER_MESSAGE);
    const text = harnessShortfall(rehearsal, 2, 3, { freeMemory: 64 * GiB, freeDisk: need - 1 })!;
    expect(text).toContain("the run's 3 environment(s)");
    expect(text).toContain('the results directory has');
    expect(harnessShortfall(rehearsal, 2, 3, { freeMemory: 64 * GiB, freeDisk: need })).toBeNull();
  });

  it('accepts a staging rehearsal: 1,000 partitions, a million messages a second, 1 MiB values', () => {
    expect(() => scenario({ topics: [{ name: 'orders', partitions: 1000, messageBytes: 1024 * 1024 }], workload: { ratePerSecond: 1_000_000 } })).not.toThrow();
    expect(() => scenario({ workload: { messageBytes: 1024 * 1024 + 1 } })).toThrow(/messageBytes/);
  });
});

describe('messages over Kafka\'s default size', () => {
  const brokers = brokersOf('primary', 1);
  const base = { broker: brokers[0]!, clusterBrokers: brokers, mirrorAdvertised: 'm:1', clientAdvertised: 'c:1', adminAdvertised: 'a:1', overrides: {}, version: '4.3.1' };
  const ep = { primaryBootstrap: 'p:1', backupBootstrap: 'b:1' };

  it('raise message.max.bytes and MM2\'s max.request.size above the value with its overhead, and only then', () => {
    expect(largeMessageLimit(1_000_000)).toBeNull();
    expect(brokerProperties({ ...base, maxValueBytes: 1_000_000 })['message.max.bytes']).toBeUndefined();
    const limit = largeMessageLimit(1024 * 1024)!;
    expect(limit).toBeGreaterThan(1024 * 1024);
    expect(brokerProperties({ ...base, maxValueBytes: 1024 * 1024 })['message.max.bytes']).toBe(limit);
    // The scenario's own broker config wins.
    expect(brokerProperties({ ...base, maxValueBytes: 1024 * 1024, overrides: { 'message.max.bytes': 5_000_000 } })['message.max.bytes']).toBe(5_000_000);
    const big = mirrorProperties(scenario({ topics: [{ name: 'a' }, { name: 'b', messageBytes: 1024 * 1024 }] }), ep);
    expect(big['primary.producer.max.request.size']).toBe(limit);
    expect(big['backup.producer.max.request.size']).toBe(limit);
    expect(mirrorProperties(scenario({}), ep)['backup.producer.max.request.size']).toBeUndefined();
    // A team's properties file: raised where the file's limit is lower, the file's own kept where it is higher.
    const file = (text: string) => mirrorProperties(scenario({ workload: { messageBytes: 1024 * 1024 }, mirror: { propertiesText: text } }), ep);
    expect(file('clusters = primary, backup\nprimary->backup.enabled = true\n')['backup.producer.max.request.size']).toBe(limit);
    expect(file('clusters = primary, backup\nprimary->backup.enabled = true\nbackup.producer.max.request.size = 5000000\n')['backup.producer.max.request.size']).toBe('5000000');
  });
});

describe('what an environment of MM2-side paired variants needs', () => {
  const one = scenario({});
  const three = scenario({ kafka: { nodes: 3, backupNodes: 1 } });

  it('adds a backup cluster and an MM2 per side, the primary once', () => {
    const jvm = JVM_FOOTPRINT_BYTES;
    // primary + backup + MM2, then a backup and an MM2 more per side.
    expect(memoryNeeded(one, 4) - memoryNeeded(one)).toBe(3 * 2 * jvm);
    expect(memoryNeeded(three, 2) - memoryNeeded(three)).toBe((1 + 1) * jvm);
    expect(fitsTwice(one, 2 * memoryNeeded(one, 3), 3)).toBe(true);
    expect(fitsTwice(one, 2 * memoryNeeded(one, 3) - 1, 3)).toBe(false);
  });

  it('holds as many sides as fit twice (the next environment starts during the drain), up to the cap, and one on an engine that does not say', () => {
    const sides = (bytes: number) => backupsPerEnvironment(one, bytes);
    expect(sides(2 * memoryNeeded(one, 3))).toBe(3);
    expect(sides(2 * memoryNeeded(one, 3) - 1)).toBe(2);
    expect(sides(2 * memoryNeeded(one) - 1)).toBe(1);
    expect(sides(1024 * GiB)).toBe(MAX_BACKUPS_PER_ENVIRONMENT);
    expect(sides(0)).toBe(1);
    // Larger clusters: fewer sides on the same engine.
    expect(backupsPerEnvironment(three, 2 * memoryNeeded(one, 3))).toBeLessThan(3);
  });
});
