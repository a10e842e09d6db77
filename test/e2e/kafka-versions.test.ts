/**
 * The oldest Kafka release the drill runs and the newest, each with a transactional producer
 * (scenarios/kafka-versions.ts): real brokers and a real MirrorMaker 2 of each release, logging
 * through its own log4j, and each result inside its own release's translation model. Then the
 * newest brokers with the oldest MM2 (`mirror.version`): the MM2 release decides the model.
 * Recomputed from the raw history: the acks (primary offsets) and the verification read of the
 * backup (remote offsets) — MM2's translation error per checkpoint and its invariants too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { readVersions } from '../../src/adapters/containers/images.ts';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { cellLogDir } from '../../src/core/results/log-files.ts';
import { containersLeft, runDrill, type Drill } from './helpers.ts';
import { testReleases } from './test-releases.ts';

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
  // `npm run setup` builds the default release only: the oldest one's image is built for this file
  // (started with the run by its project's globalSetup; awaited here).
  await testReleases();
  const d = await runDrill('scenarios/kafka-versions.ts', 'kafka-versions', ['--set', `kafka.version=${oldest},${newest}`, ...transactional], 600_000);
  ({ code, results, history, dir } = d);
  output = `${d.stdout}\n${d.stderr}`;
  mixed = await runDrill('scenarios/kafka-versions.ts', 'kafka-versions', ['--set', `kafka.version=${newest}`, '--set', `mirror.version=${oldest}`, ...transactional], 600_000);
}, 1_620_000);

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

/**
 * The true equivalent of each checkpoint, recounted from the raw history by walking the backup's
 * log: the copy of the record acked at the upstream offset; or, where no acked record sits there
 * (a commit marker), the place right after the copy of the last record below it, when the backup
 * holds the first record above it (or its read end) right there.
 */
function recountTranslation(h: HistoryEvent[], group: string) {
  const acked = new Map(eventsOf(h, 'ack').map((a) => [a.id, a]));
  const backup = eventsOf(h, 'backup-record');
  const complete = eventsOf(h, 'read-complete').some((r) => r.what === 'backup' && r.complete);
  const verifyEnd = new Map<string, bigint>();
  for (const o of eventsOf(h, 'offsets')) if (o.label === 'verify-end' && o.cluster === 'backup') for (const [p, e] of Object.entries(o.offsets)) verifyEnd.set(`${o.topic}/${p}`, BigInt(e));
  const errors = new Map<string, (number | null)[]>();
  for (const c of eventsOf(h, 'checkpoint').filter((x) => x.group === group)) {
    const tp = `${c.topic}/${c.partition}`;
    const log = backup.filter((b) => b.topic === c.topic && b.partition === c.partition).map((b) => ({ at: BigInt(b.offset), src: acked.get(b.id) })).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const firstAt = new Map<string, bigint>();
    for (const b of backup) if (b.topic === c.topic && b.partition === c.partition && (!firstAt.has(b.id) || BigInt(b.offset) < firstAt.get(b.id)!)) firstAt.set(b.id, BigInt(b.offset));
    const source = log.find((r) => r.src)?.src;
    const u = BigInt(c.upstreamOffset);
    const inSource = [...acked.values()].filter((a) => source && a.topic === source.topic && a.partition === source.partition);
    const atU = inSource.find((a) => BigInt(a.offset) === u);
    let truth: bigint | null = null;
    if (atU) truth = firstAt.get(atU.id) ?? null;
    else {
      const below = inSource.filter((a) => BigInt(a.offset) < u).sort((a, b) => Number(BigInt(b.offset) - BigInt(a.offset)))[0];
      const above = inSource.filter((a) => BigInt(a.offset) > u).sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)))[0];
      const prevAt = below && firstAt.get(below.id);
      const candidate = above ? firstAt.get(above.id) : complete ? verifyEnd.get(tp) : undefined;
      const between = log.some((r) => prevAt !== undefined && candidate !== undefined && r.at > prevAt && r.at < candidate);
      if (prevAt !== undefined && candidate !== undefined && !between) truth = candidate;
    }
    errors.set(tp, [...(errors.get(tp) ?? []), truth === null ? null : Number(BigInt(c.downstreamOffset) - truth)]);
  }
  return errors;
}

