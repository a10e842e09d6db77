/**
 * The MM2 gotchas, drilled on real clusters and a real MM2: a source topic recreated while MM2
 * was paused (and its recovery), and topic configs changed on the source (and `drift`).
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult } from '../../src/core/results/results.ts';
import { containersLeft, readHistory, runCli, runDirOf, runDrill, tempResultsDir, readResults } from './helpers.ts';

const cellOf = (cells: readonly CellResult[], playbook: string) => cells.find((c) => c.values.playbook === playbook)!;
const historyOf = (all: readonly HistoryEvent[], key: string) => all.filter((e) => e.cell === key);

describe('a source topic deleted and recreated with MM2 paused, then recovered', async () => {
  const d = await runDrill('test/fixtures/topic-recreation.ts', 'topic-recreation', [], 900_000);

  it('runs both playbooks and leaves nothing running', async () => {
    expect(d.code, `${d.stdout}\n${d.stderr}`).toBe(0);
    expect(await containersLeft(d.results.runId)).toBe(0);
  });

  it('paused: MM2 resumes the new incarnation at the offsets it stored for the old one, and never copies the head', () => {
    const cell = cellOf(d.results.cells, 'mm2-paused');
    const h = historyOf(d.history, cell.key);
    const created = eventsOf(h, 'topic').find((e) => e.change === 'created')!;
    const stored = eventsOf(h, 'offsets').find((e) => e.label === 'stopped-forward-copied' && e.topic === 'orders')!.offsets;
    const onBackup = new Map(eventsOf(h, 'copy').filter((c) => c.cluster === 'backup').map((c) => [c.id, c]));
    const fresh = eventsOf(h, 'ack').filter((a) => a.t > created.t);
    // Recomputed from the raw history: per source partition, the first new-incarnation offset copied.
    const firstCopied = new Map<number, number>();
    for (const a of fresh) if (onBackup.has(a.id)) firstCopied.set(a.partition, Math.min(firstCopied.get(a.partition) ?? Infinity, Number(a.offset)));
    for (const p of [0, 1, 2]) expect(firstCopied.get(p), `partition ${p}`).toBe(Number(stored[String(p)])); // the stored offset, not 0
    for (const p of [3, 4, 5]) expect(firstCopied.get(p), `new partition ${p}`).toBe(0); // no stored offset: earliest
    const head = fresh.filter((a) => !onBackup.has(a.id) && Number(a.offset) < (firstCopied.get(a.partition) ?? -1)).length;
    const [old, next] = cell.roundTrip!.incarnations;
    expect(head).toBeGreaterThan(100);
    expect(next!.headNotReplicated).toBe(head);
    // What MM2 had not copied of the old incarnation when it stopped was deleted before it could: never replicated.
    const deleted = eventsOf(h, 'topic').find((e) => e.change === 'deleted')!;
    const oldUncopied = eventsOf(h, 'ack').filter((a) => a.t < deleted.t && Number(a.offset) >= Number(stored[String(a.partition)]));
    expect(old!.notReplicated).toBe(oldUncopied.length);
    // The remote partitions hold the old incarnation, then the new one appended after it.
    for (const l of cell.roundTrip!.layouts.filter((x) => x.partition < 3)) {
      expect(l.runs[0]!.incarnation, `${l.topic}/${l.partition}`).toBe(1);
      expect(l.runs.at(-1)!.incarnation).toBe(2);
      expect(l.interleaved).toBe(false);
    }
  });

  it('recovered: the remote topic holds exactly the new incarnation, once each, and the consumer misses nothing', () => {
    const cell = cellOf(d.results.cells, 'recovered');
    const [old, next] = cell.roundTrip!.incarnations;
    expect(next!.copies.backup).toEqual({ none: 0, one: next!.classes.acked, two: 0, more: 0 });
    expect(old!.copies.backup).toMatchObject({ one: 0, two: 0, more: 0 }); // the old remote topic was deleted
    expect(cell.roundTrip!.layouts.every((l) => l.runs.every((r) => r.incarnation === 2))).toBe(true);
    expect(next!.classes).toMatchObject({ lost: 0, skipped: 0 });
    const h = historyOf(d.history, cell.key);
    expect(eventsOf(h, 'step').find((e) => e.action === 'reset-mirror-offsets' && e.state === 'end')?.detail).toMatch(/tombstones for orders partition\(s\) 0, 1, 2/);
  });
});

describe('topic configs changed on the source', async () => {
  const root = tempResultsDir();
  const run = await runCli(['run', 'test/fixtures/config-drift-kept.ts', '--keep', '--results', root], { timeoutMs: 600_000 });
  const dir = runDirOf(root, 'config-drift-kept');
  const results = readResults(dir);
  const history = readHistory(dir);

  it('MM2 propagates retention, cleanup policy and partitions within its intervals, and min.insync.replicas never', async () => {
    expect(run.code, run.stderr).toBe(0);
    const changes = results.cells[0]!.roundTrip!.configChanges;
    const by = (p: string) => changes.find((c) => c.property === p)!;
    for (const p of ['retention.ms', 'cleanup.policy', 'partitions']) {
      expect(by(p).propagatedMs, p).not.toBeNull();
      expect(by(p).propagatedMs! - by(p).changedMs, p).toBeLessThan(15_000); // sync every 5 s, refresh every 1 s, samples every 1 s
    }
    expect(by('min.insync.replicas')).toMatchObject({ propagatedMs: null, mm2: { action: 'never' } });
    const remote = eventsOf(history, 'topic-config').filter((e) => e.cluster === 'backup' && e.topic === 'primary.orders');
    expect(remote.length).toBeGreaterThan(1);
    expect(remote.every((e) => e.configs['min.insync.replicas'] !== '2')).toBe(true);
  });

  it('`drift` against the two kept clusters finds exactly what MM2 never syncs, and exits 1', async () => {
    const admin = (c: string) => new RegExp(`${c}\\s+admin\\s+(\\S+)`).exec(run.stderr)?.[1];
    const drift = await runCli(['drift', '--source', admin('primary')!, '--target', admin('backup')!, '--json'], { timeoutMs: 60_000 });
    const down = await runCli(['down', '--run', results.runId], { timeoutMs: 60_000 });
    expect(down.code).toBe(0);
    expect(drift.code, drift.stderr).toBe(1);
    const report = JSON.parse(drift.stdout) as { topics: number; drifts: { sourceTopic: string; remoteTopic: string; property: string; source: string; target: string; mm2: { action: string } }[] };
    expect(report.topics).toBe(1);
    expect(report.drifts.map((x) => [x.sourceTopic, x.remoteTopic, x.property, x.source, x.mm2.action])).toEqual([['orders', 'primary.orders', 'min.insync.replicas', '2', 'never']]);
    expect(await containersLeft(results.runId)).toBe(0);
  }, 150_000);
});
