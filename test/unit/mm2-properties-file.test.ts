/**
 * A team's own MM2 properties file drilled (`mirror.propertiesFile`): parsing as Java does, the
 * import into the drill's aliases, what the drill replaces, keeps and refuses, the precedence of
 * the scenario over the file, and loading a scenario that names a file.
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseJavaProperties } from 'dot-properties';
import { loadScenario } from '../../src/cli/load-scenario.ts';
import { renderProperties } from '../../src/core/kafka/broker-config.ts';
import { DrillError } from '../../src/core/errors.ts';
import { mirrorSettings, type FlowSpec } from '../../src/core/plan/mm2-settings.ts';
import { flowProperties, separatorOf } from '../../src/core/scenario/mirror-flow.ts';
import { checkpointsTopic, findRemoteTopic } from '../../src/core/kafka/mm2-names.ts';
import { parsePropertiesText, type PropertyChange } from '../../src/core/kafka/mm2-properties-file.ts';
import type { ScenarioInput } from '../../src/core/scenario/scenario.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';

const fixtures = join(import.meta.dirname, '../fixtures/mm2-properties');
const teamFile = readFileSync(join(fixtures, 'connect-mirror-maker.properties'), 'latin1');
const aliases = { 'us-east': 'primary', 'us-west': 'backup' } as const;
const ep = { primaryBootstrap: 'toxiproxy:20000', backupBootstrap: 'toxiproxy:20003' };

type Mirror = NonNullable<ScenarioInput['mirror']>;
const scenario = (text: string, mirror: Mirror = {}, rest: Partial<ScenarioInput> = {}) =>
  parseScenario({ name: 'x', ...rest, mirror: { propertiesText: text, clusterAliases: aliases, ...mirror } }, 't.ts');
const rejection = (text: string, mirror: Mirror = {}, rest: Partial<ScenarioInput> = {}): string => {
  try {
    scenario(text, mirror, rest);
  } catch (e) {
    expect(e).toBeInstanceOf(DrillError);
    expect((e as DrillError).code).toBe('SCENARIO_INVALID');
    return (e as DrillError).message;
  }
  throw new Error('expected the scenario to be rejected');
};
const changeOf = (changes: readonly PropertyChange[], key: string) => changes.find((c) => c.key === key);

/** A small valid file in the drill's terms, to which each case adds a line. */
const minimal = (extra = '') => `clusters = us-east, us-west\nus-east->us-west.enabled = true\n${extra}`;

describe('parsing a .properties file as java.util.Properties does', () => {
  it('reads comments, the three separators, continuations, escapes and \\u escapes; the last of a repeated key wins', () => {
    const { entries, problems } = parsePropertiesText([
      '# comment', '! also a comment', 'a=1', 'b: 2', 'c 3', '  d = four \\', '      five', 'key\\ with\\ space = x',
      'topics = orders\\\\..*, pay\\u006dents', 'a = 9', 'path c:\\\\mm2', 'e=x=y:z',
    ].join('\n'));
    expect(problems).toEqual([]);
    expect(Object.fromEntries(entries)).toEqual({ a: '9', b: '2', c: '3', d: 'four five', 'key with space': 'x', topics: 'orders\\..*, payments', path: 'c:\\mm2', e: 'x=y:z' });
    expect(entries.map(([k]) => k)).toEqual(['a', 'b', 'c', 'd', 'key with space', 'topics', 'path', 'e']);
  });

  it('reports a malformed \\u escape, which Properties.load refuses', () => {
    expect(parsePropertiesText('a = \\uZZ12\nb = \\\\u is fine\n').problems).toEqual([{ line: 'a = \\uZZ12', message: expect.stringMatching(/^line 1: malformed \\uXXXX escape/) }]);
    expect(rejection(minimal('x = \\u12\n'))).toContain('mirror.propertiesText: mirror.propertiesText line 3: malformed \\uXXXX escape (Properties.load refuses it, so MM2 would not start) (found "x = \\\\u12")');
  });

  it('reads a trailing comment as part of the value, as Java does: the flow is then not enabled', () => {
    expect(rejection('clusters = us-east, us-west\nus-east->us-west.enabled = true   # replicate east to west\n')).toContain(
      'does not run the flow us-east->us-west (the drill\'s primary->backup)',
    );
  });

  it('writes properties Java reads back exactly (regex backslashes, non-ASCII)', () => {
    const props = { topics: 'orders\\..*', 'x.y': ' lead', note: 'café €' };
    const text = renderProperties(props);
    expect(text).toContain('topics=orders\\\\..*\n');
    expect(text).toMatch(/^[\x00-\x7f]*$/);
    expect(parseJavaProperties(text)).toEqual(props);
  });
});

