/**
 * A 2 × 2 matrix for real: a built-in and a custom replication policy (compiled from Java
 * source) × two offset.lag.max values, every cell on fresh clusters, every consistency check passed.
 */
import { beforeAll, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { RunResults } from '../../src/core/results/results.ts';
import { containersLeft, runDrill } from './helpers.ts';

let results: RunResults;
let history: HistoryEvent[];
let code: number | null;
let stdout: string;
let stderr: string;

beforeAll(async () => {
  ({ code, stdout, stderr, results, history } = await runDrill('test/fixtures/small-matrix.ts', 'small-matrix', ['--verbose'], 900_000));
}, 960_000);

it('runs all four cells and passes', () => {
  expect(code).toBe(0);
  expect(results.cells.map((c) => c.cellId).sort()).toEqual([
    'mirror.policy=default,mirror.offsetLagMax=0',
    'mirror.policy=default,mirror.offsetLagMax=100',
    'mirror.policy=suffix,mirror.offsetLagMax=0',
    'mirror.policy=suffix,mirror.offsetLagMax=100',
  ]);
  expect(results.summary).toHaveLength(4);
});

it('passes every consistency check in every cell, with complete reads', () => {
  for (const c of results.cells) {
    const k = c.counts!;
    expect(c.consistency?.checks.filter((x) => x.verdict === 'fail'), c.key).toEqual([]);
    expect(c.backupReadComplete && c.drainComplete, c.key).toBe(true);
    expect(k.acked, c.key).toBeGreaterThan(300);
    expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated, c.key).toBe(k.acked);
  }
});

it('runs MM2 with each cell\'s settings and names remote topics by the custom policy', () => {
  for (const c of results.cells) {
    expect(String(c.mirrorSettings['offset.lag.max'])).toBe(String(c.values['mirror.offsetLagMax']));
    const custom = c.values['mirror.policy'] === 'suffix';
    expect(c.mirrorSettings['replication.policy.class']).toBe(custom ? 'drill.SuffixReplicationPolicy' : 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy');
    expect(c.remoteTopics).toEqual([custom ? 'orders__from__primary' : 'primary.orders']);
    const backupTopics = new Set(eventsOf(history, 'backup-record').filter((e) => e.cell === c.key).map((e) => e.topic));
    expect(backupTopics).toEqual(new Set(c.remoteTopics));
  }
});

it('resumes from MM2-translated offsets under the custom policy too (not from the beginning)', () => {
  for (const c of results.cells.filter((x) => x.values['mirror.policy'] === 'suffix')) {
    // Falling back to auto.offset.reset=earliest would re-deliver everything.
    expect(c.counts!.deliveredBackup, c.key).toBeLessThan(c.counts!.acked / 2);
    const synced = eventsOf(history, 'offsets').find((e) => e.cell === c.key && e.label === 'failover-committed');
    expect(Object.values(synced?.offsets ?? {}).some((o) => Number(o) > 0), c.key).toBe(true);
  }
});

it('prints (--verbose) the comparison table with policies as rows and offset.lag.max as columns', () => {
  expect(stdout).toMatch(/policy\s*│\s*offsetLagMax=0\s*│\s*offsetLagMax=100/);
});

it('ends with the compact summary: one • line per cell run (no thresholds: measured), then the verdict', () => {
  const lines = stdout.split('\n');
  for (const c of results.cells) expect(lines.some((l) => l.startsWith(`• ${c.key} `) && /\backed \d+\b/.test(l)), c.key).toBe(true);
  expect(stdout).toMatch(/^MEASURED: 4 • measured of 4 cell run\(s\) — no threshold applied/m);
  const table = stdout.search(/policy\s*│\s*offsetLagMax=0/);
  expect(table).toBeGreaterThanOrEqual(0);
  expect(table).toBeLessThan(stdout.indexOf('MEASURED:')); // the tables come first, the verdict last
  expect(stdout).not.toMatch(/\x1b\[/); // not a terminal: no colours
});

it('shows on stderr each cell run\'s place in the plan, the time left once one finished, and each kill as it happens', () => {
  for (let i = 1; i <= 4; i++) expect(stderr).toMatch(new RegExp(`^\\[${i}/4\\] mirror\\.policy=\\S+#1( — ~[0-9hms]+ left)?$`, 'm'));
  expect(stderr).not.toMatch(/^\[1\/4\] \S+ — ~/m);
  expect(stderr).toMatch(/^\[2\/4\] \S+ — ~[0-9hms]+ left$/m);
  expect(stderr.match(/^» \[\d\/4\] \[\S+\] \+\d+\.\ds kill: SIGKILL primary$/gm)).toHaveLength(4);
});

it('leaves no container behind', async () => {
  expect(await containersLeft(results.runId)).toBe(0);
});
