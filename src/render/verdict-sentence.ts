/**
 * The verdict in one sentence, per cell run and for the whole run: what a reader needs before any
 * table — when the consumer was back on the backup (the RTO), what the failover re-delivered (in
 * messages, in seconds of the workload's traffic, and why), what was lost or skipped, the RPO in
 * messages and seconds, and which threshold failed, with its limit and its value.
 *
 * Built from results.json's fields alone (the terminal's final summary, summary.md and report.html
 * print the same sentences, and `report` re-renders them). A figure the results do not know is
 * written "unknown", never guessed.
 */
import type { Count } from '../core/checker/ledger.ts';
import type { CellResult, RunResults } from '../core/results/results.ts';
import { produceRate, rpoOf } from '../core/results/rpo.ts';
import { shortName } from './attribution-text.ts';
import { checkMessage } from './check-text.ts';

/** 1021 → "1,021". */
export const grouped = (x: number): string => Math.round(x).toLocaleString('en-US');
const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const msgs = (x: number) => `${grouped(x)} message${x === 1 ? '' : 's'}`;
const pct = (part: number, whole: number) => `${Math.round((part / whole) * 100)}%`;

/** "policy default, startFrom earliest": the cell's matrix values, each by its last name. */
function cellText(c: Pick<CellResult, 'values' | 'policy'>): string {
  const values = Object.entries(c.values);
  return values.length ? values.map(([k, v]) => `${k.split('.').pop()} ${String(v)}`).join(', ') : `the ${c.policy} policy`;
}

/** The RPO in messages and seconds: "RPO 0 messages (0.0 s)", "RPO 12 messages (0.4 s)", "RPO unknown". */
export function rpoText(c: Pick<CellResult, 'counts' | 'topics'>): string {
  const r = rpoOf(c);
  if (r.messages === 'unknown') return 'RPO unknown (the backup could not be read completely)';
  return `RPO ${msgs(r.messages)} (${r.seconds === 'unknown' ? 'seconds unknown' : `${r.seconds.toFixed(1)} s`})`;
}

/** When the consumer was delivering from the backup again, or why that is not known. */
function gapClause(c: CellResult): string {
  if (c.failoverGapMs !== null) {
    const split = c.failoverDelayMs !== null && c.failoverRemainderMs !== null ? ` (${s1(c.failoverDelayMs)} configured wait + ${s1(c.failoverRemainderMs)})` : '';
    return `the consumer was back on the backup ${s1(c.failoverGapMs)} after the kill${split}`;
  }
  const killed = c.phases.kill !== undefined || (c.events ?? []).some((e) => e.kind === 'kill');
  const moved = c.roundTrip ? c.roundTrip.moves.some((m) => m.to === 'backup') : killed;
  if (!moved) return c.roundTrip ? 'the consumers never moved to the backup' : 'no failover (the primary was not killed)';
  return 'when the consumer was back on the backup is unknown (nothing was delivered there after the failover)';
}

/** "re-delivered 1,021 messages — 5.1 s of traffic at the measured 200 msg/s; 97% consumer commit lag, 3% group-sync lag". */
function duplicatesClause(c: CellResult): string {
  const k = c.counts!;
  if (k.duplicated === 0) return 're-delivered nothing';
  const rate = produceRate(c);
  const traffic = rate ? `${(k.duplicated / rate).toFixed(1)} s of traffic at the measured ${grouped(rate)} msg/s` : 'seconds of traffic unknown';
  const parts = c.attribution?.duplicates.parts ?? [];
  const causes = [...parts]
    .filter((p) => p.messages !== 'unknown' && p.messages > 0)
    .sort((a, b) => (b.messages as number) - (a.messages as number))
    .map((p) => `${pct(p.messages as number, k.duplicated)} ${shortName(p)}`);
  if (parts.some((p) => p.messages === 'unknown')) causes.push('the split between group-sync lag and translation slack unknown');
  const other = [
    [k.duplicatedBeforeKill, 'before the kill'],
    [k.duplicatedAfterFailover, 'again on the backup'],
    [k.duplicatedByProducer ?? 0, 'written twice by the producer'],
  ] as const;
  for (const [x, what] of other) if (x > 0) causes.push(`${pct(x, k.duplicated)} ${what}`);
  if (!c.attribution && k.duplicatedByFailover > 0) {
    causes.push(`${pct(k.duplicatedByFailover, k.duplicated)} by the failover${c.roundTrip ? "'s moves (a playbook's are not attributed by cause)" : ', cause unknown'}`);
  }
  return `re-delivered ${msgs(k.duplicated)} — ${traffic}${causes.length ? `; ${causes.join(', ')}` : ''}`;
}

