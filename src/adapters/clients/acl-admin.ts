/** ACLs through kafkajs's admin client: read a cluster's whole set, create bindings (core/kafka/acl.ts is the model). */
import type { Admin } from 'kafkajs';
import type { Acl, AclOperation, AclPatternType, AclResourceType } from '../../core/kafka/acl.ts';
// kafkajs's enums come from the client module, which loads kafkajs after replacing its hot path.
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from './kafka-client.ts';

const nameOf = <E extends Record<string, string | number>>(e: E, v: number): string => Object.keys(e).find((k) => e[k] === v) ?? String(v);

/** Every ACL of the cluster (the harness's `admin` is a super user: it may describe them all). */
export async function describeAllAcls(admin: Admin): Promise<Acl[]> {
  const r = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
  });
  return r.resources.flatMap((res) => res.acls.map((a): Acl => ({
    principal: a.principal,
    resourceType: nameOf(AclResourceTypes, res.resourceType) as AclResourceType,
    name: res.resourceName,
    pattern: nameOf(ResourcePatternTypes, res.resourcePatternType) as AclPatternType,
    operation: nameOf(AclOperationTypes, a.operation) as AclOperation,
    permission: nameOf(AclPermissionTypes, a.permissionType) as Acl['permission'],
    host: a.host,
  })));
}

export async function createAcls(admin: Admin, acls: readonly Acl[]): Promise<void> {
  if (acls.length === 0) return;
  await admin.createAcls({
    acl: acls.map((a) => ({
      principal: a.principal, host: a.host,
      resourceType: AclResourceTypes[a.resourceType], resourceName: a.name, resourcePatternType: ResourcePatternTypes[a.pattern],
      operation: AclOperationTypes[a.operation], permissionType: AclPermissionTypes[a.permission],
    })),
  });
}
