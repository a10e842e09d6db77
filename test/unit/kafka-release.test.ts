import { describe, expect, it } from 'vitest';
import { brokerProperties } from '../../src/core/kafka/broker-config.ts';
import { expectedBound } from '../../src/core/checker/expected-bound.ts';
import { atLeast, compareReleases, logConfigOf, translationModel } from '../../src/core/kafka/kafka-release.ts';
import { mirrorProperties } from '../../src/core/plan/mm2-settings.ts';
import { brokersOf } from '../../src/core/kafka/network-layout.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { javaCommand } from '../../src/adapters/containers/java-command.ts';
import { releasesToBuild } from '../../src/cli/setup.ts';

const scenario = (extra: Record<string, unknown> = {}) => parseScenario({ name: 't', topics: [{ name: 'orders', partitions: 3 }], ...extra }, 'test');

describe('release order', () => {
  it('compares releases numerically, and takes the default release for the newest', () => {
    expect(compareReleases('3.10.0', '3.9.1')).toBeGreaterThan(0);
    expect(compareReleases('3.4.1', '3.4.1')).toBe(0);
    expect(atLeast('3.4.0', '3.4.1')).toBe(false);
    expect(atLeast(undefined, '9.0.0')).toBe(true);
  });
});

describe('logging per release', () => {
  it('configures log4j 1 (reload4j) for 3.x and log4j2 for 4.x, file and JVM flag alike', () => {
    expect(logConfigOf('3.9.1').file).toBe('log4j.properties');
    expect(logConfigOf('3.9.1').content).toMatch(/^log4j\.rootLogger=INFO, out$/m);
    expect(logConfigOf('4.0.0').file).toBe('log4j2.properties');
    expect(logConfigOf('4.0.0').content).toMatch(/^rootLogger\.level = INFO$/m);
    expect(javaCommand('3.3.2', 'kafka.Kafka', 'server.properties')).toContain('-Dlog4j.configuration=file:/tmp/mm2drill/log4j.properties');
    expect(javaCommand('3.3.2', 'kafka.Kafka', 'server.properties')).not.toContain('log4j2');
    expect(javaCommand('4.3.1', 'kafka.Kafka', 'server.properties')).toContain('-Dlog4j2.configurationFile=/tmp/mm2drill/log4j2.properties');
  });
});

describe('configuration per release', () => {
  const brokers = brokersOf('primary', 1);
  const broker = (version: string) => brokerProperties({
    broker: brokers[0]!, clusterBrokers: brokers, mirrorAdvertised: 'toxiproxy:20002', clientAdvertised: '127.0.0.1:1', adminAdvertised: '127.0.0.1:2', overrides: {}, version,
  });
  it('writes the KRaft combined-mode properties every release since 3.3 reads, and the share coordinator only from 4.0', () => {
    for (const v of ['3.3.2', '4.3.1']) {
      const p = broker(v);
      // Static voters: controller.quorum.bootstrap.servers exists only from 3.8 (KIP-853).
      expect(p['controller.quorum.voters']).toBe('1@primary-0:9093');
      expect(p).not.toHaveProperty('controller.quorum.bootstrap.servers');
      // 3.3–3.8 refuse a controller listener among the advertised ones (KAFKA-16842).
      expect(String(p['advertised.listeners'])).not.toMatch(/CONTROLLER/);
    }
    expect(broker('3.9.1')).not.toHaveProperty('share.coordinator.state.topic.replication.factor');
    expect(broker('4.0.0')).toHaveProperty('share.coordinator.state.topic.replication.factor', 1);
  });
  it('asks MM2 for plugin discovery by service manifests only from 3.6 (KIP-898), for its own release', () => {
    const ep = { primaryBootstrap: 'p:1', backupBootstrap: 'b:1' };
    expect(mirrorProperties(scenario({ kafka: { version: '3.5.2' } }), ep)).not.toHaveProperty('plugin.discovery');
    expect(mirrorProperties(scenario({ kafka: { version: '3.6.0' } }), ep)).toHaveProperty('backup.plugin.discovery', 'service_load');
    // MM2's release, not the brokers', decides.
    expect(mirrorProperties(scenario({ kafka: { version: '4.3.1' }, mirror: { version: '3.4.1' } }), ep)).not.toHaveProperty('plugin.discovery');
  });
  it("applies MM2's own topic filter: `.*-internal` names replicate only from 4.0 (KAFKA-17200)", () => {
    expect(() => scenario({ topics: [{ name: 'orders-internal' }], mirror: { version: '3.9.1' } })).toThrow(/never replicate/);
    expect(scenario({ topics: [{ name: 'orders-internal' }], kafka: { version: '3.9.1' }, mirror: { version: '4.3.1' } }).mirror.version).toBe('4.3.1');
  });
});