describe("a team's connect-mirror-maker.properties (SASL_SSL, two data centres, active-active)", () => {
  const s = scenario(teamFile);
  const { properties: p, changes } = mirrorSettings(s, ep);

  it('renames the file\'s clusters to the drill\'s and keeps every setting that does not point at the team\'s hosts', () => {
    expect(p).toMatchObject({
      clusters: 'primary, backup', 'primary->backup.enabled': 'true', 'primary->backup.topics': 'orders.*, payments', 'backup->primary.topics': '.*',
      groups: '.*', 'topics.exclude': '.*[\\-\\.]internal, .*\\.replica, __.*, test-.*', 'checkpoints.topic.replication.factor': '1',
      'emit.checkpoints.interval.seconds': '10', 'sync.group.offsets.interval.seconds': '10', 'backup.offset.flush.interval.ms': '10000', 'tasks.max': '4',
      'primary.consumer.max.poll.records': '2000', 'backup.producer.linger.ms': '50',
      'refresh.topics.interval.seconds': '300',
    });
    expect(Object.keys(p).slice(0, 3)).toEqual(['clusters', 'primary.bootstrap.servers', 'backup.bootstrap.servers']);
  });

  it('replaces the bootstrap servers and removes security settings at every prefix level, secrets redacted', () => {
    expect(p['primary.bootstrap.servers']).toBe('toxiproxy:20000');
    expect(changeOf(changes, 'primary.bootstrap.servers')).toMatchObject({
      fileKey: 'us-east.bootstrap.servers', fileValue: 'kafka-east-1.prod.example.com:9093,kafka-east-2.prod.example.com:9093,kafka-east-3.prod.example.com:9093', value: 'toxiproxy:20000', by: 'drill',
    });
    const removed = ['security.protocol', 'sasl.mechanism', 'primary.sasl.jaas.config', 'backup.sasl.jaas.config', 'primary.ssl.truststore.location',
      'primary.ssl.truststore.password', 'backup.producer.ssl.endpoint.identification.algorithm', 'primary->backup.consumer.sasl.login.refresh.buffer.seconds'];
    for (const k of removed) {
      expect(p, k).not.toHaveProperty([k]);
      expect(changeOf(changes, k), k).toMatchObject({ value: null, by: 'drill', reason: expect.stringContaining('PLAINTEXT') });
    }
    expect(changeOf(changes, 'backup.sasl.jaas.config')?.fileValue).toBe('(redacted)');
    expect(changeOf(changes, 'primary.ssl.truststore.location')?.fileValue).toBe('/etc/mm2/east-truststore.jks');
    expect(JSON.stringify({ s, changes })).not.toContain('hunter2');
  });

  it('drops the config provider once nothing kept refers to it (the placeholders were in the credentials)', () => {
    expect(p).not.toHaveProperty(['config.providers']);
    expect(changeOf(changes, 'config.providers.file.class')).toMatchObject({ value: null, reason: expect.stringContaining('config provider') });
  });

  it('runs one flow per process: the file\'s reverse flow is disabled, with the way to drill it', () => {
    expect(changeOf(changes, 'backup->primary.enabled')).toMatchObject({ fileKey: 'us-west->us-east.enabled', fileValue: 'true', value: 'false', reason: expect.stringContaining('second mirror in `mirrors`') });
  });

  it('takes the modelled settings from the file, MM2\'s defaults where it is silent, and keeps group discovery short', () => {
    expect(s.mirror).toMatchObject({
      policy: 'default', checkpointIntervalSeconds: 10, syncGroupOffsets: true, syncGroupOffsetsIntervalSeconds: 10, offsetLagMax: 100,
      offsetFlushIntervalMs: 10000, refreshTopicsIntervalSeconds: 300, refreshGroupsIntervalSeconds: 1, syncTopicConfigsIntervalSeconds: 600, tasksMax: 4,
    });
    expect(s.mirror.file?.origins).toMatchObject({ checkpointIntervalSeconds: 'file', offsetLagMax: 'mm2-default', refreshGroupsIntervalSeconds: 'drill', policy: 'file' });
    expect(p).not.toHaveProperty(['offset.lag.max']); // MM2's default applies: the drill adds nothing
    expect(changeOf(changes, 'refresh.groups.interval.seconds')).toMatchObject({ fileValue: '300', value: '1', reason: expect.stringContaining('created after MM2 starts') });
  });

  it('sizes replication factors for the drill\'s brokers, keeping the file\'s where they fit', () => {
    expect(p['replication.factor']).toBe('3');
    expect(p).toMatchObject({ 'primary->backup.replication.factor': 1, 'backup->primary.replication.factor': 1 });
    expect(changeOf(changes, 'primary->backup.replication.factor')).toMatchObject({ fileValue: null, value: '1', reason: "the file's top-level replication.factor 3 exceeds the backup cluster's 1 broker(s) in the drill" });
    expect(p['checkpoints.topic.replication.factor']).toBe('1');
    // A top-level storage factor overrides the per-cluster ones in every herder: moved to the clusters.
    expect(p).not.toHaveProperty(['offset.storage.replication.factor']);
    expect(p).toMatchObject({ 'primary.offset.storage.replication.factor': 1, 'backup.offset.storage.replication.factor': 1, 'status.storage.replication.factor': '1' });
    const big = mirrorSettings(scenario(teamFile, {}, { kafka: { nodes: 3 } }), ep).properties;
    expect(big).not.toHaveProperty(['primary->backup.replication.factor']);
    expect(big['offset.storage.replication.factor']).toBe('3');
  });

  it('lists nothing the drill left as the file has it', () => {
    const listed = new Set(changes.map((c) => c.key));
    for (const k of ['primary->backup.topics', 'groups', 'tasks.max', 'emit.checkpoints.interval.seconds', 'backup.producer.linger.ms']) expect(listed.has(k), k).toBe(false);
  });

  it('keeps the file\'s text, which holds secrets, out of the resolved scenario', () => {
    expect(s.mirror).not.toHaveProperty('propertiesText');
  });
});

