/**
 * What one ledger must hold when the workload ran as several producers each with an id space
 * `…-w<k>-<n>` (producer processes, producer hosts): every acked id once, no offset acked twice,
 * every outcome of a message one outcome, every acked id classified, the consistency checks
 * passing, and `report` deriving the same figures again.
 */
import { expect } from 'vitest';
import { eventsOf, type EventOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { runCli } from './helpers.ts';

/** A cell's acks, grouped by the `w<k>` of their ids. */
export function acksByProducer(history: readonly HistoryEvent[], cell: CellResult): { acks: EventOf<'ack'>[]; byProducer: Map<string, EventOf<'ack'>[]> } {
  const acks = eventsOf(history, 'ack').filter((a) => a.cell === cell.key);
  return { acks, byProducer: Map.groupBy(acks, (a) => /-(w\d+)-\d+$/.exec(a.id)?.[1] ?? 'none') };
}

/** Acks of each of `producers`, each in its own id space, no id or offset acked twice, no id both acked and failed. */
export function expectOwnIdSpaces(results: RunResults, history: readonly HistoryEvent[], cell: CellResult, producers: number): void {
  const { acks, byProducer } = acksByProducer(history, cell);
  expect(cell.status, cell.error?.message).not.toBe('error');
  expect([...byProducer.keys()].sort()).toEqual(Array.from({ length: producers }, (_, k) => `w${k}`));
  for (const a of acks) expect(a.id).toMatch(new RegExp(`^${results.runId}-${cell.repetition}-w\\d+-\\d+$`));
  expect(new Set(acks.map((a) => a.id)).size).toBe(acks.length);
  // Several writers of each partition, one log: no offset taken twice.
  expect(new Set(acks.map((a) => `${a.topic}/${a.partition}@${a.offset}`)).size).toBe(acks.length);
  // Every outcome of a message is one outcome: no id both acked and failed or indeterminate.
  const others = [...eventsOf(history, 'fail'), ...eventsOf(history, 'indeterminate')].filter((e) => e.cell === cell.key).map((e) => e.id);
  const acked = new Set(acks.map((a) => a.id));
  expect(others.filter((id) => acked.has(id))).toEqual([]);
}

/** The acked count is the sum over the producers, and every acked id is classified with the consistency checks passing. */
export function expectOneLedger(history: readonly HistoryEvent[], cell: CellResult): void {
  const { acks, byProducer } = acksByProducer(history, cell);
  const k = cell.counts!;
  expect(k.acked).toBe([...byProducer.values()].reduce((n, xs) => n + xs.length, 0));
  expect(k.acked).toBe(acks.length);
  expect(cell.backupReadComplete).toBe(true);
  expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated).toBe(k.acked);
  expect(k.deliveredPrimary).toBeGreaterThan(0);
  expect(k.deliveredBackup).toBeGreaterThan(0);
  expect(k.foreignDeliveries).toBe(0);
  expect(cell.consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
  expect(cell.consistency?.holds).toBe(true);
}

/** `report` on the run directory derives the cell's figures again; returns its cell. */
export async function expectReportAgain(dir: string, cell: CellResult): Promise<CellResult> {
  const r = await runCli(['report', dir, '--json'], { timeoutMs: 120_000 });
  const again = (JSON.parse(r.stdout) as RunResults).cells[0]!;
  expect(again.counts).toEqual(cell.counts);
  expect(again.consistency).toEqual(cell.consistency);
  expect(again.workloadRates).toEqual(cell.workloadRates);
  return again;
}
