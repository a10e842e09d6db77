/**
 * A cell run as a report to file after a rehearsal, shared by report.html and summary.md: its
 * headline figures (RPO in messages and seconds, lost, skipped, duplicated with why, the
 * consumer's gap), its events and its faults with wall-clock times (UTC) and seconds from the
 * workload's start — the terminal's clock (core/results/clock.ts).
 */
import type { Count } from '../core/checker/ledger.ts';
import type { CellResult } from '../core/results/results.ts';
import { partsText } from './attribution-text.ts';
import { clockOf, onClock } from '../core/results/clock.ts';
import { rpoOf, rpoSecondsMethod } from '../core/results/rpo.ts';

export interface Card {
  label: string;
  /** The figure, "unknown" when it could not be measured (never 0 for unknown). */
  value: string;
  /** What the figure is made of, when measured: the attribution's causes, the gap's split (null: nothing to add). */
  detail: string | null;
  /** What the figure means. */
  meaning: string;
  /** good: 0 of something bad; bad: some lost, skipped or not replicated; warn: duplicates. */
  tone: 'good' | 'bad' | 'warn' | 'unknown' | 'neutral';
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A count as a card: "unknown" stays unknown; the cell that never produced measured nothing. */
function countCard(label: string, meaning: string, count: Count | undefined, bad: 'bad' | 'warn', detail: string | null = null): Card {
  if (count === undefined) return { label, value: 'unknown', detail: 'the cell did not get to produce', meaning, tone: 'unknown' };
  if (count === 'unknown') return { label, value: 'unknown', detail: 'the backup could not be read completely', meaning, tone: 'unknown' };
  return { label, value: String(count), detail: count > 0 ? detail : null, meaning, tone: count > 0 ? bad : 'good' };
}

/** The RPO in messages, with its seconds beside them (how they are measured: core/results/rpo.ts). */
function rpoCard(c: CellResult, meaning: string): Card {
  const card = countCard('not replicated (RPO)', meaning, c.counts?.notReplicated, 'bad');
  if (card.tone === 'unknown') return card;
  const { seconds } = rpoOf(c);
  const s = seconds === 'unknown' ? 'seconds unknown' : `${seconds.toFixed(1)} s`;
  const detail = seconds === 'unknown' ? 'seconds unknown: the results hold no ack time of the missing records' : card.detail === null ? null : `seconds: ${rpoSecondsMethod}`;
  return { ...card, value: `${card.value} · ${s}`, detail };
}

function gapCard(c: CellResult): Card {
  const label = 'consumer gap (RTO)';
  const meaning = c.roundTrip ? "kill (or the consumers' stop) → first delivery on the backup after the failover's move" : 'kill → first delivery on the backup';
  if (c.failoverGapMs !== null) {
    const split = c.failoverDelayMs === null || c.failoverRemainderMs === null ? null : `${seconds(c.failoverDelayMs)} configured wait + ${seconds(c.failoverRemainderMs)} measured`;
    return { label, value: seconds(c.failoverGapMs), detail: split, meaning, tone: 'neutral' };
  }
  // A playbook's gap per move of the consumers is in its moves.
  if (c.roundTrip) {
    return c.roundTrip.moves.some((m) => m.to === 'backup')
      ? { label, value: 'unknown', detail: "nothing was delivered on the backup after the failover's move", meaning, tone: 'unknown' }
      : { label, value: '—', detail: 'no failover: the consumers never moved to the backup', meaning, tone: 'neutral' };
  }
  const killed = c.phases.kill !== undefined || (c.events ?? []).some((e) => e.kind === 'kill');
  return killed
    ? { label, value: 'unknown', detail: 'nothing was delivered on the backup after the kill', meaning, tone: 'unknown' }
    : { label, value: '—', detail: 'no failover: the primary was not killed', meaning, tone: 'neutral' };
}

/** The duplicates' causes: "489 consumer commit lag, 140 translation slack", then those not due to the failover. */
function duplicatesDetail(c: CellResult): string | null {
  const k = c.counts;
  if (!k) return null;
  const other = [
    k.duplicatedBeforeKill ? `${k.duplicatedBeforeKill} before the kill` : '',
    k.duplicatedAfterFailover ? `${k.duplicatedAfterFailover} after the failover` : '',
    k.duplicatedByProducer ? `${k.duplicatedByProducer} written twice by the producer` : '',
  ].filter(Boolean);
  const causes = c.attribution ? partsText(c.attribution.duplicates.parts) : '';
  const byFailover = causes ? causes : k.duplicatedByFailover ? `${k.duplicatedByFailover} by the failover` : '';
  return [byFailover, ...other].filter(Boolean).join('; ') || null;
}

/**
 * A round trip's absences that are not the failover's RPO, under their own names: "1261 stranded,
 * 996 written after the failback" (null: none).
 */
function otherAbsencesCard(c: CellResult): Card | null {
  const a = c.roundTrip?.absent;
  if (!a) return null;
  const parts = ([['stranded', a.stranded], ['written after the failback', a.afterFailback], ['of a deleted topic incarnation', a.deletedIncarnation], ['written on the backup before the failover', a.backupLocal]] as const)
    .filter(([, v]) => v !== 0);
  const meaning = 'acked ids absent from the other cluster that are not the RPO: left on the backup by the cutover, written after the failback (nothing copies forward), deleted on purpose';
  if (parts.some(([, v]) => v === 'unknown')) return { label: 'other absences', value: 'unknown', detail: 'a cluster could not be read completely', meaning, tone: 'unknown' };
  const total = parts.reduce((sum, [, v]) => sum + (v as number), 0);
  return { label: 'other absences', value: String(total), detail: total ? parts.map(([k, v]) => `${v} ${k}`).join(', ') : null, meaning, tone: a.stranded ? 'warn' : 'neutral' };
}

/** The headline of a cell run: RPO, lost, skipped, duplicated (and why), failover gap; a round trip's other absences. */
export function headlineCards(c: CellResult): Card[] {
  const k = c.counts ?? undefined;
  const skipCauses = c.attribution ? partsText(c.attribution.skips.parts) : '';
  const rpoMeaning = c.roundTrip ? 'acked on the primary before the failover, never on the backup' : 'acked on the primary, never on the backup';
  const others = otherAbsencesCard(c);
  return [
    rpoCard(c, rpoMeaning),
    countCard('lost', 'never delivered, not on the backup', k?.lost, 'bad'),
    countCard('skipped', 'never delivered, though on the backup', k?.skipped, 'bad', skipCauses || null),
    countCard('duplicated', 'delivered more than once', k?.duplicated, 'warn', duplicatesDetail(c)),
    gapCard(c),
    ...(others ? [others] : []),
  ];
}

/**
 * The headline in one line: "not replicated (RPO) 0 · lost 0 · skipped 0 · duplicated 629 (489
 * consumer commit lag, 140 translation slack) · failover gap 2.1 s (…)". Why a figure is unknown
 * is said once at the end (the figures of a cell that never produced are all unknown for one reason).
 */
export function headlineText(c: CellResult): string {
  const cards = headlineCards(c);
  const figures = cards.map((x) => `${x.label} ${x.value}${x.detail && x.tone !== 'unknown' ? ` (${x.detail})` : ''}`).join(' · ');
  const why = [...new Set(cards.filter((x) => x.tone === 'unknown' && x.detail).map((x) => x.detail))];
  return why.length ? `${figures} — unknown: ${why.join('; ')}` : figures;
}

export const eventHead = ['time (UTC)', 's', 'event', 'detail'];

/** Every event of a cell run: wall clock, seconds from the workload's start (clock.ts), what, and its detail. */
export const eventCells = (c: CellResult): string[][] => {
  const clock = clockOf(c);
  return (c.events ?? []).map((e) => [e.t, onClock(clock, e.atMs), e.label, e.detail ?? '']);
};

const iso = (t: number): string => new Date(t).toISOString();

type Fault = CellResult['faults'][number];

/** What a fault acted on: a link (the Toxiproxy proxies of a cluster for a client class), a broker, a cluster, MM2. */
export function faultTarget(f: Record<string, unknown>): string {
  if (typeof f['link'] === 'string') return f['link'];
  if (typeof f['cluster'] === 'string') return `${f['cluster']} broker ${String(f['broker'])}`;
  if (f['target'] === 'mirror' || f['fault'] === 'kill-mirror') return 'MirrorMaker 2';
  return typeof f['target'] === 'string' ? f['target'] : '—';
}

/** Healed, or why not. A fault with nothing to heal (a kill, a restart) records no end. */
const faultState = (f: Fault): string =>
  f.healed === true ? 'healed'
    : f.healed === false ? 'NOT healed'
      : ['kill-broker', 'kill-mirror', 'restart'].includes(String(f.fault['fault'])) ? 'not undoable'
        : 'not healed before the cell ended';

export const faultHead = ['fault', 'on', 'from (UTC)', 'from s', 'to (UTC)', 'to s', 'planned', 'state'];

/**
 * Every fault of a cell run's timeline: what, on what, from when to when, healed or not — and
 * the faults that could not be injected or whose condition never came (from its events).
 */
export function faultCells(c: CellResult): string[][] {
  const clock = clockOf(c);
  const atText = (ms: number) => onClock(clock, ms);
  const planned = (f: Fault) => (typeof f.fault['durationSeconds'] === 'number' ? `${f.fault['durationSeconds']} s` : 'until the drain');
  const injected = c.faults.map((f) => [
    f.description, faultTarget(f.fault), iso(f.startT), atText(f.startMs),
    f.endT === null ? '—' : iso(f.endT), f.endMs === null ? '—' : atText(f.endMs), planned(f), faultState(f),
  ]);
  const missed = (c.events ?? [])
    .filter((e) => e.kind === 'fault-error' || e.kind === 'step-not-reached')
    .map((e) => [e.detail ?? '', '—', e.t, atText(e.atMs), '—', '—', '—', e.kind === 'fault-error' ? 'could not be injected' : 'never reached']);
  return [...injected, ...missed];
}
