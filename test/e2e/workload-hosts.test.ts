/**
 * The workload on two producer hosts (`workload.hosts`), for real, on SASL clusters: two
 * `mm2-drill produce --join <dir> --index k` processes started here, not by the drill, each with
 * the producer's password in its own environment only, join it through a shared directory —
 * host 1 in a container, on a network of its own where 127.0.0.1 is not this machine: it reaches
 * the drill's proxies only at the address the scenario gives (`workload.hosts.address`, this
 * machine on Docker's bridge);
 * each writes with its own id space and records its outcomes in a segment there, with its own
 * clock, measured by the drill. One ledger must then hold every ack of both: each acked id once,
 * classified, the consistency checks passing, the segments merged and removed, `report` deriving
 * the same figures, each host's clock offset recorded within its bound, and the password in no
 * file of the run or of the directory and in nothing printed. A host without the password refuses.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, type EventOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { readVersions } from '../../src/adapters/containers/images.ts';
import { bridgeGateway, containersLeft, inContainer, leakedSecrets, readResults, runCli, runDirOf, runDrill, tempResultsDir, type CliRun } from './helpers.ts';
import { HOST_PASSWORD_VARIABLE } from '../../src/adapters/clients/host-password.ts';
import { acksByProducer, expectOneLedger, expectOwnIdSpaces, expectReportAgain } from './producers-ledger.ts';

const HOSTS = 2;
const MAX_CLOCK_BOUND_MS = 200;
const PASSWORD = `pw-producer-${randomBytes(9).toString('hex')}`;
const withPassword = { [HOST_PASSWORD_VARIABLE]: PASSWORD };
/** Host 1's container (removed after the test, whatever happens). */
const CONTAINER = `mm2-drill-e2e-host-${randomBytes(3).toString('hex')}`;

