/**
 * The workload as two producer processes (`workload.processes: 2`), for real: each writes with its
 * own id space and records its outcomes in a segment of its own; when they stop, the segments go
 * into the cell's history. One ledger must then hold every ack of both: each acked id once,
 * classified, the consistency checks passing, and `report` deriving the same figures again.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { runDrill } from './helpers.ts';
import { expectOneLedger, expectOwnIdSpaces, expectReportAgain } from './producers-ledger.ts';

const PROCESSES = 2;

describe(`the workload as ${PROCESSES} producer processes, the primary killed mid-stream`, () => {
  let results: RunResults;
  let history: HistoryEvent[];
  let dir: string;
  let cell: CellResult;

  beforeAll(async () => {
    ({ results, history, dir } = await runDrill('scenarios/quickstart.ts', 'quickstart', [
      '--only', 'policy=default', '--set', `workload.processes=${PROCESSES}`, '--set', 'workload.ratePerSecond=2000', '--set', 'timeline.0.at=12',
    ]));
    cell = results.cells[0]!;
  }, 300_000);

  it('acks messages of every process, each in its own id space, none twice', () => {
    expectOwnIdSpaces(results, history, cell, PROCESSES);
  });

  it('counts as acked the sum of what each process acked, and classifies every one of them', () => {
    expectOneLedger(history, cell);
  });

  it('leaves one history: the segments are gone, and `report` derives the same figures from it', async () => {
    expect(readdirSync(dir).filter((f) => f.startsWith('producer-segments-'))).toEqual([]);
    await expectReportAgain(dir, cell);
  }, 120_000);
});
