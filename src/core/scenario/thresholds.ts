/**
 * Thresholds: CI gates on any reported figure, e.g. `skipped: '==0'`, `duplicated: '<=500'`,
 * `failoverGapSeconds: '<30'`, for every cell or for the cells matching `when`. A figure the
 * drill could not measure gives the verdict `unknown`, which does not pass: a gate that cannot
 * be checked is not green.
 *
 * A comparison judges each repetition alone. An object judges a statistic over the repetitions
 * of a cell (`--repeat`, merged shards included): `duplicated: { median: '<=2000', max: '<=5000' }`,
 * with `each` for a per-repetition check of the same figure (`{ each: '<=5000', median: '<=2000' }`).
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

/** The statistics a threshold over repetitions is judged on. */
export const aggregateStatistics = ['median', 'mean', 'min', 'max'] as const;
export type AggregateStatistic = (typeof aggregateStatistics)[number];

const overRepetitions = z
  .strictObject({ each: comparisonSchema.optional(), median: comparisonSchema.optional(), mean: comparisonSchema.optional(), min: comparisonSchema.optional(), max: comparisonSchema.optional() })
  .refine((o) => Object.values(o).some((x) => x !== undefined), 'at least one of each, median, mean, min, max, e.g. { median: "<=2000" }');

const checks = z.partialRecord(z.enum(figureNames), z.union([comparisonSchema, overRepetitions]));

export const thresholdsSchema = z
  .union([checks, z.array(z.strictObject({ when: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}), checks }))])
  .default({});

export type Thresholds = z.output<typeof thresholdsSchema>;
type Check = z.output<typeof checks>[FigureName];

/** Every check that applies to a cell (global ones, then those whose `when` matches its matrix values), as written. */
function applicable(t: Thresholds, values: Record<string, unknown>): [FigureName, NonNullable<Check>][] {
  const groups = Array.isArray(t) ? t : [{ when: {}, checks: t }];
  return groups
    .filter((g) => Object.entries(g.when).every(([k, v]) => Object.entries(values).some(([p, x]) => (p === k || p.endsWith(`.${k}`)) && x === v)))
    .flatMap((g) => Object.entries(g.checks) as [FigureName, NonNullable<Check>][]);
}

/** The per-repetition checks that apply to a cell: each a comparison, or an object's `each`. */
export function checksFor(t: Thresholds, values: Record<string, unknown>): [FigureName, string][] {
  return applicable(t, values).flatMap(([f, c]): [FigureName, string][] => (typeof c === 'string' ? [[f, c]] : c.each === undefined ? [] : [[f, c.each]]));
}

/** The checks over repetitions that apply to a cell, in the order of `aggregateStatistics`. */
export function aggregatesFor(t: Thresholds, values: Record<string, unknown>): [FigureName, AggregateStatistic, string][] {
  return applicable(t, values).flatMap(([f, c]) =>
    typeof c === 'string' ? [] : aggregateStatistics.flatMap((s): [FigureName, AggregateStatistic, string][] => (c[s] === undefined ? [] : [[f, s, c[s]]])));
}
