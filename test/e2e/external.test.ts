/**
 * A rehearsal on external clusters: the test starts "the team's staging" itself (two clusters and
 * their MM2, team-clusters.ts) and hands the harness only addresses and a kill command. The ledger
 * must be as exact as in a containerised drill, and the harness must leave the team's
 * environment as it found it, but for what it created.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getContainerRuntimeClient, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { forCellRun, withRunNames } from '../../src/core/plan/external-run.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { kafkaClient } from '../../src/adapters/clients/kafka-client.ts';
import { runCommand, startExternalEnvironment } from '../../src/adapters/containers/external-environment.ts';
import { resolveImages } from '../../src/adapters/containers/images.ts';
import { dockerClient } from '../../src/adapters/containers/docker.ts';
import { noPolicy } from '../../src/adapters/containers/custom-policy.ts';
import { bridgeGateway, inContainer, leakedSecrets, readHistory, readResults, requireDocker, runCli, runDirOf, tempResultsDir, type CliRun } from './helpers.ts';
import { readVersions } from '../../src/adapters/containers/images.ts';
import { saslUser, startTeamStaging, type TeamStaging } from './team-clusters.ts';

interface Rehearsal {
  code: number | null;
  dir: string;
  stdout: string;
  stderr: string;
  results: RunResults;
  cell: CellResult;
  history: HistoryEvent[];
}

type Inventory = Record<'east' | 'west', { topics: string[]; groups: string[] }>;

async function rehearse(team: TeamStaging, env: Record<string, string>): Promise<Rehearsal> {
  const root = tempResultsDir();
  const r = await runCli(['run', 'test/fixtures/external.ts', '--results', root], {
    timeoutMs: 420_000, env: { MM2_DRILL_PRIMARY: team.east.bootstrap, MM2_DRILL_BACKUP: team.west.bootstrap, ...env },
  });
  const dir = runDirOf(root, 'external');
  const results = readResults(dir);
  if (!results.cells[0]) throw new Error(`no cell ran:\n${r.stderr}`);
  return { code: r.code, dir, stdout: r.stdout, stderr: r.stderr, results, cell: results.cells[0], history: readHistory(dir) };
}

/** Topics and groups on a cluster of the team's. */
async function inventory(bootstrap: string): Promise<{ topics: string[]; groups: string[] }> {
  const admin = kafkaClient([bootstrap], 'team-inventory', '/dev/null').admin();
  await admin.connect();
  try {
    return { topics: (await admin.listTopics()).sort(), groups: (await admin.listGroups()).groups.map((g) => g.groupId).sort() };
  } finally {
    await admin.disconnect();
  }
}

const inventories = async (team: TeamStaging): Promise<Inventory> => {
  const [east, west] = await Promise.all([inventory(team.east.bootstrap), inventory(team.west.bootstrap)]);
  return { east, west };
};

