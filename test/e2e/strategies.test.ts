/**
 * Failover strategies on the same drill, each checked against the expected bound, and the
 * harness's checkpoint decoding checked against Kafka's own RemoteClusterUtils.translateOffsets.
 * The strategies differ only on the consumer side, so they run paired: one environment, one
 * kill, one consumer group per strategy — and the physics of sharing is checked too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { runDrill } from './helpers.ts';

let results: RunResults;
let history: HistoryEvent[];
let code: number | null;
let dir: string;
const cell = (strategy: string): CellResult => results.cells.find((c) => c.values['failover.strategy'] === strategy)!;
/** The consumer group a variant ran as (each paired variant has its own). */
const groupOf = (c: CellResult): string => {
  const start = eventsOf(history, 'cell-start').find((e) => e.cell === c.key)!;
  return (start.settings as { workload: { consumer: { groupId: string } } }).workload.consumer.groupId;
};
const idsOf = (c: CellResult, type: 'ack' | 'backup-record') => new Set(history.filter((e) => e.cell === c.key && e.type === type).map((e) => (e as { id: string }).id));

beforeAll(async () => {
  ({ code, results, history, dir } = await runDrill('test/fixtures/strategies.ts', 'strategies', [], 900_000));
  if (process.env.MM2_DRILL_CAPTURE_CHECKPOINTS) {
    // Refreshes the decoder's fixture with real records: MM2_DRILL_CAPTURE_CHECKPOINTS=test/fixtures/checkpoints-captured.json
    // Raw records plus Kafka's own answer (RemoteClusterUtils) from the same moment: the expected
    // values come from Kafka, not from the decoder under test.
    const key = cell('checkpoints').key;
    const records = eventsOf(history, 'checkpoint').filter((e) => e.cell === key).map(({ key: k, value }) => ({ key: k, value }));
    const kafka = eventsOf(history, 'kafka-translation').find((e) => e.cell === key)!;
    writeFileSync(process.env.MM2_DRILL_CAPTURE_CHECKPOINTS, `${JSON.stringify({ kafka: results.environment.kafkaVersion, group: kafka.group, remoteTopic: cell('checkpoints').remoteTopics[0], translateOffsets: kafka.offsets, records }, null, 2)}\n`);
  }
}, 960_000);

it('runs every strategy and keeps every measurement within its expected bound', () => {
  expect(code).toBe(0);
  expect(results.cells).toHaveLength(4);
  for (const c of results.cells) {
    expect(c.consistency?.checks.filter((x) => x.verdict === 'fail'), c.key).toEqual([]);
    expect(c.expected, c.key).not.toBeNull();
    expect(c.expected!.holds, `${c.key}: ${c.expected!.evidence.join('; ')}`).toBe(true);
  }
});

it('agrees with Kafka: RemoteClusterUtils.translateOffsets = the harness\'s decoding of the checkpoints', () => {
  for (const c of results.cells) {
    expect(c.expected!.translationAgrees, `${c.key}: ${c.expected!.evidence.join('; ')}`).toBe(true);
  }
});

it('resumes the checkpoints strategy exactly where the decoded checkpoints say, as its own group', () => {
  const c = cell('checkpoints');
  const chosen = eventsOf(history, 'failover-offsets').find((e) => e.cell === c.key)!;
  expect(chosen.group).toBe(`${groupOf(c)}-checkpoints`);
  const decoded = eventsOf(history, 'checkpoint').filter((e) => e.cell === c.key && e.group === groupOf(c));
  for (const [tp, offset] of Object.entries(chosen.offsets)) {
    const p = Number(tp.slice(tp.lastIndexOf('/') + 1));
    expect(offset).toBe(decoded.filter((d) => d.partition === p).at(-1)?.downstreamOffset);
  }
  expect(Object.keys(chosen.offsets)).toHaveLength(3);
});

it('latest skips what the consumer had not processed and re-delivers nothing', () => {
  const k = cell('latest').counts!;
  expect(k.duplicated).toBe(0);
  expect(k.deliveredBackup).toBe(0);
});

