import { describe, expect, it, vi } from 'vitest';
import type { Admin } from 'kafkajs';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { ackedOffsets, atKill, faultWindows, lagSeries, type AckedOffsets } from '../../src/core/checker/lag.ts';
import { startLagSampler } from '../../src/adapters/clients/lag-sampler.ts';
import { describeFault, faultSchema } from '../../src/core/scenario/faults.ts';
import { proxiesOf } from '../../src/adapters/containers/nemesis.ts';
import { brokersOf, planProxies } from '../../src/core/kafka/network-layout.ts';
import { startTimeline } from '../../src/run/timeline.ts';
import type { CellRecorder } from '../../src/adapters/recorder.ts';

const at = (t: number, body: EventBody): HistoryEvent => ({ cell: 'c', t, ...body }) as HistoryEvent;
const ack = (t: number, i: number) => at(t, { type: 'ack', id: `m${i}`, topic: 'orders', partition: 0, offset: String(i) });
const sample = (t: number, primaryEnd: number, backupEnd: number, backupGroupOffset = 0, consumerPosition = 0) =>
  at(t, { type: 'sample', primaryEnd, backupEnd, backupGroupOffset, consumerPosition });

describe('replication lag from the history', () => {
  // One message acked every 10 ms: message i at t = 1000 + 10 i.
  const acks = Array.from({ length: 500 }, (_, i) => ack(1000 + 10 * i, i));

  it('measures lag in messages and in ms (sample time − ack time of the newest replicated message)', () => {
    const [p] = lagSeries([...acks, sample(4000, 300, 100)]);
    expect(p?.lagMessages).toBe(200);
    expect(p?.lagMs).toBe(4000 - (1000 + 10 * 99));
  });

  it('reports lag and group-sync age at the last sample before the kill', () => {
    const events = [
      ...acks,
      sample(2000, 100, 90, 50, 95), sample(3000, 200, 180, 150, 195), sample(4000, 300, 280, 150, 290),
      at(4500, { type: 'kill', target: 'primary', signal: 'SIGKILL' }),
      sample(5000, 0, 0),
    ];
    expect(atKill(events)).toEqual({ lagMessages: 20, lagMs: 4000 - (1000 + 10 * 279), groupSyncAgeMs: 1500, groupSyncBehind: 140, consumerBehind: 10 });
  });

  it('counts records, not offsets, behind a transactional producer: its commit markers are no messages, and source offsets are not remote ones', () => {
    // Five transactions of one record each: records at 0, 2, 4, 6, 8 and markers at 1, 3, 5, 7, 9.
    const start = at(0, { type: 'cell-start', values: {}, settings: { workload: { transactionRecords: 1 } } });
    const tx = [0, 1, 2, 3, 4].map((i) => at(1000 + i, { type: 'ack', id: `m${i}`, topic: 'orders', partition: 0, offset: String(2 * i) }));
    const sampled = (backupEnd: number, synced: number) => at(2000, {
      type: 'sample', primaryEnd: 10, backupEnd, backupGroupOffset: synced, consumerPosition: 10,
      ends: { 'orders/0': [10, backupEnd] }, groups: { 'orders/0': [10, synced] },
    });
    const kill = at(3000, { type: 'kill', target: 'primary', signal: 'SIGKILL' });
    // Every record on the backup and the group synced to its end: nothing behind.
    expect(atKill([start, ...tx, sampled(5, 5), kill])).toMatchObject({ lagMessages: 0, groupSyncBehind: 0, consumerBehind: 0 });
    // Three records copied, the group synced to remote 3: two records behind on both counts.
    expect(atKill([start, ...tx, sampled(3, 3), kill])).toMatchObject({ lagMessages: 2, groupSyncBehind: 2, consumerBehind: 0 });
  });

  it('behind an exactly-once MM2 counts the copies a read_committed reader sees below a remote offset, not its markers and aborted copies', () => {
    const start = at(0, { type: 'cell-start', values: {}, settings: { mirror: { exactlyOnce: true } } });
    const acked = [0, 1, 2, 3, 4].map((i) => at(1000 + 10 * i, { type: 'ack', id: `m${i}`, topic: 'orders', partition: 0, offset: String(i) }));
    // On the backup: m0 m1, marker 2, an aborted copy of m2 at 3, marker 4, m2 at 5, marker 6.
    const copies = [[0, 0], [1, 1], [2, 5]].map(([i, o]) => at(9000, { type: 'backup-record', id: `m${i}`, topic: 'primary.orders', partition: 0, offset: String(o) }));
    const read = (complete: boolean) => at(9001, { type: 'read-complete', what: 'backup', complete, detail: '' });
    const sampled = at(2000, { type: 'sample', primaryEnd: 5, backupEnd: 7, backupGroupOffset: 0, consumerPosition: 5, ends: { 'orders/0': [5, 7] } });
    const [p] = lagSeries([start, ...acked, sampled, ...copies, read(true)]);
    // Offsets alone would read 0 behind: two records (m3, m4) were not copied, the newest copy is m2.
    expect(p).toMatchObject({ lagMessages: 2, lagMs: 2000 - 1020 });
    // Without a complete read of the backup the lag cannot be counted.
    expect(lagSeries([start, ...acked, sampled, ...copies, read(false)])[0]).toMatchObject({ lagMessages: null, lagMs: null });
  });

  it('the live lag a `replicationLagAbove` step waits on counts records behind a transactional producer too', async () => {
    const admin = (end: string, committed: string) => ({
      fetchTopicOffsets: async () => [{ partition: 0, high: end, low: '0', offset: end }],
      fetchOffsets: async () => [{ topic: 'x', partitions: [{ partition: 0, offset: committed }] }],
    }) as unknown as Admin;
    const tx = [0, 1, 2, 3, 4].map((i) => at(1000 + i, { type: 'ack', id: `m${i}`, topic: 'orders', partition: 0, offset: String(2 * i) }));
    const lagWith = async (acked?: () => AckedOffsets) => {
      const emitted: HistoryEvent[] = [];
      const recorder: CellRecorder = { cell: 'c', emit: (b) => { const e = at(2000, b); emitted.push(e); return e; }, events: () => emitted };
      const sampler = startLagSampler({ primary: () => admin('10', '10'), backup: () => admin('5', '5'), topics: ['orders'], remoteTopics: ['primary.orders'], groupId: 'g', recorder, intervalMs: 10, ...(acked ? { acked } : {}) });
      await vi.waitFor(() => expect(sampler.latest()).toBeDefined());
      await sampler.stop();
      return { lag: sampler.latest(), sample: emitted.find((e) => e.type === 'sample') };
    };
    const { lag, sample: recorded } = await lagWith(() => ackedOffsets(tx));
    expect(lag).toBe(0);
    expect(recorded).toMatchObject({ ends: { 'orders/0': [10, 5] }, groups: { 'orders/0': [10, 5] }, consumerPosition: 10, backupGroupOffset: 5 });
    expect((await lagWith()).lag).toBe(5); // without transactions offsets are records
  });

  it('knows nothing without a kill or samples', () => {
    expect(atKill(acks).lagMessages).toBeNull();
  });

  it('pairs fault starts and ends', () => {
    const w = faultWindows([
      at(10, { type: 'fault-start', step: 0, description: 'a', fault: {} }),
      at(20, { type: 'fault-start', step: 1, description: 'b', fault: {} }),
      at(30, { type: 'fault-end', step: 0, description: 'a', healed: true }),
    ]);
    expect(w.map((x) => [x.step, x.startT, x.endT, x.healed])).toEqual([[0, 10, 30, true], [1, 20, null, null]]);
  });
});