describe(`the workload on ${HOSTS} producer hosts joining through a shared directory, on SASL clusters, the primary killed mid-stream`, () => {
  let results: RunResults;
  let history: HistoryEvent[];
  let dir: string;
  let shared: string;
  let cell: CellResult;
  let acks: EventOf<'ack'>[];
  let hosts: Promise<CliRun>[];
  let printed: string;

  beforeAll(async () => {
    shared = tempResultsDir();
    // Separate OS processes, started before the drill as a CI matrix's jobs may be.
    // Any Debian image with the C++ runtime runs this Node: the drill's Kafka image is one.
    const elsewhere = inContainer(CONTAINER, `mm2-drill/kafka:${readVersions().kafka}`, shared, [HOST_PASSWORD_VARIABLE]);
    hosts = Array.from({ length: HOSTS }, (_, k) => runCli(['produce', '--join', shared, '--index', String(k), '--idle-timeout', '600'], { timeoutMs: 600_000, env: withPassword, ...(k === 1 ? { via: elsewhere } : {}) }));
    const address = bridgeGateway();
    let stdout: string;
    let stderr: string;
    ({ results, history, dir, stdout, stderr } = await runDrill('test/fixtures/hosts-secured.ts', 'hosts-secured', [
      '--set', `workload.hosts=${JSON.stringify({ count: HOSTS, dir: shared, maxClockBoundMs: MAX_CLOCK_BOUND_MS, address })}`,
      '--set', 'workload.ratePerSecond=2000', '--set', 'timeline.0.at=12',
    ], 600_000, withPassword));
    printed = `${stdout}${stderr}`;
    cell = results.cells[0]!;
    ({ acks } = acksByProducer(history, cell));
  }, 420_000);

  afterAll(async () => {
    spawnSync('docker', ['rm', '-f', CONTAINER]);
    await Promise.allSettled(hosts ?? []);
  });

  it('acks messages of every host, each in its own id space, none twice', () => {
    expectOwnIdSpaces(results, history, cell, HOSTS);
  });

  it('counts as acked the sum of what each host acked, and classifies every one of them', () => {
    expectOneLedger(history, cell);
  });

  it('records each host\'s clock offset within its bound, and every ack on the drill\'s clock before the kill was seen', () => {
    const clocks = eventsOf(history, 'producer-clock').filter((e) => e.cell === cell.key);
    // results.json carries what the history says, for the report.
    expect(cell.producerClocks).toEqual(clocks.map(({ segment, offsetMs, boundMs, samples }) => ({ segment, offsetMs, boundMs, samples })));
    expect(clocks.map((c) => c.segment).sort()).toEqual(Array.from({ length: HOSTS }, (_, k) => `w${k}.ndjson`));
    for (const c of clocks) {
      expect(c.boundMs).toBeLessThanOrEqual(MAX_CLOCK_BOUND_MS);
      // Hosts and drill share this machine's clock: the true offset is 0, so the estimate is within its bound of it.
      expect(Math.abs(c.offsetMs)).toBeLessThanOrEqual(c.boundMs);
      expect(c.samples).toBeGreaterThan(0);
    }
    // On the drill's clock, every ack of a host came after the cell started and before the drill
    // read the host's segment (the clock's event is recorded just then); some came before the kill.
    const start = eventsOf(history, 'cell-start').find((e) => e.cell === cell.key)!;
    const kill = eventsOf(history, 'kill').find((e) => e.cell === cell.key)!;
    const read = Math.min(...clocks.map((c) => c.t));
    const bound = Math.max(...clocks.map((c) => c.boundMs));
    for (const a of acks) {
      expect(a.t).toBeGreaterThanOrEqual(start.t - bound);
      expect(a.t).toBeLessThanOrEqual(read + bound);
    }
    expect(acks.filter((a) => a.t < kill.t).length).toBeGreaterThan(0);
  });

  it('leaves one history: the segments are merged and gone, the hosts exit when the drill is over, and `report` derives the same figures', async () => {
    const sessions = join(shared, 'sessions');
    expect(existsSync(sessions) ? readdirSync(sessions) : []).toEqual([]);
    const ended = await Promise.all(hosts);
    expect(ended.map((h) => h.code)).toEqual(Array.from({ length: HOSTS }, () => 0));
    for (const h of ended) expect(h.stderr).toMatch(/is over/);
    const again = await expectReportAgain(dir, cell);
    expect(again.producerClocks).toEqual(cell.producerClocks);
    // The hosts authenticated (their acks are above) with the password from their own environment only.
    expect(leakedSecrets(dir, `${printed}${ended.map((h) => `${h.stdout}${h.stderr}`).join('')}`, [PASSWORD])).toEqual([]);
    expect(leakedSecrets(shared, '', [PASSWORD])).toEqual([]);
  }, 120_000);

  it('a host without the password refuses the start: the cell ends in error HOST_PASSWORD_UNSET, naming the host and the variable', async () => {
    const shared = tempResultsDir();
    const root = tempResultsDir();
    // Unset for the host, whatever this process has (spawn leaves out a variable whose value is undefined).
    const host = runCli(['produce', '--join', shared, '--index', '0', '--idle-timeout', '600'], { timeoutMs: 300_000, env: { [HOST_PASSWORD_VARIABLE]: undefined } });
    const run = await runCli(['run', 'test/fixtures/hosts-secured.ts', '--set', `workload.hosts=${JSON.stringify({ count: 1, dir: shared })}`, '--results', root], { timeoutMs: 300_000, env: withPassword });
    const refused = readResults(runDirOf(root, 'hosts-secured'));
    const only = refused.cells[0]!;
    expect(only.status).toBe('error');
    expect(only.error?.code).toBe('HOST_PASSWORD_UNSET');
    expect(only.error?.message).toMatch(/^producer host 0 .*MM2_DRILL_PASSWORD_PRODUCER is not set on this host/);
    expect(run.code).toBe(4);
    expect((await host).code).toBe(0);
    expect(await containersLeft(refused.runId)).toBe(0);
  }, 300_000);
});
