import { describe, expect, it } from 'vitest';
import { commandEnvironment, MAX_TOPIC_NAME, RUN_NAME_SUFFIX_MAX } from '../../src/core/scenario/external.ts';
import { forCellRun, preexisting, redacted, withRunNames } from '../../src/core/plan/external-run.ts';
import { asVariant, planUnits } from '../../src/core/plan/pairing.ts';
import { expandMatrix } from '../../src/core/plan/matrix.ts';
import { newRunId } from '../../src/run/run-dir.ts';
import { releaseEnvironment } from '../../src/run/run-cell.ts';
import type { DrillEnvironment } from '../../src/adapters/containers/environment.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { memoryNeeded } from '../../src/core/plan/capacity.ts';
import { REDACTED } from '../../src/core/redaction.ts';

const external = {
  primary: { bootstrapServers: 'kafka-east-0:9093,kafka-east-1:9093', sasl: { mechanism: 'scram-sha-512', username: 'drill', password: 's3cret' }, ssl: true, killCommand: './stop-east.sh', restoreCommand: './start-east.sh' },
  backup: { bootstrapServers: 'kafka-west-0:9093', ssl: { caFile: 'ca.pem' } },
  mirror: { sourceAlias: 'us-east' },
};
const scenario = (extra: Record<string, unknown> = {}) => parseScenario({ name: 'staging', topics: [{ name: 'drill-orders' }], workload: { consumer: { groupId: 'drill-group' } }, external, ...extra }, 'staging.ts');

