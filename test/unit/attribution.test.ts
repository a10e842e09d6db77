import { describe, expect, it } from 'vitest';
import { attribute } from '../../src/core/checker/attribution.ts';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { indexHistory } from '../../src/core/history/history-index.ts';
import { buildLedger } from '../../src/core/checker/ledger.ts';
import { attributionText, partsText } from '../../src/render/attribution-text.ts';

let clock = 0;
const ev = (body: EventBody): HistoryEvent => ({ cell: 'c#1', t: ++clock, ...body }) as HistoryEvent;
const REMOTE = 'primary.orders';
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * m0–m9 acked at offsets 0–9 and all processed on the primary; the last commit said 8; MM2's
 * newest checkpoints translate upstream 5 → 3 and upstream 6 → 4; the group resumed at `resume`.
 */
function history(strategy: string, resume: number | null, o: { checkpoints?: boolean } = {}): HistoryEvent[] {
  return [
    ev({ type: 'cell-start', values: {}, settings: { workload: { idempotent: true, consumer: { groupId: 'g' } }, failover: { delaySeconds: 2 } } }),
    ...range(0, 10).map((n) => ev({ type: 'ack', id: `m${n}`, topic: 'orders', partition: 0, offset: String(n) })),
    ...range(0, 10).map((n) => ev({ type: 'deliver', id: `m${n}`, phase: 'primary', topic: 'orders', partition: 0, offset: String(n), ts: 0 })),
    ev({ type: 'commit', phase: 'primary', offsets: { 'orders/0': '8' } }),
    ev({ type: 'kill', target: 'primary', signal: 'SIGKILL' }),
    ...(o.checkpoints === false ? [] : [[5, 3], [6, 4]].map(([u, d]) =>
      ev({ type: 'checkpoint', group: 'g', topic: REMOTE, partition: 0, upstreamOffset: String(u), downstreamOffset: String(d), key: '', value: '' }))),
    ev({ type: 'failover-offsets', strategy, group: 'g', offsets: resume === null ? {} : { [`${REMOTE}/0`]: String(resume) } }),
    ...range(resume ?? 0, 12).map((n) => ev({ type: 'deliver', id: `m${n}`, phase: 'backup', topic: REMOTE, partition: 0, offset: String(n), ts: 0 })),
    ...range(0, 12).map((n) => ev({ type: 'backup-record', id: `m${n}`, topic: REMOTE, partition: 0, offset: String(n) })),
    ev({ type: 'read-complete', what: 'backup', complete: true, detail: '' }),
  ];
}
const parts = (events: HistoryEvent[], expected = {}) => {
  const a = attribute(indexHistory(events), expected)!;
  return { total: a.duplicates.total, byCause: Object.fromEntries(a.duplicates.parts.map((p) => [p.cause, p.messages])), a };
};

