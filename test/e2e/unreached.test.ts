/**
 * Messages on the backup beyond where the consumer stopped are `unreached` — never skipped,
 * never lost — and faults without a duration are healed before the drain.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import { containersLeft, runDrill } from './helpers.ts';

describe('a drain that ends before the consumer reaches the end', () => {
  it('counts what lies beyond the consumer\'s final position as unreached, not skipped', async () => {
    const { code, results, history, stdout, stderr } = await runDrill('test/fixtures/unreached.ts', 'unreached', [], 400_000);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const cell = results.cells[0]!;
    const k = cell.counts!;
    expect(cell.consistency?.checks.filter((c) => c.verdict === 'fail')).toEqual([]);
    expect(k.skipped).toBe(0);
    expect(cell.drainComplete).toBe(false);
    expect(k.unreached).toBeGreaterThan(100); // the primary consumer trailed by ~25 msg/s for 16 s

    // Recomputed from the raw history: the acked ids on the backup the consumer never got lie at
    // or beyond its final position, and every backup record below that position was delivered.
    const delivered = new Set(eventsOf(history, 'deliver').map((d) => d.id));
    const deliveredOnBackup = new Set(eventsOf(history, 'deliver').filter((d) => d.phase === 'backup').map((d) => d.id));
    const final = eventsOf(history, 'positions').find((p) => p.phase === 'backup')!;
    const acked = new Set(eventsOf(history, 'ack').map((a) => a.id));
    const records = eventsOf(history, 'backup-record').filter((r) => acked.has(r.id));
    const position = (r: (typeof records)[number]) => BigInt(final.offsets[`${r.topic}/${r.partition}`] ?? '0');
    const beyond = records.filter((r) => !delivered.has(r.id));
    expect(beyond.length).toBe(k.unreached);
    expect(beyond.every((r) => BigInt(r.offset) >= position(r))).toBe(true);
    expect(records.filter((r) => BigInt(r.offset) < position(r)).every((r) => deliveredOnBackup.has(r.id))).toBe(true);

    // The order in the history: the undated latency healed before the drain started; the
    // refusal (its duration outlasting the drill) healed after the drain was done.
    const phaseAt = (p: string) => eventsOf(history, 'phase').find((e) => e.phase === p)!.t;
    const healed = (step: number) => eventsOf(history, 'fault-end').find((e) => e.step === step)!;
    expect(healed(1).t).toBeLessThanOrEqual(phaseAt('drain-started'));
    expect(healed(0).t).toBeGreaterThanOrEqual(phaseAt('drain-done'));
    expect(await containersLeft(results.runId)).toBe(0);
  }, 420_000);
});
