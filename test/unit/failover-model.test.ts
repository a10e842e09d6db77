import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, latestCheckpoints } from '../../src/core/kafka/checkpoint.ts';
import { expectedBound } from '../../src/core/checker/expected-bound.ts';
import { checkBound } from '../../src/core/checker/evidence.ts';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { buildLedger, type LedgerCounts } from '../../src/core/checker/ledger.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';

const fixture = 'test/fixtures/checkpoints-captured.json';

describe('checkpoint decoding, on records captured from a real MM2', () => {
  it('decodes the records to exactly what Kafka\'s RemoteClusterUtils.translateOffsets answered for them', () => {
    expect(existsSync(fixture), `${fixture} is missing: capture it with MM2_DRILL_CAPTURE_CHECKPOINTS=${fixture} npx vitest run test/e2e/strategies.test.ts`).toBe(true);
    const f = JSON.parse(readFileSync(fixture, 'utf8')) as { group: string; remoteTopic: string; translateOffsets: Record<string, string>; records: { key: string; value: string }[] };
    const decoded = f.records.map((r) => decodeCheckpoint(Buffer.from(r.key, 'base64'), Buffer.from(r.value, 'base64')));
    expect(decoded.length).toBeGreaterThan(0);
    for (const c of decoded) {
      expect(c.topic).toBe(f.remoteTopic); // the remote topic on the target, not the source one
      expect(c.metadata).toBe('');
      expect(c.downstreamOffset).toBeLessThanOrEqual(c.upstreamOffset); // translation never leads
    }
    const ours = Object.fromEntries([...latestCheckpoints(decoded, f.group)].map(([tp, c]) => [tp, String(c.downstreamOffset)]));
    expect(ours).toEqual(f.translateOffsets);
  });

  it('rejects truncated records and unknown versions instead of guessing', () => {
    const { records } = JSON.parse(readFileSync(fixture, 'utf8')) as { records: { key: string; value: string }[] };
    const r = records[0]!;
    const value = Buffer.from(r.value, 'base64');
    expect(() => decodeCheckpoint(Buffer.from(r.key, 'base64'), value.subarray(0, 10))).toThrow(/truncated/);
    const v1 = Buffer.from(value);
    v1.writeInt16BE(1, 0);
    expect(() => decodeCheckpoint(Buffer.from(r.key, 'base64'), v1)).toThrow(/version 1/);
  });

  it('keeps the newest checkpoint per partition of the group', () => {
    const mk = (p: number, down: bigint) => ({ group: 'g', topic: 'orders', partition: p, upstreamOffset: down, downstreamOffset: down, metadata: '' });
    const latest = latestCheckpoints([mk(0, 5n), mk(1, 7n), mk(0, 9n), { ...mk(0, 99n), group: 'other' }], 'g');
    expect([...latest].map(([k, c]) => [k, c.downstreamOffset])).toEqual([['orders/0', 9n], ['orders/1', 7n]]);
  });
});

