/**
 * The quickstart drill, for real: two Kafka clusters, MM2 in dedicated mode and Toxiproxy in
 * containers, the primary SIGKILLed mid-stream, the consumer group failed over to the backup.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import { containersLeft, runDrill } from './helpers.ts';

describe('quickstart drill (Default and Identity policies)', () => {
  let results: RunResults;
  let history: HistoryEvent[];
  let code: number | null;
  let stdout: string;
  let dir: string;

  beforeAll(async () => {
    ({ code, results, history, stdout, dir } = await runDrill('scenarios/quickstart.ts', 'quickstart'));
  }, 660_000);

  const cell = (policy: string): CellResult => {
    const c = results.cells.find((x) => x.policy === policy);
    if (!c) throw new Error(`no ${policy} cell`);
    return c;
  };

  it('passes and runs both cells', () => {
    expect(code).toBe(0);
    // The quickstart has no thresholds: it measures, it does not gate, and says so.
    expect(results.status).toBe('measured');
    expect(stdout).toContain('nothing was gated');
    expect(results.schemaVersion).toBe(2);
    expect(results.cells.map((c) => c.policy).sort()).toEqual(['default', 'identity']);
  });

  it.each([
    ['default', 'primary.orders'],
    ['identity', 'orders'],
  ])('%s: messages were acked, the classes add up, and the backup holds them under %s', (policy, remote) => {
    const c = cell(policy);
    const k = c.counts!;
    expect(k.acked).toBeGreaterThan(1000);
    expect(c.consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
    expect(c.backupReadComplete).toBe(true);
    expect(c.drainComplete).toBe(true);
    expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated).toBe(k.acked);
    expect(c.remoteTopics).toEqual([remote]);
    const backup = eventsOf(history, 'backup-record').filter((e) => e.cell === c.key);
    expect(backup.length).toBeGreaterThan(0);
    expect(new Set(backup.map((e) => e.topic))).toEqual(new Set([remote]));
    // Each acked id found on the backup was really produced by this cell.
    const acked = new Set(eventsOf(history, 'ack').filter((e) => e.cell === c.key).map((e) => e.id));
    expect(backup.filter((e) => !acked.has(e.id) ).length).toBeLessThanOrEqual(k.indeterminate);
  });

  it.each(['default', 'identity'])('%s: the drain ended past every record MM2 wrote: nothing landed on the backup after it', (policy) => {
    const c = cell(policy);
    const events = history.filter((e) => e.cell === c.key);
    // The drain's end offsets, seen still long enough (the watch's look-ups before it count).
    const end = eventsOf(events, 'offsets').filter((e) => e.label === 'drain-end');
    expect(end.length).toBeGreaterThan(0);
    const drainEnd = new Map(end.flatMap((e) => Object.entries(e.offsets).map(([p, o]) => [`${e.topic}/${p}`, BigInt(o)])));
    const records = eventsOf(events, 'backup-record');
    expect(records.length).toBeGreaterThan(0);
    expect(records.filter((r) => BigInt(r.offset) >= drainEnd.get(`${r.topic}/${r.partition}`)!)).toEqual([]);
    expect(c.counts!.unreached).toBe(0);
  });

  it.each(['default', 'identity'])('%s: the consumer resumed on the backup after the kill', (policy) => {
    const c = cell(policy);
    const events = history.filter((e) => e.cell === c.key);
    const kill = eventsOf(events, 'kill')[0]!;
    const backupDeliveries = eventsOf(events, 'deliver').filter((e) => e.phase === 'backup');
    expect(backupDeliveries.length).toBeGreaterThan(0);
    expect(backupDeliveries.every((e) => e.t > kill.t)).toBe(true);
    expect(eventsOf(events, 'deliver').filter((e) => e.phase === 'primary').every((e) => e.t <= kill.t + 60_000)).toBe(true);
    expect(c.failoverGapMs).toBeGreaterThan(0);
    for (const p of ['clusters-up', 'mirror-replicating', 'kill', 'first-backup-delivery', 'drain-done', 'verify-done'] as const) {
      expect(c.phases[p], p).toBeTypeOf('number');
    }
  });

  it.each(['default', 'identity'])("%s: report.html's first card states what the history recounts, in the same words as the terminal and summary.md", (policy) => {
    const c = cell(policy);
    const i = results.cells.indexOf(c);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const section = html.slice(html.indexOf(`<section class="cell" id="cell-${i}">`));
    const sentence = /<p class="verdict">([^<]*)<\/p>/.exec(section)![1]!;
    // Recounted from the history alone: each acked id's deliveries, and the ids the backup holds.
    const events = history.filter((e) => e.cell === c.key);
    const acked = new Set(eventsOf(events, 'ack').map((e) => e.id));
    const deliveries = new Map<string, number>();
    for (const d of eventsOf(events, 'deliver')) deliveries.set(d.id, (deliveries.get(d.id) ?? 0) + 1);
    const onBackup = new Set(eventsOf(events, 'backup-record').map((e) => e.id));
    const duplicated = [...acked].filter((id) => (deliveries.get(id) ?? 0) >= 2).length;
    const lost = [...acked].filter((id) => !deliveries.has(id) && !onBackup.has(id)).length;
    const notReplicated = [...acked].filter((id) => !onBackup.has(id)).length;
    const grouped = (x: number) => x.toLocaleString('en-US');
    expect(duplicated).toBe(c.counts!.duplicated);
    expect(sentence).toContain(duplicated ? `re-delivered ${grouped(duplicated)} message` : 're-delivered nothing');
    expect(sentence).toContain(lost === 0 && c.counts!.skipped === 0 ? 'nothing lost or skipped' : `${grouped(lost)} lost`);
    expect(sentence).toContain(`RPO ${grouped(notReplicated)} message`);
    // The RTO: kill → first delivery on the backup, from the history's own timestamps.
    const kill = eventsOf(events, 'kill')[0]!.t;
    const firstBackup = Math.min(...eventsOf(events, 'deliver').filter((e) => e.phase === 'backup').map((e) => e.t));
    expect(sentence).toContain(`back on the backup ${((firstBackup - kill) / 1000).toFixed(1)} s after the kill`);
    // The cards agree with results.json.
    const cards = [...section.slice(0, section.indexOf('</section>')).matchAll(/<div class="label">([^<]*)<\/div><div class="value">([^<]*)<\/div>/g)].map((m) => [m[1], m[2]]);
    expect(cards).toContainEqual(['duplicated', String(c.counts!.duplicated)]);
    expect(cards).toContainEqual(['lost', String(c.counts!.lost)]);
    // The same sentence in the terminal's final summary and in summary.md.
    expect(stdout).toContain(`  ${c.key}: ${sentence}`);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(sentence);
  });

  it('leaves no container behind', async () => {
    expect(await containersLeft(results.runId)).toBe(0);
  });
});
