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
  // MM2's translation against the truth (core/checker/translation-accuracy.ts): the most any checkpoint of the run was ahead of the group, in records.
  'translationAheadMax',
] as const;
export type FigureName = (typeof figureNames)[number];

const checks = z.partialRecord(z.enum(figureNames), comparisonSchema)
  .meta({ id: 'threshold-checks', title: 'Threshold checks', description: "A reported figure → a comparison it must satisfy (`'==0'`, `'<=500'`, `'<30'`), e.g. `{ skipped: '==0', failoverGapSeconds: '<30' }`. A figure the drill could not measure is `unknown`, which does not pass (docs/results.md names each figure)." });

export const thresholdsSchema = z
  .union([
    checks,
    z.array(z.strictObject({
      when: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({})
        .describe('Matrix values the cell must have: each key names a matrix dimension (its path or its last part), and the `when` must match at least one cell. `{}`: every cell.'),
      checks: checks.describe('The checks for the cells that match.'),
    })),
  ])
  .default({})
  .describe('CI gates: checks for every cell, or a list of `{ when, checks }` for some cells.');

export type Thresholds = z.output<typeof thresholdsSchema>;
/** The checks that apply to a cell (global ones, then those whose `when` matches its matrix values). */
export function checksFor(t: Thresholds, values: Record<string, unknown>): [FigureName, string][] {
  const groups = Array.isArray(t) ? t : [{ when: {}, checks: t }];
  return groups
    .filter((g) => Object.entries(g.when).every(([k, v]) => Object.entries(values).some(([p, x]) => (p === k || p.endsWith(`.${k}`)) && x === v)))
    .flatMap((g) => Object.entries(g.checks) as [FigureName, string][]);
}
