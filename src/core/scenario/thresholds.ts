/**
 * Thresholds: CI gates on any reported figure, e.g. `skipped: '==0'`, `duplicated: '<=500'`,
 * `failoverGapSeconds: '<30'`, for every cell or for the cells matching `when`. A figure the
 * drill could not measure gives the verdict `unknown`, which does not pass: a gate that cannot
 * be checked is not green.
 */
import { z } from 'zod';
import { comparisonSchema } from './comparison.ts';
import { alarmLeadFigures } from './alarms.ts';

export const figureNames = [
  'acked', 'lost', 'skipped', 'unreached', 'duplicated', 'extraDeliveries', 'duplicatedBeforeKill', 'duplicatedByFailover', 'duplicatedAfterFailover',
  'exactlyOnce', 'notReplicated', 'replicationDuplicates', 'indeterminate', 'failedAppeared',
  'failoverGapSeconds', 'failoverRemainderSeconds', 'lagAtKillMessages', 'groupSyncAgeSeconds',
  // A playbook's round trip (unknown for a timeline drill): stranded and resurrected ids, the last write gap.
  'stranded', 'resurrected', 'cutoverWindowSeconds',
  // The scenario's alarms (core/scenario/alarms.ts): how many fired, how many were firing at the kill (unknown without alarms or a kill),
  // and how long each had been firing then.
  'alarmsFired', 'alarmsFiringAtKill', ...alarmLeadFigures,
] as const;
export type FigureName = (typeof figureNames)[number];

const checks = z.partialRecord(z.enum(figureNames), comparisonSchema);

export const thresholdsSchema = z
  .union([checks, z.array(z.strictObject({ when: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}), checks }))])
  .default({});

export type Thresholds = z.output<typeof thresholdsSchema>;
/** The checks that apply to a cell (global ones, then those whose `when` matches its matrix values). */
export function checksFor(t: Thresholds, values: Record<string, unknown>): [FigureName, string][] {
  const groups = Array.isArray(t) ? t : [{ when: {}, checks: t }];
  return groups
    .filter((g) => Object.entries(g.when).every(([k, v]) => Object.entries(values).some(([p, x]) => (p === k || p.endsWith(`.${k}`)) && x === v)))
    .flatMap((g) => Object.entries(g.checks) as [FigureName, string][]);
}