describe('what a release cannot do', () => {
  it('refuses releases older than 3.3 (KRaft combined mode, KIP-833)', () => {
    expect(() => scenario({ kafka: { version: '3.2.3' } })).toThrow(/kafka\.version[\s\S]*older than 3\.3\.0[\s\S]*KIP-833/);
    expect(() => scenario({ mirror: { version: '2.8.2' } })).toThrow(/mirror\.version/);
  });
  it('names settings the MM2 release ignores or refuses, with the release that has them', () => {
    expect(() => scenario({ mirror: { version: '3.8.1', properties: { 'emit.offset-syncs.enabled': false } } })).toThrow(/3\.8\.1 does not know emit\.offset-syncs\.enabled[\s\S]*3\.9\.0/);
    expect(() => scenario({ mirror: { version: '3.9.1', properties: { 'emit.checkpoints.enabled': false } } })).toThrow(/refuses to start its checkpoint connector[\s\S]*KAFKA-16254/);
    // Without checkpoints in the failover, switching them off is the drill's point (scenarios/checkpoints-off.ts).
    expect(scenario({ mirror: { version: '3.9.1', properties: { 'emit.checkpoints.enabled': false } }, failover: { strategy: 'raw-copy' } }).mirror.version).toBe('3.9.1');
    const latest = { playbook: [{ action: 'kill-cluster', cluster: 'primary' }], mirrors: { forward: { source: 'primary', target: 'backup', startAt: 'setup', startFrom: 'latest' } } };
    expect(() => scenario({ ...latest, kafka: { version: '3.6.1' } })).toThrow(/KAFKA-13988/);
    expect(scenario({ ...latest, kafka: { version: '3.6.2' } }).kafka.version).toBe('3.6.2');
    // Exactly-once copies (KIP-618) in dedicated mode came with 3.5.0, asked for by the field or by the raw property.
    expect(() => scenario({ mirror: { version: '3.4.1', exactlyOnce: true } })).toThrow(/mirror\.exactlyOnce[\s\S]*3\.4\.1 cannot copy exactly once[\s\S]*3\.5\.0/);
    expect(() => scenario({ mirror: { version: '3.4.1', properties: { 'backup.exactly.once.source.support': 'enabled' } } })).toThrow(/backup\.exactly\.once\.source\.support[\s\S]*3\.5\.0/);
    expect(scenario({ mirror: { version: '3.5.0', exactlyOnce: true } }).mirror.exactlyOnce).toBe(true);
  });
  it('refuses a transactional producer without acks all', () => {
    expect(() => scenario({ workload: { transactionRecords: 10, acks: 'leader' } })).toThrow(/transactional producer[\s\S]*acks "all"/);
    expect(scenario({ workload: { transactionRecords: 10 } }).workload.idempotent).toBe(true);
    // A transaction is one send: 64 messages of 8 KiB fill one topic's 512 KiB.
    expect(() => scenario({ topics: [{ name: 'big', messageBytes: 8192 }], workload: { transactionRecords: 65 } })).toThrow(/at most 64/);
    expect(scenario({ topics: [{ name: 'big', messageBytes: 8192 }], workload: { transactionRecords: 64 } }).workload.transactionRecords).toBe(64);
  });
});