describe('the scenario over the file', () => {
  it('a mirror field the scenario sets wins, written so that it takes effect over the file\'s flow-level key', () => {
    const s = scenario(minimal('emit.checkpoints.interval.seconds = 30\nus-east->us-west.emit.checkpoints.interval.seconds = 20\n'), { checkpointIntervalSeconds: 2 });
    expect(s.mirror.checkpointIntervalSeconds).toBe(2);
    expect(s.mirror.file?.origins.checkpointIntervalSeconds).toBe('scenario');
    const { properties: p, changes } = mirrorSettings(s, ep);
    expect(p['emit.checkpoints.interval.seconds']).toBe(2);
    expect(p).not.toHaveProperty(['primary->backup.emit.checkpoints.interval.seconds']);
    expect(changeOf(changes, 'emit.checkpoints.interval.seconds')).toMatchObject({ fileValue: '30', value: '2', by: 'scenario', reason: 'the scenario sets mirror.checkpointIntervalSeconds' });
    expect(changeOf(changes, 'primary->backup.emit.checkpoints.interval.seconds')).toMatchObject({ fileKey: 'us-east->us-west.emit.checkpoints.interval.seconds', value: null, by: 'scenario' });
  });

  it('the flow-level key of the file wins over its top-level one for the modelled settings', () => {
    expect(scenario(minimal('offset.lag.max = 500\nus-east->us-west.offset.lag.max = 10\nus-west->us-east.offset.lag.max = 7\n')).mirror.offsetLagMax).toBe(10);
    // A worker setting reaches a herder only target-prefixed: the top-level one is not the flush interval.
    expect(scenario(minimal('offset.flush.interval.ms = 5000\n')).mirror.offsetFlushIntervalMs).toBe(60_000);
  });

  it('the scenario\'s raw properties win and replace the file\'s narrower forms of the same setting', () => {
    const s = scenario(minimal('us-east->us-west.topics.exclude = orders.*\n'), { properties: { 'topics.exclude': '__.*', 'primary.consumer.fetch.min.bytes': 1 } });
    const { properties: p, changes } = mirrorSettings(s, ep);
    expect(p['topics.exclude']).toBe('__.*');
    expect(p).not.toHaveProperty(['primary->backup.topics.exclude']);
    expect(changeOf(changes, 'primary->backup.topics.exclude')).toMatchObject({ by: 'scenario', value: null });
    expect(changeOf(changes, 'primary.consumer.fetch.min.bytes')).toMatchObject({ fileValue: null, value: '1', by: 'scenario' });
  });

  it('a worker setting the scenario gives at top level reaches the workers: written per cluster', () => {
    const file = minimal('us-west.offset.flush.interval.ms = 10000\n');
    const raw = scenario(file, { properties: { 'offset.flush.interval.ms': 2000 } });
    expect(raw.mirror.offsetFlushIntervalMs).toBe(2000);
    const { properties: p, changes } = mirrorSettings(raw, ep);
    expect(p).toMatchObject({ 'offset.flush.interval.ms': 2000, 'backup.offset.flush.interval.ms': 2000, 'primary.offset.flush.interval.ms': 2000 });
    expect(changeOf(changes, 'backup.offset.flush.interval.ms')).toMatchObject({ fileKey: 'us-west.offset.flush.interval.ms', fileValue: '10000', value: '2000', by: 'scenario' });
    const typed = mirrorSettings(scenario(file, { offsetFlushIntervalMs: 3000 }), ep);
    expect(changeOf(typed.changes, 'backup.offset.flush.interval.ms')).toMatchObject({ fileValue: '10000', value: '3000', reason: 'the scenario sets mirror.offsetFlushIntervalMs' });
  });

  it('a matrix dimension wins in each cell, and says it is one', async () => {
    const cells = await loadScenario(join(fixtures, 'matrix.ts'));
    expect(cells.map((c) => [c.scenario.mirror.policy, c.scenario.mirror.offsetLagMax])).toEqual([['default', 0], ['default', 100], ['identity', 0], ['identity', 100]]);
    const identity = mirrorSettings(cells[2]!.scenario, ep);
    expect(identity.properties['replication.policy.class']).toBe('org.apache.kafka.connect.mirror.IdentityReplicationPolicy');
    expect(changeOf(identity.changes, 'replication.policy.class')).toMatchObject({ by: 'scenario', reason: 'the scenario sets mirror.policy "identity" (a matrix dimension)' });
    expect(changeOf(identity.changes, 'offset.lag.max')).toMatchObject({ fileValue: null, value: '0', reason: 'the scenario sets mirror.offsetLagMax (a matrix dimension)' });
    // MM2's default offset.lag.max is 100: the cell that asks for it explicitly still writes it (nothing to list if it equals the file's).
    expect(changeOf(mirrorSettings(cells[1]!.scenario, ep).changes, 'offset.lag.max')).toMatchObject({ value: '100' });
  });

  it('without a properties file nothing changes: the drill\'s defaults and properties', () => {
    const s = parseScenario({ name: 'x' }, 't');
    expect(s.mirror).toMatchObject({ checkpointIntervalSeconds: 1, refreshTopicsIntervalSeconds: 1, offsetFlushIntervalMs: 1000, file: null });
    expect(s.mirror.syncGroupOffsetsIntervalSeconds).toBeUndefined();
    expect(mirrorSettings(s, ep).changes).toEqual([]);
  });
});

