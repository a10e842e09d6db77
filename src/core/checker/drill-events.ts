/**
 * What happened to a cell run, in words: the playbook's steps, the faults, the kill, the
 * failover, the first delivery on the backup, the end of the drain and of the verification read.
 * One vocabulary for the terminal's narration as the drill runs (run/progress.ts) and for the
 * report filed afterwards (results.json `events`: the event tables and the marks on the timeline
 * charts), so both say the same thing about the same event.
 *
 * results.json's times are milliseconds from the cell start (`CellResult.startedAt`), the origin
 * of every other `…Ms` of a cell in results.json (`phases`, `faults`, the round trip's steps),
 * with the wall clock beside them in UTC to line up with a team's dashboards. The terminal and
 * the reports show them from the workload start — the clock a scenario's timeline (`at`) is
 * written in (core/results/clock.ts); the `workload-started` event ties the two together.
 */
import type { HistoryEvent, PhaseName, HistoryEvents } from '../history/history.ts';
import { alarmLabel } from '../scenario/alarms.ts';
import type { Checker } from './checker.ts';

export const eventKinds = [
  'cell-start', 'phase', 'step-start', 'step-end', 'step-failed', 'fault-start', 'fault-end', 'fault-error', 'step-not-reached',
  'kill', 'failover', 'first-backup-delivery', 'faults-healed', 'drain-done', 'verify-done', 'alarm', 'cell-end',
] as const;
export type EventKind = (typeof eventKinds)[number];

export interface CellEvent {
  /** Wall clock, ISO 8601 in UTC. */
  t: string;
  /** Milliseconds from the cell start (the origin of `phases` and `faults`). */
  atMs: number;
  kind: EventKind;
  label: string;
  detail?: string;
}

export type EventText = Pick<CellEvent, 'kind' | 'label' | 'detail'>;

/** The line the terminal prints: "kill: SIGKILL primary". */
export const eventSentence = (d: EventText): string => (d.detail ? `${d.label}: ${d.detail}` : d.label);

/**
 * Phases worth an event of their own. Left out, because another event says it better:
 * `images-ready` (the cell start), `kill` (the `kill` event), `failover-started` (the
 * `failover-offsets` event, which names the strategy), `drain-started` (the drain step's start).
 */
