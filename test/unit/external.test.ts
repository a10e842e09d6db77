import { describe, expect, it } from 'vitest';
import { redacted, withRunNames } from '../../src/core/external.ts';
import { parseScenario } from '../../src/core/validate.ts';
import { memoryNeeded } from '../../src/core/capacity.ts';
import { REDACTED } from '../../src/core/redaction.ts';

const external = {
  primary: { bootstrapServers: 'kafka-east-0:9093,kafka-east-1:9093', sasl: { mechanism: 'scram-sha-512', username: 'drill', password: 's3cret' }, ssl: true, killCommand: './stop-east.sh', restoreCommand: './start-east.sh' },
  backup: { bootstrapServers: 'kafka-west-0:9093', ssl: { caFile: 'ca.pem' } },
  mirror: { sourceAlias: 'us-east' },
};
const scenario = (extra: Record<string, unknown> = {}) => parseScenario({ name: 'staging', topics: [{ name: 'drill-orders' }], workload: { consumer: { groupId: 'drill-group' } }, external, ...extra }, 'staging.ts');

const rejection = (raw: Record<string, unknown>): string => {
  try {
    scenario(raw);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
};

describe('external clusters', () => {
  it('fills their defaults: a discovery wait as long as MM2 default topic refresh and more, bounded commands', () => {
    const s = scenario();
    expect(s.external?.mirror.discoveryTimeoutSeconds).toBe(900);
    expect(s.external?.commandTimeoutSeconds).toBe(300);
    expect(s.external?.backup.ssl).toEqual({ caFile: 'ca.pem', rejectUnauthorized: true });
  });

  it('names every topic and group the drill creates with the run id, and starts no mirror', () => {
    const s = scenario();
    const cell = withRunNames({ id: 'default', values: {}, scenario: s }, 'a1b2c3');
    expect(cell.scenario.topics.map((t) => t.name)).toEqual(['drill-orders-a1b2c3']);
    expect(cell.scenario.workload.consumer.groupId).toBe('drill-group-a1b2c3');
    expect(cell.scenario.mirrors).toEqual({});
    // The input is not changed, and a containerised cell keeps its names.
    expect(s.topics[0]?.name).toBe('drill-orders');
    const local = parseScenario({ name: 'local' }, 'local.ts');
    expect(withRunNames({ id: 'x', values: {}, scenario: local }, 'a1b2c3').scenario.topics[0]?.name).toBe('orders');
  });

  it('keeps credentials out of the run directory: the SASL password, a token in a command', () => {
    const primary = { ...external.primary, killCommand: 'curl -fsS -X POST --token kill-tok-9f2 https://ops.internal/stop', restoreCommand: 'curl -H "Authorization: Bearer $OPS_TOKEN" https://ops.internal/start' };
    const cell = redacted({ id: 'default', values: {}, scenario: scenario({ external: { ...external, primary } }) });
    expect(JSON.stringify(cell)).not.toContain('s3cret');
    expect(JSON.stringify(cell)).not.toContain('kill-tok-9f2');
    expect(cell.scenario.external?.primary.sasl?.password).toBe(REDACTED);
    expect(cell.scenario.external?.primary.sasl?.username).toBe('drill');
    expect(cell.scenario.external?.primary.killCommand).toBe(`curl -fsS -X POST --token ${REDACTED} https://ops.internal/stop`);
    // A variable reference is no secret: the shell resolves it when the command runs.
    expect(cell.scenario.external?.primary.restoreCommand).toBe(primary.restoreCommand);
  });

  it('needs no memory for brokers or MM2: none runs here', () => {
    expect(memoryNeeded(scenario())).toBeLessThan(memoryNeeded(parseScenario({ name: 'local' }, 'local.ts')) / 2);
  });

  it('refuses what the harness cannot do on clusters it does not run, naming the field', () => {
    expect(rejection({ timeline: [{ at: 5, action: { fault: 'kill-mirror' } }, { at: 10, action: 'kill-primary' }] })).toMatch(/timeline\[0\]\.action[\s\S]*only its own clients' links/);
    expect(rejection({ timeline: [{ at: 5, action: { fault: 'latency', link: 'mm2-primary', latencyMs: 100 } }, { at: 10, action: 'kill-primary' }] })).toMatch(/clients-primary, clients-backup/);
    expect(() => scenario({ timeline: [{ at: 5, action: { fault: 'latency', link: 'clients-primary', latencyMs: 100 } }, { at: 10, action: 'kill-primary' }] })).not.toThrow();
    expect(rejection({ failover: { crossCheck: true } })).toMatch(/failover\.crossCheck/);
    expect(rejection({ playbook: [{ action: 'kill-cluster', cluster: 'primary' }] })).toMatch(/playbook[\s\S]*use `timeline`/);
    expect(rejection({ external: { ...external, primary: { bootstrapServers: 'a:1', restoreCommand: 'x' } } })).toMatch(/external\.primary\.restoreCommand/);
    expect(rejection({ external: { ...external, backup: { bootstrapServers: 'kafka-west-0' } } })).toMatch(/external\.backup\.bootstrapServers/);
  });
});