describe('replication policies and their separator', () => {
  it('maps Kafka\'s Default and Identity classes, and Strimzi\'s Identity to Kafka\'s own', () => {
    expect(scenario(minimal('replication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy\n')).mirror.policy).toBe('identity');
    const strimzi = scenario(minimal('replication.policy.class = io.strimzi.kafka.connect.mirror.IdentityReplicationPolicy\n'));
    expect(strimzi.mirror.policy).toBe('identity');
    const { properties: p, changes } = mirrorSettings(strimzi, ep);
    expect(p['replication.policy.class']).toBe('org.apache.kafka.connect.mirror.IdentityReplicationPolicy');
    expect(changeOf(changes, 'replication.policy.class')).toMatchObject({ by: 'drill', reason: expect.stringContaining('not in the drill\'s Kafka image') });
  });

  it('maps a custom class to the customPolicies entry that provides it, and refuses one without', () => {
    const file = minimal('replication.policy.class = com.acme.mm2.RegionPolicy\n');
    expect(rejection(file)).toContain('replication.policy.class = com.acme.mm2.RegionPolicy, which the drill does not know: declare it in mirror.customPolicies');
    const s = scenario(file, { customPolicies: { region: { class: 'com.acme.mm2.RegionPolicy', jar: './region.jar' } } });
    expect(s.mirror.policy).toBe('region');
    expect(mirrorSettings(s, ep).changes.find((c) => c.key === 'replication.policy.class')).toBeUndefined();
  });

  it('follows a non-default separator: remote topic names, the checkpoints topic, what the scenario accepts', () => {
    const s = scenario(minimal('replication.policy.separator = _\n'));
    expect(separatorOf(s)).toBe('_');
    expect(findRemoteTopic(s.mirror.policy, 'orders', ['primary.orders', 'primary_orders'], 'primary', separatorOf(s))).toBe('primary_orders');
    expect(checkpointsTopic(flowProperties(s))).toBe('primary_checkpoints_internal');
    expect(checkpointsTopic(flowProperties(scenario(minimal('replication.policy.separator = _\nreplication.policy.internal.topic.separator.enabled = false\n'))))).toBe('primary.checkpoints.internal');
    expect(checkpointsTopic(flowProperties(parseScenario({ name: 'x' }, 't')))).toBe('primary.checkpoints.internal');
    expect(rejection(minimal('replication.policy.separator = _\n'), {}, { topics: [{ name: 'backup_orders' }] })).toContain('"backup_" prefix');
    expect(rejection(minimal('replication.policy.separator = _\n'), {}, { failover: { crossCheck: true } })).toContain('failover.crossCheck: replication.policy.separator is "_"');
  });
});

