/**
 * Permissions across a failover (`kafka.security`): which of the workload's ACLs were on each
 * cluster and since when (MM2's ACL sync brings some of them to the backup, core/kafka/acl.ts),
 * how long after the kill each moved client was first refused by the backup's authorizer, and
 * which ids the producer could not write because of it.
 *
 * Specification:
 *  - an ACL *arrived* on a cluster at the first `acls` reading that holds it (readings every
 *    second: up to a second late); the harness's and MM2's own ACLs are left out;
 *  - a client's *first refusal* is its first `auth-error` on the cluster after the kill of the
 *    primary (or, without a kill, its first at all), measured from the kill;
 *  - *refused* ids are `fail` events whose error is an authorization failure: not written, so
 *    never lost nor skipped — the ledger counts them `failed`.
 * Null when the cell had no secured clusters (no `acls` reading).
 */
import { eventsOf, type HistoryEvents } from '../history/history.ts';
import { aclKey, sortAcls, type Acl } from '../kafka/acl.ts';
import { isInfrastructureAcl } from '../kafka/security.ts';
import type { Checker } from './checker.ts';

export interface AclArrival {
  readonly acl: string;
  /** Ms from the cell start of the first reading holding it. */
  readonly atMs: number;
  /** Ms from the kill of the primary (negative: before it); null without a kill. */
  readonly sinceKillMs: number | null;
  /**
   * On the backup: ms since the primary ACL it is a copy of was first read there (null: none
   * found, or on the primary). A copy: same principal, permission and host, LITERAL, the
   * operation the same or READ for ALL, the name the source topic's or ending with `.<topic>`.
   */
  readonly sinceOnPrimaryMs: number | null;
}

export interface ClientRefusal {
  readonly client: 'producer' | 'consumer';
  readonly cluster: string;
  readonly atMs: number;
  readonly sinceKillMs: number | null;
  readonly error: string;
}

export interface AclFindings {
  /** The workload's ACLs on each cluster, in the order they arrived. */
  readonly clusters: Record<string, AclArrival[]>;
  /** ACLs on the primary of which the backup had neither the ACL nor MM2's copy at the kill (null: no kill). */
  readonly missingOnBackupAtKill: string[] | null;
  readonly refusals: ClientRefusal[];
  readonly refused: { readonly count: number; readonly sample: string[] };
}

export const REFUSED_SAMPLE = 10;

/** Whether `b` is `a` or what MM2's ACL sync writes for `a` (core/kafka/acl.ts mm2AclVerdict), whatever the policy. */
const isCopyOf = (b: Acl, a: Acl): boolean => aclKey(a) === aclKey(b) || (
  a.resourceType === 'TOPIC' && a.pattern === 'LITERAL' && b.resourceType === 'TOPIC' && b.pattern === 'LITERAL'
  && a.principal === b.principal && a.permission === b.permission && a.host === b.host
  && (b.operation === a.operation || (a.operation === 'ALL' && a.permission === 'ALLOW' && b.operation === 'READ'))
  && (b.name === a.name || b.name.endsWith(`.${a.name}`)));

export function aclFindings(events: HistoryEvents, cellStart: number, killAt: number | null): AclFindings | null {
  const readings = eventsOf(events, 'acls');
  if (readings.length === 0) return null;
  const since = (t: number) => (killAt === null ? null : t - killAt);
  const clusters: Record<string, AclArrival[]> = {};
  const lastBeforeKill = new Map<string, Acl[]>();
  /** Each primary ACL and when it was first read. */
  const onPrimary: { acl: Acl; t: number }[] = [];
  for (const r of readings) {
    const seen = (clusters[r.cluster] ??= []);
    for (const a of sortAcls(r.acls).filter((x) => !isInfrastructureAcl(x))) {
      const key = aclKey(a);
      if (seen.some((x) => x.acl === key)) continue;
      const source = r.cluster === 'backup' ? onPrimary.find((p) => isCopyOf(a, p.acl)) : undefined;
      if (r.cluster === 'primary') onPrimary.push({ acl: a, t: r.t });
      seen.push({ acl: key, atMs: r.t - cellStart, sinceKillMs: since(r.t), sinceOnPrimaryMs: source ? r.t - source.t : null });
    }
    if (killAt === null || r.t <= killAt) lastBeforeKill.set(r.cluster, r.acls.filter((x) => !isInfrastructureAcl(x)));
  }
  const primary = lastBeforeKill.get('primary');
  const backup = lastBeforeKill.get('backup') ?? [];
  const missingOnBackupAtKill = killAt === null || !primary ? null : sortAcls(primary.filter((a) => !backup.some((b) => isCopyOf(b, a)))).map(aclKey);
  const refusals: ClientRefusal[] = [];
  for (const e of eventsOf(events, 'auth-error')) {
    if (killAt !== null && e.t < killAt) continue;
    if (refusals.some((r) => r.client === e.client && r.cluster === e.cluster)) continue;
    refusals.push({ client: e.client, cluster: e.cluster, atMs: e.t - cellStart, sinceKillMs: since(e.t), error: e.error });
  }
  const refusedIds = eventsOf(events, 'fail').filter((f) => /_AUTHORIZATION_FAILED/.test(f.error)).map((f) => f.id);
  return { clusters, missingOnBackupAtKill, refusals, refused: { count: refusedIds.length, sample: refusedIds.slice(0, REFUSED_SAMPLE) } };
}

export const aclFindingsChecker: Checker<AclFindings | null> = {
  name: 'acl-findings',
  run: ({ events, cellStart, ix }) => aclFindings(events, cellStart, ix.killAt),
};