describe('expected bound (MM2 translation model)', () => {
  const s = (over: object) => parseScenario({ name: 'x', workload: { ratePerSecond: 300, consumer: { commit: 'batch' } }, ...over }, 't');
  it('mm2-sync: slack min(offset.lag.max, records per flush) + rate × (checkpoint + sync + commit), per partition', () => {
    const b = expectedBound(s({ mirror: { offsetLagMax: 100, checkpointIntervalSeconds: 5, offsetFlushIntervalMs: 60_000 } }), { acked: 9000, consumerLagAtKill: 0 });
    // 100 msg/s per partition; slack 101; (5 + 5 + 1) s × 100 = 1100 → 1201 × 3
    expect(b.maxDuplicates).toBe(3 * 1201);
    expect(b.skipsPossible).toBe(false);
  });
  it('a frequent offset flush tightens the slack (delayed syncs, KAFKA-15906)', () => {
    const b = expectedBound(s({ mirror: { offsetLagMax: 100, checkpointIntervalSeconds: 1, offsetFlushIntervalMs: 100 }, failover: { strategy: 'checkpoints' } }), { acked: 1, consumerLagAtKill: 0 });
    expect(b.maxDuplicates).toBe(3 * (11 + 200));
  });
  it('a lagging group widens the slack to its distance from the head', () => {
    const b = expectedBound(s({ failover: { strategy: 'checkpoints' } }), { acked: 1, consumerLagAtKill: 3000 });
    expect(b.maxDuplicates).toBe(3 * (1000 + 200));
  });
  it('baselines: earliest re-delivers everything, latest only what MM2 copied after its look-up, but may skip', () => {
    expect(expectedBound(s({ failover: { strategy: 'earliest' } }), { acked: 4321, consumerLagAtKill: 0 })).toMatchObject({ maxDuplicates: 4321, skipsPossible: false });
    // Nothing left to copy at the last sample: at most a sample interval's production (300 msg/s × 1 s).
    expect(expectedBound(s({ failover: { strategy: 'latest' } }), { acked: 4321, consumerLagAtKill: 0, replicationLagAtKill: 0 })).toMatchObject({ maxDuplicates: 300, skipsPossible: true });
  });
  it('a standby member on the backup: the synced group resumes by auto.offset.reset, as MM2 never synced it (KIP-545)', () => {
    expect(expectedBound(s({ failover: { standbyOnBackup: true } }), { acked: 4321, consumerLagAtKill: 0 })).toMatchObject({ maxDuplicates: 4321, skipsPossible: false, parts: { 'offset-reset': 4321 } });
    expect(expectedBound(s({ failover: { standbyOnBackup: true, autoOffsetReset: 'latest' } }), { acked: 4321, consumerLagAtKill: 0, replicationLagAtKill: 0 })).toMatchObject({ maxDuplicates: 300, skipsPossible: true });
    // Without the standby the same group resumes from MM2's synced offsets: a bound far below everything.
    expect(expectedBound(s({}), { acked: 4321, consumerLagAtKill: 0 }).maxDuplicates).toBeLessThan(4321);
  });
});