describe("validation never echoes the file's secrets", () => {
  it('a malformed \\u escape inside sasl.jaas.config: the line is named, its password is not printed', () => {
    const line = 'us-east.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="mm2" password="Jaas-Pw-\\u00ZZ-71";';
    const msg = rejection(minimal(`${line}\n`));
    expect(msg).toContain('line 3: malformed \\uXXXX escape');
    expect(msg).toContain('us-east.sasl.jaas.config');
    expect(msg).not.toContain('Jaas-Pw');
    // On a continuation line too, where no key names the secret.
    const continued = rejection(minimal('us-east.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required \\\n  password="Cont-Pw-\\uZZ";\n'));
    expect(continued).toContain('malformed \\uXXXX escape');
    expect(continued).not.toContain('Cont-Pw');
  });

  it('a placeholder in a kept basic.auth.user.info: the key is named, its value is not', () => {
    const msg = rejection(minimal('us-west.consumer.basic.auth.user.info = registry-svc:Basic-Pw-83${env:SUFFIX}\n'));
    expect(msg).toContain("us-west.consumer.basic.auth.user.info = (redacted): the drill cannot resolve a config provider's placeholder");
    expect(msg).not.toContain('Basic-Pw-83');
  });

  it("the kept secrets are redacted in what the import shows, and MM2 still runs with them", () => {
    const s = scenario(minimal([
      'us-west.consumer.basic.auth.user.info = registry-svc:Basic-Pw-83',
      'us-east.config.providers.vault.param.token = Vault-Tok-19',
      'schema.registry.url = https://registry-svc:Url-Pw-27@registry.internal:8081',
      'confluent.license = License-Key-55',
      '',
    ].join('\n')));
    const entries = s.mirror.file!.entries;
    expect(entries['backup.consumer.basic.auth.user.info']?.value).toBe('(redacted)');
    expect(entries['primary.config.providers.vault.param.token']?.value).toBe('(redacted)');
    expect(entries['confluent.license']?.value).toBe('(redacted)');
    expect(entries['schema.registry.url']?.value).toBe('https://registry-svc:(redacted)@registry.internal:8081');
    const { properties } = mirrorSettings(s, ep);
    expect(properties['backup.consumer.basic.auth.user.info']).toBe('registry-svc:Basic-Pw-83');
    expect(properties['confluent.license']).toBe('License-Key-55');
  });
});

