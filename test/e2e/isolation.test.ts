/**
 * Cell runs share nothing: the second environment of a run starts while the first one drains,
 * and nothing of the first — a record, a committed offset, a consumer group — may be visible to
 * the second. The last environment is kept (--keep): its backup is read end to end, its killed
 * primary is judged from what the second cell run's producer and consumer recorded there.
 */
import { beforeAll, expect, it } from 'vitest';
import { logLevel, type Admin } from 'kafkajs';
import { cellEvents, containersLeft, readHistory, readResults, requireDocker, runCli, runDirOf, tempResultsDir } from './helpers.ts';
import { kafkaClient } from '../../src/adapters/clients/kafka-client.ts';
import { readToEnd } from '../../src/adapters/clients/topic-reader.ts';
import { ID_HEADER } from '../../src/core/history/message.ts';
import type { HistoryEvent } from '../../src/core/history/history.ts';

beforeAll(requireDocker, 15_000);

/** Every group, every drill message id (by topic) and every committed offset on a cluster. */
async function contents(bootstrap: string): Promise<{ groups: string[]; ids: Map<string, string[]>; ends: Map<string, bigint>; committed: Map<string, Record<string, string>> }> {
  const kafka = kafkaClient(bootstrap.split(','), 'isolation-check', '/dev/null', { logLevel: logLevel.NOTHING });
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    // Listed before the reads below, whose own groups would otherwise show.
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
    const ids = new Map<string, string[]>();
    const ends = new Map<string, bigint>();
    const committed = new Map<string, Record<string, string>>();
    for (const topic of await admin.listTopics()) {
      ends.set(topic, (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + BigInt(p.high), 0n));
      // Drill messages are in the scenario's topics and their copies; Kafka's and MM2's own topics hold none.
      if (topic.startsWith('__') || topic.startsWith('mm2-') || topic.endsWith('.internal') || topic.endsWith('heartbeats')) continue;
      const found: string[] = [];
      await readToEnd({ kafka, admin, topic, timeoutMs: 30_000, group: 'isolation-check' }, (m) => {
        const id = m.headers?.[ID_HEADER]?.toString();
        if (id !== undefined) found.push(id);
      });
      ids.set(topic, found);
    }
    for (const group of groups) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group })) {
        committed.set(`${group}/${topic}`, Object.fromEntries(partitions.map((p) => [String(p.partition), p.offset])));
      }
    }
    return { groups, ids, ends, committed };
  } finally {
    await admin.disconnect();
  }
}

it('the next environment, its clusters started ahead beside the cell run before it, holds no record, offset or group of it', async () => {
  const root = tempResultsDir();
  const run = await runCli(['run', 'test/fixtures/isolation.ts', '--keep', '--results', root], { timeoutMs: 300_000 });
  expect(run.code, run.stderr).toBe(0);
  const dir = runDirOf(root, 'isolation');
  const results = readResults(dir);
  const history = readHistory(dir);
  try {
    expect(results.cells.map((c) => c.status)).toEqual(['measured', 'measured']);
    const [first, second] = results.cells as [typeof results.cells[0], typeof results.cells[0]];
    // Pipelined: the second environment's clusters started before the first cell run's kill, its
    // MM2 only at its turn, once the first had failed over.
    const at = (c: typeof first, p: keyof typeof first.phases) => Date.parse(c.startedAt) + c.phases[p]!;
    expect(Date.parse(second.startedAt)).toBeLessThan(at(first, 'kill'));
    expect(at(second, 'turn')).toBeGreaterThanOrEqual(at(first, 'failover-started'));
    expect(at(second, 'mirror-ready')).toBeGreaterThan(at(second, 'turn'));
    const acked = (c: typeof first) => new Set(cellEvents(history, c).flatMap((e) => (e.type === 'ack' ? [e.id] : [])));
    const firstIds = acked(first);
    const secondIds = acked(second);
    expect(firstIds.size).toBeGreaterThan(0);
    expect(secondIds.size).toBeGreaterThan(0);
    // Each cell run's messages carry its own repetition in their ids: the two sets are apart.
    expect([...firstIds].filter((id) => secondIds.has(id))).toEqual([]);

    // The second environment's backup, kept (its primary was killed): read end to end.
    const bootstrap = /backup\s+admin\s+(\S+)/.exec(run.stderr)?.[1];
    expect(bootstrap, run.stderr).toBeDefined();
    const seen = await contents(bootstrap!);
    const all = [...seen.ids.values()].flat();
    // No record of the first cell run; every drill record there is the second's.
    expect(all.filter((id) => firstIds.has(id))).toEqual([]);
    expect(all.filter((id) => !id.startsWith(`${results.runId}-2-`))).toEqual([]);
    expect(all.filter((id) => secondIds.has(id)).length).toBeGreaterThan(0);
    // No offset of the first: the remote topic holds exactly the records read, nothing more.
    expect(seen.ends.get('primary.orders')).toBe(BigInt(seen.ids.get('primary.orders')!.length));
    // No group of the first: the committed offsets there are the second's group's, none past the
    // records the second cell run's MM2 copied.
    expect(seen.groups, JSON.stringify(seen.groups)).toContain('drill-consumer');
    for (const [key, offsets] of seen.committed) {
      const [, topic] = key.split('/') as [string, string];
      for (const o of Object.values(offsets)) expect(BigInt(o), key).toBeLessThanOrEqual(seen.ends.get(topic) ?? 0n);
    }
    // The second's primary (killed, not readable now) held none of the first's records or commits:
    // its producer's first ack on every partition is at offset 0, and its group's first delivery
    // there too (a group carried over would have resumed where the first one committed).
    const lowest = (type: 'ack' | 'deliver') => {
      const at = new Map<number, bigint>();
      for (const e of cellEvents(history, second) as HistoryEvent[]) {
        if (e.type !== type || (e.type === 'deliver' && e.phase !== 'primary')) continue;
        const o = BigInt(e.offset);
        if (!at.has(e.partition) || o < at.get(e.partition)!) at.set(e.partition, o);
      }
      return [...at.entries()].sort(([x], [y]) => x - y).map(([, o]) => o);
    };
    expect(lowest('ack')).toEqual([0n, 0n, 0n]);
    expect(lowest('deliver')).toEqual([0n, 0n, 0n]);
  } finally {
    const down = await runCli(['down', '--run', results.runId], { timeoutMs: 60_000 });
    expect(down.code).toBe(0);
    expect(await containersLeft(results.runId)).toBe(0);
  }
}, 300_000);