describe('attribution of the failover\'s duplicates', () => {
  it('splits mm2-sync duplicates into commit lag, group-sync lag and translation slack, adding up to the measured count', () => {
    const events = history('mm2-sync', 4);
    const { total, byCause } = parts(events);
    expect(byCause).toEqual({ 'commit-lag': 2, 'sync-lag': 2, 'translation-slack': 2 }); // m8–m9, m6–m7, m4–m5
    expect(total).toBe(buildLedger(events).counts.duplicatedByFailover);
  });

  it('says the split is unknown when no checkpoint translating to the resume offset was read', () => {
    expect(parts(history('mm2-sync', 4, { checkpoints: false })).byCause).toEqual({ 'commit-lag': 2, 'sync-or-translation': 4 });
  });

  it('says the predicted group-sync lag and translation slack are unknown, not 0, when their split is unknown', () => {
    const { a } = parts(history('mm2-sync', 4, { checkpoints: false }), { 'commit-lag': 40, 'sync-lag': 600, 'translation-slack': 3 });
    expect(a.duplicates.parts).toEqual(expect.arrayContaining([
      { cause: 'sync-or-translation', messages: 4, expectedMax: null },
      { cause: 'sync-lag', messages: 'unknown', expectedMax: 600 },
      { cause: 'translation-slack', messages: 'unknown', expectedMax: 3 },
    ]));
    expect(a.duplicates.total).toBe(6);
    const text = attributionText(a);
    expect(text).toContain('group-sync lag unknown (≤ 600), translation slack unknown (≤ 3)');
    expect(text).not.toMatch(/\b0 (group-sync lag|translation slack)/);
    expect(partsText(a.duplicates.parts)).toMatch(/^4 group-sync lag or translation slack .*, 2 consumer commit lag$/);
    // With the checkpoint read, the split is known: a predicted cause that measured nothing is 0.
    const known = parts(history('mm2-sync', 10), { 'sync-lag': 600 }).a.duplicates.parts;
    expect(known).toEqual([{ cause: 'sync-lag', messages: 0, expectedMax: 600 }]);
  });

  it('puts the expected bound next to each part, listing predicted causes that measured 0', () => {
    const { a } = parts(history('raw-copy', 8), { 'commit-lag': 40 });
    expect(a.duplicates.parts).toEqual([{ cause: 'commit-lag', messages: 2, expectedMax: 40 }]);
    const none = parts(history('mm2-sync', 10), { 'commit-lag': 40, 'sync-lag': 10 }).a.duplicates.parts;
    expect(none).toEqual([{ cause: 'commit-lag', messages: 0, expectedMax: 40 }, { cause: 'sync-lag', messages: 0, expectedMax: 10 }]);
  });

  it("takes a raw offset past the backup's end for what Kafka does with it: a reset by auto.offset.reset, not a harness bug", () => {
    // The backup holds m0–m11 (end 12); raw-copy chose 14, out of range: the consumer restarted at 0.
    const base = history('raw-copy', 0);
    const at = base.findIndex((e) => e.type === 'failover-offsets');
    const events = [
      ...base.slice(0, at),
      ev({ type: 'offsets', label: 'failover-end', cluster: 'backup', topic: REMOTE, offsets: { '0': '12' } }),
      ev({ type: 'failover-offsets', strategy: 'raw-copy', group: 'g', offsets: { [`${REMOTE}/0`]: '14' } }),
      ...base.slice(at + 1),
    ];
    expect(indexHistory(events).chosen?.outOfRange).toEqual(new Set([`${REMOTE}/0`]));
    expect(parts(events).byCause).toEqual({ 'offset-reset': 10 });
    const checks = buildLedger(events).consistency.checks;
    expect(checks.filter((c) => c.verdict === 'fail')).toEqual([]);
    expect(checks.find((c) => c.name === 'resume-at-chosen-offsets')?.detail).toMatch(/past the backup's end: reset by auto\.offset\.reset/);
    // Within the backup's end, starting elsewhere is still the harness's fault.
    const inRange = events.map((e) => (e.type === 'offsets' && e.label === 'failover-end' ? { ...e, offsets: { '0': '20' } } : e));
    expect(buildLedger(inRange).consistency.checks.find((c) => c.name === 'resume-at-chosen-offsets')?.verdict).toBe('fail');
  });

  it('latest: records MM2 copied to the backup after the end offsets were looked up, already processed on the primary, are its delivery lag', () => {
    // latest looked the backup's end up at 8; MM2 then wrote m8–m9 (and m10–m11); the primary consumer had processed m8–m9.
    const { byCause, total } = parts(history('latest', 8));
    expect(byCause).toEqual({ 'copied-after-lookup': 2 });
    expect(total).toBe(2);
  });

  it('names the baselines and a partition without an offset', () => {
    expect(parts(history('earliest', 0)).byCause).toEqual({ 'resumed-at-earliest': 10 });
    expect(parts(history('mm2-sync', null)).byCause).toEqual({ 'offset-reset': 10 });
  });
});

describe('attribution of skips', () => {
  it('a resume past messages the group had not committed is translation ahead of the commit', () => {
    const events = history('mm2-sync', 4).filter((e) => !(e.type === 'deliver' && e.phase === 'primary' && Number(e.offset) >= 2))
      .map((e) => (e.type === 'commit' ? { ...e, offsets: { 'orders/0': '2' } } : e));
    const a = attribute(indexHistory(events))!;
    expect(a.skips).toEqual({ total: 2, parts: [{ cause: 'translation-ahead', messages: 2, expectedMax: null }] }); // m2, m3
  });

  it('latest skips everything not processed at the kill', () => {
    const events = history('latest', 11).filter((e) => !(e.type === 'deliver' && e.phase === 'primary' && Number(e.offset) >= 7))
      .map((e) => (e.type === 'commit' ? { ...e, offsets: { 'orders/0': '7' } } : e));
    expect(attribute(indexHistory(events))!.skips.parts).toEqual([{ cause: 'resumed-at-latest', messages: 3, expectedMax: null }]);
  });
});

describe('attribution of skips the primary consumer caused', () => {
  it('an id committed on the primary but never delivered there is committed-unseen', () => {
    const events = history('latest', 11).filter((e) => !(e.type === 'deliver' && e.phase === 'primary' && Number(e.offset) >= 7));
    expect(attribute(indexHistory(events))!.skips.parts.find((p) => p.cause === 'committed-unseen')?.messages).toBe(1); // m7: commit said 8
  });
});

describe('raw-copy', () => {
  it('duplicates committed after the offsets were copied are copy lag', () => {
    expect(parts(history('raw-copy', 6)).byCause).toEqual({ 'copy-lag': 2, 'commit-lag': 2 }); // m6–m7 below the commit at 8, m8–m9 above
  });
});