describe('what the drill refuses, naming the property and the fix', () => {
  it('a placeholder a config provider would resolve on the team\'s host, unless the scenario sets that property', () => {
    const file = minimal('config.providers = file\nconfig.providers.file.class = org.apache.kafka.common.config.provider.FileConfigProvider\nus-east->us-west.topics = ${file:/etc/mm2/topics.properties:topics}\n');
    const msg = rejection(file);
    expect(msg).toContain('us-east->us-west.topics = ${file:/etc/mm2/topics.properties:topics}: the drill cannot resolve a config provider\'s placeholder');
    expect(msg).toContain('mirror.properties["primary->backup.topics"]');
    expect(scenario(file, { properties: { 'primary->backup.topics': 'orders' } }).mirror.file?.properties['primary->backup.topics']).toContain('${file:');
    expect(scenario(file, { properties: { topics: 'orders' } }).mirror.file).not.toBeNull();
  });

  it('a class the drill\'s Kafka image does not have; a metrics reporter is left out instead', () => {
    expect(rejection(minimal('topic.filter.class = com.acme.mm2.TeamTopicFilter\n'))).toContain('topic.filter.class names com.acme.mm2.TeamTopicFilter, which the drill\'s Kafka image does not have');
    const s = scenario(minimal('metric.reporters = io.prometheus.jmx.Reporter\nconfig.property.filter.class = org.apache.kafka.connect.mirror.DefaultConfigPropertyFilter\n'));
    const { properties: p, changes } = mirrorSettings(s, ep);
    expect(p).not.toHaveProperty(['metric.reporters']);
    expect(changeOf(changes, 'metric.reporters')?.reason).toContain('metrics only');
    expect(p['config.property.filter.class']).toBe('org.apache.kafka.connect.mirror.DefaultConfigPropertyFilter');
  });

  it("a producer compression the drill's clients cannot decode is left out; gzip is kept", () => {
    const s = scenario(minimal('us-west.producer.compression.type = zstd\nus-west.producer.compression.zstd.level = 3\nus-east.producer.compression.type = gzip\n'));
    const { properties: p, changes } = mirrorSettings(s, ep);
    expect(p).not.toHaveProperty(['backup.producer.compression.type']);
    expect(changeOf(changes, 'backup.producer.compression.type')).toMatchObject({ fileKey: 'us-west.producer.compression.type', fileValue: 'zstd', value: null, by: 'drill' });
    expect(changeOf(changes, 'backup.producer.compression.type')?.reason).toContain('cannot decode zstd');
    expect(p['primary.producer.compression.type']).toBe('gzip');
  });

  it('cluster aliases the mapping does not cover, covers twice or does not know', () => {
    expect(rejection('clusters = us-east, us-west, eu-central\nus-east->us-west.enabled = true\n')).toContain(
      'mirror.clusterAliases: mirror.propertiesText lists the cluster "eu-central" (clusters = us-east, us-west, eu-central) and mirror.clusterAliases does not map it',
    );
    expect(rejection(minimal(), { clusterAliases: { 'us-east': 'primary', 'us-west': 'primary' } })).toContain('"us-east", "us-west" are all mapped to "primary"');
    expect(rejection(minimal(), { clusterAliases: { 'us-east': 'primary', 'us-wset': 'backup' } })).toMatch(/mirror\.clusterAliases\["us-wset"\]: .*lists no cluster "us-wset"/);
    expect(rejection(minimal(), { clusterAliases: { 'us-east': 'primary', 'us-west': 'dr' as 'backup' } })).toContain('mirror.clusterAliases["us-west"]');
    expect(rejection(minimal(), { clusterAliases: undefined })).toContain("map them, e.g. clusterAliases: { 'us-east': 'primary', 'us-west': 'backup' }");
  });

  it('the drill\'s own aliases need no mapping', () => {
    expect(scenario('clusters = primary, backup\nprimary->backup.enabled = true\n', { clusterAliases: undefined }).mirror.file?.clusterAliases).toEqual({ primary: 'primary', backup: 'backup' });
  });

  it('a file without clusters, or that does not run the drill\'s flow', () => {
    expect(rejection('us-east->us-west.enabled = true\n')).toContain('has no "clusters" entry');
    expect(rejection('clusters = us-east, us-west\nus-west->us-east.enabled = true\n')).toContain(
      'does not run the flow us-east->us-west (the drill\'s primary->backup): set us-east->us-west.enabled = true in it, or map the clusters the other way round',
    );
    // Top-level `enabled` runs every flow whose herder exists (heartbeats are on by default).
    expect(scenario('clusters = us-east, us-west\nenabled = true\n').mirror.file).not.toBeNull();
    expect(rejection('clusters = us-east, us-west\nenabled = true\nemit.heartbeats.enabled = false\n')).toContain('does not run the flow');
  });

  it('a drill topic the file\'s topics filter does not match or excludes, naming the pattern and suggesting a rename', () => {
    const notMatched = rejection(minimal('us-east->us-west.topics = payments.*, audit\n'));
    expect(notMatched).toContain('topics[0].name: MirrorMaker 2 would not replicate it with your properties file: no pattern of mirror.propertiesText\'s us-east->us-west.topics = payments.*, audit matches "orders"; rename the scenario\'s topic');
    expect(rejection(minimal('topics.exclude = orders, __.*\n'))).toContain('"orders" matches "orders" of mirror.propertiesText\'s topics.exclude');
    // The file replaces MM2's default exclude list: "orders.replica" passes with the file's own.
    expect(scenario(minimal('topics.exclude = __.*\n'), {}, { topics: [{ name: 'orders.replica' }] }).topics[0]?.name).toBe('orders.replica');
    expect(rejection(minimal(), {}, { topics: [{ name: 'orders.replica' }] })).toContain('of MM2\'s default topics.exclude');
  });

  it('a consumer group the file\'s groups filter keeps out: there would be no offsets to fail over', () => {
    const msg = rejection(minimal('groups = payments-.*, billing\n'));
    expect(msg).toContain('workload.consumer.groupId: MirrorMaker 2 would not checkpoint this group with your properties file');
    expect(msg).toContain('name the drill\'s group like one of yours');
    expect(scenario(minimal('groups = payments-.*\n'), {}, { workload: { consumer: { groupId: 'payments-drill' } } }).workload.consumer.groupId).toBe('payments-drill');
    expect(rejection(minimal(), {}, { workload: { consumer: { groupId: 'connect-orders' } } })).toContain('of MM2\'s default groups.exclude');
  });

  it('a modelled setting that is not a number, or an interval that turns the thing off', () => {
    expect(rejection(minimal('tasks.max = four\n'))).toContain('tasks.max = "four" is not a number');
    expect(rejection(minimal('emit.checkpoints.interval.seconds = -1\n'))).toContain('set emit.checkpoints.enabled or sync.group.offsets.enabled to false');
  });

  it('cluster aliases or a file the loader did not read', () => {
    expect(() => parseScenario({ name: 'x', mirror: { propertiesFile: './mm2.properties' } }, 't')).toThrow(/mirror\.propertiesFile: the file was not read/);
    expect(() => parseScenario({ name: 'x', mirror: { clusterAliases: aliases } }, 't')).toThrow(/give mirror\.propertiesFile too/);
  });
});