const countText = (x: Count, what: string) => (x === 'unknown' ? `${what} unknown` : `${grouped(x)} ${what}`);

/** "nothing lost or skipped", "12 lost, 0 skipped", "lost unknown, skipped unknown (the backup could not be read completely)". */
function lossClause(c: CellResult): string {
  const { lost, skipped } = c.counts!;
  if (lost === 0 && skipped === 0) return 'nothing lost or skipped';
  const why = lost === 'unknown' || skipped === 'unknown' ? (c.backupReadComplete ? " (the consumer's final position is unknown)" : ' (the backup could not be read completely)') : '';
  return `${countText(lost, 'lost')}, ${countText(skipped, 'skipped')}${why}`;
}

/** Thresholds not passed, with their limit and value: "FAILED duplicated = 150, threshold duplicated <= 100". */
function checksClause(c: CellResult): string {
  const failed = c.checks.filter((x) => x.verdict !== 'pass').map((x) => checkMessage(c, x));
  const broken = (c.consistency?.checks ?? []).filter((x) => x.verdict === 'fail').map((x) => `consistency check ${x.name} failed (a harness bug)`);
  const all = [...failed, ...broken];
  return all.length ? ` Failed: ${all.join('; ')}.` : '';
}

/** One cell run's verdict in a sentence (see the docblock). */
export function cellVerdict(c: CellResult): string {
  if (c.status === 'error' || c.status === 'interrupted' || c.counts === null) {
    const why = c.status === 'interrupted' ? 'was interrupted' : c.error ? `stopped on ${c.error.code}: ${c.error.message}` : 'did not finish';
    return `With ${cellText(c)}, the drill ${why}; lost, skipped, duplicated and the RPO are unknown.`;
  }
  const trip = c.roundTrip ? `; ${countText(c.roundTrip.stranded, 'stranded')}, ${countText(c.roundTrip.resurrected, 'resurrected')}` : '';
  return `With ${cellText(c)}, ${gapClause(c)} and ${duplicatesClause(c)}; ${lossClause(c)}${trip}; ${rpoText(c)}.${checksClause(c)}`;
}

/** "0", "60–700", "unknown"; with " (unknown in 1)" when some runs did not know it. */
function rangeText(xs: readonly (number | 'unknown')[], fmt: (x: number) => string = grouped): string {
  const known = xs.filter((x): x is number => typeof x === 'number');
  if (!known.length) return 'unknown';
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  const unknown = xs.length - known.length;
  return `${lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`}${unknown ? ` (unknown in ${unknown})` : ''}`;
}

/** The run's verdict in a sentence: its status, its cell runs, the range of each headline figure, and what failed. */
export function runVerdict(r: RunResults): string {
  const cells = r.cells;
  const finished = cells.filter((c) => c.counts !== null && (c.status === 'passed' || c.status === 'measured' || c.status === 'failed'));
  const by = (s: CellResult['status']) => cells.filter((c) => c.status === s).length;
  const tally = (['passed', 'measured', 'failed', 'error', 'interrupted'] as const).filter((s) => by(s) > 0).map((s) => `${by(s)} ${s}`).join(', ');
  const head = `${r.status.toUpperCase()}: ${cells.length} cell run${cells.length === 1 ? '' : 's'}${tally ? ` (${tally})` : ''}${r.status === 'measured' ? ', no threshold applied' : ''}`;
  if (!finished.length) return `${head}; no cell run finished, so every figure is unknown.`;
  const of = finished.length === cells.length ? '' : ` in the ${finished.length} that finished`;
  const count = (f: (c: CellResult) => Count) => finished.map(f);
  const rpo = finished.map(rpoOf);
  const gaps = finished.filter((c) => c.failoverGapMs !== null || c.phases.kill !== undefined).map((c) => c.failoverGapMs ?? ('unknown' as const));
  const figures = [
    `lost ${rangeText(count((c) => c.counts!.lost))}`,
    `skipped ${rangeText(count((c) => c.counts!.skipped))}`,
    `duplicated ${rangeText(count((c) => c.counts!.duplicated))}`,
    `RPO ${rangeText(rpo.map((x) => x.messages))} messages (${rangeText(rpo.map((x) => x.seconds), (x) => x.toFixed(1))} s)`,
    ...(gaps.length ? [`consumer back on the backup ${rangeText(gaps, (x) => (x / 1000).toFixed(1))} s after the kill`] : []),
  ];
  const failing = cells.filter((c) => c.status === 'failed' || c.status === 'error');
  const failed = failing.length ? ` Not passed: ${failing.map((c) => c.key).join(', ')}.` : '';
  return `${head}; ${figures.join(', ')}${of}.${failed}`;
}
