/** Everything a cell run measured, from its history alone (used by the drill and by `mm2-drill report`). */
import { attribute } from '../checker/attribution.ts';
import { cellSettingsOf, isPlaybookCell } from '../history/cell-settings.ts';
import { cellEvents } from '../checker/drill-events.ts';
import { checkBound } from '../checker/evidence.ts';
import type { HistoryEvent } from '../history/history.ts';
import { indexHistory } from '../history/history-index.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { evaluate } from './threshold-checks.ts';
import { atKill, faultWindows } from '../checker/lag.ts';
import { ledgerOf } from '../checker/ledger.ts';
import { roundTripOf } from '../checker/round-trip.ts';
import { alarmsOf } from '../scenario/alarms.ts';
import { topicReplication } from '../checker/topic-replication.ts';

export function measureCell(events: readonly HistoryEvent[], cellStart: number) {
  const ix = indexHistory(events);
  const roundTrip = isPlaybookCell(cellSettingsOf(events)) ? roundTripOf(events, cellStart, ix) : null;
  // A playbook's figures come from the round-trip ledger (the classic one assumes one failover);
  // it has no per-partition breakdown, and its samples are in `roundTrip`.
  const ledger = roundTrip
    ? {
      counts: roundTrip.counts, consistency: roundTrip.consistency, failoverGapMs: roundTrip.failoverGapMs, samples: null, partitions: {}, drainComplete: ix.drainComplete,
      backupReadComplete: events.some((e) => e.type === 'read-complete' && e.what === 'backup-copies' && e.complete),
    }
    : ledgerOf(ix);
  const gap = ledger.failoverGapMs;
  const delay = roundTrip || ix.killAt === null ? null : ix.failoverDelayMs;
  return {
    counts: ledger.counts,
    failoverGapMs: gap,
    /**
     * The configured wait before failing over (failover.delaySeconds): detection, not the harness.
     * Known from the settings whenever the primary was killed, delivered on the backup or not; a
     * playbook does not use it (its steps' own waits are in `roundTrip.steps`).
     */
    failoverDelayMs: delay,
    /** The gap minus the configured wait: what moving the consumer really took. */
    failoverRemainderMs: gap === null || delay === null ? null : gap - delay,
    consistency: ledger.consistency,
    backupReadComplete: ledger.backupReadComplete,
    drainComplete: ledger.drainComplete,
    samples: ledger.samples,
    partitions: ledger.partitions,
    atKill: atKill(events),
    faults: faultWindows(events).map((f) => ({ ...f, startMs: f.startT - cellStart, endMs: f.endT === null ? null : f.endT - cellStart })),
    roundTrip,
    alarms: alarmsOf(events, cellStart),
    topics: topicReplication(events, cellStart),
    /** What happened when, from the cell start (the origin of `phases` and `faults`) — the report's event table. */
    events: cellEvents(events, cellStart),
  };
}

export type Measured = ReturnType<typeof measureCell>;

/**
 * The verdicts of a finished cell: its thresholds, the failover strategy's expected bound and
 * the attribution of its duplicates and skips (when there was a failover), and its status:
 * `failed` when a consistency check or a threshold failed (`unknown` does not pass a
 * threshold), `passed` when every threshold passed, `measured` when no threshold applied —
 * nothing was gated, so nothing can be called passed.
 */
export function judgeCell(s: Scenario, cell: { values: Record<string, string | number | boolean>; remoteTopics: readonly string[] }, m: Measured, events: readonly HistoryEvent[]) {
  const checks = evaluate(s.thresholds, { values: cell.values, counts: m.counts, failoverGapMs: m.failoverGapMs, failoverRemainderMs: m.failoverRemainderMs, atKill: m.atKill, roundTrip: m.roundTrip, alarms: m.alarms });
  const failover = m.roundTrip === null && s.timeline.some((x) => x.action === 'kill-primary');
  const ix = indexHistory(events);
  const expected = failover ? checkBound(s, cell.remoteTopics, m, events, m.atKill.consumerBehind, ix) : null;
  const attribution = failover ? attribute(ix, expected?.parts, m.counts.skipped !== 'unknown') : null;
  const status: 'passed' | 'failed' | 'measured' =
    !m.consistency.holds || checks.some((c) => c.verdict !== 'pass') ? 'failed' : checks.length ? 'passed' : 'measured';
  return { checks, expected, attribution, status };
}