const phaseLabels: Partial<Record<PhaseName, string>> = {
  'clusters-up': 'clusters up',
  'mirror-ready': 'MirrorMaker 2 ready',
  'workload-started': "workload started (0 s of the scenario's timeline)",
  'mirror-replicating': 'replicating: first record on the backup',
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
type ReadComplete = Extract<HistoryEvent, { type: 'read-complete' }>;
const readText = (r: ReadComplete) => `${r.complete ? '' : 'INCOMPLETE: '}${r.detail}`;
/** A playbook's verification reads both clusters: say which. */
const verifyText = (r: ReadComplete) => `${r.what === 'primary-copies' ? 'primary: ' : r.what === 'backup-copies' ? 'backup: ' : ''}${readText(r)}`;

/**
 * Describes a cell run's history events in order, one at a time (null: not an event a reader
 * wants — acks, deliveries, samples, offsets). One describer per cell run: it remembers the last
 * kill (the first delivery on the backup says how long after it), when each step started (its
 * end says how long it took), the reads that end the drain and the verification, and whether a
 * fault without a duration was injected (the healing before the drain is worth a line only then).
 */
export function eventDescriber(): (e: HistoryEvent) => EventText | null {
  let killAt: number | null = null;
  const stepStarts = new Map<number, number>();
  let reads: ReadComplete[] = [];
  // Whether the healing before the drain can have healed anything: a timeline fault without a
  // duration (those are healed there, their `fault-end` just before the phase), or a playbook's
  // fault step (whose heal records no event).
  let undatedFault = false;
  let playbookFault = false;
  return (e) => {
    switch (e.type) {
      case 'cell-start': {
        const values = Object.entries(e.values).map(([k, v]) => `${k}=${String(v)}`).join(', ');
        return { kind: 'cell-start', label: 'cell started', ...(values ? { detail: values } : {}) };
      }
      case 'cell-end':
        return { kind: 'cell-end', label: `cell ${e.status}`, ...(e.error ? { detail: e.error } : {}) };
      case 'phase': {
        if (e.phase === 'first-backup-delivery') {
          return { kind: 'first-backup-delivery', label: `first delivery on the backup${killAt === null ? '' : `, ${seconds(e.t - killAt)} after the kill`}` };
        }
        if (e.phase === 'faults-healed') return undatedFault || playbookFault ? { kind: 'faults-healed', label: 'faults without a duration healed before the drain' } : null;
        if (e.phase === 'drain-done') {
          const drain = reads.filter((r) => r.what === 'drain').at(-1);
          reads = [];
          return { kind: 'drain-done', label: 'drain done', ...(drain ? { detail: readText(drain) } : {}) };
        }
        if (e.phase === 'verify-done') {
          const verified = reads.filter((r) => r.what !== 'drain');
          reads = [];
          return { kind: 'verify-done', label: 'verification read done', ...(verified.length ? { detail: verified.map(verifyText).join('; ') } : {}) };
        }
        const label = phaseLabels[e.phase];
        return label ? { kind: 'phase', label } : null;
      }
      case 'read-complete':
        // The offset syncs are read at the kill, not by the drain or the verification.
        if (e.what !== 'offset-syncs') reads.push(e);
        return null;
      case 'step': {
        const name = `step "${e.label}"`;
        if (e.state === 'start') {
          stepStarts.set(e.index, e.t);
          // A step named in the scenario ("cut") does not say what it does; a numbered one does ("2. kill-cluster primary").
          const what = `${e.action}${e.target ? ` ${e.target}` : ''}`;
          return { kind: 'step-start', label: `${name} started`, ...(e.label.includes(e.action) ? {} : { detail: what }) };
        }
        if (e.action === 'fault') playbookFault = true;
        const start = stepStarts.get(e.index);
        if (e.state === 'failed') return { kind: 'step-failed', label: `${name} FAILED`, ...(e.detail ? { detail: e.detail } : {}) };
        const took = start === undefined ? '' : `took ${seconds(e.t - start)}`;
        const detail = [e.detail, took].filter(Boolean).join('; ');
        return { kind: 'step-end', label: `${name} done`, ...(detail ? { detail } : {}) };
      }
      case 'failover-offsets':
        return { kind: 'failover', label: `failover (${e.strategy})`, detail: `group ${e.group} resumes on the backup` };
      case 'kill':
        killAt = e.t;
        // An external cluster's kill is the team's command or a cut of the test clients, not a signal.
        return { kind: 'kill', label: 'kill', detail: e.signal === 'SIGKILL' ? `SIGKILL ${e.target}` : `${e.target}: ${e.signal}` };
      case 'fault-start': {
        const d = e.fault['durationSeconds'];
        if (typeof d !== 'number') undatedFault = true;
        return { kind: 'fault-start', label: 'fault on', detail: `${e.description}${typeof d === 'number' ? ` for ${d}s` : ''}` };
      }
      case 'fault-end':
        return e.healed
          ? { kind: 'fault-end', label: 'fault healed', detail: e.description }
          : { kind: 'fault-end', label: 'fault NOT healed', detail: `${e.description}: ${e.error ?? 'unknown error'}` };
      case 'fault-error':
        return { kind: 'fault-error', label: 'fault could not be injected', detail: `${e.description}: ${e.error}` };
      case 'step-not-reached':
        return { kind: 'step-not-reached', label: 'never reached', detail: e.description };
      case 'alarm':
        if (e.state === 'armed') return null;
        return { kind: 'alarm', label: `alarm ${alarmLabel(e)} ${e.state === 'fired' ? 'FIRED' : 'cleared'}`, ...(typeof e.value === 'number' ? { detail: e.signal.endsWith('Messages') ? `${e.signal.replace(/Messages$/, '')} ${e.value} message(s)` : `${e.signal.replace(/Seconds$/, '')} ${e.value.toFixed(1)}s` } : {}) };
      default:
        return null;
    }
  };
}

export const eventsChecker: Checker<CellEvent[]> = { name: 'drill-events', run: ({ events, cellStart }) => cellEvents(events, cellStart) };

/** A cell run's events, with their wall clock and their time from the cell start (`cellStart`, epoch ms). */
export function cellEvents(events: HistoryEvents, cellStart: number): CellEvent[] {
  const describe = eventDescriber();
  const out: CellEvent[] = [];
  for (const e of events) {
    const d = describe(e);
    if (d) out.push({ t: new Date(e.t).toISOString(), atMs: e.t - cellStart, ...d });
  }
  return out;
}

/** The short name of an event on a timeline chart's mark: the step's own label, "kill", "failover (mm2-sync)". */
export function markLabel(e: Pick<CellEvent, 'kind' | 'label'>): string {
  switch (e.kind) {
    case 'step-start': return e.label.replace(/^step "(.*)" started$/, '$1');
    case 'step-failed': return e.label.replace(/^step "(.*)" FAILED$/, '$1 FAILED');
    case 'first-backup-delivery': return 'first delivery on the backup';
    case 'fault-error': return 'fault not injected';
    default: return e.label;
  }
}