const runScopedLength = (runId: string, unit: number): number => forCellRun(withRunNames({ id: 'x', values: {}, scenario: scenario() }, runId), unit).scenario.topics[0]!.name.length - 'drill-orders'.length;

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

  it('gives every cell run (cell × repetition) names of its own, carrying the run id; paired variants share the topic, not the group', () => {
    const input = { name: 'staging', topics: [{ name: 'drill-orders' }], workload: { consumer: { groupId: 'drill-group' } }, external, repeat: 2, matrix: { 'failover.strategy': ['mm2-sync', 'checkpoints'] } };
    const cells = expandMatrix(input as never, 'staging.ts').map((c) => withRunNames(c, 'a1b2c3'));
    // As run-drill plans them: one environment per repetition, its variants paired in it.
    const runs = planUnits(cells).flatMap((u, n) => u.cells.map((c, i) => asVariant(forCellRun(c, n + 1), i, u.cells.length)));
    expect(runs).toHaveLength(4);
    const topics = runs.map((c) => c.scenario.topics[0]!.name);
    const groups = runs.map((c) => c.scenario.workload.consumer.groupId);
    expect(new Set(groups).size).toBe(runs.length);
    expect([...new Set(topics)]).toEqual(['drill-orders-a1b2c3-1', 'drill-orders-a1b2c3-2']);
    expect(groups).toEqual(['drill-group-a1b2c3-1-v1', 'drill-group-a1b2c3-1-v2', 'drill-group-a1b2c3-2-v1', 'drill-group-a1b2c3-2-v2']);
    // No group of one cell run is derived from another's (`<group>-…` is how the strategies name theirs).
    for (const g of groups) expect(groups.filter((h) => h !== g && h.startsWith(`${g}-`))).toEqual([]);
  });

  it('keeps the name a run adds within what the topic-name check reserves', () => {
    expect(runScopedLength(newRunId(), 99_999_999)).toBeLessThanOrEqual(RUN_NAME_SUFFIX_MAX);
  });

  it('refuses a topic whose remote topic name would pass Kafka\'s 249 characters once the run has named it', () => {
    // Topic names are at most 200 characters: a long source alias is what takes the remote topic over.
    const alias = (n: number) => ({ external: { ...external, mirror: { sourceAlias: 'a'.repeat(n) } } });
    const fits = MAX_TOPIC_NAME - RUN_NAME_SUFFIX_MAX - 'drill-orders'.length - '.'.length;
    expect(() => scenario(alias(fits))).not.toThrow();
    expect(rejection(alias(fits + 1))).toMatch(/topics\[0\]\.name[\s\S]*drill-orders-<runId>-<n>[\s\S]*more than Kafka's 249[\s\S]*at most 11 characters/);
    // The identity policy adds no alias.
    expect(() => scenario({ ...alias(fits + 1), mirror: { policy: 'identity' } })).not.toThrow();
  });

  it('names what of a cell run exists before it creates it: drill topics, their remote topics, its groups and the groups derived from them', () => {
    const s = forCellRun(withRunNames({ id: 'default', values: {}, scenario: scenario() }, 'a1b2c3'), 3).scenario;
    const groups = ['drill-group-a1b2c3-3-v1', 'drill-group-a1b2c3-3-v2'];
    const team = { topics: ['team-payments', 'drill-orders-a1b2c3-30', 'drill-orders-a1b2c3'], groups: ['team-app', 'drill-group-a1b2c3-3-v10', 'drill-group-a1b2c3-30-v2'] };
    expect(preexisting(s, groups, { primary: team, backup: team })).toEqual([]);
    expect(preexisting(s, groups, {
      primary: { topics: [...team.topics, 'drill-orders-a1b2c3-3'], groups: [...team.groups, 'drill-group-a1b2c3-3-v2'] },
      backup: { topics: [...team.topics, 'us-east.drill-orders-a1b2c3-3'], groups: [...team.groups, 'drill-group-a1b2c3-3-v1-checkpoints'] },
    })).toEqual([
      'topic drill-orders-a1b2c3-3 on the primary', 'topic us-east.drill-orders-a1b2c3-3 on the backup',
      'group drill-group-a1b2c3-3-v2 on the primary', 'group drill-group-a1b2c3-3-v1-checkpoints on the backup',
    ]);
  });

  it('passes commands PATH, HOME, the MM2_DRILL_* variables and those the scenario names, nothing else', () => {
    const env = { PATH: '/bin', HOME: '/home/ci', AWS_SECRET_ACCESS_KEY: 'k', KUBECONFIG: '/k', MM2_DRILL_TEAM: 'x', GITHUB_TOKEN: 't', UNSET: undefined };
    expect(commandEnvironment(env, ['KUBECONFIG', 'UNSET'], { MM2_DRILL_CLUSTER: 'primary' })).toEqual({ PATH: '/bin', HOME: '/home/ci', KUBECONFIG: '/k', MM2_DRILL_TEAM: 'x', MM2_DRILL_CLUSTER: 'primary' });
    expect(scenario({ external: { ...external, commandEnv: ['KUBECONFIG'] } }).external?.commandEnv).toEqual(['KUBECONFIG']);
    expect(rejection({ external: { ...external, commandEnv: ['$(id)'] } })).toMatch(/external\.commandEnv\[0\][\s\S]*an environment variable name/);
  });

  it('refuses a kill that is never undone unless the scenario says so, and then only for one cell run', () => {
    const killOnly = { ...external, primary: { bootstrapServers: 'a:1', killCommand: './stop.sh' } };
    expect(rejection({ external: killOnly })).toMatch(/external\.primary\.restoreCommand: a killCommand without a restoreCommand leaves the primary down[\s\S]*restoreCommand[\s\S]*noRestore: true/);
    const stays = { ...external, primary: { ...killOnly.primary, noRestore: true } };
    expect(() => scenario({ external: stays })).not.toThrow();
    expect(rejection({ external: stays, repeat: 2 })).toMatch(/external\.primary\.noRestore[\s\S]*this drill has 2/);
    expect(rejection({ external: stays, matrix: { 'failover.strategy': ['mm2-sync', 'checkpoints'] } })).toMatch(/external\.primary\.noRestore[\s\S]*this drill has 2/);
    expect(rejection({ external: { ...external, primary: { ...external.primary, noRestore: true } } })).toMatch(/external\.primary\.noRestore[\s\S]*without a restoreCommand/);
  });

  it('refuses a command timeout too short for a real kill or restore', () => {
    expect(rejection({ external: { ...external, commandTimeoutSeconds: 1 } })).toMatch(/external\.commandTimeoutSeconds[\s\S]*at least 5 s/);
    expect(scenario({ external: { ...external, commandTimeoutSeconds: 5 } }).external?.commandTimeoutSeconds).toBe(5);
  });

  it('restores a cluster the kill command took down, --keep or not; keep keeps the rest', async () => {
    for (const keep of [true, false]) {
      const done: string[] = [];
      const env = { restore: async () => (done.push('restore'), ['restore: exited 1']), cleanup: async () => [] } as unknown as DrillEnvironment;
      await releaseEnvironment(env, keep, { warn: (l) => done.push(`warn ${l}`), keep: () => done.push('keep'), remove: async () => (done.push('remove'), ['group g is still on the backup']) });
      expect(done).toEqual(['restore', 'warn restore: exited 1', ...(keep ? ['keep'] : ['remove', 'warn group g is still on the backup'])]);
    }
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
