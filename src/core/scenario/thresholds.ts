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
  // The workload's achieved rate over its asked rate, the worst topic's (core/checker/workload-rate.ts): unknown when no topic's window could be measured.
  'achievedRateRatio',
  // MM2's translation against the truth (core/checker/translation-accuracy.ts): the most any checkpoint of the run was ahead of the group, in records.
  'translationAheadMax',
] as const;
export type FigureName = (typeof figureNames)[number];

/** The statistics a threshold over repetitions is judged on. */
export const aggregateStatistics = ['median', 'mean', 'min', 'max'] as const;
export type AggregateStatistic = (typeof aggregateStatistics)[number];

const overRepetitions = z
  .strictObject({
    each: comparisonSchema.optional().describe('Judged on each repetition alone, as a plain comparison is.'),
    median: comparisonSchema.optional().describe('Judged on the median over the repetitions of the cell.'),
    mean: comparisonSchema.optional().describe('Judged on the mean over the repetitions of the cell.'),
    min: comparisonSchema.optional().describe('Judged on the smallest value over the repetitions of the cell.'),
    max: comparisonSchema.optional().describe('Judged on the largest value over the repetitions of the cell.'),
  })
  .refine((o) => Object.values(o).some((x) => x !== undefined), 'at least one of each, median, mean, min, max, e.g. { median: "<=2000" }')
  .meta({ id: 'threshold-over-repetitions', title: 'Threshold over repetitions', description: 'Statistics over the repetitions of a cell (`--repeat`, merged shards included), each a comparison; a repetition that did not measure the figure makes the statistic `unknown`.' });

const checks = z.partialRecord(z.enum(figureNames), z.union([comparisonSchema, overRepetitions]))
  .meta({ id: 'threshold-checks', title: 'Threshold checks', description: "A reported figure → a comparison it must satisfy on each repetition (`'==0'`, `'<=500'`, `'<30'`), or statistics over the repetitions (`{ median: '<=2000', max: '<=5000' }`), e.g. `{ skipped: '==0', failoverGapSeconds: '<30' }`. A figure the drill could not measure is `unknown`, which does not pass (docs/results.md names each figure)." });

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
