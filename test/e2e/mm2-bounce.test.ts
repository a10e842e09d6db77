/**
 * MM2 bounced mid-stream (SIGKILL, then clean stops), no failover: what each restart must physically
 * do to the copy on the backup, recounted from the raw history.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import { runDrill } from './helpers.ts';

describe('MM2 bounced mid-stream', () => {
  it('re-copies only what it copied before a restart, loses nothing, resumes after every restart', async () => {
    const started = Date.now();
    const { code, results, history, stdout, stderr } = await runDrill('test/fixtures/mm2-bounce.ts', 'mm2-bounce-e2e', [], 300_000);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const cell = results.cells[0]!;
    const restarts = cell.restarts!;
    expect(restarts.restarts.map((r) => r.mode)).toEqual(['kill', 'kill', 'clean', 'clean']);

    // Every restart was followed by MM2 copying again: a resume was seen, and the verification read
    // finds records at or beyond the backup's end at that restart.
    const restartEvents = eventsOf(history, 'mirror-restart').sort((a, b) => a.stoppedAt - b.stoppedAt);
    expect(restartEvents).toHaveLength(4);
    const records = eventsOf(history, 'backup-record');
    for (const [i, r] of restarts.restarts.entries()) {
      expect(typeof r.resumeMs, JSON.stringify(r)).toBe('number');
      const end = restartEvents[i]!.backupEnd;
      const copiedAfter = records.some((b) => {
        const e = end[`${b.topic}/${b.partition}`];
        return e !== undefined && BigInt(b.offset) >= BigInt(e);
      });
      expect(copiedAfter, JSON.stringify(end)).toBe(true);
    }

    // Nothing acked is missing from the backup: MM2 resumed from its stored offsets each time.
    expect(cell.backupReadComplete).toBe(true);
    expect(cell.counts!.notReplicated).toBe(0);

    // Replication duplicates recounted from the verification read: acked ids at several backup offsets.
    const acked = new Set(eventsOf(history, 'ack').map((a) => a.id));
    const copies = new Map<string, { tp: string; offset: bigint }[]>();
    const seen = new Set<string>();
    for (const b of records) {
      const at = `${b.topic}/${b.partition}@${b.offset}`;
      if (seen.has(at)) continue;
      seen.add(at);
      copies.set(b.id, [...(copies.get(b.id) ?? []), { tp: `${b.topic}/${b.partition}`, offset: BigInt(b.offset) }]);
    }
    const duplicated = [...copies].filter(([id, c]) => c.length > 1 && acked.has(id));
    expect(cell.counts!.replicationDuplicates).toBe(duplicated.length);

    // Each re-copy (a copy after the one before it, by offset) straddles a restart: the earlier copy
    // lies below the backup's end at that restart, the re-copy at or beyond it. An id re-copied after
    // two restarts (killed again before MM2's first offset flush since the last one) counts at both.
    const ends = restartEvents.map((e) => ({ mode: e.mode, end: e.backupEnd }));
    const perRestart = ends.map(() => new Set<string>());
    for (const [id, c] of duplicated) {
      const sorted = [...c].sort((a, b) => (a.offset < b.offset ? -1 : 1));
      expect(new Set(sorted.map((x) => x.tp)).size, `duplicate ${id} on several partitions`).toBe(1);
      for (let k = 1; k < sorted.length; k++) {
        const [prev, next] = [sorted[k - 1]!, sorted[k]!];
        const i = ends.findIndex((e) => e.end[prev.tp] !== undefined && prev.offset < BigInt(e.end[prev.tp]!) && BigInt(e.end[prev.tp]!) <= next.offset);
        expect(i, `duplicate ${id} at ${c.map((x) => `${x.tp}@${x.offset}`).join(', ')}: a re-copy straddles no restart`).toBeGreaterThanOrEqual(0);
        perRestart[i]!.add(id);
      }
    }
    expect(restarts.restarts.map((r) => r.duplicates)).toEqual(perRestart.map((s) => s.size));
    expect(restarts.unattributed).toBe(0);
    // A clean stop commits the source offsets of everything the backup acknowledged before the task
    // stops (WorkerSourceTask's final offset commit): nothing is copied twice.
    expect(restarts.restarts.filter((r) => r.mode === 'clean').map((r) => r.duplicates)).toEqual([0, 0]);
    console.log(`mm2-bounce e2e: ${((Date.now() - started) / 1000).toFixed(0)} s; restarts ${JSON.stringify(restarts)}; duplicates ${cell.counts!.replicationDuplicates}`);
  }, 300_000);
});