it('mm2-sync resumes where MM2 synced the group (same group, offsets taken from the backup)', () => {
  const c = cell('mm2-sync');
  const chosen = eventsOf(history, 'failover-offsets').find((e) => e.cell === c.key)!;
  const synced = eventsOf(history, 'offsets').find((e) => e.cell === c.key && e.label === 'failover-committed')!;
  expect(chosen.group).toBe(groupOf(c));
  for (const [p, o] of Object.entries(synced.offsets)) expect(chosen.offsets[`${synced.topic}/${p}`]).toBe(o);
});

it('sets a strategy\'s offsets without joining the group: the harness\'s time stays out of the failover gap', () => {
  // kafkajs's admin.setOffsets joins the group and waits a fetch cycle (~5 s per topic); a
  // standalone commit takes a round trip. mm2-sync sets nothing and is the reference.
  for (const strategy of ['raw-copy', 'latest']) {
    const c = cell(strategy);
    const committed = eventsOf(history, 'offsets').find((e) => e.cell === c.key && e.label === 'failover-committed')!;
    const chosen = eventsOf(history, 'failover-offsets').find((e) => e.cell === c.key)!;
    expect(Object.keys(chosen.offsets).length, strategy).toBeGreaterThan(0);
    expect(chosen.t - committed.t, strategy).toBeLessThan(1000);
  }
  expect(cell('raw-copy').failoverGapMs! - cell('mm2-sync').failoverGapMs!).toBeLessThan(2000);
});

it('pairs the four strategies: one environment, one kill, the same messages, a consumer group each', () => {
  const [first, ...others] = results.cells;
  expect(new Set(results.cells.map((c) => c.pairedRun?.environment))).toEqual(new Set([first!.key]));
  expect(new Set(results.cells.map(groupOf)).size).toBe(4);
  const killAt = (c: CellResult) => eventsOf(history, 'kill').filter((e) => e.cell === c.key).map((e) => e.t);
  const acked = idsOf(first!, 'ack');
  const onBackup = idsOf(first!, 'backup-record');
  expect(acked.size).toBeGreaterThan(500);
  for (const c of others) {
    expect(killAt(c), c.key).toEqual(killAt(first!));
    // Every variant judged the same produced and replicated messages: only the consumer side differs.
    expect(idsOf(c, 'ack'), c.key).toEqual(acked);
    expect(idsOf(c, 'backup-record'), c.key).toEqual(onBackup);
    expect(c.counts!.acked).toBe(first!.counts!.acked);
    expect(c.counts!.notReplicated).toBe(first!.counts!.notReplicated);
  }
  // A message on the backup can be skipped or re-read, never lost: what a variant lost, MM2 never copied.
  for (const c of results.cells) expect(Number(c.counts!.lost), c.key).toBeLessThanOrEqual(Number(c.counts!.notReplicated));
  // Each consumer read on its own: the groups' deliveries differ (latest reads nothing on the backup).
  expect(cell('latest').counts!.deliveredBackup).toBe(0);
  expect(cell('mm2-sync').counts!.deliveredBackup).toBeGreaterThan(0);
});

it('reports each strategy against the baseline, run by run in the same environment', () => {
  const baseline = results.summary.find((s) => s.cellId === results.cells[0]!.cellId)!;
  expect(baseline.paired).toBeNull();
  for (const s of results.summary.slice(1)) {
    const runsOf = (id: string) => results.cells.filter((c) => c.cellId === id);
    const expected = runsOf(s.cellId)[0]!.counts!.duplicated - runsOf(baseline.cellId)[0]!.counts!.duplicated;
    expect(s.paired?.baseline).toBe(baseline.cellId);
    expect(s.paired?.figures.duplicated?.median, s.cellId).toBe(expected);
  }
  // summary.md shows them beside the independent figures, the baseline's row with "—".
  const md = readFileSync(join(dir, 'summary.md'), 'utf8');
  expect(md).toContain('paired Δ duplicated');
  expect(md).toMatch(/\| mm2-sync \|[^\n]*\| — \| — \| — \|\n/);
});
