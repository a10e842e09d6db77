/**
 * A warm standby member of the group on the backup, against the group left empty there — the
 * shipped scenario, two paired variants facing one kill: MM2 syncs the empty group's offsets
 * (KIP-545) and not the standby's, whose failover resumes by auto.offset.reset (earliest):
 * everything the primary consumer had processed, again.
 */
import { beforeAll, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { runDrill } from './helpers.ts';

let results: RunResults;
let history: HistoryEvent[];
let code: number | null;
let output = '';

const cell = (standby: boolean): CellResult => results.cells.find((c) => c.values['failover.standbyOnBackup'] === standby)!;
const of = (c: CellResult) => history.filter((e) => e.cell === c.key);
const groupOf = (c: CellResult): string => eventsOf(of(c), 'failover-offsets')[0]!.group;
/** The group's committed offsets on the backup as the consumer failed over, per remote partition. */
const committedAtFailover = (c: CellResult): string[] => eventsOf(of(c), 'offsets').filter((e) => e.label === 'failover-committed').flatMap((e) => Object.values(e.offsets));
const ids = (events: readonly { id: string }[]) => new Set(events.map((e) => e.id));
const delivered = (c: CellResult, phase?: 'primary' | 'backup') => ids(eventsOf(of(c), 'deliver').filter((e) => phase === undefined || e.phase === phase));
const onBackup = (c: CellResult) => ids(eventsOf(of(c), 'backup-record'));

beforeAll(async () => {
  const d = await runDrill('scenarios/standby-group.ts', 'standby-group', [], 300_000);
  ({ code, results, history } = d);
  output = `${d.stdout}\n${d.stderr}`;
}, 320_000);

it('runs both variants paired: one environment, one kill, each within its expected bound', () => {
  expect(code, output).toBe(0);
  expect(results.cells).toHaveLength(2);
  expect(new Set(results.cells.map((c) => c.pairedRun?.environment)).size).toBe(1);
  for (const c of results.cells) {
    expect(c.consistency?.checks.filter((x) => x.verdict === 'fail'), c.key).toEqual([]);
    expect(c.expected?.holds, `${c.key}: ${c.expected?.evidence.join('; ')}`).toBe(true);
    expect(c.counts!.foreignDeliveries, c.key).toBe(0);
  }
});

it('a standby member joined the group on the backup before the group committed anything, and left only once the failover consumer was in', () => {
  const c = cell(true);
  const [joined, left, ...more] = eventsOf(of(c), 'standby');
  expect(more).toEqual([]);
  expect(joined).toMatchObject({ state: 'joined', group: groupOf(c), groupState: 'Stable' });
  expect(joined!.members).toBeGreaterThanOrEqual(1);
  const firstCommit = eventsOf(of(c), 'commit').find((e) => e.phase === 'primary')!;
  expect(joined!.t).toBeLessThan(firstCommit.t);
  // The failover consumer was a member when the standby left: the group never emptied on the backup.
  expect(left).toMatchObject({ state: 'left', group: groupOf(c) });
  expect(left!.groupState).not.toBe('Empty');
  expect(left!.members).toBeGreaterThanOrEqual(1);
  expect(left!.t).toBeGreaterThan(eventsOf(of(c), 'failover-offsets')[0]!.t);
  expect(eventsOf(of(cell(false)), 'standby')).toEqual([]);
});

it('MM2 checkpointed both groups, and synced only the empty one into the backup', () => {
  for (const standby of [false, true]) {
    const c = cell(standby);
    // MirrorCheckpointTask translated the standby's group too: its checkpoints are in the checkpoints topic.
    const checkpoints = eventsOf(of(c), 'checkpoint').filter((e) => e.group === groupOf(c));
    expect(checkpoints.length, c.key).toBeGreaterThan(0);
    expect(Math.max(...checkpoints.map((e) => Number(e.downstreamOffset))), c.key).toBeGreaterThan(0);
    const committed = committedAtFailover(c);
    expect(committed, c.key).toHaveLength(3);
    if (standby) expect(committed.every((o) => Number(o) < 0), `${c.key}: ${committed.join(', ')}`).toBe(true);
    else expect(committed.every((o) => Number(o) > 0), `${c.key}: ${committed.join(', ')}`).toBe(true);
  }
});

it('the empty group resumes near where the primary consumer stood: no skip, far fewer duplicates than the standby\'s re-read', () => {
  const empty = cell(false).counts!;
  const standby = cell(true).counts!;
  expect(empty.skipped).toBe(0);
  // What the group lost, MM2 never copied.
  expect(Number(empty.lost)).toBeLessThanOrEqual(Number(empty.notReplicated));
  expect(empty.duplicatedByFailover).toBeLessThan(standby.duplicatedByFailover);
  expect(empty.duplicatedByFailover).toBeLessThanOrEqual(cell(false).expected!.maxDuplicates);
});

it('the standby\'s group (earliest) processes again every message it had processed on the primary and MM2 had copied', () => {
  const c = cell(true);
  const backup = onBackup(c);
  const again = delivered(c, 'backup');
  const processed = [...delivered(c, 'primary')].filter((id) => backup.has(id));
  expect(processed.length).toBeGreaterThan(100);
  expect(processed.filter((id) => !again.has(id))).toEqual([]);
  expect(c.counts!.duplicatedByFailover).toBeGreaterThanOrEqual(processed.length);
  expect(c.counts!.skipped).toBe(0);
  expect(c.counts!.unreached).toBe(0);
  // The attribution names the cause: no offset on the backup, auto.offset.reset.
  expect(c.attribution?.duplicates.parts.map((p) => p.cause)).toEqual(['offset-reset']);
});

it("keeps the standby's reads out of the ledger: the test consumer's deliveries on the backup all follow the failover", () => {
  const c = cell(true);
  const failoverAt = eventsOf(of(c), 'failover-offsets')[0]!.t;
  const backupDeliveries = eventsOf(of(c), 'deliver').filter((e) => e.phase === 'backup');
  expect(backupDeliveries.filter((e) => e.t < failoverAt)).toEqual([]);
  // The consumers' own counts match the deliveries recorded: nothing else wrote any.
  const counted = eventsOf(of(c), 'positions').reduce((n, p) => n + p.delivered, 0);
  expect(counted).toBe(eventsOf(of(c), 'deliver').length);
});