describe('a playbook mirror with the team\'s file', () => {
  const flow: FlowSpec = { source: 'backup', target: 'primary', policy: 'default', startFrom: 'latest', properties: { 'tasks.max': 2 } };
  it('refuses a renamed offsets topic where the playbook seeds a mirror, and a separator other than "."', () => {
    const playbook: Partial<ScenarioInput> = {
      mirrors: { forward: { source: 'primary', target: 'backup', startAt: 'setup' }, reverse: { source: 'backup', target: 'primary', startFrom: 'seeded' } },
      playbook: [{ action: 'kill-cluster', cluster: 'primary' }],
    };
    expect(rejection(minimal('us-west.offset.storage.topic = mm2-offsets-east\n'), {}, playbook)).toContain("your properties file names MM2's offsets topic on the backup cluster");
    expect(scenario(minimal('us-west.offset.storage.topic = mm2-offsets.primary.internal\n'), {}, playbook).playbook).toHaveLength(1);
    expect(rejection(minimal('replication.policy.separator = -\n'), {}, playbook)).toContain('playbook: replication.policy.separator is "-", and playbooks name remote and internal topics with "."');
  });

  it('runs its own flow with the file\'s settings for it, and only that flow', () => {
    const s = scenario(minimal('us-west->us-east.topics = orders\n'));
    const { properties: p, changes } = mirrorSettings(s, ep, flow);
    expect(p).toMatchObject({
      'backup->primary.enabled': true, 'primary->backup.enabled': false, 'primary->backup.emit.heartbeats.enabled': false,
      'backup->primary.source.consumer.auto.offset.reset': 'latest', 'backup->primary.topics': 'orders', 'tasks.max': 2,
    });
    expect(changeOf(changes, 'backup->primary.enabled')).toMatchObject({ fileValue: null, value: 'true' });
    expect(changeOf(changes, 'primary->backup.enabled')).toMatchObject({ fileValue: 'true', value: 'false' });
    expect(changeOf(changes, 'tasks.max')).toMatchObject({ by: 'scenario', reason: "the playbook mirror's own properties" });
  });
});

