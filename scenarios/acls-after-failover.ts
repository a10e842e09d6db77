/**
 * Permissions after a failover. Both clusters authenticate (SASL/PLAIN) and authorize (KRaft's
 * StandardAuthorizer, nothing allowed without an ACL). The harness grants the workload's ACLs on
 * the primary only; MM2 syncs topic ACLs every 2 s (`sync.topic.acls.interval.seconds`; 600 by
 * default). Each ACL below exercises one of MM2's rules (core/kafka/acl.ts):
 *
 *  - the producer's WRITE on `orders`: never copied (ALLOW WRITE);
 *  - the producer's DESCRIBE on `orders`: copied, renamed `primary.orders`;
 *  - the consumer's READ on `orders`: copied as READ on `primary.orders`;
 *  - the consumer's READ on its group: never copied (a GROUP ACL);
 *  - `ops`'s ALL on `orders`: copied downgraded to READ;
 *  - `analytics`'s PREFIXED READ on `ord`: never copied (not LITERAL).
 *
 * At 4 s a new ACL appears on the primary (`reporting`'s READ on `orders`): the drill times its
 * way to the backup. The primary is killed at 12 s; the consumers, then the producers move to the backup, where the
 * authorizer refuses both (no READ on the group, no WRITE on `orders`); 6 s later the operator's
 * manual step grants the primary's ACLs on the backup (`grant-acls`) and both recover.
 *
 * Under the Default policy the backup's own `orders` (where moved producers write, and which the
 * moved consumer reads beside `primary.orders`) gets no ACL at all from MM2; under Identity the
 * remote topic is `orders` itself.
 */
import { defineScenario } from 'mm2-drill';

export default defineScenario({
  name: 'acls-after-failover',
  description: "What MM2's ACL sync carries to the backup, and what the moved producer and consumer are refused there.",
  topics: [{ name: 'orders', partitions: 3 }],
  kafka: {
    security: {
      acls: [
        { principal: 'producer', resource: 'TOPIC', name: 'orders', operation: 'WRITE' },
        { principal: 'producer', resource: 'TOPIC', name: 'orders', operation: 'DESCRIBE' },
        { principal: 'consumer', resource: 'TOPIC', name: 'orders', operation: 'READ' },
        { principal: 'consumer', resource: 'GROUP', name: 'drill-consumer', operation: 'READ' },
        { principal: 'ops', resource: 'TOPIC', name: 'orders', operation: 'ALL' },
        { principal: 'analytics', resource: 'TOPIC', name: 'ord', pattern: 'PREFIXED', operation: 'READ' },
      ],
    },
  },
  mirror: { properties: { 'sync.topic.acls.enabled': true, 'sync.topic.acls.interval.seconds': 2 } },
  workload: { ratePerSecond: 60, messageBytes: 200, consumer: { commit: 'batch' } },
  failover: { strategy: 'mm2-sync', autoOffsetReset: 'earliest' },
  matrix: { 'mirror.policy': ['default', 'identity'] },
  playbook: [
    { name: 'new-acl', when: { at: 4 }, action: 'grant-acls', cluster: 'primary', acls: [{ principal: 'reporting', resource: 'TOPIC', name: 'orders', operation: 'READ' }] },
    { name: 'kill', when: { at: 12 }, action: 'kill-cluster', cluster: 'primary' },
    { name: 'consumers-over', when: { afterSeconds: 2 }, action: 'move-consumers', to: 'backup' },
    { name: 'producers-over', action: 'move-producers', to: 'backup' },
    { name: 'grant', when: { afterSeconds: 6 }, action: 'grant-acls', cluster: 'backup' },
    { name: 'writes-end', when: { afterSeconds: 4 }, action: 'stop-producers' },
    { name: 'drain', action: 'drain-consumers' },
  ],
});
