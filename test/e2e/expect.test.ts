/**
 * `mm2-drill expect` on scenarios/mm2.example.properties at 200 msg/s, then the drill it proposes,
 * run for real: the measured figures must land inside the predicted bounds, and the history must
 * hold the physics the prediction rests on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import type { FailoverExpectations } from '../../src/core/checker/failover-expectations.ts';
import type { CellResult } from '../../src/core/results/results.ts';
import { containersLeft, requireDocker, runCli, runDrill, tempResultsDir, type Drill } from './helpers.ts';

interface Printed {
  expectations: FailoverExpectations;
  record: string;
  drill: { file: string; command: string; killAtSeconds: number; jitterSeconds: number };
}

const rate = 200;
let dir: string;
let printed: Printed;
let d: Drill;
const cell = (): CellResult => d.results.cells[0]!;

const expectCli = async (out: string, extra: string[] = []): Promise<Printed> => {
  const run = await runCli(['expect', 'scenarios/mm2.example.properties', '--rate', String(rate), '--commit', 'batch', '--drill-seconds', '20', '--out', out, '--json', ...extra], { timeoutMs: 60_000 });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Printed;
};

beforeAll(async () => {
  await requireDocker();
  dir = tempResultsDir();
  printed = await expectCli(join(dir, 'failover-expectations.md'));
  // The exact command `expect` proposes, run as it is (from the repository, where it was printed).
  const prefix = 'npx mm2-drill run ';
  expect(printed.drill.command.startsWith(prefix)).toBe(true);
  d = await runDrill(printed.drill.command.slice(prefix.length), 'failover-expectations', [], 600_000);
}, 720_000);

it('predicts a bound on duplicates, no skips, and an unknown RPO without a measured lag; writes the record and the drill', () => {
  const e = printed.expectations;
  expect(e.duplicates.max).toBeTypeOf('number');
  expect(e.skips.possible).toBe(false);
  expect(e.lost.max).toBe('unknown');
  const record = readFileSync(join(dir, 'failover-expectations.md'), 'utf8');
  expect(record).toContain(`at most ${e.duplicates.max as number} per consumer group`);
  expect(record).toContain(printed.drill.command);
  expect(existsSync(join(dir, 'failover-drill.ts'))).toBe(true);
});

it('the drill ran with the settings the prediction read, and passed its gates', async () => {
  expect(d.code, `${d.stdout}\n${d.stderr}`).toBe(0);
  expect(cell().status, cell().error?.message).toBe('passed');
  expect(cell().checks.map((c) => c.figure).sort()).toEqual(['duplicatedByFailover', 'skipped']);
  for (const s of printed.expectations.settings.filter((x) => x.origin === 'file')) {
    expect(String(cell().mirrorSettings[s.key === 'offset.flush.interval.ms' ? `backup.${s.key}` : s.key]), s.key).toBe(s.value);
  }
  expect(cell().consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
  expect(await containersLeft(d.results.runId)).toBe(0);
});

it('measured duplicated, skipped and lost land inside the predicted bounds', async () => {
  const k = cell().counts!;
  expect(k.acked).toBeGreaterThan(rate * 15);
  expect(k.duplicatedByFailover).toBeGreaterThan(0);
  expect(k.duplicatedByFailover).toBeLessThanOrEqual(printed.expectations.duplicates.max as number);
  expect(k.skipped).toBe(0);
  // The drill measured the replication lag the RPO bound needs: given it (plus the second since
  // the last sample, whose production the sample did not see), the prediction bounds what was lost.
  const lagMs = cell().atKill.lagMs;
  expect(lagMs).toBeTypeOf('number');
  const withLag = await expectCli(join(dir, 'with-lag.md'), ['--drill', join(dir, 'with-lag.ts'), '--replication-lag-ms', String((lagMs as number) + 1000)]);
  expect(withLag.expectations.lost.max).toBeTypeOf('number');
  expect(k.notReplicated).toBeTypeOf('number');
  expect(k.lost as number).toBeLessThanOrEqual(k.notReplicated as number);
  expect(k.notReplicated as number).toBeLessThanOrEqual(withLag.expectations.lost.max as number);
});

it('history physics: what MM2 copied is delivered, what is lost was never copied, and the re-deliveries are the failover\'s', () => {
  const h = d.history;
  const kill = eventsOf(h, 'kill')[0]!;
  const acked = eventsOf(h, 'ack').map((a) => a.id);
  const onBackup = new Set(eventsOf(h, 'backup-record').map((r) => r.id));
  const deliveries = eventsOf(h, 'deliver');
  const delivered = new Set(deliveries.map((x) => x.id));
  const k = cell().counts!;
  expect(cell().backupReadComplete).toBe(true);
  expect(cell().drainComplete).toBe(true);
  // Every acked id MM2 copied to the backup was delivered to the group (no skip, nothing unreached).
  expect(acked.filter((id) => onBackup.has(id) && !delivered.has(id))).toEqual([]);
  expect(k.unreached).toBe(0);
  // Lost: acked, delivered nowhere, absent from the backup; not replicated: absent from the backup.
  expect(k.lost).toBe(acked.filter((id) => !delivered.has(id) && !onBackup.has(id)).length);
  expect(k.notReplicated).toBe(acked.filter((id) => !onBackup.has(id)).length);
  // The failover's duplicates: delivered on the primary, and again on the backup (less the ids the
  // producer wrote twice, never the same record: none with the idempotent producer but a retry).
  const onPrimary = new Set(deliveries.filter((x) => x.phase === 'primary').map((x) => x.id));
  const again = new Set(deliveries.filter((x) => x.phase === 'backup' && onPrimary.has(x.id)).map((x) => x.id));
  expect(again.size).toBe(k.duplicatedByFailover + (k.duplicatedByProducer ?? 0));
  // The backup's deliveries all came after the kill, and every one of them was copied by MM2.
  expect(deliveries.filter((x) => x.phase === 'backup').every((x) => x.t > kill.t && onBackup.has(x.id))).toBe(true);
  // The drill's own bound check (the same model, with the measured acks and consumer lag) holds too.
  expect(cell().expected?.holds).toBe(true);
});