/** Whether a process runs (a zombie waiting for its parent to reap it does not). */
function running(pid: number): boolean {
  try {
    return existsSync(`/proc/${pid}`) && !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('a kill or restore command that hangs', () => {
  it('is stopped at its timeout, and every process it started with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm2-drill-command-'));
    const pidFile = join(dir, 'sleep.pid');
    const t0 = Date.now();
    // A child of the command's shell that holds its output pipes: killing the shell alone is not enough.
    const err = await runCommand(`sleep 30 & echo $! > ${pidFile}; wait`, { cwd: dir, env: { PATH: process.env.PATH ?? '' }, timeoutMs: 1000, logFile: join(dir, 'kill-primary.log'), what: 'external.primary.killCommand' })
      .then(() => null, (e: unknown) => e);
    const took = Date.now() - t0;
    expect(String(err)).toMatch(/killCommand: `sleep 30[^`]*` was stopped at its timeout of 1 s \(external\.commandTimeoutSeconds\): its process group was sent SIGTERM/);
    expect(took).toBeLessThan(1000 + 2000);
    expect(running(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  }, 60_000);
});

/** What must hold of any rehearsal: every acked id in exactly one class, the consumer reading the backup after the kill. */
function expectExactLedger(x: Rehearsal): void {
  const k = x.cell.counts!;
  expect(k.acked).toBeGreaterThan(500);
  expect(x.cell.consistency?.checks.filter((c) => c.verdict === 'fail')).toEqual([]);
  expect(x.cell.backupReadComplete).toBe(true);
  expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated).toBe(k.acked);
  const kill = eventsOf(x.history, 'kill')[0]!;
  expect(eventsOf(x.history, 'deliver').filter((e) => e.phase === 'backup' && e.t > kill.t).length).toBeGreaterThan(0);
  // The backup holds the drill's messages under the team's MM2's naming: <its alias for the primary>.<topic>.
  expect(x.cell.remoteTopics).toEqual([`east.drill-orders-${x.results.runId}-1`]);
}

describe('external clusters: a matrix over a secret path', () => {
  it('lists its cells without the secret in their ids, or anywhere in what it prints', async () => {
    const r = await runCli(['list', 'test/fixtures/external.ts', '--set', 'external.primary.sasl.password=Planted-MatrixPw-A1,Planted-MatrixPw-B2'], {
      timeoutMs: 60_000, env: { MM2_DRILL_PRIMARY: 'kafka-east:9093', MM2_DRILL_BACKUP: 'kafka-west:9093', MM2_DRILL_PRIMARY_SASL_USER: 'drill', MM2_DRILL_PRIMARY_SASL_PASSWORD: 'Planted-SaslPw-C3' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('external.primary.sasl.password=redacted-1');
    expect(r.stdout).toContain('external.primary.sasl.password=redacted-2');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/Planted-/);
  });
});

describe('external clusters: a rehearsal on clusters and an MM2 the harness did not start', () => {
  let team: TeamStaging;

  beforeAll(async () => {
    await requireDocker();
    team = await startTeamStaging();
  }, 300_000);

  afterAll(async () => {
    await team?.stop();
  });

  describe("a topic or group of the drill's that exists before the drill creates it", () => {
    it('is a refusal, and the topic, its records and the group are left as they were', async () => {
      // The names this cell run would give its own (the team's MM2 does not mirror `refused-*`).
      const raw = {
        name: 'refused', topics: [{ name: 'refused-orders', partitions: 1 }], workload: { consumer: { groupId: 'refused-group' } },
        external: { primary: { bootstrapServers: team.east.bootstrap }, backup: { bootstrapServers: team.west.bootstrap }, mirror: { sourceAlias: 'east', discoveryTimeoutSeconds: 10 } },
      };
      const scenario = forCellRun(withRunNames({ id: 'default', values: {}, scenario: parseScenario(raw, 'refused.ts') }, 'taken'), 1).scenario;
      const topic = scenario.topics[0]!.name;
      const group = scenario.workload.consumer.groupId;
      const kafka = kafkaClient([team.east.bootstrap], 'team-app', '/dev/null');
      const admin = kafka.admin();
      const producer = kafka.producer();
      await Promise.all([admin.connect(), producer.connect()]);
      try {
        await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
        await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) });
        await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '2' }] });
        const dir = mkdtempSync(join(tmpdir(), 'mm2-drill-refused-'));
        const started: (StartedTestContainer | StartedNetwork)[] = [];
        const warnings: string[] = [];
        const images = await resolveImages(await dockerClient(), { versions: [], explicit: [], kafka: false });
        const err = await startExternalEnvironment(
          { scenario, images, policy: noPolicy, labels: {}, logDir: dir, onStage: () => undefined, runId: 'taken', scenarioDir: dir, groups: [group], warn: (l) => warnings.push(l) },
          (c) => started.push(c),
        ).then(() => null, (e: unknown) => e);
        await Promise.all(started.map((c) => c.stop()));
        expect(String(err)).toContain(`refused: topic ${topic} on the primary, group ${group} on the primary exist before the drill created them`);
        expect(warnings).toEqual([]);
        expect(await admin.fetchTopicOffsets(topic)).toEqual([expect.objectContaining({ partition: 0, low: '0', high: '3' })]);
        expect((await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]?.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '2' })]);
      } finally {
        await admin.deleteGroups([group]).catch(() => undefined);
        await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        await Promise.all([admin.disconnect(), producer.disconnect()]);
      }
    }, 120_000);
  });

  describe("the kill is the team's own command (docker kill of their primary), the primary reached with SASL", () => {
    let x: Rehearsal;
    let killedAt: number;
    // Secrets a team could write into a command: a token flag (echoed by the command), a URL's password.
    const killToken = 'Planted-KillToken-6a2f';
    const restorePassword = 'Planted-RestorePw-0d5b';
    const envFile = join(mkdtempSync(join(tmpdir(), 'mm2-drill-kill-env-')), 'env');

    beforeAll(async () => {
      const id = team.east.container.getId();
      const port = team.east.bootstrap.split(':')[1];
      x = await rehearse(team, {
        // The command's environment, kept for the test: what it gets of the harness's.
        MM2_DRILL_PRIMARY: team.east.saslBootstrap,
        MM2_DRILL_PRIMARY_SASL_USER: saslUser.username,
        MM2_DRILL_PRIMARY_SASL_PASSWORD: saslUser.password,
        MM2_DRILL_KILL: `env > ${envFile}; : --token ${killToken}; echo "authorised by ${killToken}" >&2; docker kill ${id}`,
        TEAM_CONTEXT: 'staging-east',
        TEAM_SECRET: 'not-for-commands',
        // Back, and answering, before the harness removes the drill's topic from it.
        MM2_DRILL_RESTORE: `: https://ops:${restorePassword}@ops.internal; docker start ${id} && for i in $(seq 60); do (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null && break; sleep 1; done`,
      });
      killedAt = eventsOf(x.history, 'kill')[0]?.t ?? 0;
    }, 480_000);

    it('ran to the end with an exact ledger', () => {
      expect(x.code, x.stderr).toBe(0);
      expect(x.results.status).toBe('passed');
      expectExactLedger(x);
    });

    it("ran the team's command: their primary was killed at the kill step and started again at the end", async () => {
      const state = (await (await getContainerRuntimeClient()).container.getById(team.east.container.getId()).inspect()).State;
      expect(eventsOf(x.history, 'kill')[0]?.signal).toBe(`ran killCommand \`env > ${envFile}; : --token (redacted); echo "authorised by (redacted)" >&2; docker kill ${team.east.container.getId()}\``);
      expect(state.Running).toBe(true);
      expect(Date.parse(state.StartedAt)).toBeGreaterThan(killedAt);
    });

    it('no secret in any byte the run wrote or printed: the SASL password, the command token and its echo, the URL password', () => {
      expect(readFileSync(join(x.dir, 'logs', 'default_1', 'kill-primary.log'), 'utf8')).toContain('authorised by (redacted)');
      expect(leakedSecrets(x.dir, x.stdout + x.stderr, [saslUser.password, killToken, restorePassword])).toEqual([]);
    });

    it('gave the command PATH, HOME, the MM2_DRILL_* variables and those the scenario names, nothing else', () => {
      const env = readFileSync(envFile, 'utf8');
      expect(env).toMatch(/^TEAM_CONTEXT=staging-east$/m);
      expect(env).toMatch(/^MM2_DRILL_CLUSTER=primary$/m);
      expect(env).toMatch(/^PATH=/m);
      expect(env).not.toContain('TEAM_SECRET');
    });

    it('removed what it created and nothing else', async () => {
      const runId = x.results.runId;
      await team.ready();
      const [east, west] = await Promise.all([inventory(team.east.bootstrap), inventory(team.west.bootstrap)]);
      expect([...east.topics, ...west.topics].filter((t) => t.includes(runId)), x.stderr).toEqual([]);
      expect([...east.groups, ...west.groups].filter((g) => g.includes(runId) || g.startsWith('mm2-drill-')), x.stderr).toEqual([]);
      expect(east.topics).toContain('team-payments');
      expect(west.topics).toContain('east.team-payments');
      const mm2 = await (await getContainerRuntimeClient()).container.getById(team.mirror.getId()).inspect();
      expect(mm2.State.Running).toBe(true);
    });
  });

  // The producer on a host in a container of its own, where 127.0.0.1 is not this machine: it
  // reaches the team's primary only through the drill's proxies (`workload.hosts.address`).
  describe("no command: the kill cuts the test clients off the primary through Toxiproxy (two variants paired, the producer on a host elsewhere)", () => {
    const name = `mm2-drill-e2e-host-${randomBytes(3).toString('hex')}`;
    let x: Rehearsal;
    let before: Inventory;
    let host: Promise<CliRun>;

    beforeAll(async () => {
      await team.ready();
      before = await inventories(team);
      const shared = tempResultsDir();
      host = runCli(['produce', '--join', shared, '--index', '0', '--idle-timeout', '600'], { timeoutMs: 600_000, via: inContainer(name, `mm2-drill/kafka:${readVersions().kafka}`, shared) });
      x = await rehearse(team, { MM2_DRILL_PAIRED: '1', MM2_DRILL_HOSTS: JSON.stringify({ count: 1, dir: shared, address: bridgeGateway() }) });
    }, 480_000);

    afterAll(() => {
      spawnSync('docker', ['rm', '-f', name]);
    });

    it('ran to the end with an exact ledger, in each variant', () => {
      expect(x.code, x.stderr).toBe(0);
      expect(x.results.cells.map((c) => c.pairedRun?.variants.length)).toEqual([2, 2]);
      for (const cell of x.results.cells) expectExactLedger({ ...x, cell, history: x.history.filter((e) => e.cell === cell.key) });
    });

    it("left both clusters as it found them: nothing of the drill's, nothing of the team's removed", async () => {
      expect(x.stderr).not.toContain('WARNING');
      expect(await inventories(team)).toEqual(before);
    });

    it("lost nothing: the primary stayed up and the team's MM2 copied every acked message", () => {
      expect(x.cell.counts!.notReplicated).toBe(0);
      expect(x.cell.counts!.lost).toBe(0);
    });

    it('the producer was really cut off: nothing was acked after the kill', () => {
      const kill = eventsOf(x.history, 'kill')[0]!;
      expect(kill.signal).toMatch(/^test clients cut off through Toxiproxy/);
      expect(eventsOf(x.history, 'ack').filter((e) => e.t > kill.t + 1000)).toEqual([]);
    });

    it("every ack was the host's, in its id space, and the host exited when the drill was over", async () => {
      const acks = eventsOf(x.history, 'ack');
      expect(acks.length).toBeGreaterThan(0);
      for (const a of acks) expect(a.id).toMatch(new RegExp(`^${x.results.runId}-1-w0-\\d+$`));
      const ended = await host;
      expect(ended.code, ended.stderr).toBe(0);
    }, 120_000);
  });
});
