/**
 * Messages that reach the backup only after the consumer stopped are `unreached` — never
 * skipped, never lost — and faults without a duration are healed before the drain.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history.ts';
import { containersLeft, runDrill } from './helpers.ts';

describe('MM2 held back past the drain', () => {
  it('counts what landed after the consumer stopped as unreached, beyond its final position', async () => {
    const { code, results, history, stdout, stderr } = await runDrill('test/fixtures/unreached.ts', 'unreached', [], 400_000);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const cell = results.cells[0]!;
    const k = cell.counts!;
    expect(cell.consistency?.checks.filter((c) => c.verdict === 'fail')).toEqual([]);
    expect(k.skipped).toBe(0);
    expect(k.unreached).toBeGreaterThan(300); // ~6 s × 150 msg/s fetched by MM2 while refused by the backup

    // Recomputed from the raw history: never delivered, on the backup at or beyond where the
    // consumer stopped, and written there after the drain had ended.
    const delivered = new Set(eventsOf(history, 'deliver').map((d) => d.id));
    const final = eventsOf(history, 'positions').find((p) => p.phase === 'backup')!;
    const drainEnd = eventsOf(history, 'offsets').filter((o) => o.label === 'drain-end' && o.cluster === 'backup');
    const endAtDrain = new Map(drainEnd.flatMap((o) => Object.entries(o.offsets).map(([p, e]) => [`${o.topic}/${p}` as string, BigInt(e)] as const)));
    const acked = new Set(eventsOf(history, 'ack').map((a) => a.id));
    const beyond = eventsOf(history, 'backup-record').filter((r) => acked.has(r.id) && !delivered.has(r.id));
    expect(beyond.length).toBe(k.unreached);
    for (const r of beyond) {
      const tp = `${r.topic}/${r.partition}`;
      expect(BigInt(r.offset)).toBeGreaterThanOrEqual(BigInt(final.offsets[tp] ?? '0'));
      expect(BigInt(r.offset)).toBeGreaterThanOrEqual(endAtDrain.get(tp)!);
    }

    // The order in the history: the undated latency healed before the drain started; the
    // refusal (its duration outlasting the drill) healed after the drain was done.
    const phaseAt = (p: string) => eventsOf(history, 'phase').find((e) => e.phase === p)!.t;
    const healed = (step: number) => eventsOf(history, 'fault-end').find((e) => e.step === step)!;
    expect(healed(1).t).toBeLessThanOrEqual(phaseAt('drain-started'));
    expect(healed(0).t).toBeGreaterThanOrEqual(phaseAt('drain-done'));
    expect(await containersLeft(results.runId)).toBe(0);
  }, 420_000);
});
