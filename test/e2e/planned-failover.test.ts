/**
 * The three planned failover modes of scenarios/planned-failover.ts on real clusters and a real
 * MirrorMaker 2: a controlled switchover leaves nothing behind and duplicates no more than MM2's
 * translation granularity; a cutoff leaves behind exactly what MM2 had not copied when it was
 * cut; a disaster is judged by the ledger. The figures are recounted from the raw history
 * (acks, deliveries, the verification reads, the offsets looked up at the cut).
 */
import { describe, expect, it } from 'vitest';
import scenario from '../../scenarios/planned-failover.ts';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import { expandMatrix } from '../../src/core/plan/matrix.ts';
import { expectedBound } from '../../src/core/checker/expected-bound.ts';
import { rpoOf } from '../../src/core/results/rpo.ts';
import { cellEvents, cellOf, containersLeft, runDrill } from './helpers.ts';

const primaryAcks = (h: HistoryEvent[]) => eventsOf(h, 'ack').filter((a) => (a.cluster ?? 'primary') === 'primary');
const onBackup = (h: HistoryEvent[]) => new Set(eventsOf(h, 'copy').filter((c) => c.cluster === 'backup').map((c) => c.id));
/** Σ over partitions of a − b, two `offsets` looked up on the same partitions. */
const sumDiff = (a: Record<string, string>, b: Record<string, string>) => Object.entries(a).reduce((n, [p, o]) => n + Number(o) - Number(b[p] ?? 0), 0);
const offsetsAt = (h: HistoryEvent[], label: string, cluster: string, topic: string) => eventsOf(h, 'offsets').find((o) => o.label === label && o.cluster === cluster && o.topic === topic)!.offsets;

