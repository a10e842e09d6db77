/**
 * Permissions after a failover (scenarios/acls-after-failover.ts) on real secured clusters and a
 * real MirrorMaker 2 with its ACL sync on: what the backup's authorizer holds is read from the
 * ACL readings of the history, and the moved clients' fates are recounted from the raw events.
 * MM2 copies the READ-ish topic ACLs (renamed, ALL downgraded) and never the producer's WRITE,
 * the group ACL or a PREFIXED one: until the manual step, the moved producer writes nothing
 * and the moved consumer reads nothing, and the sends refused are failed, never acked.
 * The passwords come from the environment here, so the test can look for them in every byte the
 * run wrote and printed.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import { aclKey, type Acl } from '../../src/core/kafka/acl.ts';
import { passwordVariable, principalRoles } from '../../src/core/kafka/security.ts';
import { cellEvents, leakedSecrets, readHistory, readResults, requireDocker, runCli, runDirOf, tempResultsDir } from './helpers.ts';

const topicAcl = (user: string, operation: Acl['operation'], name: string): string =>
  aclKey({ principal: `User:${user}`, resourceType: 'TOPIC', name, pattern: 'LITERAL', operation, permission: 'ALLOW', host: '*' });

describe('ACLs after a failover', () => {
  it("MM2 copies READ, never WRITE nor the group's: the moved clients are refused until the manual grant, and no password reaches any output", async () => {
    await requireDocker();
    const passwords = Object.fromEntries(principalRoles.map((r) => [passwordVariable(r), `pw-${r}-${randomBytes(9).toString('hex')}`]));
    const root = tempResultsDir();
    const run = await runCli(['run', 'scenarios/acls-after-failover.ts', '--only', 'policy=default', '--results', root], { timeoutMs: 300_000, env: passwords });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const dir = runDirOf(root, 'acls-after-failover');
    const [cell] = readResults(dir).cells;
    expect(cell!.status, cell!.error?.message).toBe('measured');
    expect(cell!.consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
    const h = cellEvents(readHistory(dir), cell!);

    const step = (name: string, state: 'start' | 'end') => eventsOf(h, 'step').find((s) => s.label === name && s.state === state)!.t;
    const kill = eventsOf(h, 'kill')[0]!.t;
    const grant = step('grant', 'start');
    const backupAcls = (before: number) => new Set(eventsOf(h, 'acls').filter((a) => a.cluster === 'backup' && a.t < before).flatMap((a) => a.acls.map(aclKey)));

    // Before the kill MM2 brought the LITERAL topic ACLs under the remote name, ALL as READ.
    const synced = backupAcls(kill);
    for (const k of [topicAcl('consumer', 'READ', 'primary.orders'), topicAcl('producer', 'DESCRIBE', 'primary.orders'), topicAcl('ops', 'READ', 'primary.orders')]) expect(synced).toContain(k);
    // The ACL added on the primary mid-run reached the backup under the remote name, after it was created.
    const added = eventsOf(h, 'acls').find((a) => a.cluster === 'backup' && a.acls.map(aclKey).includes(topicAcl('reporting', 'READ', 'primary.orders')));
    expect(added?.t).toBeGreaterThan(step('new-acl', 'start'));
    // Until the manual step, none of what MM2 never copies is on the backup.
    const beforeGrant = [...backupAcls(grant)].filter((k) => !k.startsWith('User:mm2 '));
    expect(beforeGrant.filter((k) => / (WRITE|ALL) | GROUP |\(PREFIXED\)/.test(k))).toEqual([]);

    // The moved producer: refused, its sends failed (not written), nothing acked on the backup before the grant.
    const backupAcks = eventsOf(h, 'ack').filter((a) => a.cluster === 'backup');
    expect(backupAcks.filter((a) => a.t < grant)).toEqual([]);
    expect(backupAcks.length).toBeGreaterThan(0);
    const refused = eventsOf(h, 'fail').filter((f) => /_AUTHORIZATION_FAILED/.test(f.error));
    expect(refused.length).toBeGreaterThan(0);
    // Refused from the move on, and never again once the backup took a write.
    expect(refused.filter((f) => f.t < kill || f.t > Math.min(...backupAcks.map((a) => a.t)))).toEqual([]);
    const acked = new Set(eventsOf(h, 'ack').map((a) => a.id));
    const seen = new Set([...eventsOf(h, 'deliver').map((d) => d.id), ...eventsOf(h, 'copy').map((c) => c.id)]);
    expect(refused.filter((f) => acked.has(f.id) || seen.has(f.id))).toEqual([]);
    expect(cell!.acls?.refused.count).toBe(refused.length);
    expect(cell!.roundTrip?.counts.failed).toBeGreaterThanOrEqual(refused.length);

    // The moved consumer: refused on the backup after the kill, nothing delivered there before the grant, then reads.
    const refusals = eventsOf(h, 'auth-error').filter((e) => e.t >= kill);
    expect(refusals.map((e) => `${e.client} ${e.cluster}`).sort()).toEqual(['consumer backup', 'producer backup']);
    const backupDeliveries = eventsOf(h, 'deliver').filter((d) => d.phase === 'backup');
    expect(backupDeliveries.filter((d) => d.t < grant)).toEqual([]);
    expect(backupDeliveries.length).toBeGreaterThan(0);
    expect(cell!.acls?.refusals.map((r) => r.client).sort()).toEqual(['consumer', 'producer']);

    expect(leakedSecrets(dir, run.stdout + run.stderr, Object.values(passwords))).toEqual([]);
  }, 320_000);
});
