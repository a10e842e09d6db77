/**
 * Head-of-line blocking on real clusters and real MirrorMaker 2 processes (scenarios/split-flows.ts,
 * `tasks.max` 1): a hot and a cold topic behind one flow, against a flow per topic, with the MM2 →
 * backup link slowed. Recomputed from the raw history where it matters: the acks, the per-partition
 * end offsets sampled every second, and the verification read of the backup.
 */
import { beforeAll, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import type { TopicReplication } from '../../src/core/checker/topic-replication.ts';
import { containersLeft, runDrill } from './helpers.ts';

let results: RunResults;
let history: HistoryEvent[];
let code: number | null;
let output: string;

beforeAll(async () => {
  const d = await runDrill('scenarios/split-flows.ts', 'split-flows', ['--only', 'mirror.tasksMax=1'], 600_000);
  ({ code, results, history } = d);
  output = `${d.stdout}\n${d.stderr}`;
}, 660_000);

const cell = (topology: string): CellResult => results.cells.find((c) => c.values['mirrors'] === topology)!;
const topic = (c: CellResult, name: string): TopicReplication => c.topics!.find((t) => t.topic === name)!;

it('runs one flow and split flows to the end, reading the backup completely', async () => {
  expect(code, output).toBe(0);
  expect(results.cells.map((c) => c.values['mirrors']).sort()).toEqual(['one-flow', 'split']);
  for (const c of results.cells) {
    expect(c.status, `${c.key}: ${c.error?.message}`).toBe('measured');
    expect(c.consistency?.checks.filter((x) => x.verdict === 'fail'), c.key).toEqual([]);
  }
  expect(await containersLeft(results.runId)).toBe(0);
});

it('loses only what the live consumer had not yet read at the kill and the backup never got', () => {
  for (const c of results.cells) {
    const h = history.filter((e) => e.cell === c.key);
    const kill = eventsOf(h, 'kill')[0]!.t;
    const onBackup = [...eventsOf(h, 'backup-record'), ...eventsOf(h, 'copy').filter((x) => x.cluster === 'backup')];
    const seen = new Set([...eventsOf(h, 'deliver'), ...onBackup].map((x) => x.id));
    const lost = eventsOf(h, 'ack').filter((a) => !seen.has(a.id));
    expect(lost.length, c.key).toBe(c.counts!.lost);
    // The consumer reads the primary live (the slow link is MM2's, not its own): a message it
    // never read was acked in the moment before the kill, never seconds earlier.
    for (const a of lost) expect(kill - a.t, `${c.key} ${a.id}`).toBeLessThan(3_000);
  }
});

it('the slow link holds the hot topic back in both topologies', () => {
  for (const c of results.cells) {
    const hot = topic(c, 'hot');
    expect(hot.lagSeconds!.max, c.key).toBeGreaterThan(5);
    expect(hot.notReplicated, c.key).toBeGreaterThan(100);
  }
});

it('behind one flow the cold topic waits behind the hot one; in a flow of its own it does not', () => {
  const one = topic(cell('one-flow'), 'cold');
  const split = topic(cell('split'), 'cold');
  expect(one.lagSeconds!.max).toBeGreaterThanOrEqual(2);
  expect(split.lagSeconds!.max).toBeLessThan(1.5);
  expect(one.lagSeconds!.max).toBeGreaterThan(2 * split.lagSeconds!.max);
});

it("what never reached the backup agrees with the lag sampled before the kill, per topic", () => {
  for (const c of results.cells) {
    const h = history.filter((e) => e.cell === c.key);
    const kill = eventsOf(h, 'kill')[0]!.t;
    const onBackup = new Set(eventsOf(h, 'copy').filter((x) => x.cluster === 'backup').map((x) => x.id));
    for (const name of ['hot', 'cold']) {
      const t = topic(c, name);
      const acked = eventsOf(h, 'ack').filter((a) => a.topic === name && a.t <= kill);
      // Recount from the raw events: acked before the kill and absent from the backup's read.
      expect(acked.filter((a) => !onBackup.has(a.id)).length, `${c.key} ${name}`).toBe(t.notReplicated);
      // A message missing from the backup was acked within the lag the backup had at the last
      // sample (a second before the kill), plus that second and the slack of a sample.
      if (t.rpoSeconds !== null) expect(t.rpoSeconds, `${c.key} ${name}`).toBeLessThanOrEqual(t.series.at(-1)![1] + 3);
    }
  }
});
