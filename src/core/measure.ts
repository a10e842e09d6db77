/** Everything a cell run measured, from its history alone (used by the drill and by `mm2-drill report`). */
import { checkBound } from './evidence.ts';
import type { HistoryEvent } from './history.ts';
import type { Scenario } from './scenario.ts';
import { evaluate } from './thresholds.ts';
import { atKill, faultWindows } from './lag.ts';
import { buildLedger } from './ledger.ts';

export function measureCell(events: readonly HistoryEvent[], cellStart: number) {
  const ledger = buildLedger(events);
  return {
    counts: ledger.counts,
    failoverGapMs: ledger.failoverGapMs,
    invariant: ledger.invariant,
    backupReadComplete: ledger.backupReadComplete,
    drainComplete: ledger.drainComplete,
    samples: ledger.samples,
    partitions: ledger.partitions,
    atKill: atKill(events),
    faults: faultWindows(events).map((f) => ({ ...f, startMs: f.startT - cellStart, endMs: f.endT === null ? null : f.endT - cellStart })),
  };
}

export type Measured = ReturnType<typeof measureCell>;

/**
 * The verdicts of a finished cell: its thresholds, the failover strategy's expected bound (when
 * there was a failover), and its status — passed when the ledger is consistent and every
 * threshold passed (`unknown` does not pass).
 */
export function judgeCell(s: Scenario, cell: { values: Record<string, string | number | boolean>; remoteTopics: readonly string[] }, m: Measured, events: readonly HistoryEvent[]) {
  const checks = evaluate(s.thresholds, { values: cell.values, counts: m.counts, failoverGapMs: m.failoverGapMs, atKill: m.atKill });
  const failover = s.timeline.some((x) => x.action === 'kill-primary');
  const expected = failover ? checkBound(s, cell.remoteTopics, m.counts, events, m.atKill.consumerBehind) : null;
  const status: 'passed' | 'failed' = m.invariant.holds && checks.every((c) => c.verdict === 'pass') ? 'passed' : 'failed';
  return { checks, expected, status };
}
