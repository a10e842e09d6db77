/**
 * `kafka.security`: clusters that authenticate and authorize (core/kafka/security.ts has the
 * brokers' side), and the workload's ACLs the harness creates on the primary before the workload
 * starts — what MM2's ACL sync (core/kafka/acl.ts) then carries, or not, to the backup.
 */
import { z } from 'zod';
import { aclOperations, aclPatternTypes, aclResourceTypes, CLUSTER_RESOURCE, type Acl } from '../kafka/acl.ts';
import { principalOf } from '../kafka/security.ts';

export const aclSchema = z.strictObject({
  principal: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a user name, e.g. "producer"')
    .describe('The user (`User:<name>`): `producer` and `consumer` are the test clients\' principals; any other name is a principal no client uses (an application the drill does not run).'),
  resource: z.enum(aclResourceTypes).describe('The resource type.'),
  name: z.string().min(1).describe(`The resource name (\`${CLUSTER_RESOURCE}\` for CLUSTER; \`*\`: every resource of the type).`),
  pattern: z.enum(aclPatternTypes).default('LITERAL').describe('LITERAL (the name itself) or PREFIXED (every name starting with it).'),
  operation: z.enum(aclOperations).describe('The operation (READ, WRITE, DESCRIBE, ALL…).'),
  permission: z.enum(['ALLOW', 'DENY']).default('ALLOW').describe('ALLOW or DENY.'),
}).meta({ id: 'acl', title: 'ACL', description: 'One ACL binding the harness creates (`kafka.security.acls`).' });

export const securitySchema = z.strictObject({
  sasl: z.enum(['PLAIN']).default('PLAIN')
    .describe('The SASL mechanism of the MIRROR, CLIENT and ADMIN listeners (the brokers\' own INTERNAL and CONTROLLER listeners stay PLAINTEXT inside the drill\'s network). Passwords are made for each run and redacted from every output.'),
  acls: z.array(aclSchema).max(200).default([])
    .describe("ACLs created on the primary before the workload starts (MM2's own, and the harness's `admin` super user, are granted on both clusters by the harness). The authorizer denies what no ACL allows (`allow.everyone.if.no.acl.found=false`): the producer needs WRITE on the topics, the consumer READ on the topics and on its group."),
  grantOnBackup: z.boolean().default(false)
    .describe("Also create `acls` on the backup before the workload (as written, not renamed): the team that keeps its ACLs in a tool applying them to both clusters. Off: the backup has only what MM2's ACL sync copies — and a playbook's `grant-acls` step."),
}).describe("SASL/PLAIN and KRaft's StandardAuthorizer on both clusters, with a principal per role (`admin`, `producer`, `consumer`, `mm2`) and the workload's ACLs: what MM2's ACL sync (`sync.topic.acls.enabled`, every `sync.topic.acls.interval.seconds`) copies to the backup, and what the moved clients are refused there (docs/scenarios.md).");

export type Security = z.output<typeof securitySchema>;

/** The scenario's ACLs (or a step's) as bindings. */
export const securityAcls = (s: Pick<Security, 'acls'>): Acl[] =>
  s.acls.map((a) => ({ principal: principalOf(a.principal), resourceType: a.resource, name: a.name, pattern: a.pattern, operation: a.operation, permission: a.permission, host: '*' }));
