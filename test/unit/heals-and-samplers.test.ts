import { expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import type { DrillContext } from '../../src/run/cell-context.ts';
import { Heals } from '../../src/run/playbook/heals.ts';
import { Samplers } from '../../src/run/playbook/samplers.ts';
import { Supervisor } from '../../src/run/supervisor.ts';
import type { RunningTimeline } from '../../src/run/timeline.ts';
import { waitUntil } from '../../src/adapters/wait.ts';

const supervisor = () => new Supervisor(new AbortController().signal);

const timeline = (log: string[], o: { undated?: string[]; all?: string[]; errors?: string[] } = {}): RunningTimeline => ({
  errors: o.errors ?? [],
  healUndated: async () => (log.push('timeline undated'), o.undated ?? []),
  healAll: async () => (log.push('timeline all'), o.all ?? []),
});

it('heals before the drain once for all lanes: the timeline\'s faults without a duration, then the playbook\'s', async () => {
  const log: string[] = [];
  const heals = new Heals(supervisor());
  heals.track(timeline(log, { undated: ['healing "latency" failed: gone'], errors: ['step 2: refused'] }));
  heals.add(async () => void log.push('playbook latency'), 'latency', null);
  heals.add(async () => { throw new Error('proxy gone'); }, 'cut', null);
  await Promise.all([heals.beforeDrain(), heals.beforeDrain()]);
  expect(log).toEqual(['timeline undated', 'playbook latency']);
  expect(heals.problems).toEqual(['step 2: refused', 'healing "latency" failed: gone', 'healing cut failed: proxy gone']);
  await heals.healAll();
  expect(log).toEqual(['timeline undated', 'playbook latency', 'timeline all']);
});

it('heals a fault with a duration when it is over; healAll awaits it', async () => {
  const log: string[] = [];
  const heals = new Heals(supervisor());
  heals.add(async () => void log.push('healed'), 'latency', 30);
  expect(log).toEqual([]);
  await heals.healAll();
  expect(log).toEqual(['healed']);
  expect(heals.problems).toEqual([]);
});

it('a fault with a duration that fails to heal fails the cell through its supervisor', async () => {
  const sup = supervisor();
  const heals = new Heals(sup);
  heals.add(async () => { throw new Error('no proxy'); }, 'cut', 0);
  await heals.healAll();
  expect(() => sup.check()).toThrow('healing cut failed: no proxy');
  expect(sup.signal.aborted).toBe(true);
});

it('on the way out heals what is still on, awaits the timed heals, and reports nothing', async () => {
  const log: string[] = [];
  const heals = new Heals(supervisor());
  heals.track({ errors: [], healUndated: async () => [], healAll: async () => { throw new Error('toxiproxy down'); } });
  heals.add(async () => { log.push('cut'); throw new Error('refused'); }, 'cut', null);
  heals.add(async () => void log.push('latency'), 'latency', 20);
  await heals.healTimeline();
  await heals[Symbol.asyncDispose]();
  expect(log).toEqual(['cut', 'latency']);
  expect(heals.problems).toEqual([]);
});

it('the lag samplers sample every lane until they are stopped, once, and no health monitor runs without alarms', async () => {
  const events: HistoryEvent[][] = [[], []];
  // Two sides (MM2-side paired variants): each lane sampled against its own backup.
  const lanes = events.map((e, i) => ({ groupId: `g${i}`, side: i, rec: { emit: (x: HistoryEvent) => void e.push(x) } }));
  const side = { env: { remoteTopics: [] }, admins: { get: () => ({}) } };
  const d = {
    ctx: { cell: { scenario: { kafka: {}, topics: [], alarms: {}, workload: { transactionRecords: 0 } } } },
    env: { remoteTopics: [] }, admins: { get: () => ({}) }, rec: { events: () => [] }, lanes, sides: [side, side], sup: supervisor(),
  } as unknown as DrillContext;
  const samplers = Samplers.start(d, new Set());
  samplers.watchHealth(new Set());
  await waitUntil(async () => events.every((e) => e.length > 0), { what: 'a sample of every lane', timeoutMs: 5000, intervalMs: 10 });
  expect(samplers.lag()).toBe(0);
  await Promise.all([samplers.stopLag(), samplers.stopLag()]);
  const taken = events.map((e) => e.length);
  await samplers.stop();
  await samplers[Symbol.asyncDispose]();
  expect(events.map((e) => e.length)).toEqual(taken);
  expect(events.flat().every((e) => e.type === 'sample')).toBe(true);
  expect(samplers.firing('checkpointAgeSeconds')).toBe(false);
});

it('reads no offset syncs between external clusters: the team\'s MM2 names the topic after an alias the scenario does not give', async () => {
  const asked: string[] = [];
  const d = {
    ctx: { cell: { scenario: { topics: [], alarms: {}, kafka: {}, workload: { transactionRecords: 0 }, external: { mirror: { sourceAlias: 'primary' } } } } },
    env: { remoteTopics: [] }, admins: { get: () => ({}), client: (c: string) => void asked.push(c) }, rec: { events: () => [] }, lanes: [], sides: [], sup: supervisor(),
  } as unknown as DrillContext;
  const samplers = Samplers.start(d, new Set());
  samplers.followSyncs();
  await samplers.beforeKill('primary');
  await samplers.stop();
  expect(asked).toEqual([]);
});
