/**
 * Checks in words, shared by junit.xml, the GitHub annotations and the terminal summary:
 * stable names (never the threshold's value, so a CI's test history survives a changed
 * threshold) and failure messages that carry the measured value and the threshold.
 */
import type { CellResult } from '../core/results/results.ts';
import type { FigureName } from '../core/scenario/thresholds.ts';
import type { AggregateCheck, ThresholdCheck } from '../core/checker/verdict.ts';
import { parseComparison } from '../core/scenario/comparison.ts';
import { leadSignal } from '../core/scenario/alarms.ts';

/** The kind of a comparison, in words: what tells two checks of one figure apart without their values. */
const operatorKinds: Record<string, string> = { '==': 'equal', '!=': 'not equal', '<=': 'at most', '<': 'below', '>=': 'at least', '>': 'above' };

/** "<=0" → "<= 0" (an expression the schema did not accept is shown as written). */
export function expressionText(expression: string): string {
  const m = parseComparison(expression);
  return m ? `${m.operator} ${m.bound}` : expression.trim();
}

const kindOf = (expression: string): string => operatorKinds[parseComparison(expression)?.operator ?? ''] ?? 'other';

/**
 * Stable names of a cell run's threshold checks, in order: `threshold: lost`; when one figure
 * has several checks, `threshold: lost (at most)` / `threshold: lost (at least)` — the
 * comparison's kind, never its value; two of the same kind are numbered in their order
 * (`threshold: lost (at most, 2)`).
 */
export function checkNames(checks: readonly Pick<ThresholdCheck, 'figure' | 'expression'>[]): string[] {
  const tally = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
  const kinds = checks.map((c) => `${c.figure} (${kindOf(c.expression)}`);
  const perFigure = tally(checks.map((c) => c.figure));
  const perKind = tally(kinds);
  const seen = new Map<string, number>();
  return checks.map((c, i) => {
    if (perFigure.get(c.figure) === 1) return `threshold: ${c.figure}`;
    const kind = kinds[i]!;
    const nth = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, nth);
    return `threshold: ${kind}${perKind.get(kind)! > 1 ? `, ${nth}` : ''})`;
  });
}

type Why = Pick<CellResult, 'counts' | 'backupReadComplete' | 'drainComplete' | 'phases' | 'roundTrip' | 'failoverDelayMs' | 'alarms'>;

/** Why a figure could not be measured, as far as the results tell (null: they do not say). */
export function unknownReason(c: Why, figure: FigureName): string | null {
  switch (figure) {
    case 'failoverGapSeconds':
    case 'failoverRemainderSeconds':
      if (c.roundTrip) {
        return figure === 'failoverRemainderSeconds' ? "a playbook has no configured failover wait: its steps' waits are in its step timings"
          : 'no move of the consumers to the backup, or nothing delivered on the backup after it';
      }
      if (c.phases.kill === undefined) return 'the primary was never killed';
      if (c.phases['first-backup-delivery'] === undefined) return 'nothing was delivered on the backup after the kill';
      return figure === 'failoverRemainderSeconds' && c.failoverDelayMs === null ? 'the configured failover wait is not in the history' : null;
    case 'lagAtKillMessages':
    case 'groupSyncAgeSeconds':
      return c.phases.kill === undefined ? 'the primary was never killed' : 'no replication sample was taken before the kill';
    case 'alarmsFired':
    case 'alarmsFiringAtKill':
      if (!c.alarms?.length) return 'the scenario declares no alarms';
      return c.phases.kill === undefined ? 'the primary was never killed' : null;
    case 'heartbeatAlarmLeadSeconds':
    case 'replicatedHeartbeatAlarmLeadSeconds':
    case 'checkpointAlarmLeadSeconds':
    case 'offsetSyncAlarmLeadSeconds': {
      const signal = leadSignal(figure);
      if (!c.alarms?.some((a) => a.signal === signal)) return `the scenario declares no alarm on ${signal}`;
      return c.phases.kill === undefined ? 'the primary was never killed' : `the ${signal} alarm was not firing when the primary was killed`;
    }
    case 'stranded':
    case 'resurrected':
    case 'cutoverWindowSeconds':
      if (!c.roundTrip) return 'only a playbook drill measures it';
      if (figure === 'cutoverWindowSeconds') return 'no producer write gap was recorded';
      return 'a cluster could not be read completely';
    default:
      if (c.counts === null) return 'the cell did not finish';
      if (!c.backupReadComplete) return 'the backup could not be read completely';
      return null;
  }
}

const valueText = (v: number): string => (Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000));

/** "threshold lost <= 0" */
export const thresholdText = (x: Pick<ThresholdCheck, 'figure' | 'expression'>): string => `threshold ${x.figure} ${expressionText(x.expression)}`;

/**
 * What a check measured against its threshold: "lost = 3, threshold lost <= 0", or
 * "lost could not be measured (the backup could not be read completely), threshold lost <= 0".
 */
export function checkMessage(c: Why, x: ThresholdCheck): string {
  if (x.value === null) {
    const why = unknownReason(c, x.figure);
    return `${x.figure} could not be measured${why ? ` (${why})` : ''}, ${thresholdText(x)}`;
  }
  return `${x.figure} = ${valueText(x.value)}, ${thresholdText(x)}`;
}

/** The stable name of a threshold over repetitions: `threshold: duplicated (median)` (never its value, as `checkNames`). */
export const aggregateName = (x: Pick<AggregateCheck, 'figure' | 'over'>): string => `threshold: ${x.figure} (${x.over})`;

/**
 * What a threshold over repetitions measured: "median of duplicated over 3 repetitions = 812,
 * threshold duplicated median <= 500", or why it could not be computed.
 */
export function aggregateMessage(x: AggregateCheck): string {
  const what = `${x.over} of ${x.figure} over ${x.runs} repetition(s)`;
  const threshold = `threshold ${x.figure} ${x.over} ${expressionText(x.expression)}`;
  if (x.value === null) return `${what} could not be computed (${x.unknown} of them did not finish or did not measure it), ${threshold}`;
  return `${what} = ${valueText(x.value)}, ${threshold}`;
}

/** A cell run a retry replaced, in words: "retried as default#1.retry1 after WAIT_TIMEOUT: …". */
export const retriedText = (c: Pick<CellResult, 'retriedAs' | 'error'>): string =>
  `retried as ${c.retriedAs ?? '(no result)'} after ${c.error?.code}: ${c.error?.message} — not counted`;
