/**
 * The sides of a running drill (MM2-side paired variants, core/plan/pairing.ts): each lane sees
 * its own backup, MM2 and remote topics; what a side records goes to its own lanes' histories
 * only, what the drill shares to every lane's, with one time.
 */
import { describe, expect, it } from 'vitest';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { broadcastRecorder, type CellRecorder } from '../../src/adapters/recorder.ts';
import { sideOf, type DrillEnvironment } from '../../src/adapters/containers/environment.ts';
import { createDrillContext } from '../../src/run/playbook/drill-context.ts';
import type { CellContext } from '../../src/run/cell-context.ts';
import type { Supervisor } from '../../src/run/supervisor.ts';

const recorder = (cell: string): CellRecorder => {
  const events: HistoryEvent[] = [];
  return {
    cell,
    emit: (body: EventBody, t?: number) => {
      const e = { cell, t: t ?? Date.now(), ...body } as HistoryEvent;
      events.push(e);
      return e;
    },
    events: () => events,
  };
};

/** A cluster whose admin clients connect to nothing, each one a new object. */
const cluster = (name: string) => ({ name, kafka: () => ({ admin: () => ({ connect: async () => undefined, disconnect: async () => undefined }) }) });

describe('the sides of a drill', () => {
  const [b1, b2] = [cluster('backup'), cluster('backup2')];
  const side = (backup: unknown, remoteTopics: string[]) => ({ backup, mirror: null, remoteTopics, mirrorProperties: {} });
  const env = { primary: cluster('primary'), backup: b1, remoteTopics: ['primary.orders'], kafkaLog: '/dev/null', sides: [side(b1, ['primary.orders']), side(b2, ['orders'])] } as unknown as DrillEnvironment;
  const scenario = { topics: [{ name: 'orders' }], mirrors: {}, mirror: { policy: 'default' }, workload: { consumer: { groupId: 'g' } } };
  const recs = ['v1', 'v2', 'v3'].map(recorder);
  const specs = recs.map((rec, i) => ({ ctx: { cell: { id: `c${i}`, scenario }, repetition: 1 } as unknown as CellContext, rec, phase: () => undefined, side: i === 0 ? 0 : 1 }));
  const context = () => createDrillContext({ ctx: specs[0]!.ctx, env, rec: broadcastRecorder(recs), phase: () => undefined, sup: {} as Supervisor, explicit: false, lanes: specs });

  it("gives each side its own backup and remote topics, the primary's clients shared, the lanes in their variants' order", async () => {
    const d = await context();
    expect(d.sides).toHaveLength(2);
    expect(d.lanes.map((l) => l.rec)).toEqual(recs);
    expect(d.sides.map((s) => s.lanes.map((l) => l.rec.cell))).toEqual([['v1'], ['v2', 'v3']]);
    expect(d.sides[0]!.env).toBe(env);
    expect(d.sides[1]!.env.backup).toBe(b2);
    expect(d.sides[1]!.env.primary).toBe(env.primary);
    expect(await d.sides[1]!.views('backup')).toEqual(['orders']);
    expect(await d.sides[0]!.views('backup')).toEqual(['primary.orders']);
    expect(await d.sides[1]!.views('primary')).toEqual(['orders']);
    expect(d.sides[1]!.admins.get('primary')).toBe(d.admins.get('primary'));
    expect(d.sides[1]!.admins.get('backup')).not.toBe(d.admins.get('backup'));
    await Promise.all(d.sides.map((s) => s.admins.close()));
  });

  it("records a side's events in its own lanes' histories only, and the drill's in every one, at one time", async () => {
    const d = await context();
    const copied = d.sides[1]!.rec.emit({ type: 'backup-record', id: 'r-1', topic: 'orders', partition: 0, offset: '0' });
    const kill = d.rec.emit({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
    const types = recs.map((r) => [...r.events()].map((e) => e.type));
    expect(types).toEqual([['kill'], ['backup-record', 'kill'], ['backup-record', 'kill']]);
    expect(recs.slice(1).map((r) => r.events().at(0)!.t)).toEqual([copied.t, copied.t]);
    expect(recs.map((r) => r.events().at(-1)!.t)).toEqual([kill.t, kill.t, kill.t]);
  });

  it('is one side, the whole drill, when the variants share a backup', async () => {
    const one = specs.map((s) => ({ ...s, side: 0 }));
    const rec = broadcastRecorder(recs);
    const d = await createDrillContext({ ctx: one[0]!.ctx, env, rec, phase: () => undefined, sup: {} as Supervisor, explicit: false, lanes: one });
    expect(d.sides).toHaveLength(1);
    expect(d.sides[0]!.rec).toBe(rec);
    expect(d.sides[0]!.admins).toBe(d.admins);
    expect(sideOf(env, 0)).toBe(env);
  });
});
