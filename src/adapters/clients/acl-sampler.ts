/**
 * Reads the ACLs of both clusters once a second on the ADMIN path and records them when they
 * changed (`acls` events): when MM2's ACL sync brought each one to the backup. A killed cluster
 * is not read; a failed reading is simply missing.
 */
import type { Admin } from 'kafkajs';
import type { CellRecorder } from '../recorder.ts';
import { aclKey, sortAcls } from '../../core/kafka/acl.ts';
import type { ClusterName } from '../../core/kafka/network-layout.ts';
import { describeAllAcls } from './acl-admin.ts';
import { sleep } from '../wait.ts';

export function startAclSampler(o: { admin: (c: ClusterName) => Admin; readable: (c: ClusterName) => boolean; recorder: CellRecorder; intervalMs?: number }): { stop(): Promise<void> } {
  const stop = new AbortController();
  const last = new Map<ClusterName, string>();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      for (const c of ['primary', 'backup'] as const) {
        if (!o.readable(c)) continue;
        try {
          const acls = sortAcls(await describeAllAcls(o.admin(c)));
          const key = acls.map(aclKey).join('\n');
          if (last.get(c) !== key) {
            last.set(c, key);
            o.recorder.emit({ type: 'acls', cluster: c, acls });
          }
        } catch {
          // A cluster restarting: read again at the next turn.
        }
      }
      await sleep(o.intervalMs ?? 1000, stop.signal);
    }
  })();
  return {
    stop: async () => {
      stop.abort();
      await loop;
    },
  };
}