describe('translation model per MM2 release', () => {
  it('extrapolates up to 3.4.0, syncs at each flush from 3.7.0, and lists each release\'s known defects', () => {
    expect(translationModel('3.4.0')).toMatchObject({ extrapolates: true, syncsAtFlush: false });
    expect(translationModel('3.4.1')).toMatchObject({ extrapolates: false, syncsAtFlush: false });
    expect(translationModel('3.7.0')).toMatchObject({ extrapolates: false, syncsAtFlush: true });
    const jiras = (v: string) => translationModel(v).issues.map((i) => i.jira);
    expect(jiras('3.3.2')).toEqual(['KAFKA-12468']);
    expect(jiras('3.5.1')).toEqual(['KAFKA-15202', 'KAFKA-15906', 'KAFKA-15905']);
    expect(jiras('3.5.2')).toEqual(['KAFKA-15906', 'KAFKA-15905']);
    expect(jiras('3.7.0')).toEqual(['KAFKA-15905']);
    expect(jiras('3.7.1')).toEqual([]);
  });
  it('bounds duplicates by the release\'s sync spacing, and allows skips where it extrapolates over gaps', () => {
    const inputs = { acked: 6000, consumerLagAtKill: 0 };
    const bound = (version: string, workload: Record<string, unknown> = {}) =>
      expectedBound(scenario({ kafka: { version }, workload: { ratePerSecond: 30, ...workload }, mirror: { offsetLagMax: 100, offsetFlushIntervalMs: 1000 } }), inputs);
    // 10 msg/s per partition: a sync every flush (11 records) from 3.7, every offset.lag.max (101) before.
    expect(bound('3.7.1').parts['translation-slack']).toBe(3 * 11);
    expect(bound('3.6.1').parts['translation-slack']).toBe(3 * 101);
    expect(bound('3.6.1').skipsPossible).toBe(false);
    // Up to 3.4.0 without gaps: one sync, an exact extrapolation — commit and sync lag only.
    expect(bound('3.4.0').parts['translation-slack']).toBe(0);
    expect(bound('3.4.0').maxDuplicates).toBe(bound('3.7.1').maxDuplicates - 3 * 11);
    expect(bound('3.4.0').skipsPossible).toBe(false);
    // With gaps: a sync after each, no checkpoint for a group behind the latest — up to everything again.
    expect(bound('3.4.0', { transactionRecords: 10 }).maxDuplicates).toBe(6000);
    expect(bound('3.4.0', { transactionRecords: 10 }).skipsPossible).toBe(true);
    expect(bound('3.4.0', { transactionRecords: 10 }).reasoning).toMatch(/KAFKA-12468[\s\S]*skips possible/);
    expect(bound('3.4.1', { transactionRecords: 10 }).skipsPossible).toBe(false);
  });
  it('gives a lagging group no translation bound where the sync history drops syncs (KAFKA-15202)', () => {
    const lagging = (version: string) => expectedBound(scenario({ kafka: { version }, workload: { ratePerSecond: 30 } }), { acked: 6000, consumerLagAtKill: 1500 });
    expect(lagging('3.5.1').maxDuplicates).toBe(6000);
    expect(lagging('3.5.1').reasoning).toMatch(/KAFKA-15202/);
    // Fixed in 3.5.2: the group's distance from the head bounds the slack.
    expect(lagging('3.5.2').parts['translation-slack']).toBe(1500);
    // At the head, the history's defect does not matter.
    expect(expectedBound(scenario({ kafka: { version: '3.5.1' }, workload: { ratePerSecond: 30 } }), { acked: 6000, consumerLagAtKill: 0 }).maxDuplicates).toBeLessThan(6000);
  });
});

describe('setup <scenario>', () => {
  it('builds exactly the releases the cells run, matrix values and mirror.version included', async () => {
    expect((await releasesToBuild(['scenarios/kafka-versions.ts'])).sort(compareReleases)).toEqual(['3.3.2', '3.4.0', '3.4.1', '3.5.1', '3.6.1', '3.7.1', '3.9.1', '4.3.1']);
    // A scenario on the default release asks for nothing more.
    expect(await releasesToBuild(['scenarios/quickstart.ts'])).toEqual([]);
  });
});
