import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import { topicReplication } from '../../src/core/checker/topic-replication.ts';
import { topicsOfFlow } from '../../src/core/kafka/mm2-topic-filter.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { topicRates } from '../../src/core/scenario/scenario.ts';

const T0 = 1_000_000;
const ev = (t: number, e: Record<string, unknown>) => ({ cell: 'c', t: T0 + t, ...e }) as HistoryEvent;
const ack = (t: number, topic: string, partition: number, offset: number) => ev(t, { type: 'ack', id: `${topic}-${partition}-${offset}`, topic, partition, offset: String(offset) });
const sample = (t: number, ends: Record<string, [number, number]>) => ev(t, { type: 'sample', primaryEnd: 0, backupEnd: 0, backupGroupOffset: 0, consumerPosition: 0, ends });
/** The backup's copy of an ack, at the same partition and offset of its remote topic (or `shift` further). */
const copy = (a: HistoryEvent, shift = 0) => {
  const { id, topic, partition, offset } = a as { id: string; topic: string; partition: number; offset: string };
  return ev(60_000, { type: 'copy', cluster: 'backup', id, topic: `primary.${topic}`, partition, offset: String(Number(offset) + shift) });
};

describe('replication per topic', () => {
  // hot: one message a second on partition 0; cold: one every 2 s. The backup copies the hot
  // partition 3 s late from t=4 s, the cold one with it (head-of-line), then the kill at 10 s.
  const hot = Array.from({ length: 10 }, (_, i) => ack(i * 1000, 'hot', 0, i));
  const cold = Array.from({ length: 5 }, (_, i) => ack(i * 2000, 'cold', 0, i));
  const samples = [
    sample(2000, { 'hot/0': [3, 3], 'cold/0': [2, 2] }),
    sample(6000, { 'hot/0': [7, 3], 'cold/0': [4, 2] }),
    sample(9000, { 'hot/0': [10, 6], 'cold/0': [5, 3] }),
  ];
  const kill = ev(10_000, { type: 'kill', target: 'primary', signal: 'SIGKILL' });
  const started = ev(0, { type: 'phase', phase: 'workload-started' });
  const read = ev(60_000, { type: 'read-complete', what: 'backup-copies', complete: true, detail: '' });
  const copies = [...hot.slice(0, 8), ...cold.slice(0, 4)].map((a) => copy(a));

  it('lag in seconds: the age of the oldest acked message not yet on the backup, per sample', () => {
    const [h, c] = topicReplication([started, ...hot, ...cold, ...samples, kill, ...copies, read], T0);
    expect(h!.topic).toBe('hot');
    // t=2: caught up; t=6: offset 3 acked at 3 s is missing (3 s); t=9: offset 6 acked at 6 s (3 s).
    expect(h!.series).toEqual([[2, 0], [6, 3], [9, 3]]);
    expect(h!.lagSeconds).toEqual({ median: 3, max: 3, samples: 3 });
    expect(h!.lagMessagesMax).toBe(4);
    // cold: t=6 offset 2 acked at 4 s (2 s); t=9 offset 3 acked at 6 s (3 s).
    expect(c!.series).toEqual([[2, 0], [6, 2], [9, 3]]);
  });
  it('what never reached the backup, and the window it covers', () => {
    const [h, c] = topicReplication([started, ...hot, ...cold, ...samples, kill, ...copies, read], T0);
    expect(h).toMatchObject({ acked: 10, notReplicated: 2, rpoSeconds: 2 }); // offsets 8, 9: acked at 8 s, killed at 10 s
    expect(c).toMatchObject({ acked: 5, notReplicated: 1, rpoSeconds: 2 });
  });
  it('gives no lag when a copy is away from its ack (remote offsets are not source offsets), and counts what is missing all the same', () => {
    const shifted = [...hot.slice(0, 8).map((a) => copy(a, 1)), ...cold.slice(0, 4).map((a) => copy(a))];
    const [h, c] = topicReplication([started, ...hot, ...cold, ...samples, kill, ...shifted, read], T0);
    expect(h).toMatchObject({ lagSeconds: null, lagMessagesMax: null, series: [], notReplicated: 2, rpoSeconds: 2 });
    expect(c!.lagSeconds).toEqual({ median: 2, max: 3, samples: 3 });
  });
  it('says unknown when the backup was not read completely, and nothing without samples', () => {
    const [h] = topicReplication([...hot, kill, ev(60_000, { type: 'read-complete', what: 'backup-copies', complete: false, detail: '' })], T0);
    expect(h).toMatchObject({ notReplicated: 'unknown', rpoSeconds: 'unknown', lagSeconds: null, lagMessagesMax: null, series: [] });
  });
});

describe('topics with their own rates, and flows that carry some of them', () => {
  it('gives a topic its own rate and size, the others share the workload\'s', () => {
    const s = parseScenario({ name: 'r', workload: { ratePerSecond: 100, messageBytes: 300 }, topics: [{ name: 'hot', ratePerSecond: 500, messageBytes: 10_000 }, { name: 'a' }, { name: 'b' }] }, 'x');
    expect(topicRates(s).map((t) => [t.name, t.ratePerSecond, t.messageBytes])).toEqual([['hot', 500, 10_000], ['a', 50, 300], ['b', 50, 300]]);
  });
  it('reads a flow\'s topics list as MM2 does: the flow-prefixed key first, regexes matched whole', () => {
    expect(topicsOfFlow(['hot', 'cold'], { 'primary->backup.topics': 'hot' }, 'primary->backup')).toEqual(['hot']);
    expect(topicsOfFlow(['hot', 'cold'], { topics: 'c.*', 'backup->primary.topics': 'hot' }, 'primary->backup')).toEqual(['cold']);
    expect(topicsOfFlow(['hot', 'cold'], {}, 'primary->backup')).toEqual(['hot', 'cold']);
    expect(topicsOfFlow(['hot', 'cold'], { topics: '.*', 'primary->backup.topics.exclude': 'h.t' }, 'primary->backup')).toEqual(['cold']);
  });
  it('resolves a named topology, and names the ones declared when it is missing', () => {
    const topologies = { one: { all: { source: 'primary', target: 'backup', startAt: 'setup' } } } as const;
    const s = parseScenario({ name: 't', topologies, mirrors: 'one', playbook: [{ action: 'stop-producers' }] }, 'x');
    expect(Object.keys(s.mirrors)).toEqual(['all']);
    expect(() => parseScenario({ name: 't', topologies, mirrors: 'two', playbook: [{ action: 'stop-producers' }] }, 'x')).toThrow(/no topology named "two" in topologies \("one"\)/);
    const hotOnly = { all: { source: 'primary', target: 'backup', startAt: 'setup', properties: { 'primary->backup.topics': 'hot' } } } as const;
    expect(() => parseScenario({ name: 't', topics: [{ name: 'hot' }, { name: 'cold' }], mirrors: hotOnly, playbook: [{ action: 'stop-producers' }] }, 'x')).toThrow(/no mirror from primary to backup started with the environment copies cold/);
  });
});
