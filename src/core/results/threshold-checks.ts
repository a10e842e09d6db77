/** A cell run judged against the scenario's thresholds: each figure's value from the results, then its verdict. */
import type { CellResult } from './results.ts';
import { checksFor, type FigureName, type Thresholds } from '../scenario/thresholds.ts';
import { holds } from '../scenario/comparison.ts';
import { alarmCounts, leadSignal } from '../scenario/alarms.ts';
import type { ThresholdCheck } from '../checker/verdict.ts';
import { worstRatio } from '../checker/workload-rate.ts';

type Gated = Pick<CellResult, 'counts' | 'failoverGapMs' | 'failoverRemainderMs' | 'atKill' | 'roundTrip' | 'alarms' | 'workloadRates' | 'translation'>;

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
    case 'achievedRateRatio': return worstRatio(c.workloadRates);
    case 'alarmsFired': return c.alarms?.length ? alarmCounts(c.alarms).fired : null;
    case 'alarmsFiringAtKill': return c.alarms?.length ? alarmCounts(c.alarms).firingAtKill : null;
    case 'heartbeatAlarmLeadSeconds':
    case 'replicatedHeartbeatAlarmLeadSeconds':
    case 'checkpointAlarmLeadSeconds':
    case 'offsetSyncAlarmLeadSeconds':
      return seconds(c.alarms?.find((a) => a.signal === leadSignal(f))?.leadMs ?? null);
    // Negative when every checkpoint was behind; unknown when no checkpoint could be judged.
    case 'translationAheadMax': return c.translation?.error?.max ?? null;
    default: return num(c.counts?.[f]);
  }
}

export function evaluate(t: Thresholds, c: Gated & Pick<CellResult, 'values'>): ThresholdCheck[] {
  return checksFor(t, c.values).map(([figure, expr]) => {
    const value = figureValue(c, figure);
    return { figure, expression: expr.trim(), value, verdict: value === null ? 'unknown' : holds(value, expr) ? 'pass' : 'fail' };
  });
}
