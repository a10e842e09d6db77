import { describe, expect, it } from 'vitest';
import { aclKey, compareAcls, missingAcls, mm2AclVerdict, type Acl, type AclSyncRules } from '../../src/core/kafka/acl.ts';
import { brokerSecurityProperties, clientSecurityProperties, isInfrastructureAcl, mm2Acls } from '../../src/core/kafka/security.ts';
import { aclFindings } from '../../src/core/checker/acl-findings.ts';
import { produceOutcome } from '../../src/core/kafka/produce-outcome.ts';
import { securityAcls } from '../../src/core/scenario/security.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import type { HistoryEvent } from '../../src/core/history/history.ts';

const acl = (principal: string, operation: Acl['operation'], name = 'orders', extra: Partial<Acl> = {}): Acl =>
  ({ principal: `User:${principal}`, resourceType: 'TOPIC', name, pattern: 'LITERAL', operation, permission: 'ALLOW', host: '*', ...extra });
const rules: AclSyncRules = { enabled: true, intervalSeconds: 2, remoteTopic: (t) => (t === 'orders' ? `primary.${t}` : null) };

describe("MM2's topic ACL sync (MirrorSourceConnector.syncTopicAcls)", () => {
  it('copies a LITERAL topic ACL to the remote topic, and downgrades ALLOW ALL to READ', () => {
    expect(mm2AclVerdict(acl('consumer', 'READ'), rules).copied).toEqual(acl('consumer', 'READ', 'primary.orders'));
    expect(mm2AclVerdict(acl('ops', 'ALL'), rules).copied).toEqual(acl('ops', 'READ', 'primary.orders'));
    // DENY goes as it is, ALL included: only an ALLOW is downgraded.
    expect(mm2AclVerdict(acl('x', 'ALL', 'orders', { permission: 'DENY' }), rules).copied?.operation).toBe('ALL');
  });
  it('never copies ALLOW WRITE, a PREFIXED pattern, a group or cluster ACL, a topic it does not replicate, or anything with the sync off', () => {
    expect(mm2AclVerdict(acl('producer', 'WRITE'), rules)).toMatchObject({ copied: null, why: expect.stringContaining('WRITE') });
    expect(mm2AclVerdict(acl('producer', 'WRITE', 'orders', { permission: 'DENY' }), rules).copied).not.toBeNull();
    expect(mm2AclVerdict(acl('analytics', 'READ', 'ord', { pattern: 'PREFIXED' }), rules)).toMatchObject({ copied: null, why: expect.stringContaining('PREFIXED') });
    expect(mm2AclVerdict(acl('consumer', 'READ', 'drill-consumer', { resourceType: 'GROUP' }), rules)).toMatchObject({ copied: null, why: expect.stringContaining('GROUP') });
    expect(mm2AclVerdict(acl('consumer', 'READ', 'payments'), rules).copied).toBeNull();
    expect(mm2AclVerdict(acl('consumer', 'READ'), { ...rules, enabled: false }).copied).toBeNull();
  });
  it('compares two clusters: in sync by MM2\'s copy or by the ACL itself, missing with when MM2 copies it, and what only the target has', () => {
    const source = [acl('consumer', 'READ'), acl('producer', 'WRITE'), acl('ops', 'ALL'), acl('mm2', 'ALL', '*')];
    const target = [acl('consumer', 'READ', 'primary.orders'), acl('producer', 'WRITE'), acl('old', 'READ', 'primary.orders')];
    const c = compareAcls(source, target, rules, isInfrastructureAcl);
    expect(c.drifts.map((d) => [d.source.principal, d.present, d.presentAsIs, d.withinSeconds])).toEqual([
      ['User:consumer', true, false, null], ['User:ops', false, false, 2], ['User:producer', false, true, null],
    ]);
    expect(missingAcls(c).map((d) => aclKey(d.source))).toEqual([aclKey(acl('ops', 'ALL'))]);
    expect(c.targetOnly).toEqual([acl('old', 'READ', 'primary.orders')]);
  });
});

