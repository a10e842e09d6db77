/** Permissions across the failover per cell run as rows (results.json `acls`), shared by the terminal tables and summary.md. */
import type { CellResult } from '../core/results/results.ts';

const sec = (ms: number | null) => (ms === null ? '—' : (ms / 1000).toFixed(1));

export const aclHead = ['cell run', 'cluster', 'ACL (the harness\'s and MM2\'s own left out)', 's after its source ACL on the primary', 'arrived, s from the kill'];
export const refusalHead = ['cell run', 'client', 'cluster', 'first refused, s after the kill', 'error', 'ids refused (failed, not written)'];

/** The workload's ACLs on the backup and when each arrived; then what the primary had that the backup lacked at the kill. */
export function aclRows(cells: readonly CellResult[]): { head: string[]; rows: string[][] } {
  return {
    head: aclHead,
    rows: cells.flatMap((c) => {
      const a = c.acls;
      if (!a) return [];
      const backup = (a.clusters.backup ?? []).map((x) => [c.key, 'backup', x.acl, sec(x.sinceOnPrimaryMs), sec(x.sinceKillMs)]);
      const missing = (a.missingOnBackupAtKill ?? []).map((k) => [c.key, 'missing on the backup at the kill', k, '—', '—']);
      return [...backup, ...missing];
    }),
  };
}

export function refusalRows(cells: readonly CellResult[]): { head: string[]; rows: string[][] } {
  return {
    head: refusalHead,
    rows: cells.flatMap((c) => (c.acls?.refusals ?? []).map((r) => [c.key, r.client, r.cluster, sec(r.sinceKillMs), r.error, r.client === 'producer' ? String(c.acls!.refused.count) : '—'])),
  };
}
