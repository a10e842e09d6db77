/**
 * The oldest Kafka release the drill runs and the newest, each with a transactional producer
 * (scenarios/kafka-versions.ts): real brokers and a real MirrorMaker 2 of each release, logging
 * through its own log4j, and each result inside its own release's translation model. Then the
 * newest brokers with the oldest MM2 (`mirror.version`): the MM2 release decides the model.
 * Recomputed from the raw history: the acks (primary offsets) and the verification read of the
 * backup (remote offsets).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { readVersions } from '../../src/adapters/containers/images.ts';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { cellLogDir } from '../../src/core/results/log-files.ts';
import { containersLeft, runDrill, type Drill } from './helpers.ts';

const oldest = readVersions().testKafka[0]!;
const newest = readVersions().kafka;
let results: RunResults;
let history: HistoryEvent[];
let dir: string;
let code: number | null;
let output: string;
let mixed: Drill;

// The consumer at the head only, and the kill at 12 s: ~800 messages per partition are plenty.
const transactional = ['--set', 'workload.transactionRecords=10', '--set', 'workload.consumer.processingDelayMs=0', '--set', 'timeline.0.at=12'];

beforeAll(async () => {
  const d = await runDrill('scenarios/kafka-versions.ts', 'kafka-versions', ['--set', `kafka.version=${oldest},${newest}`, ...transactional], 600_000);
  ({ code, results, history, dir } = d);
  output = `${d.stdout}\n${d.stderr}`;
  mixed = await runDrill('scenarios/kafka-versions.ts', 'kafka-versions', ['--set', `kafka.version=${newest}`, '--set', `mirror.version=${oldest}`, ...transactional], 600_000);
}, 1_260_000);

/**
 * A start-up line as the release's logging writes it: log4j2's pattern abbreviates the logger's
 * package (`%c{1.}`), log4j 1's names it whole — so the line shows which configuration took effect.
 */
function startedLine(version: string, text: string, logger: string): RegExp {
  const parts = logger.split('.');
  const name = Number(version.split('.')[0]) >= 4 ? [...parts.slice(0, -1).map((p) => p[0]), parts.at(-1)].join('.') : logger;
  return new RegExp(`${text} \\(${name.replace(/\./g, '\\.')}\\)`);
}

/** Each container of the cell logged through its own release's log4j. */
function expectOwnLogging(logs: string, releases: { brokers: string; mirror: string }): void {
  expect(readFileSync(join(logs, 'primary-0.log'), 'utf8')).toMatch(startedLine(releases.brokers, 'Kafka Server started', 'kafka.server.KafkaRaftServer'));
  expect(readFileSync(join(logs, 'mirror-maker.log'), 'utf8')).toMatch(startedLine(releases.mirror, 'Kafka MirrorMaker started', 'org.apache.kafka.connect.mirror.MirrorMaker'));
}

const cellOf = (version: string): CellResult => results.cells.find((c) => c.values['kafka.version'] === version)!;

it('runs the oldest and the newest release, brokers and MM2, each logging through its own log4j', async () => {
  expect(code, output).toBe(0);
  expect(results.cells.map((c) => c.releases)).toEqual([{ brokers: oldest, mirror: oldest }, { brokers: newest, mirror: newest }]);
  for (const c of results.cells) {
    expect(c.status, `${c.key}: ${c.error?.message}`).toBe('measured');
    expect(c.consistency?.checks.filter((x) => x.verdict === 'fail'), c.key).toEqual([]);
    // Kafka 3.x logs through log4j 1, 4.x through log4j2: without the right binding and file a broker logs nothing.
    expectOwnLogging(join(dir, 'logs', cellLogDir(c.key)), c.releases!);
  }
  expect(await containersLeft(results.runId)).toBe(0);
});

it('commit markers take source offsets MM2 never copies: remote offsets fall further behind with every transaction', () => {
  for (const c of results.cells) {
    const h = history.filter((e) => e.cell === c.key);
    const onBackup = [...eventsOf(h, 'backup-record'), ...eventsOf(h, 'copy').filter((x) => x.cluster === 'backup')];
    // An id MM2 copied twice counts at its first copy.
    const remote = new Map<string, bigint>();
    for (const x of onBackup) {
      const first = remote.get(x.id);
      if (first === undefined || BigInt(x.offset) < first) remote.set(x.id, BigInt(x.offset));
    }
    const onePartition = eventsOf(h, 'ack').filter((a) => a.partition === 0 && remote.has(a.id)).sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
    expect(onePartition.length, c.key).toBeGreaterThan(100);
    const drift = onePartition.map((a) => Number(BigInt(a.offset) - remote.get(a.id)!));
    // Never shrinking — but by the extra copies MM2 wrote (at-least-once), each pushing later remote offsets up by one.
    const shrunk = drift.slice(1).reduce((n, d, i) => n + Math.max(0, drift[i]! - d), 0);
    expect(shrunk, c.key).toBeLessThanOrEqual(c.counts!.replicationExtraCopies as number);
    // One more per transaction: transactions of 10 records over 3 partitions put 3 or 4 of them on
    // a partition before each marker, so k markers before offset o leave 4k ≤ o ≤ 5k + 3.
    const o = Number(onePartition.at(-1)!.offset);
    const k = drift.at(-1)! + (c.counts!.replicationExtraCopies as number);
    expect(k, c.key).toBeGreaterThanOrEqual(Math.floor((o - 3) / 5));
    expect(drift.at(-1)!, c.key).toBeLessThanOrEqual(Math.ceil(o / 4));
  }
});

it("each release's result is inside its own translation model's bound", () => {
  for (const c of results.cells) {
    expect(c.expected?.holds, `${c.key}: ${c.expected?.reasoning}`).toBe(true);
    expect(c.counts!.lost, c.key).toBeLessThanOrEqual(c.counts!.notReplicated as number);
  }
  // The newest translates conservatively (never ahead of the group): no skip, fewer duplicates than messages.
  const newer = cellOf(newest);
  expect(newer.expected?.skipsPossible).toBe(false);
  expect(newer.counts!.skipped).toBe(0);
  expect(newer.counts!.duplicated).toBeLessThan(newer.counts!.acked / 2);
  // The oldest extrapolates from its latest offset sync (KAFKA-12468): the model says so before the run.
  const older = cellOf(oldest);
  expect(older.expected?.skipsPossible).toBe(true);
  expect(older.expected?.reasoning).toMatch(/KAFKA-12468/);
});

it("runs MM2 of one release between brokers of another: MM2's release decides the translation model", async () => {
  expect(mixed.code, `${mixed.stdout}\n${mixed.stderr}`).toBe(0);
  const [c] = mixed.results.cells;
  expect(c?.releases).toEqual({ brokers: newest, mirror: oldest });
  expect(c?.status, c?.error?.message).toBe('measured');
  expect(c?.consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
  // log4j2 for the 4.x brokers, log4j 1 for the 3.x MM2, side by side.
  expectOwnLogging(join(mixed.dir, 'logs', cellLogDir(c!.key)), c!.releases!);
  expect(c?.expected?.holds, c?.expected?.reasoning).toBe(true);
  expect(c?.expected?.reasoning).toMatch(new RegExp(`MM2 ${oldest.replace(/\./g, '\\.')} keeps only the latest offset sync`));
  expect(await containersLeft(mixed.results.runId)).toBe(0);
});
