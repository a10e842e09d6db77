/**
 * Checks that every `when` of the thresholds can apply: a `when` that names no matrix dimension
 * (a typo, a dimension removed by `--set`) or matches no cell would silently gate nothing, and a
 * CI job would stay green without checking what it was written to check.
 */
import { checksFor, figureNames, type FigureName, type Thresholds } from './thresholds.ts';
import { formatPath } from './validate.ts';
import { alarmLeadFigures, leadSignal, type AlarmLeadFigure } from './alarms.ts';
import type { Scenario } from './scenario.ts';

type Values = Readonly<Record<string, string | number | boolean>>;

/** Whether a `when` applies to the cell with these matrix values, by thresholds.ts's own rule. */
const applies = (when: Values, values: Values): boolean =>
  checksFor([{ when: { ...when }, checks: { [figureNames[0]]: '==0' } }], values).length > 0;

/** Whether `key` names the dimension `path` (the path itself or its last parts), by the same rule. */
const names = (key: string, path: string, values: readonly (string | number | boolean)[]): boolean =>
  values.some((v) => applies({ [key]: v }, { [path]: v }));

const list = (vals: readonly unknown[]) => vals.map((v) => JSON.stringify(v)).join(', ');

/**
 * One line per `when` that cannot apply, as `thresholds[i].when…: problem`. `dims` are the
 * matrix dimensions with their values, `cells` the matrix values of every cell.
 */
export function thresholdScopeProblems(t: Thresholds, dims: readonly (readonly [string, readonly (string | number | boolean)[]])[], cells: readonly Values[]): string[] {
  if (!Array.isArray(t)) return [];
  const available = dims.length ? `the matrix dimensions are ${dims.map(([p, vals]) => `${p} (${list(vals)})`).join('; ')}` : 'the scenario has no matrix';
  return t.flatMap((group, i) => {
    const unknown = Object.keys(group.when).filter((k) => !dims.some(([p, vals]) => names(k, p, vals)));
    if (unknown.length) {
      return unknown.map((k) => `${formatPath(['thresholds', i, 'when', k])}: names no matrix dimension, so these checks would apply to no cell; ${available}`);
    }
    if (cells.some((c) => applies(group.when, c))) return [];
    return [`thresholds[${i}].when: ${JSON.stringify(group.when)} matches no cell of the matrix, so these checks would apply to none; ${available}`];
  });
}

const roundTripFigures: readonly FigureName[] = ['stranded', 'resurrected', 'cutoverWindowSeconds'];

/** Why a cell's scenario can never measure `figure` (null: it can). */
function neverMeasured(figure: FigureName, s: Scenario): string | null {
  if (roundTripFigures.includes(figure) && s.playbook === undefined) return "a playbook's round-trip figure, and the cell has no playbook";
  const noKill = s.playbook === undefined && !s.timeline.some((x) => x.action === 'kill-primary');
  if ((figure === 'failoverGapSeconds' || figure === 'failoverRemainderSeconds') && noKill) return 'a figure of the failover, and the cell\'s timeline has no "kill-primary" (nothing fails over)';
  if ((figure === 'alarmsFired' || figure === 'alarmsFiringAtKill') && Object.keys(s.alarms).length === 0) return 'a figure of the alarms, and the cell declares none (alarms: {...})';
  if ((alarmLeadFigures as readonly string[]).includes(figure)) {
    const signal = leadSignal(figure as AlarmLeadFigure);
    if (s.alarms[signal] === undefined) return `the lead of the alarm on ${signal}, and the cell declares none (alarms: { ${signal}: '>10' })`;
  }
  return null;
}

/**
 * One line per threshold that can only ever be "unknown" — which fails CI on every run, whatever
 * the drill measures: a figure the cell's scenario never measures (a round trip without a
 * playbook, an alarm's figure without that alarm, the failover's gap without a kill).
 */
export function unmeasurableChecks(t: Thresholds, cells: readonly { id: string; values: Values; scenario: Scenario }[]): string[] {
  const groups = Array.isArray(t) ? t.map((g, i) => ({ g, path: ['thresholds', i, 'checks'] })) : [{ g: { when: {}, checks: t }, path: ['thresholds'] }];
  const problems: string[] = [];
  for (const { g, path } of groups) {
    for (const figure of Object.keys(g.checks) as FigureName[]) {
      const hit = cells.flatMap((c) => {
        if (!applies(g.when, c.values)) return [];
        const why = neverMeasured(figure, c.scenario);
        return why ? [{ id: c.id, why }] : [];
      });
      if (!hit.length) continue;
      const where = hit.length === cells.length ? (cells.length > 1 ? 'in every cell' : '') : `in ${hit.length} cell(s): ${hit.slice(0, 3).map((h) => h.id).join('; ')}${hit.length > 3 ? '; …' : ''}`;
      problems.push(`${formatPath([...path, figure])}: ${hit[0]!.why}${where ? ` (${where})` : ''}: the check would be "unknown" in every run, and an unknown check fails`);
    }
  }
  return problems;
}
