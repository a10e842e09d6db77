/**
 * Production scale, for real: 50,000 msg/s asked over 120 partitions for 16 s — at least 100,000
 * acked — the primary killed while the consumer is still working through them. Every acked id must be classified, the
 * ledger's consistency checks must hold, the asked-vs-achieved report must be what the acks say,
 * and `report` must derive the same figures again from the compact history.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { runCli, runDrill } from './helpers.ts';

const ASKED = 50_000;
const ACKED = 100_000;
const PARTITIONS = 120;
const KILL_AT = 16;

describe(`scale: ${ACKED.toLocaleString('en-US')} messages over ${PARTITIONS} partitions, killed mid-stream`, () => {
  let results: RunResults;
  let history: HistoryEvent[];
  let dir: string;
  let cell: CellResult;
  let acks: HistoryEvent[];

  beforeAll(async () => {
    ({ results, history, dir } = await runDrill('scenarios/quickstart.ts', 'quickstart', [
      '--only', 'policy=default',
      '--set', `topics.0.partitions=${PARTITIONS}`, '--set', `workload.ratePerSecond=${ASKED}`, '--set', 'workload.messageBytes=100',
      // A kill at a time, not at an acked count: a producer held below the count would wait for it.
      '--set', `timeline.0.at=${KILL_AT}`,
    ]));
    cell = results.cells[0]!;
    acks = eventsOf(history, 'ack').filter((a) => a.cell === cell.key);
  }, 300_000);

  it('acks at least the messages asked for, over every partition, and classifies every one of them', () => {
    expect(cell.status).not.toBe('error');
    expect(acks.length).toBeGreaterThanOrEqual(ACKED);
    expect(new Set(acks.map((a) => (a as { partition: number }).partition)).size).toBe(PARTITIONS);
    const k = cell.counts!;
    expect(k.acked).toBe(acks.length);
    expect(cell.backupReadComplete).toBe(true);
    expect(typeof k.lost).toBe('number');
    expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated).toBe(k.acked);
    // Killed mid-stream: the consumer had met some of the messages on the primary, and met others first on the backup.
    expect(k.deliveredPrimary).toBeGreaterThan(0);
    expect(k.deliveredBackup).toBeGreaterThan(0);
    expect(k.foreignDeliveries).toBe(0);
  });

  it('passes the ledger\'s consistency checks', () => {
    expect(cell.consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
    expect(cell.consistency?.holds).toBe(true);
  });

  it('reports the asked rate and what the acks achieved, as a recount of the acks says', () => {
    const byCluster = Map.groupBy(acks, (a) => (a as { cluster?: string }).cluster ?? 'primary');
    const span = (xs: readonly { t: number }[]) => xs.reduce((m, a) => Math.max(m, a.t), -Infinity) - xs.reduce((m, a) => Math.min(m, a.t), Infinity);
    const windowMs = [...byCluster.values()].reduce((w, xs) => w + span(xs), 0);
    const [rate] = cell.workloadRates ?? [];
    expect(rate).toMatchObject({ topic: 'orders', askedPerSecond: ASKED, acked: acks.length, windowMs });
    expect(rate!.achievedPerSecond).toBeCloseTo((acks.length * 1000) / windowMs, 0);
    expect(rate!.belowAsked).toBe(acks.length * 1000 / windowMs / ASKED < 0.95);
  });

  it('derives the same figures again from the compact history, which is a fraction of its events as JSON', async () => {
    const r = await runCli(['report', dir, '--json'], { timeoutMs: 120_000 });
    const again = (JSON.parse(r.stdout) as RunResults).cells[0]!;
    expect(again.counts).toEqual(cell.counts);
    expect(again.consistency).toEqual(cell.consistency);
    expect(again.workloadRates).toEqual(cell.workloadRates);
    const json = history.reduce((b, e) => b + Buffer.byteLength(`${JSON.stringify(e)}\n`), 0);
    expect(statSync(join(dir, 'history.ndjson')).size).toBeLessThan(json / 3);
  }, 120_000);
});
