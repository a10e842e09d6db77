/**
 * Alarms before the bad day, on a real MM2: 10 s in, MM2 is redeployed with checkpoints off
 * (scenarios/checkpoints-off.ts) while data keeps flowing; the primary is killed at 40 s and two
 * consumer groups fail over (mm2-sync and checkpoints, paired: one environment, one kill).
 * Asserted: the checkpoint alarm fires because of the break — not before it, and before the kill —
 * while the heartbeats MM2 writes stay fresh; and the failover re-delivers every message the group
 * processed on the primary after its last checkpoint.
 */
import { beforeAll, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history.ts';
import type { CellResult, RunResults } from '../../src/core/results.ts';
import { runDrill } from './helpers.ts';

let results: RunResults;
let history: HistoryEvent[];
let code: number | null;
let output: string;

beforeAll(async () => {
  const d = await runDrill('scenarios/checkpoints-off.ts', 'checkpoints-off', [], 600_000);
  ({ code, results, history } = d);
  output = d.stdout + d.stderr;
}, 660_000);

const alarm = (c: CellResult, signal: string) => c.alarms!.find((a) => a.signal === signal)!;
const mine = <T extends HistoryEvent>(c: CellResult, xs: T[]) => xs.filter((e) => e.cell === c.key);

it('runs both failovers in one environment, gated on an alarm before the kill', () => {
  expect(code).toBe(0);
  expect(results.cells).toHaveLength(2);
  for (const c of results.cells) {
    expect(c.consistency?.checks.filter((x) => x.verdict === 'fail'), c.key).toEqual([]);
    expect(c.checks.map((x) => [x.figure, x.verdict])).toEqual([['alarmsFiredBeforeKill', 'pass'], ['skipped', 'pass']]);
  }
  expect(new Set(results.cells.map((c) => c.pairedRun?.environment)).size).toBe(1);
  expect(output).toMatch(/alarm checkpointAgeSeconds > 10 FIRED/);
});

it('fires the checkpoint alarm because of the break: healthy before it, firing by the kill', () => {
  for (const c of results.cells) {
    const restart = mine(c, eventsOf(history, 'fault-start'))[0]!;
    const kill = mine(c, eventsOf(history, 'kill'))[0]!;
    const health = mine(c, eventsOf(history, 'health'));
    // Checkpoints arrived every second or two before MM2 was redeployed.
    const before = health.filter((h) => h.t > restart.t - 3000 && h.t <= restart.t).map((h) => h.values.checkpointAgeSeconds);
    expect(before.length, c.key).toBeGreaterThan(0);
    for (const v of before) expect(v, c.key).not.toBeNull();
    expect(Math.max(...(before as number[])), c.key).toBeLessThan(5);
    const a = alarm(c, 'checkpointAgeSeconds');
    const firstFired = Date.parse(c.startedAt) + a.firstFiredMs!;
    // It cannot fire before the last checkpoint (at the restart at the latest) is 10 s old.
    expect(firstFired - restart.t, c.key).toBeGreaterThanOrEqual(10_000 - 3000);
    expect(firstFired, c.key).toBeLessThan(kill.t);
    expect(a.firingAtKill, c.key).toBe(true);
    // No checkpoint since the restart: the age at the kill spans the break.
    expect(a.valueAtKill!, c.key).toBeGreaterThanOrEqual((kill.t - restart.t) / 1000 - 3);
  }
});

it('keeps data flowing: MM2\'s own heartbeats stay fresh and the backup trails the primary by seconds, not the break', () => {
  for (const c of results.cells) {
    expect(alarm(c, 'heartbeatAgeSeconds').valueAtKill!, c.key).toBeLessThan(5);
    expect(alarm(c, 'offsetSyncAgeSeconds').valueAtKill!, c.key).toBeLessThan(10);
    expect(c.atKill.lagMessages!, c.key).toBeLessThan(1000);
  }
});

it('re-delivers on the backup every message the group processed on the primary after its last checkpoint', () => {
  for (const c of results.cells) {
    const kill = mine(c, eventsOf(history, 'kill'))[0]!;
    const lastCheckpoint = kill.t - alarm(c, 'checkpointAgeSeconds').valueAtKill! * 1000;
    const onBackup = new Set(mine(c, eventsOf(history, 'backup-record')).map((e) => e.id));
    const deliveries = mine(c, eventsOf(history, 'deliver'));
    const again = new Set(deliveries.filter((d) => d.phase === 'backup').map((d) => d.id));
    // Processed (and committed) well after the last checkpoint: past any offset MM2 translated.
    const after = [...new Set(deliveries.filter((d) => d.phase === 'primary' && d.t > lastCheckpoint + 2000 && onBackup.has(d.id)).map((d) => d.id))];
    expect(after.length, c.key).toBeGreaterThan(2000);
    expect(after.filter((id) => !again.has(id)), c.key).toEqual([]);
    expect(c.counts!.duplicatedByFailover, c.key).toBeGreaterThanOrEqual(after.length);
  }
});
