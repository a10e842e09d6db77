/** The drift report as a terminal table (pure). */
import Table from 'cli-table3';
import { verdictText, type DriftReport } from '../core/kafka/topic-drift.ts';

const shown = (v: string | null, origin: string | null): string => (v === null ? '—' : `${v.length > 40 ? `${v.slice(0, 37)}…` : v}${origin ? ` (${origin})` : ''}`);

export function driftTable(r: DriftReport): string {
  if (r.drifts.length === 0) return `${r.topics} mirrored topic(s) compared: no difference.`;
  const table = new Table({ head: ['source topic', 'remote topic', 'property', 'source', 'target', 'MM2', 'why'], style: { head: [], border: [] }, colWidths: [null, null, null, null, null, null, 60], wordWrap: true });
  for (const d of r.drifts) table.push([d.sourceTopic, d.remoteTopic ?? '—', d.property, shown(d.source, d.sourceOrigin), shown(d.target, d.targetOrigin), verdictText(d.mm2), d.mm2.why]);
  const never = r.drifts.filter((d) => d.mm2.action === 'never').length;
  return `${table.toString()}\n${r.drifts.length} difference(s) over ${r.topics} mirrored topic(s); MM2 never resolves ${never} of them.`;
}