describe('planned failover modes', () => {
  it('controlled leaves nothing behind, a cutoff leaves what MM2 had not copied, a disaster agrees with its ledger', async () => {
    const { code, results, history, stdout, stderr } = await runDrill('scenarios/planned-failover.ts', 'planned-failover', [], 900_000);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    for (const c of results.cells) {
      expect(c.status, `${c.key}: ${c.error?.message}`).toBe('measured');
      expect(c.consistency?.checks.filter((x) => x.verdict === 'fail'), c.key).toEqual([]);
    }

    // Controlled: every acked id on the backup and delivered; duplicates only MM2's translation granularity.
    const controlled = cellOf(results.cells, 'playbook=controlled');
    const h = cellEvents(history, controlled);
    const rt = controlled.roundTrip!;
    expect(rt.total.lost).toBe(0);
    expect(rt.total.skipped).toBe(0);
    expect(rt.absent.failover).toBe(0);
    expect(rpoOf(controlled)).toEqual({ messages: 0, seconds: 0 });
    const acks = eventsOf(h, 'ack');
    expect(acks.length).toBeGreaterThan(500);
    const deliveries = new Map<string, number>();
    for (const d of eventsOf(h, 'deliver')) deliveries.set(d.id, (deliveries.get(d.id) ?? 0) + 1);
    expect(acks.filter((a) => !deliveries.has(a.id))).toEqual([]);
    const backup = onBackup(h);
    expect(primaryAcks(h).filter((a) => !backup.has(a.id))).toEqual([]);
    const cell = expandMatrix(scenario, 'scenarios/planned-failover.ts').find((c) => c.id === controlled.cellId)!;
    const partitions = cell.scenario.topics.reduce((n, t) => n + t.partitions, 0);
    const slack = expectedBound(cell.scenario, { acked: acks.length, consumerLagAtKill: null }).parts['translation-slack']! / partitions;
    expect(slack).toBeGreaterThan(0);
    const twicePerPartition = new Map<string, number>();
    for (const a of acks) {
      const tp = `${a.cluster ?? 'primary'}:${a.topic}/${a.partition}`;
      if ((deliveries.get(a.id) ?? 0) > 1) twicePerPartition.set(tp, (twicePerPartition.get(tp) ?? 0) + 1);
    }
    for (const [tp, n] of twicePerPartition) expect(n, tp).toBeLessThanOrEqual(slack);
    expect([...twicePerPartition.values()].reduce((a, b) => a + b, 0)).toBe(rt.total.duplicated);
    // The write gap: from the last ack on the primary to the first on the backup, at least the waits and the consumers' move.
    const lastPrimary = Math.max(...primaryAcks(h).map((a) => a.t));
    const firstBackup = Math.min(...acks.filter((a) => a.cluster === 'backup').map((a) => a.t));
    expect(rt.writeGaps).toHaveLength(1);
    const gap = rt.writeGaps[0]!;
    expect(gap.durationMs).toBeGreaterThan(0);
    const step = (label: string) => rt.steps.find((s) => s.label === label)!;
    expect(firstBackup - lastPrimary).toBeGreaterThan(0);
    expect(firstBackup - lastPrimary).toBeGreaterThanOrEqual(step('producers-over').startMs - step('writes-stop').endMs!);
    // MM2's own bound, the one Kafka's MirrorConnectorsIntegrationBaseTest asserts: after a sync, a
    // group at the head resumes within offset.lag.max of its true place on every partition. The
    // syncs were read to their end when the steps ended (nothing killed the primary).
    expect(controlled.offsetSyncs).toMatchObject({ read: 'complete', offsetLagMax: 20 });
    expect(Object.keys(controlled.offsetSyncs!.partitions)).toHaveLength(partitions);
    const invariant = (name: string) => controlled.invariants!.find((i) => i.name === name)!;
    expect(invariant('offset-sync-rewind')).toMatchObject({ verdict: 'holds', findings: 0 });
    expect(invariant('offset-sync-misplaced')).toMatchObject({ verdict: 'holds', findings: 0 });
    const redeliveries = invariant('redelivery-beyond-lag-max');
    expect(redeliveries.findings).toBe(0);
    expect(redeliveries.checked + redeliveries.unknown).toBe(partitions);
    console.log('controlled: offset syncs', JSON.stringify(controlled.offsetSyncs), 'invariants', JSON.stringify(controlled.invariants!.map(({ samples: _, ...i }) => i)), 'translation at failover', JSON.stringify(Object.fromEntries(Object.entries(controlled.translation!.partitions).map(([tp, f]) => [tp, f.atFailover]))));

    // Cutoff: the deadline won, and what is left behind is what MM2 had not copied when it was cut.
    const cutoff = cellOf(results.cells, 'playbook=cutoff');
    const hc = cellEvents(history, cutoff);
    const rc = cutoff.roundTrip!;
    expect(rc.steps.find((s) => s.label === 'drained')!.detail).toMatch(/^cut off after/);
    const backupC = onBackup(hc);
    const leftBehind = primaryAcks(hc).filter((a) => !backupC.has(a.id));
    expect(leftBehind.length).toBeGreaterThan(0);
    expect(rc.absent.failover).toBe(leftBehind.length);
    expect(rpoOf(cutoff).messages).toBe(leftBehind.length);
    // MM2's own account when it was stopped, and the two clusters' ends as the verification read them.
    const uncopied = sumDiff(offsetsAt(hc, 'stopped-forward-source-end', 'primary', 'orders'), offsetsAt(hc, 'stopped-forward-copied', 'primary', 'orders'));
    const notOnBackup = sumDiff(offsetsAt(hc, 'verify-end', 'primary', 'orders'), offsetsAt(hc, 'verify-end', 'backup', 'primary.orders'));
    expect(leftBehind.length).toBe(notOnBackup);
    // MM2 commits its source offsets after the backup acked the records: its account can only trail what it wrote.
    expect(leftBehind.length).toBeLessThanOrEqual(uncopied);
    // Left behind on the primary only: the consumer read them there before it moved.
    const deliveredC = new Set(eventsOf(hc, 'deliver').map((d) => d.id));
    expect(leftBehind.filter((a) => !deliveredC.has(a.id))).toEqual([]);

    // On disaster: the ledger's figures are the history's.
    const disaster = cellOf(results.cells, 'playbook=disaster');
    const hd = cellEvents(history, disaster);
    const rd = disaster.roundTrip!;
    const killAt = eventsOf(hd, 'kill')[0]!.t;
    const backupD = onBackup(hd);
    const notReplicated = primaryAcks(hd).filter((a) => a.t < killAt && !backupD.has(a.id));
    expect(rd.absent.failover).toBe(notReplicated.length);
    const deliveredD = new Set(eventsOf(hd, 'deliver').map((d) => d.id));
    const neverDelivered = eventsOf(hd, 'ack').filter((a) => !deliveredD.has(a.id));
    const { lost, skipped, unreached } = rd.total;
    expect([lost, skipped, unreached].every((n) => typeof n === 'number')).toBe(true);
    expect(Number(lost) + Number(skipped) + Number(unreached)).toBe(neverDelivered.length);
    expect(rd.total.acked).toBe(eventsOf(hd, 'ack').length);
    expect(eventsOf(hd, 'ack').filter((a) => a.cluster === 'backup').length).toBeGreaterThan(0);
    expect(await containersLeft(results.runId)).toBe(0);
  }, 960_000);
});