describe('faults', () => {
  it('fills defaults and describes each fault', () => {
    const f = faultSchema.parse({ fault: 'latency', link: 'mm2-primary', latencyMs: 500 });
    expect(describeFault(f)).toBe('latency 500 ms on mm2-primary (both)');
    expect(describeFault(faultSchema.parse({ fault: 'pause', target: 'mirror' }))).toBe('pause mirror');
  });
  it('maps a link to the proxies of every broker of its cluster for its client class', () => {
    const plan = planProxies([...brokersOf('primary', 3), ...brokersOf('backup', 1)]);
    expect(proxiesOf(plan, 'mm2-primary').map((p) => p.name)).toEqual(['primary-0-mirror', 'primary-1-mirror', 'primary-2-mirror']);
    expect(proxiesOf(plan, 'clients-backup').map((p) => p.name)).toEqual(['backup-0-client']);
  });
});

describe('timeline', () => {
  const recorder = () => {
    const events: HistoryEvent[] = [];
    const rec: CellRecorder = { cell: 'c', emit: (b) => { const e = at(Date.now(), b); events.push(e); return e; }, events: () => events };
    return { rec, events };
  };

  it('injects each fault when due, heals it after its duration, and heals the rest at the end', async () => {
    const { rec, events } = recorder();
    const log: string[] = [];
    const t = startTimeline({
      steps: [
        { at: 0, durationSeconds: 0.05, action: { fault: 'latency', link: 'mm2-primary', latencyMs: 5, jitterMs: 0, direction: 'both' } },
        { at: { acked: 10 }, action: { fault: 'pause', target: 'mirror' } },
        { at: { replicationLagAbove: 1000 }, action: { fault: 'kill-mirror' } },
        { at: 0, action: 'kill-primary' },
      ],
      workloadStart: Date.now(), signal: new AbortController().signal, acked: () => 50, lag: () => 10, rec,
      invoke: async (f, name) => { log.push(`+${f.fault}:${name}`); return async () => void log.push(`-${f.fault}`); },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect([...log].sort()).toEqual(['+latency:step0', '+pause:step1', '-latency']);
    expect(log.indexOf('-latency')).toBeGreaterThan(log.indexOf('+latency:step0'));
    expect(await t.healAll()).toEqual([]);
    expect(log.at(-1)).toBe('-pause');
    // Healed again on the way out: nothing more to heal, and the step not reached is not recorded twice.
    expect(await t.healAll()).toEqual([]);
    expect(events.filter((e) => e.type === 'step-not-reached').map((e) => (e as { step: number }).step)).toEqual([2]);
    expect(t.errors).toEqual([]);
  });

  it('a bounce loop restarts `times` times, `every` s apart; each measuring ends when the next restart begins, the last with the timeline', async () => {
    const { rec, events } = recorder();
    const restarts: { n: number; at: number; ended?: number }[] = [];
    const t = startTimeline({
      steps: [{ at: 0, action: { fault: 'restart', target: 'mirror', mode: 'clean', every: 0.05, times: 3 } }],
      workloadStart: Date.now(), signal: new AbortController().signal, acked: () => 0, lag: () => undefined, rec,
      invoke: async () => { throw new Error('a restart is measured, not invoked'); },
      restart: async (_f, _step, n, signal) => {
        const r = { n, at: Date.now() } as (typeof restarts)[number];
        restarts.push(r);
        return { measured: new Promise<void>((resolve) => signal.addEventListener('abort', () => { r.ended = Date.now(); resolve(); })) };
      },
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(restarts.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(restarts[1]!.at - restarts[0]!.at).toBeGreaterThanOrEqual(45);
    expect(restarts[0]!.ended).toBeGreaterThanOrEqual(restarts[1]!.at);
    expect(restarts[1]!.ended).toBeGreaterThanOrEqual(restarts[2]!.at);
    expect(restarts[2]!.ended).toBeUndefined();
    expect(await t.healAll()).toEqual([]);
    expect(restarts[2]!.ended).toBeDefined();
    expect(events.filter((e) => e.type === 'fault-start')).toHaveLength(3);
    expect(t.errors).toEqual([]);
  });

  it('a bounce loop without `times` stops at the kill of the primary', async () => {
    const { rec } = recorder();
    let killed = false;
    let n = 0;
    const t = startTimeline({
      steps: [{ at: 0, action: { fault: 'restart', target: 'mirror', mode: 'kill', every: 0.03 } }],
      workloadStart: Date.now(), signal: new AbortController().signal, acked: () => 0, lag: () => undefined, rec, killed: () => killed,
      invoke: async () => null,
      restart: async () => { n += 1; return { measured: Promise.resolve() }; },
    });
    await new Promise((r) => setTimeout(r, 100));
    killed = true;
    const before = n;
    await new Promise((r) => setTimeout(r, 150));
    expect(before).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(before + 1); // one may have been due as the kill came
    await t.healAll();
  });

  it('runs every rollback even when one fails, and reports the failure', async () => {
    const { rec } = recorder();
    const healed: string[] = [];
    const t = startTimeline({
      steps: [
        { at: 0, action: { fault: 'pause', target: 'primary' } },
        { at: 0, action: { fault: 'pause', target: 'mirror' } },
      ],
      workloadStart: Date.now(), signal: new AbortController().signal, acked: () => 0, lag: () => undefined, rec,
      invoke: async (f) => async () => {
        if (f.fault === 'pause' && f.target === 'primary') throw new Error('unpause failed');
        healed.push(f.fault === 'pause' ? f.target : f.fault);
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    const problems = await t.healAll();
    expect(problems).toEqual(['healing "pause primary" failed: unpause failed']);
    expect(healed).toEqual(['mirror']);
  });
});
