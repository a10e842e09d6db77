/**
 * MM2-side paired variants, for real: Default and Identity × checkpoints every 1 or 5 s, four
 * variants in one environment — one primary, one producer, one kill; each variant with its own
 * backup cluster and its own MM2. Every variant faces the same failure (the same kill instant,
 * the same acked messages), is measured as an unpaired cell is (its ledger's consistency checks
 * pass, what it lost its own MM2 never copied), and nothing of one variant's backup is in
 * another's: the environment is kept (--keep) and each backup is read end to end — its remote
 * topic holds exactly what its own MM2 copied, its groups and its checkpoints are its own variant's.
 */
import { beforeAll, expect, it } from 'vitest';
import { logLevel, type Admin } from 'kafkajs';
import { cellEvents, containersLeft, readHistory, readResults, requireDocker, runCli, runDirOf, tempResultsDir, type CliRun } from './helpers.ts';
import { kafkaClient } from '../../src/adapters/clients/kafka-client.ts';
import { readToEnd } from '../../src/adapters/clients/topic-reader.ts';
import { decodeCheckpoint } from '../../src/core/kafka/checkpoint.ts';
import { checkpointsTopic } from '../../src/core/kafka/mm2-names.ts';
import { ID_HEADER } from '../../src/core/history/message.ts';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';

/** What one kept backup holds: its topics, the drill ids of each non-internal topic, its groups, and the groups its checkpoints name. */
async function backupContents(bootstrap: string): Promise<{ topics: string[]; ids: Map<string, string[]>; ends: Map<string, bigint>; groups: string[]; checkpointGroups: string[] }> {
  const kafka = kafkaClient(bootstrap.split(','), 'mm2-side-pairing-check', '/dev/null', { logLevel: logLevel.NOTHING });
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    // Listed before the reads below, whose own groups would otherwise show.
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
    const topics = (await admin.listTopics()).sort();
    const ids = new Map<string, string[]>();
    const ends = new Map<string, bigint>();
    for (const topic of topics) {
      if (topic.startsWith('__') || topic.startsWith('mm2-') || topic.endsWith('.internal') || topic.endsWith('heartbeats')) continue;
      ends.set(topic, (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + BigInt(p.high), 0n));
      const found: string[] = [];
      await readToEnd({ kafka, admin, topic, timeoutMs: 30_000, group: 'mm2-side-pairing-check' }, (m) => {
        const id = m.headers?.[ID_HEADER]?.toString();
        if (id !== undefined) found.push(id);
      });
      ids.set(topic, found);
    }
    const checkpointGroups = new Set<string>();
    const checkpoints = checkpointsTopic({});
    if (topics.includes(checkpoints)) {
      await readToEnd({ kafka, admin, topic: checkpoints, timeoutMs: 30_000, group: 'mm2-side-pairing-check' }, (m) => {
        if (m.key && m.value) checkpointGroups.add(decodeCheckpoint(m.key, m.value).group);
      });
    }
    return { topics, ids, ends, groups, checkpointGroups: [...checkpointGroups].sort() };
  } finally {
    await admin.disconnect();
  }
}

let run: CliRun;
let results: RunResults;
let history: HistoryEvent[];

beforeAll(async () => {
  await requireDocker();
  const root = tempResultsDir();
  run = await runCli(['run', 'test/fixtures/mm2-side-pairing.ts', '--keep', '--results', root], { timeoutMs: 300_000 });
  const dir = runDirOf(root, 'mm2-side-pairing');
  results = readResults(dir);
  history = readHistory(dir);
}, 320_000);

const events = (c: CellResult) => cellEvents(history, c);
const ids = (c: CellResult, type: 'ack' | 'backup-record' | 'deliver') => new Set(events(c).flatMap((e) => (e.type === type ? [e.id] : [])));
const remoteOf = (c: CellResult) => (c.policy === 'identity' ? 'orders' : 'primary.orders');

