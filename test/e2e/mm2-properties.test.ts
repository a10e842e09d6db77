/**
 * A team's own mm2.properties, drilled for real: MM2 must run with the file's settings (what the
 * backup holds shows its Identity policy), the drill must list what it changed, and the ledger
 * must be as exact as with the drill's own configuration.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import type { CellResult } from '../../src/core/results/results.ts';
import { filesUnder, leakedSecrets, runDrill, type Drill } from './helpers.ts';

describe("a team's mm2.properties (Identity policy, TLS settings, a secrets provider)", () => {
  let drill: Drill;
  let cell: CellResult;

  beforeAll(async () => {
    drill = await runDrill('test/fixtures/mm2-properties/identity.ts', 'team-identity', ['--verbose']);
    cell = drill.results.cells[0]!;
  }, 600_000);

  it('ran to the end', () => {
    expect(drill.code, drill.stderr).toBe(0);
    expect(cell.status).toBe('measured');
  });

  it("MM2 ran the file's policy: the backup holds the messages under the topic's own name", () => {
    expect(cell.policy).toBe('identity');
    expect(cell.remoteTopics).toEqual(['orders']);
    const backup = eventsOf(drill.history, 'backup-record');
    expect(backup.length).toBeGreaterThan(0);
    expect(new Set(backup.map((e) => e.topic))).toEqual(new Set(['orders']));
    expect(String(cell.mirrorSettings['offset.lag.max'])).toBe('50');
    expect(String(cell.mirrorSettings['emit.checkpoints.interval.seconds'])).toBe('2');
  });

  it('lists what the drill had to change, with the file value and the reason', () => {
    const changes = cell.propertiesFile?.changes ?? [];
    const byKey = new Map(changes.map((c) => [c.key, c]));
    expect(byKey.get('security.protocol')).toMatchObject({ fileValue: 'SSL', value: null, by: 'drill' });
    expect(byKey.get('primary.bootstrap.servers')).toMatchObject({ fileKey: 'east.bootstrap.servers', fileValue: 'kafka-east.internal:9093', by: 'drill' });
    expect(changes.every((c) => c.reason.length > 0)).toBe(true);
    // Nothing of the file's secrets reached the results.
    expect(JSON.stringify(drill.results)).not.toContain('/etc/kafka/secrets.properties:truststore');
  });

  it('no planted secret in any byte the run wrote or printed; each kept one still reached MM2, redacted', () => {
    const planted = ['Planted-BasicAuth-7f3a', 'Planted-VaultToken-2c9d', 'Planted-UrlPw-5e1b', 'Planted-License-8a4c', 'Planted-Jaas-3d6f', 'Planted-Keystore-9b2e', 'Planted-KeyPw-4f7a', 'Planted-ScenarioProp-6c1d'];
    const files = filesUnder(drill.dir).map((f) => f.path.slice(drill.dir.length + 1));
    expect(files).toEqual(expect.arrayContaining(['results.json', 'scenario.json', 'history.ndjson', 'summary.md', 'junit.xml', 'report.html']));
    expect(files.some((f) => f.endsWith('mirror-maker.log'))).toBe(true);
    expect(leakedSecrets(drill.dir, drill.stdout + drill.stderr, planted)).toEqual([]);
    expect(cell.mirrorSettings['backup.consumer.basic.auth.user.info']).toBe('(redacted)');
    expect(cell.mirrorSettings['schema.registry.url']).toBe('https://registry-svc:(redacted)@registry.internal:8081');
  });

  it('counted every acked message in exactly one class, and the consumer resumed on the backup', () => {
    const k = cell.counts!;
    expect(k.acked).toBeGreaterThan(500);
    expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated).toBe(k.acked);
    expect(cell.consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
    const kill = eventsOf(drill.history, 'kill')[0]!;
    expect(eventsOf(drill.history, 'deliver').filter((e) => e.phase === 'backup' && e.t > kill.t).length).toBeGreaterThan(0);
  });
});
