/**
 * Everything a cell run measured, from its history alone (used by the drill and by `mm2-drill
 * report`): the checkers composed over one input (core/checker/checker.ts), built once by the
 * caller with `checkInput` and handed to `judgeCell` too.
 */
import { eventsOf } from '../history/history.ts';
import { aclFindingsChecker } from '../checker/acl-findings.ts';
import { alarmsChecker } from '../checker/alarms-checker.ts';
import { attribute } from '../checker/attribution.ts';
import { runCheckers, type CheckInput, type Checker } from '../checker/checker.ts';
import { eventsChecker } from '../checker/drill-events.ts';
import { checkBound } from '../checker/evidence.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { evaluate } from './threshold-checks.ts';
import { atKillChecker, faultsChecker } from '../checker/lag.ts';
import { keyOrderChecker } from '../checker/key-order.ts';
import { ledgerChecker } from '../checker/ledger.ts';
import { mm2InvariantsChecker } from '../checker/mm2-invariants.ts';
import { offsetSyncsChecker } from '../checker/offset-syncs.ts';
import { mirrorRestartsChecker } from '../checker/mirror-restarts.ts';
import { catchUpChecker } from '../checker/catch-up.ts';
import { roundTripChecker } from '../checker/round-trip.ts';
import { topicsChecker } from '../checker/topic-replication.ts';
import { translationChecker } from '../checker/translation-accuracy.ts';
import type { CellResult } from './results.ts';
import { workloadRateChecker } from '../checker/workload-rate.ts';
import { producerClocksChecker } from '../checker/producer-clocks.ts';

/** The result fields a checker fills on its own, each with its checker's figure (the ledger's fields are derived below). */
type CheckedField = 'atKill' | 'faults' | 'roundTrip' | 'alarms' | 'topics' | 'workloadRates' | 'translation' | 'invariants' | 'offsetSyncs' | 'keyOrder' | 'restarts' | 'acls' | 'catchUp' | 'producerClocks' | 'events';

/** One checker per result field, in results.json's order; a field without one does not compile. */
const checkers: { readonly [K in CheckedField]: Checker<Exclude<CellResult[K], undefined>> } = {
  atKill: atKillChecker,
  faults: faultsChecker,
  roundTrip: roundTripChecker,
  alarms: alarmsChecker,
  topics: topicsChecker,
  workloadRates: workloadRateChecker,
  translation: translationChecker,
  invariants: mm2InvariantsChecker,
  offsetSyncs: offsetSyncsChecker,
  keyOrder: keyOrderChecker,
  restarts: mirrorRestartsChecker,
  acls: aclFindingsChecker,
  catchUp: catchUpChecker,
  producerClocks: producerClocksChecker,
  /** What happened when, from the cell start (the origin of `phases` and `faults`) — the report's event table. */
  events: eventsChecker,
};

export function measureCell(input: CheckInput) {
  const figures = runCheckers(checkers, input);
  const { roundTrip } = figures;
  const { ix, events } = input;
  // A playbook's figures come from the round-trip ledger (the classic one assumes one failover);
  // it has no per-partition breakdown, and its samples are in `roundTrip`.
  const ledger = roundTrip
    ? {
      counts: roundTrip.counts, consistency: roundTrip.consistency, failoverGapMs: roundTrip.failoverGapMs, samples: null, partitions: {}, drainComplete: ix.drainComplete,
      backupReadComplete: eventsOf(events, 'read-complete').some((e) => e.what === 'backup-copies' && e.complete),
    }
    : ledgerChecker.run(input);
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
    ...figures,
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
export function judgeCell(s: Scenario, cell: { values: Record<string, string | number | boolean>; remoteTopics: readonly string[] }, m: Measured, input: CheckInput) {
  const checks = evaluate(s.thresholds, { values: cell.values, counts: m.counts, failoverGapMs: m.failoverGapMs, failoverRemainderMs: m.failoverRemainderMs, atKill: m.atKill, roundTrip: m.roundTrip, alarms: m.alarms, workloadRates: m.workloadRates, translation: m.translation });
  const failover = m.roundTrip === null && s.timeline.some((x) => x.action === 'kill-primary');
  const expected = failover ? checkBound(s, cell.remoteTopics, m, input.events, m.atKill.consumerBehind, input.ix) : null;
  const attribution = failover ? attribute(input.ix, expected?.parts, m.counts.skipped !== 'unknown') : null;
  const status: 'passed' | 'failed' | 'measured' =
    !m.consistency.holds || checks.some((c) => c.verdict !== 'pass') ? 'failed' : checks.length ? 'passed' : 'measured';
  return { checks, expected, attribution, status };
}