it('runs the four variants in one environment, each with its own backup and MM2, and says so', () => {
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/pairing: mirror\.policy, mirror\.checkpointIntervalSeconds paired MM2-side: .*up to 4 variant\(s\), each with its own backup and MM2 .* 1 environment\(s\) for 4 cell run\(s\)/);
  expect(results.cells.map((c) => c.status)).toEqual(['measured', 'measured', 'measured', 'measured']);
  const env = results.cells[0]!.key;
  for (const c of results.cells) expect(c.pairedRun?.environment, c.key).toBe(env);
  // Each variant's MM2 ran its own settings.
  for (const c of results.cells) {
    expect(String(c.mirrorSettings['emit.checkpoints.interval.seconds']), c.key).toBe(String(c.values['mirror.checkpointIntervalSeconds']));
    expect(c.remoteTopics, c.key).toEqual([remoteOf(c)]);
  }
});

it('gives every variant the same failure: one kill instant, the same acked messages', () => {
  const kills = results.cells.map((c) => eventsOf(events(c), 'kill').map((e) => e.t));
  for (const k of kills) expect(k).toEqual(kills[0]);
  expect(kills[0]).toHaveLength(1);
  const acked = results.cells.map((c) => [...ids(c, 'ack')].sort());
  expect(acked[0]!.length).toBeGreaterThan(500);
  for (const a of acked) expect(a).toEqual(acked[0]);
});

it("measures each variant as an unpaired cell: its ledger holds, and what it lost its own MM2 never copied", () => {
  for (const c of results.cells) {
    const k = c.counts!;
    expect(c.consistency?.checks.filter((x) => x.verdict === 'fail'), c.key).toEqual([]);
    expect(c.backupReadComplete && c.drainComplete, c.key).toBe(true);
    expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated, c.key).toBe(k.acked);
    // Its backup's records, read into its own history only: its own policy's remote topic.
    expect(new Set(eventsOf(events(c), 'backup-record').map((e) => e.topic)), c.key).toEqual(new Set([remoteOf(c)]));
    const copied = ids(c, 'backup-record');
    const delivered = ids(c, 'deliver');
    const lost = [...ids(c, 'ack')].filter((id) => !delivered.has(id));
    expect(lost.filter((id) => copied.has(id)), c.key).toEqual([]);
  }
  // The checkpoints a variant's failover read are its own MM2's: they name its own group only.
  for (const [i, c] of results.cells.entries()) {
    for (const e of eventsOf(events(c), 'checkpoint')) expect(e.group, c.key).toBe(`drill-consumer-v${i + 1}`);
  }
});

it("holds nothing of one variant in another's backup: each remote topic exactly its own MM2's copies, its own group and checkpoints only", async () => {
  try {
    const bootstraps = [...run.stderr.matchAll(/^\s+(backup\d*)\s+admin\s+(\S+)/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(bootstraps.map(([name]) => name)).toEqual(['backup', 'backup2', 'backup3', 'backup4']);
    const groups = results.cells.map((_, i) => `drill-consumer-v${i + 1}`);
    for (const [i, [, bootstrap]] of bootstraps.entries()) {
      const c = results.cells[i]!;
      const seen = await backupContents(bootstrap);
      const own = remoteOf(c);
      const other = own === 'orders' ? 'primary.orders' : 'orders';
      expect(seen.topics, c.key).toContain(own);
      expect(seen.topics, c.key).not.toContain(other);
      // Exactly what the variant's history read back from its backup: no record another MM2 wrote.
      const records = seen.ids.get(own)!;
      expect(seen.ends.get(own), c.key).toBe(BigInt(records.length));
      expect(new Set(records), c.key).toEqual(ids(c, 'backup-record'));
      expect(records.length, c.key).toBe(eventsOf(events(c), 'backup-record').length);
      // No group of another variant, and checkpoints for its own group only (groups.exclude on the shared primary).
      const foreign = groups.filter((g) => g !== groups[i]);
      expect(seen.groups.filter((g) => foreign.some((f) => g === f || g.startsWith(`${f}-`))), c.key).toEqual([]);
      const checkpointed = seen.checkpointGroups.filter((g) => g.startsWith('drill-consumer'));
      expect(checkpointed.filter((g) => g !== groups[i]), c.key).toEqual([]);
      // Checkpointing every second, its own MM2 has checkpointed its group before the kill.
      if (c.values['mirror.checkpointIntervalSeconds'] === 1) expect(checkpointed, c.key).toEqual([groups[i]]);
    }
  } finally {
    const down = await runCli(['down', '--run', results.runId], { timeoutMs: 60_000 });
    expect(down.code).toBe(0);
    expect(await containersLeft(results.runId)).toBe(0);
  }
}, 120_000);