describe('evidence when a measurement breaks the bound', () => {
  const at = (t: number, b: EventBody): HistoryEvent => ({ cell: 'c', t, ...b }) as HistoryEvent;
  const ledger = (dup: number, skipped: number, failed = false) => ({
    counts: { acked: 1000, duplicated: dup + 7, duplicatedByFailover: dup, skipped } as unknown as LedgerCounts,
    consistency: { holds: !failed, checks: failed ? [{ name: 'resume-at-chosen-offsets', verdict: 'fail' as const, detail: 'primary.orders/0 started at 530, chosen 520' }] : [] },
  });
  const scenario = parseScenario({ name: 'x', failover: { strategy: 'checkpoints' } }, 't');
  const base = [
    at(1, { type: 'commit', phase: 'primary', offsets: { 'orders/0': '500' } }),
    at(2, { type: 'failover-offsets', strategy: 'checkpoints', group: 'g-checkpoints', offsets: { 'primary.orders/0': '520' } }),
    at(3, { type: 'deliver', id: 'a', phase: 'backup', topic: 'primary.orders', partition: 0, offset: '530', ts: 0 }),
  ];
  /** Acked at source offsets [from, to) of orders/0 and copied to primary.orders/0 at the same offsets. */
  const copied = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i).flatMap((o) => [
    at(0, { type: 'ack', id: `m${o}`, topic: 'orders', partition: 0, offset: String(o) }),
    at(3, { type: 'backup-record', id: `m${o}`, topic: 'primary.orders', partition: 0, offset: String(o) }),
  ]);
  it('points at MM2 when translation is ahead of the committed position, and at the harness when the consumer did not start where told', () => {
    const b = checkBound(scenario, ['primary.orders'], ledger(0, 25, true), [...base, ...copied(490, 530)], 0);
    expect(b.holds).toBe(false);
    expect(b.evidence).toEqual([
      'harness or MM2: the checkpoints strategy had offsets for 1 of 3 partitions; the others resumed from auto.offset.reset=earliest',
      'harness: resume-at-chosen-offsets failed: primary.orders/0 started at 530, chosen 520',
      'MM2: primary.orders/0 translated to 520, past 20 record(s) the group had not committed (e.g. m500 at source offset 500; its last committed position 500 on the primary)',
    ]);
  });
  it('compares a translated (remote) offset with the commit through the records, not as a number: MM2 re-copied m5–m9, source 10 lands at remote 15', () => {
    const recopy = [
      at(1, { type: 'commit', phase: 'primary', offsets: { 'orders/0': '10' } }),
      at(2, { type: 'failover-offsets', strategy: 'checkpoints', group: 'g', offsets: { 'primary.orders/0': '15' } }),
      ...copied(0, 10),
      ...[5, 6, 7, 8, 9].map((n, i) => at(3, { type: 'backup-record', id: `m${n}`, topic: 'primary.orders', partition: 0, offset: String(10 + i) })),
    ];
    const mm2 = (events: HistoryEvent[]) => checkBound(scenario, ['primary.orders'], ledger(0, 0), events, 0).evidence.filter((e) => e.startsWith('MM2'));
    expect(mm2(recopy)).toEqual([]);
    // Remote 10–14 holding m10–m14 instead (never committed by the group): 15 is ahead.
    const ahead = [...recopy.filter((e) => !(e.type === 'backup-record' && Number(e.offset) >= 10)), ...copied(10, 15)];
    expect(mm2(ahead)).toEqual([expect.stringMatching(/translated to 15, past 5 record\(s\) the group had not committed \(e\.g\. m10 at source offset 10/)]);
  });
  it('compares Kafka\'s translation with the decoded checkpoints', () => {
    const events = [
      ...base,
      at(4, { type: 'checkpoint', group: 'drill-consumer', topic: 'primary.orders', partition: 0, upstreamOffset: '480', downstreamOffset: '480', key: '', value: '' }),
      at(5, { type: 'kafka-translation', group: 'drill-consumer', offsets: { 'primary.orders/0': '480' } }),
    ];
    expect(checkBound(scenario, ['primary.orders'], ledger(10, 0), events, 0).translationAgrees).toBe(true);
  });
  it('keys the cross-check by topic and partition: two topics with the same partition numbers agree', () => {
    const events = [
      ...base,
      at(4, { type: 'checkpoint', group: 'drill-consumer', topic: 'primary.orders', partition: 0, upstreamOffset: '480', downstreamOffset: '480', key: '', value: '' }),
      at(5, { type: 'checkpoint', group: 'drill-consumer', topic: 'primary.payments', partition: 0, upstreamOffset: '90', downstreamOffset: '90', key: '', value: '' }),
      at(6, { type: 'kafka-translation', group: 'drill-consumer', offsets: { 'primary.orders/0': '480', 'primary.payments/0': '90' } }),
    ];
    expect(checkBound(scenario, ['primary.orders', 'primary.payments'], ledger(10, 0), events, 0).translationAgrees).toBe(true);
  });
  it('compares only the failover\'s duplicates with the bound, not re-deliveries before the kill', () => {
    const b = checkBound(scenario, ['primary.orders'], ledger(100, 0), base, 0);
    expect(b.measuredDuplicates).toBe(100);
  });
});

