/**
 * Kafka ACLs as the drill sees them, and what MirrorMaker 2 does with them
 * (MirrorSourceConnector.syncTopicAcls, KIP-382; 3.x and 4.x alike):
 *  - when `sync.topic.acls.enabled` (true by default), every `sync.topic.acls.interval.seconds`
 *    (600 by default) MM2 lists the source's TOPIC ACLs and creates on the target, for each;
 *  - only LITERAL patterns: a PREFIXED ACL is never copied (nor MATCH);
 *  - only topics MM2 replicates (its topic filter, not internal, not a cycle), renamed to the
 *    remote topic by the replication policy — and always written LITERAL;
 *  - an ALLOW WRITE is never copied (shouldReplicateAcl: the remote topic stays MM2's to write);
 *  - an ALLOW ALL is downgraded to ALLOW READ (downgradeAllowAllACL); DENY ACLs go as they are;
 *  - GROUP, CLUSTER and TRANSACTIONAL_ID ACLs are never copied: a consumer group that fails over
 *    finds no permission on its group.
 * MM2 only adds: an ACL removed on the source stays on the target.
 * Pure: lists of ACLs in, comparisons out; the adapter is adapters/clients/acl-admin.ts.
 */

export const aclOperations = ['ALL', 'READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE'] as const;
export type AclOperation = (typeof aclOperations)[number];
export const aclResourceTypes = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID'] as const;
export type AclResourceType = (typeof aclResourceTypes)[number];
export const aclPatternTypes = ['LITERAL', 'PREFIXED'] as const;
export type AclPatternType = (typeof aclPatternTypes)[number];
export type AclPermission = 'ALLOW' | 'DENY';

/** One ACL binding: a principal's permission on a resource pattern. */
export interface Acl {
  /** `User:name`. */
  readonly principal: string;
  readonly resourceType: AclResourceType;
  readonly name: string;
  readonly pattern: AclPatternType;
  readonly operation: AclOperation;
  readonly permission: AclPermission;
  /** `*`: any host. */
  readonly host: string;
}

/** The name Kafka's authorizer gives the cluster resource. */
export const CLUSTER_RESOURCE = 'kafka-cluster';

/** One line per ACL, for sets, history diffs and reports: `User:consumer READ TOPIC orders (LITERAL) ALLOW`. */
export const aclKey = (a: Acl): string =>
  `${a.principal} ${a.operation} ${a.resourceType} ${a.name} (${a.pattern}) ${a.permission}${a.host === '*' ? '' : ` from ${a.host}`}`;

/** Sorted, without repeats. */
export const sortAcls = (acls: readonly Acl[]): Acl[] => [...new Map(acls.map((a) => [aclKey(a), a])).values()].sort((x, y) => aclKey(x).localeCompare(aclKey(y)));

/** What MM2 does with one source ACL: the ACL it writes on the target, or why it never does. */
export type Mm2AclVerdict = { readonly copied: Acl; readonly why: string } | { readonly copied: null; readonly why: string };

export interface AclSyncRules {
  /** `sync.topic.acls.enabled`. */
  readonly enabled: boolean;
  readonly intervalSeconds: number;
  /** The remote topic of a source topic MM2 replicates; null: MM2 does not replicate it. */
  readonly remoteTopic: (topic: string) => string | null;
}

export const mm2AclSyncDefaults = { enabled: true, intervalSeconds: 600 } as const;

/** MM2's rule for one source ACL (MirrorSourceConnector.syncTopicAcls, shouldReplicateAcl, targetAclBinding). */
export function mm2AclVerdict(a: Acl, rules: AclSyncRules): Mm2AclVerdict {
  if (!rules.enabled) return { copied: null, why: 'sync.topic.acls.enabled=false' };
  if (a.resourceType !== 'TOPIC') return { copied: null, why: `a ${a.resourceType} ACL: MM2 copies topic ACLs only` };
  if (a.pattern !== 'LITERAL') return { copied: null, why: `a ${a.pattern} pattern: MM2 copies LITERAL topic ACLs only` };
  if (a.permission === 'ALLOW' && a.operation === 'WRITE') return { copied: null, why: 'ALLOW WRITE: MM2 never copies it (the remote topic is for MM2 to write)' };
  const remote = rules.remoteTopic(a.name);
  if (remote === null) return { copied: null, why: `MM2 does not replicate topic ${a.name}` };
  const downgraded = a.permission === 'ALLOW' && a.operation === 'ALL';
  return {
    copied: { ...a, name: remote, pattern: 'LITERAL', operation: downgraded ? 'READ' : a.operation },
    why: downgraded ? `ALLOW ALL, downgraded to READ on ${remote}` : `copied to ${remote} at MM2's next ACL sync`,
  };
}

/** One source ACL against the target. */
export interface AclDrift {
  readonly source: Acl;
  /** What MM2 writes for it on the target (null: never). */
  readonly expected: Acl | null;
  /** Whether `expected` is on the target (false when MM2 writes nothing). */
  readonly present: boolean;
  /** The same ACL, unrenamed, on the target (what a manual copy creates). */
  readonly presentAsIs: boolean;
  readonly mm2: string;
  /** Seconds until MM2 copies it when missing; null: present, or never. */
  readonly withinSeconds: number | null;
}

export interface AclComparison {
  readonly drifts: readonly AclDrift[];
  /** Target ACLs that no source ACL accounts for (an ACL removed on the source, or the target's own). */
  readonly targetOnly: readonly Acl[];
}

/**
 * Every source ACL against the target, with what MM2 does about it. A source ACL is in sync
 * when MM2's version of it, or the ACL itself, is on the target; `ignore` leaves out principals
 * (the harness's and MM2's own, which each cluster grants on its own).
 */
export function compareAcls(source: readonly Acl[], target: readonly Acl[], rules: AclSyncRules, ignore: (a: Acl) => boolean = () => false): AclComparison {
  const onTarget = new Set(target.map(aclKey));
  const explained = new Set<string>();
  const drifts = sortAcls(source).filter((a) => !ignore(a)).map((a): AclDrift => {
    const v = mm2AclVerdict(a, rules);
    const present = v.copied !== null && onTarget.has(aclKey(v.copied));
    const presentAsIs = onTarget.has(aclKey(a));
    if (v.copied) explained.add(aclKey(v.copied));
    explained.add(aclKey(a));
    return { source: a, expected: v.copied, present, presentAsIs, mm2: v.why, withinSeconds: v.copied && !present ? rules.intervalSeconds : null };
  });
  return { drifts, targetOnly: sortAcls(target).filter((a) => !ignore(a) && !explained.has(aclKey(a))) };
}

/** The differences only: source ACLs with neither MM2's copy nor themselves on the target. */
export const missingAcls = (c: AclComparison): AclDrift[] => c.drifts.filter((d) => !d.present && !d.presentAsIs);

/** Kafka's error types that say the principal lacks a permission (kafkajs names them so). */
export const isAuthorizationError = (type: string): boolean => /_AUTHORIZATION_FAILED$/.test(type);
