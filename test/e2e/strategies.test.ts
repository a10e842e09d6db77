/**
 * Failover strategies on the same drill, each checked against the expected bound, and the
 * harness's checkpoint decoding checked against Kafka's own RemoteClusterUtils.translateOffsets.
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history.ts';
import type { CellResult, RunResults } from '../../src/core/results.ts';
import { runDrill } from './helpers.ts';

let results: RunResults;
let history: HistoryEvent[];
let code: number | null;
const cell = (strategy: string): CellResult => results.cells.find((c) => c.values['failover.strategy'] === strategy)!;

beforeAll(async () => {
  ({ code, results, history } = await runDrill('test/fixtures/strategies.ts', 'strategies', [], 900_000));
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
  expect(chosen.group).toBe('drill-consumer-checkpoints');
  const decoded = eventsOf(history, 'checkpoint').filter((e) => e.cell === c.key && e.group === 'drill-consumer');
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
  expect(chosen.group).toBe('drill-consumer');
  for (const [p, o] of Object.entries(synced.offsets)) expect(chosen.offsets[`${synced.topic}/${p}`]).toBe(o);
});
