/**
 * The workload as two producer processes (`workload.processes: 2`), for real: each writes with its
 * own id space and records its outcomes in a segment of its own; when they stop, the segments go
 * into the cell's history. One ledger must then hold every ack of both: each acked id once,
 * classified, the consistency checks passing, and `report` deriving the same figures again.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, type EventOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { runCli, runDrill } from './helpers.ts';

const PROCESSES = 2;

describe(`the workload as ${PROCESSES} producer processes, the primary killed mid-stream`, () => {
  let results: RunResults;
  let history: HistoryEvent[];
  let dir: string;
  let cell: CellResult;
  let acks: EventOf<'ack'>[];
  /** Acked ids per process, by the `-w<k>-` of their ids. */
  let byProcess: Map<string, EventOf<'ack'>[]>;

  beforeAll(async () => {
    ({ results, history, dir } = await runDrill('scenarios/quickstart.ts', 'quickstart', [
      '--only', 'policy=default', '--set', `workload.processes=${PROCESSES}`, '--set', 'workload.ratePerSecond=2000', '--set', 'timeline.0.at=12',
    ]));
    cell = results.cells[0]!;
    acks = eventsOf(history, 'ack').filter((a) => a.cell === cell.key);
    byProcess = Map.groupBy(acks, (a) => /-(w\d+)-\d+$/.exec(a.id)?.[1] ?? 'none');
  }, 300_000);

  it('acks messages of every process, each in its own id space, none twice', () => {
    expect(cell.status).not.toBe('error');
    expect([...byProcess.keys()].sort()).toEqual(Array.from({ length: PROCESSES }, (_, k) => `w${k}`));
    for (const a of acks) expect(a.id).toMatch(new RegExp(`^${results.runId}-${cell.repetition}-w\\d+-\\d+$`));
    expect(new Set(acks.map((a) => a.id)).size).toBe(acks.length);
    // Two writers of each partition, one log: no offset taken twice.
    expect(new Set(acks.map((a) => `${a.topic}/${a.partition}@${a.offset}`)).size).toBe(acks.length);
    // Every outcome of a message is one outcome: no id both acked and failed or indeterminate.
    const others = [...eventsOf(history, 'fail'), ...eventsOf(history, 'indeterminate')].filter((e) => e.cell === cell.key).map((e) => e.id);
    const acked = new Set(acks.map((a) => a.id));
    expect(others.filter((id) => acked.has(id))).toEqual([]);
  });

  it('counts as acked the sum of what each process acked, and classifies every one of them', () => {
    const k = cell.counts!;
    expect(k.acked).toBe([...byProcess.values()].reduce((n, xs) => n + xs.length, 0));
    expect(k.acked).toBe(acks.length);
    expect(cell.backupReadComplete).toBe(true);
    expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated).toBe(k.acked);
    expect(k.deliveredPrimary).toBeGreaterThan(0);
    expect(k.deliveredBackup).toBeGreaterThan(0);
    expect(k.foreignDeliveries).toBe(0);
    expect(cell.consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
    expect(cell.consistency?.holds).toBe(true);
  });

  it('leaves one history: the segments are gone, and `report` derives the same figures from it', async () => {
    expect(readdirSync(dir).filter((f) => f.startsWith('producer-segments-'))).toEqual([]);
    const r = await runCli(['report', dir, '--json'], { timeoutMs: 120_000 });
    const again = (JSON.parse(r.stdout) as RunResults).cells[0]!;
    expect(again.counts).toEqual(cell.counts);
    expect(again.consistency).toEqual(cell.consistency);
    expect(again.workloadRates).toEqual(cell.workloadRates);
  }, 120_000);
});
