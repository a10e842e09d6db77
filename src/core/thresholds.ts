/**
 * Thresholds: CI gates on any reported figure, e.g. `skipped: '==0'`, `duplicated: '<=500'`,
 * `failoverGapSeconds: '<30'`, for every cell or for the cells matching `when`. A figure the
 * drill could not measure gives the verdict `unknown`, which does not pass: a gate that cannot
 * be checked is not green.
 */
import { z } from 'zod';
import type { CellResult } from './results.ts';
import { comparisonSchema, holds } from './comparison.ts';
import { alarmCounts, alarmLeadFigures, leadSignal } from './alarms.ts';

export const figureNames = [
  'acked', 'lost', 'skipped', 'unreached', 'duplicated', 'extraDeliveries', 'duplicatedBeforeKill', 'duplicatedByFailover', 'duplicatedAfterFailover',
  'exactlyOnce', 'notReplicated', 'replicationDuplicates', 'indeterminate', 'failedAppeared',
  'failoverGapSeconds', 'failoverRemainderSeconds', 'lagAtKillMessages', 'groupSyncAgeSeconds',
  // A playbook's round trip (unknown for a timeline drill): stranded and resurrected ids, the last write gap.
  'stranded', 'resurrected', 'cutoverWindowSeconds',
  // The scenario's alarms (core/alarms.ts): how many fired, how many were firing at the kill (unknown without alarms or a kill),
  // and how long each had been firing then.
  'alarmsFired', 'alarmsFiringAtKill', ...alarmLeadFigures,
] as const;
export type FigureName = (typeof figureNames)[number];

const checks = z.partialRecord(z.enum(figureNames), comparisonSchema);

export const thresholdsSchema = z
  .union([checks, z.array(z.strictObject({ when: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}), checks }))])
  .default({});

export type Thresholds = z.output<typeof thresholdsSchema>;
export type Verdict = 'pass' | 'fail' | 'unknown';

export interface Check {
  figure: FigureName;
  expression: string;
  value: number | null;
  verdict: Verdict;
}

type Gated = Pick<CellResult, 'counts' | 'failoverGapMs' | 'failoverRemainderMs' | 'atKill' | 'roundTrip' | 'alarms'>;

export function figureValue(c: Gated, f: FigureName): number | null {
  const num = (x: number | 'unknown' | null | undefined) => (typeof x === 'number' ? x : null);
  const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
  switch (f) {
    case 'failoverGapSeconds': return seconds(c.failoverGapMs);
    case 'failoverRemainderSeconds': return seconds(c.failoverRemainderMs);
    case 'lagAtKillMessages': return c.atKill.lagMessages;
    case 'groupSyncAgeSeconds': return seconds(c.atKill.groupSyncAgeMs);
    case 'stranded': return num(c.roundTrip?.stranded);
    case 'resurrected': return num(c.roundTrip?.resurrected);
    case 'cutoverWindowSeconds': return seconds(c.roundTrip?.writeGaps.at(-1)?.durationMs ?? null);
    case 'alarmsFired': return c.alarms?.length ? alarmCounts(c.alarms).fired : null;
    case 'alarmsFiringAtKill': return c.alarms?.length ? alarmCounts(c.alarms).firingAtKill : null;
    case 'heartbeatAlarmLeadSeconds':
    case 'replicatedHeartbeatAlarmLeadSeconds':
    case 'checkpointAlarmLeadSeconds':
    case 'offsetSyncAlarmLeadSeconds':
      return seconds(c.alarms?.find((a) => a.signal === leadSignal(f))?.leadMs ?? null);
    default: return num(c.counts?.[f]);
  }
}

/** The checks that apply to a cell (global ones, then those whose `when` matches its matrix values). */
export function checksFor(t: Thresholds, values: Record<string, unknown>): [FigureName, string][] {
  const groups = Array.isArray(t) ? t : [{ when: {}, checks: t }];
  return groups
    .filter((g) => Object.entries(g.when).every(([k, v]) => Object.entries(values).some(([p, x]) => (p === k || p.endsWith(`.${k}`)) && x === v)))
    .flatMap((g) => Object.entries(g.checks) as [FigureName, string][]);
}

export function evaluate(t: Thresholds, c: Gated & Pick<CellResult, 'values'>): Check[] {
  return checksFor(t, c.values).map(([figure, expr]) => {
    const value = figureValue(c, figure);
    return { figure, expression: expr.trim(), value, verdict: value === null ? 'unknown' : holds(value, expr) ? 'pass' : 'fail' };
  });
}