describe('secured clusters', () => {
  const creds = { admin: 'a-password-1', producer: 'p-password-2', consumer: 'c-password-3', mm2: 'm-password-4' };
  it('authenticate the client listeners, leave the brokers\' own in PLAINTEXT, and deny what no ACL allows', () => {
    const p = brokerSecurityProperties(creds);
    expect(p['listener.security.protocol.map']).toBe('INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,MIRROR:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT,ADMIN:SASL_PLAINTEXT');
    expect(p['allow.everyone.if.no.acl.found']).toBe(false);
    expect(p['super.users']).toBe('User:ANONYMOUS;User:admin');
    for (const r of ['admin', 'producer', 'consumer', 'mm2'] as const) expect(String(p['listener.name.client.plain.sasl.jaas.config'])).toContain(`user_${r}="${creds[r]}"`);
    expect(clientSecurityProperties('mm2', 'x"y', 'primary.')['primary.sasl.jaas.config']).toBe('org.apache.kafka.common.security.plain.PlainLoginModule required username="mm2" password="x\\"y";');
  });
  it("MM2's own ACLs are the harness's, not the workload's", () => {
    expect(mm2Acls().every(isInfrastructureAcl)).toBe(true);
    expect(mm2Acls().some((a) => a.resourceType === 'CLUSTER' && a.operation === 'ALTER')).toBe(true);
  });
  it('an authorization refusal of a send is a definite failure: not written, never lost', () => {
    for (const t of ['TOPIC_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED']) expect(produceOutcome({ kafkaErrorTypes: [t] })).toBe('fail');
  });
  it('a scenario declares its ACLs; grant-acls without kafka.security is refused', () => {
    const ok = parseScenario({ name: 'x', kafka: { security: { acls: [{ principal: 'producer', resource: 'TOPIC', name: 'orders', operation: 'WRITE' }] } } }, 'x.ts');
    expect(securityAcls(ok.kafka.security!)).toEqual([acl('producer', 'WRITE')]);
    expect(() => parseScenario({ name: 'x', playbook: [{ action: 'grant-acls', cluster: 'backup' }] }, 'x.ts')).toThrow(/kafka\.security/);
  });
});

describe('ACL findings of a drill', () => {
  const ev = (t: number, e: object) => ({ cell: 'c', t, ...e }) as HistoryEvent;
  it('dates each ACL\'s arrival, each client\'s first refusal after the kill, and counts the refused ids', () => {
    const events = [
      ev(1000, { type: 'acls', cluster: 'primary', acls: [acl('consumer', 'READ'), acl('producer', 'WRITE'), acl('mm2', 'ALL', '*')] }),
      ev(1000, { type: 'acls', cluster: 'backup', acls: [acl('mm2', 'ALL', '*')] }),
      ev(3000, { type: 'acls', cluster: 'backup', acls: [acl('mm2', 'ALL', '*'), acl('consumer', 'READ', 'primary.orders')] }),
      ev(4000, { type: 'auth-error', client: 'consumer', cluster: 'primary', error: 'GROUP_AUTHORIZATION_FAILED' }),
      ev(10_000, { type: 'kill', target: 'primary', signal: 'SIGKILL' }),
      ev(12_500, { type: 'auth-error', client: 'consumer', cluster: 'backup', error: 'GROUP_AUTHORIZATION_FAILED' }),
      ev(13_000, { type: 'auth-error', client: 'producer', cluster: 'backup', error: 'TOPIC_AUTHORIZATION_FAILED' }),
      ev(13_000, { type: 'fail', id: 'r-1', error: 'KafkaJSNonRetriableError: Not authorized (TOPIC_AUTHORIZATION_FAILED)' }),
      ev(13_000, { type: 'fail', id: 'r-2', error: 'KafkaJSProtocolError: too large (MESSAGE_TOO_LARGE)' }),
    ];
    const f = aclFindings(events, 0, 10_000)!;
    expect(f.clusters.backup).toEqual([{ acl: aclKey(acl('consumer', 'READ', 'primary.orders')), atMs: 3000, sinceKillMs: -7000, sinceOnPrimaryMs: 2000 }]);
    // The consumer's READ was carried (as MM2's copy), the producer's WRITE was not.
    expect(f.missingOnBackupAtKill).toEqual([aclKey(acl('producer', 'WRITE'))]);
    expect(f.refusals.map((r) => [r.client, r.sinceKillMs])).toEqual([['consumer', 2500], ['producer', 3000]]);
    expect(f.refused).toEqual({ count: 1, sample: ['r-1'] });
    expect(aclFindings([], 0, null)).toBeNull();
  });
});

describe('the ACL tables of a report', () => {
  it("list the backup's ACLs with their arrival, what it lacked at the kill, and each client's first refusal with the ids refused", async () => {
    const { aclRows, refusalRows } = await import('../../src/render/acl-rows.ts');
    const acls = {
      clusters: { backup: [{ acl: 'User:consumer READ TOPIC primary.orders (LITERAL) ALLOW', atMs: 3000, sinceKillMs: -7000, sinceOnPrimaryMs: 2000 }] },
      missingOnBackupAtKill: ['User:producer WRITE TOPIC orders (LITERAL) ALLOW'],
      refusals: [{ client: 'producer' as const, cluster: 'backup', atMs: 13_000, sinceKillMs: 3000, error: 'TOPIC_AUTHORIZATION_FAILED' }],
      refused: { count: 42, sample: [] },
    };
    const cells = [{ key: 'c#1', acls }, { key: 'd#1', acls: null }] as never;
    expect(aclRows(cells).rows).toEqual([
      ['c#1', 'backup', 'User:consumer READ TOPIC primary.orders (LITERAL) ALLOW', '2.0', '-7.0'],
      ['c#1', 'missing on the backup at the kill', 'User:producer WRITE TOPIC orders (LITERAL) ALLOW', '—', '—'],
    ]);
    expect(refusalRows(cells).rows).toEqual([['c#1', 'producer', 'backup', '3.0', 'TOPIC_AUTHORIZATION_FAILED', '42']]);
  });
});
