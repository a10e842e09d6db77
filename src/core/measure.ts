/** Everything a cell run measured, from its history alone (used by the drill and by `mm2-drill report`). */
import type { HistoryEvent } from './history.ts';
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

/** A finished cell passes when its ledger is consistent and every threshold passed (unknown does not). */
export const finishedStatus = (invariantHolds: boolean, checks: readonly { verdict: string }[]): 'passed' | 'failed' =>
  invariantHolds && checks.every((c) => c.verdict === 'pass') ? 'passed' : 'failed';
