/**
 * Authenticated, authorized clusters (`kafka.security`): SASL/PLAIN on the listeners clients use
 * (MIRROR, CLIENT, ADMIN) and KRaft's StandardAuthorizer (KIP-801) with no access unless an ACL
 * grants it. The brokers' own listeners (INTERNAL, CONTROLLER) stay PLAINTEXT inside the drill's
 * network: their connections are `User:ANONYMOUS`, a super user, as are the harness's `admin`.
 *
 * One principal per role, each with a password made for the run (never written in a scenario,
 * redacted from every output): `admin` (the harness: setup, verification, ACLs), `producer` and
 * `consumer` (the test clients, on every cluster they move to), `mm2` (MirrorMaker 2 on both
 * clusters). Pure: names, properties and ACLs; the passwords come from adapters/containers/environment.ts.
 */
import type { PropertyValue } from './property-value.ts';
import { CLUSTER_RESOURCE, type Acl, type AclOperation, type AclResourceType } from './acl.ts';

export const principalRoles = ['admin', 'producer', 'consumer', 'mm2'] as const;
export type PrincipalRole = (typeof principalRoles)[number];
/** A password per role. */
export type Credentials = Readonly<Record<PrincipalRole, string>>;

export const principalOf = (user: string): string => `User:${user}`;

/** The environment variable a role's password may come from (otherwise one is made for the run). */
export const passwordVariable = (role: PrincipalRole): string => `MM2_DRILL_PASSWORD_${role.toUpperCase()}`;

/** The listeners that authenticate with SASL; the brokers' own stay PLAINTEXT. */
const saslListeners = ['MIRROR', 'CLIENT', 'ADMIN'] as const;

const jaasQuote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** server.properties entries of a secured broker: SASL/PLAIN users, the authorizer, deny by default. */
export function brokerSecurityProperties(c: Credentials): Record<string, PropertyValue> {
  // PlainLoginModule's `user_<name>="<password>"` options are the broker's user database.
  const users = principalRoles.map((r) => `user_${r}=${jaasQuote(c[r])}`).join(' ');
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password=${jaasQuote(c.admin)} ${users};`;
  return {
    'listener.security.protocol.map': ['INTERNAL:PLAINTEXT', 'CONTROLLER:PLAINTEXT', ...saslListeners.map((l) => `${l}:SASL_PLAINTEXT`)].join(','),
    'sasl.enabled.mechanisms': 'PLAIN',
    ...Object.fromEntries(saslListeners.map((l) => [`listener.name.${l.toLowerCase()}.plain.sasl.jaas.config`, jaas])),
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': false,
    // ANONYMOUS: the brokers and controllers on their PLAINTEXT listeners (and the in-network cross-check).
    'super.users': `User:ANONYMOUS;${principalOf('admin')}`,
  };
}

/** A Java client's settings for `user` (MM2's, per cluster alias: `<alias>.security.protocol`…). */
export function clientSecurityProperties(user: string, password: string, prefix = ''): Record<string, PropertyValue> {
  return {
    [`${prefix}security.protocol`]: 'SASL_PLAINTEXT',
    [`${prefix}sasl.mechanism`]: 'PLAIN',
    [`${prefix}sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required username=${jaasQuote(user)} password=${jaasQuote(password)};`,
  };
}

/** kafkajs's SASL options for a role. */
export const kafkajsSasl = (role: PrincipalRole, c: Credentials) => ({ mechanism: 'plain' as const, username: role, password: c[role] });

const grant = (user: string, resourceType: AclResourceType, name: string, operations: readonly AclOperation[], pattern: Acl['pattern'] = 'LITERAL'): Acl[] =>
  operations.map((operation) => ({ principal: principalOf(user), resourceType, name, pattern, operation, permission: 'ALLOW', host: '*' }));

/**
 * What MM2 needs on each cluster, granted by the harness before MM2 starts. Not the least
 * privilege: every topic and group (MM2 reads and writes its internal topics, the remote topics,
 * the checkpoints, and alters the synced groups' offsets), and on the cluster what its admin
 * clients do — describe (ACLs, configs), create topics, and ALTER, which creating ACLs on the
 * target requires: the ACL sync makes MM2 a principal that can grant any permission.
 */
export function mm2Acls(): Acl[] {
  return [
    ...grant('mm2', 'CLUSTER', CLUSTER_RESOURCE, ['DESCRIBE', 'DESCRIBE_CONFIGS', 'CREATE', 'ALTER']),
    ...grant('mm2', 'TOPIC', '*', ['ALL']),
    ...grant('mm2', 'GROUP', '*', ['ALL']),
  ];
}

/** ACLs of the harness's and MM2's own principals: each cluster grants them itself, not compared nor reported as the workload's. */
export const isInfrastructureAcl = (a: Acl): boolean => a.principal === principalOf('admin') || a.principal === principalOf('mm2');
