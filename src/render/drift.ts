/** The drift report as a terminal table (pure). */
import Table from 'cli-table3';
import { verdictText, type DriftReport } from '../core/kafka/topic-drift.ts';
import { aclKey, missingAcls, type AclComparison } from '../core/kafka/acl.ts';

const shown = (v: string | null, origin: string | null): string => (v === null ? '—' : `${v.length > 40 ? `${v.slice(0, 37)}…` : v}${origin ? ` (${origin})` : ''}`);

export function driftTable(r: DriftReport): string {
  if (r.drifts.length === 0) return `${r.topics} mirrored topic(s) compared: no difference.`;
  const table = new Table({ head: ['source topic', 'remote topic', 'property', 'source', 'target', 'MM2', 'why'], style: { head: [], border: [] }, colWidths: [null, null, null, null, null, null, 60], wordWrap: true });
  for (const d of r.drifts) table.push([d.sourceTopic, d.remoteTopic ?? '—', d.property, shown(d.source, d.sourceOrigin), shown(d.target, d.targetOrigin), verdictText(d.mm2), d.mm2.why]);
  const never = r.drifts.filter((d) => d.mm2.action === 'never').length;
  return `${table.toString()}\n${r.drifts.length} difference(s) over ${r.topics} mirrored topic(s); MM2 never resolves ${never} of them.`;
}

/** The ACL comparison (core/kafka/acl.ts) as a terminal table: only what differs. */
export function aclDriftTable(c: AclComparison): string {
  const missing = missingAcls(c);
  const lines: string[] = [];
  if (missing.length) {
    const table = new Table({ head: ['source ACL', 'MM2 writes', 'MM2', 'why'], style: { head: [], border: [] }, colWidths: [null, null, null, 50], wordWrap: true });
    for (const d of missing) table.push([aclKey(d.source), d.expected ? aclKey(d.expected) : '—', d.withinSeconds === null ? 'never' : `within ${d.withinSeconds} s`, d.mm2]);
    lines.push(table.toString());
  }
  if (c.targetOnly.length) lines.push(`only on the target (MM2 never deletes an ACL): ${c.targetOnly.map(aclKey).join('; ')}`);
  const never = missing.filter((d) => d.withinSeconds === null).length;
  lines.push(missing.length === 0
    ? `${c.drifts.length} source ACL(s) compared: each is on the target (as MM2 copies it, or as is).`
    : `${missing.length} of ${c.drifts.length} source ACL(s) missing on the target; MM2 never copies ${never} of them: a failed-over client needs them granted by hand.`);
  return lines.join('\n');
}