describe('loading a scenario that names a properties file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mm2-properties-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file relative to the scenario, into every cell', async () => {
    const [cell] = await loadScenario(join(fixtures, 'drill.ts'));
    expect(cell?.scenario.mirror.propertiesFile).toBe('./connect-mirror-maker.properties');
    expect(cell?.scenario.mirror.file?.properties['primary->backup.topics']).toBe('orders.*, payments');
    expect(cell?.scenario.mirror.checkpointIntervalSeconds).toBe(10);
  });

  it('names a missing file with its resolved path', async () => {
    const file = join(dir, 'missing.ts');
    writeFileSync(file, `export default ${JSON.stringify({ name: 'm', mirror: { propertiesFile: 'conf/mm2.properties', clusterAliases: aliases } })};\n`);
    await expect(loadScenario(file)).rejects.toThrow(`mirror.propertiesFile: expected a file at ${join(dir, 'conf/mm2.properties')} ("conf/mm2.properties" relative to the scenario's directory ${dir}), found nothing`);
  });

  it('a matrix of properties files reads each cell\'s own, and a bad one names its cell', async () => {
    writeFileSync(join(dir, 'a.properties'), minimal('emit.checkpoints.interval.seconds = 5\n'));
    writeFileSync(join(dir, 'b.properties'), minimal('emit.checkpoints.interval.seconds = 30\n'));
    writeFileSync(join(dir, 'bad.properties'), 'clusters = us-east, us-west\n');
    const file = join(dir, 'two.ts');
    writeFileSync(file, `export default ${JSON.stringify({ name: 'two', mirror: { clusterAliases: aliases }, matrix: { 'mirror.propertiesFile': ['a.properties', 'b.properties'] } })};\n`);
    expect((await loadScenario(file)).map((c) => c.scenario.mirror.checkpointIntervalSeconds)).toEqual([5, 30]);
    const bad = join(dir, 'bad.ts');
    writeFileSync(bad, `export default ${JSON.stringify({ name: 'bad', mirror: { clusterAliases: aliases }, matrix: { 'mirror.propertiesFile': ['a.properties', 'bad.properties'] } })};\n`);
    await expect(loadScenario(bad)).rejects.toThrow(/cell mirror\.propertiesFile=bad\.properties\) is not a valid scenario:\n {2}- mirror\.propertiesFile: mirror\.propertiesFile "bad\.properties" does not run the flow/);
  });
});