it("MM2's translation against the truth the ids give: the results' figures are the recount's, and a conservative release is never ahead", () => {
  const measured: Record<string, unknown> = {};
  for (const c of [...results.cells, ...mixed.results.cells]) {
    const h = (results.cells.includes(c) ? history : mixed.history).filter((e) => e.cell === c.key);
    const t = c.translation!;
    const recount = recountTranslation(h, t.group!);
    expect(Object.keys(t.partitions).sort(), c.key).toEqual([...recount.keys()].sort());
    expect(t.checkpoints, c.key).toBe([...recount.values()].flat().length);
    for (const [tp, errs] of recount) {
      const known = errs.filter((e): e is number => e !== null).sort((a, b) => a - b);
      const p = t.partitions[tp]!;
      expect(p.checkpoints, `${c.key} ${tp}`).toBe(errs.length);
      expect(p.unknown, `${c.key} ${tp}`).toBe(errs.length - known.length);
      expect([p.error?.min, p.error?.max, p.error?.count], `${c.key} ${tp}`).toEqual([known[0], known.at(-1), known.length]);
      expect(p.atFailover, `${c.key} ${tp}`).toBe(errs.at(-1) ?? 'unknown');
    }
    // Up to 3.4.0 a group behind the latest offset sync gets no checkpoint, and a sync follows every
    // transaction (docs/kafka-versions.md): with none read, nothing is judged and nothing guessed.
    if (t.checkpoints === 0) expect([t.error, t.atFailover], c.key).toEqual([null, null]);
    // Otherwise MM2 checkpoints every second here: most of them must be judged, not left unknown.
    else expect(t.error?.count ?? 0, c.key).toBeGreaterThan(t.checkpoints / 2);
    measured[`${c.key} ${c.releases!.mirror}`] = { error: t.error, unknown: t.unknown, atFailover: t.atFailover, invariants: c.invariants!.map((i) => `${i.name}: ${i.verdict} (${i.findings}/${i.checked}) ${JSON.stringify(i.bounds ?? {})}`) };
    // KAFKA-14666 on: a checkpoint never points past the group's true place on the backup.
    if (c.releases!.mirror === newest) {
      expect(t.checkpoints, c.key).toBeGreaterThan(0);
      expect(t.error!.max, c.key).toBeLessThanOrEqual(0);
    }
  }
  console.log(`translation accuracy: ${JSON.stringify(measured, null, 2)}`);
});

it('MM2 invariants, recounted: no rewind unless the group did, no checkpoint past the backup end sampled at or after it', () => {
  for (const c of [...results.cells, ...mixed.results.cells]) {
    const h = (results.cells.includes(c) ? history : mixed.history).filter((e) => e.cell === c.key);
    const cps = eventsOf(h, 'checkpoint');
    const rewinds = cps.filter((x, i) => cps.slice(0, i).filter((p) => p.group === x.group && p.topic === x.topic && p.partition === x.partition).slice(-1)
      .some((p) => BigInt(x.downstreamOffset) < BigInt(p.downstreamOffset) && BigInt(x.upstreamOffset) >= BigInt(p.upstreamOffset))).length;
    const rewind = c.invariants!.find((i) => i.name === 'checkpoint-rewind')!;
    const keys = new Set(cps.map((x) => `${x.group} ${x.topic}/${x.partition}`)).size;
    expect(rewind.checked, c.key).toBe(cps.length - keys);
    expect(rewind.findings, c.key).toBe(rewinds);
    expect(rewind.verdict, c.key).toBe(rewinds ? 'broken' : rewind.checked ? 'holds' : 'unknown');
    // Every checkpoint carries MM2's timestamp: each is bounded by a replication sample taken at or after it (or the failover's end).
    const beyond = c.invariants!.find((i) => i.name === 'checkpoint-beyond-backup-end')!;
    expect(cps.every((x) => typeof x.ts === 'number' && x.ts > 0), c.key).toBe(true);
    expect(beyond.checked, c.key).toBe(cps.length);
    if (cps.length) expect(beyond.bounds?.sample ?? 0, c.key).toBeGreaterThan(0);
    const samples = eventsOf(h, 'sample');
    expect(samples.every((y) => typeof y.readFrom === 'number'), c.key).toBe(true);
    const acks = new Map(eventsOf(h, 'ack').map((a) => [a.id, a]));
    const srcOf = (topic: string, partition: number) => {
      const b = eventsOf(h, 'backup-record').find((r) => r.topic === topic && r.partition === partition && acks.has(r.id));
      return b && `${acks.get(b.id)!.topic}/${acks.get(b.id)!.partition}`;
    };
    const endAt = (label: string, topic: string, partition: number) =>
      eventsOf(h, 'offsets').filter((o) => o.label === label && o.cluster === 'backup' && o.topic === topic).map((o) => o.offsets[String(partition)]).filter((o) => o !== undefined).at(-1);
    const past = cps.filter((x) => {
      const src = srcOf(x.topic, x.partition);
      // A sample bounds a checkpoint when its reads began at or after the emission (its `t` is when they ended).
      const s = samples.find((y) => y.readFrom! >= x.ts! && src !== undefined && y.ends?.[src]);
      const end = s ? s.ends![src!]![1] : endAt('failover-end', x.topic, x.partition) ?? endAt('verify-end', x.topic, x.partition);
      return end !== undefined && BigInt(x.downstreamOffset) > BigInt(end);
    }).length;
    expect(beyond.findings, c.key).toBe(past);
    expect(beyond.verdict, c.key).toBe(beyond.findings ? 'broken' : cps.length ? 'holds' : 'unknown');
  }
});