describe('the latest strategy\'s bound', () => {
  const at = (t: number, b: EventBody): HistoryEvent => ({ cell: 'c', t, ...b }) as HistoryEvent;
  const latest = parseScenario({ name: 'x', workload: { ratePerSecond: 300 }, failover: { strategy: 'latest' } }, 't');
  it('allows what MM2 had not copied at the kill (the lag at the last sample, and a sample interval of production): it may copy it after the lookup', () => {
    expect(expectedBound(latest, { acked: 5000, consumerLagAtKill: 0, replicationLagAtKill: 40 })).toMatchObject({ maxDuplicates: 40 + 300, parts: { 'copied-after-lookup': 340 }, skipsPossible: true });
    // Lag unknown: MM2 may have anything left to copy.
    expect(expectedBound(latest, { acked: 5000, consumerLagAtKill: 0, replicationLagAtKill: null }).maxDuplicates).toBe(5000);
    const events = [
      at(1, { type: 'sample', primaryEnd: 10, backupEnd: 8, backupGroupOffset: 0, consumerPosition: 10 }),
      at(2, { type: 'kill', target: 'primary', signal: 'SIGKILL' }),
      at(3, { type: 'failover-offsets', strategy: 'latest', group: 'g-latest', offsets: { 'primary.orders/0': '8', 'primary.orders/1': '0', 'primary.orders/2': '0' } }),
    ];
    const ledger = { counts: { acked: 10, duplicated: 2, duplicatedByFailover: 2, skipped: 0 } as unknown as LedgerCounts, consistency: { holds: true, checks: [] } };
    const b = checkBound(latest, ['primary.orders'], ledger, events, 0);
    expect(b).toMatchObject({ holds: true, maxDuplicates: 2 + 300 });
  });
});

describe('the bound when the skips are unknown', () => {
  const at = (t: number, b: EventBody): HistoryEvent => ({ cell: 'c', t, ...b }) as HistoryEvent;
  const one = parseScenario({ name: 'x', topics: [{ name: 'orders', partitions: 1 }], failover: { strategy: 'mm2-sync' } }, 't');
  const events = [
    at(1, { type: 'commit', phase: 'primary', offsets: { 'orders/0': '5' } }),
    at(2, { type: 'failover-offsets', strategy: 'mm2-sync', group: 'g', offsets: { 'primary.orders/0': '5' } }),
  ];
  const ledger = (skipped: number | 'unknown') => ({
    counts: { acked: 10, duplicated: 0, duplicatedByFailover: 0, skipped } as unknown as LedgerCounts,
    consistency: { holds: true, checks: [] },
  });

  it('is unknown, not broken, when mm2-sync (no skips possible) cannot count its skips: the backup read was incomplete', () => {
    const b = checkBound(one, ['primary.orders'], ledger('unknown'), events, 0);
    expect(b.skipsPossible).toBe(false);
    expect(b.holds).toBe('unknown');
    expect(b.evidence.join(' ')).not.toMatch(/too tight/);
    expect(checkBound(one, ['primary.orders'], ledger(0), events, 0).holds).toBe(true);
    expect(checkBound(one, ['primary.orders'], ledger(3), events, 0).holds).toBe(false);
  });

  it('is unknown when one partition has no final position (the ledger cannot place its skips)', () => {
    const two = parseScenario({ name: 'x', topics: [{ name: 'orders', partitions: 2 }], failover: { strategy: 'mm2-sync' } }, 't');
    const history: HistoryEvent[] = [
      at(0, { type: 'cell-start', values: {}, settings: { workload: { idempotent: true, consumer: { groupId: 'g' } } } }),
      ...[0, 1].map((p) => at(1, { type: 'ack', id: `m${p}`, topic: 'orders', partition: p, offset: '0' })),
      at(2, { type: 'kill', target: 'primary', signal: 'SIGKILL' }),
      // Only partition 0 has an offset, a first delivery and a final position; m1 was never delivered.
      at(3, { type: 'failover-offsets', strategy: 'mm2-sync', group: 'g', offsets: { 'primary.orders/0': '0' } }),
      at(4, { type: 'deliver', id: 'm0', phase: 'backup', topic: 'primary.orders', partition: 0, offset: '0', ts: 0 }),
      at(5, { type: 'positions', phase: 'backup', offsets: { 'primary.orders/0': '1' }, delivered: 1 }),
      ...[0, 1].map((p) => at(6, { type: 'backup-record', id: `m${p}`, topic: 'primary.orders', partition: p, offset: '0' })),
      at(7, { type: 'read-complete', what: 'backup', complete: true, detail: '' }),
    ];
    const l = buildLedger(history);
    expect(l.counts.skipped).toBe('unknown');
    expect(checkBound(two, ['primary.orders'], l, history, 0).holds).toBe('unknown');
  });
});
