/**
 * The realistic preset (scenarios/staging-rehearsal.ts: 3 brokers a cluster, replication factor 3,
 * min.insync.replicas 2) with the largest values a scenario takes (1 MiB), scaled down to a short
 * drill: the whole primary cluster killed mid-stream, the consumer failed over. Every acked id must
 * be classified, what was lost never copied, every copy on the backup a full 1 MiB, every topic of
 * both clusters 3 replicas with min ISR 2, and all three primary brokers dead after the kill.
 * The environment is kept (`--keep`) so that the clusters can be looked at afterwards; the primary
 * is started again only to read its topics' shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { getContainerRuntimeClient } from 'testcontainers';
import { eventsOf, type HistoryEvent } from '../../src/core/history/history.ts';
import { ID_HEADER, decodeId } from '../../src/core/history/message.ts';
import { MAX_MESSAGE_BYTES } from '../../src/core/scenario/scenario.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { LABEL_RUN } from '../../src/adapters/containers/docker.ts';
import { snapshotTopics } from '../../src/adapters/clients/topic-configs.ts';
import { readToEnd } from '../../src/adapters/clients/topic-reader.ts';
import { waitUntil } from '../../src/adapters/wait.ts';
import { runCli, runDrill } from './helpers.ts';

const BYTES = MAX_MESSAGE_BYTES;
const BROKERS = 3;

/** A kept environment's cluster, on its ADMIN path (the addresses `--keep` prints). */
const kafkaOf = (stderr: string, cluster: 'primary' | 'backup'): Kafka => {
  const bootstrap = new RegExp(`${cluster}\\s+admin\\s+(\\S+)`).exec(stderr)?.[1];
  if (!bootstrap) throw new Error(`no ${cluster} admin address in:\n${stderr}`);
  return new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, clientId: `e2e-realistic-${cluster}` });
};

/** The containers of a run, inspected. */
async function containersOf(runId: string) {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const listed = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } });
  return Promise.all(listed.map(async (c) => {
    const container = docker.getContainer(c.Id);
    return { container, info: await container.inspect() };
  }));
}
const brokersOf = (cs: Awaited<ReturnType<typeof containersOf>>, cluster: string) => cs.filter((c) => new RegExp(`^${cluster}-\\d+$`).test(c.info.Config.Hostname));

describe('realistic clusters (3 brokers, RF 3, min ISR 2) and 1 MiB messages, the whole primary killed', () => {
  let results: RunResults;
  let history: HistoryEvent[];
  let stderr: string;
  let cell: CellResult;
  const ids = (type: 'ack' | 'backup-record') => new Set(eventsOf(history, type).filter((e) => e.cell === cell.key).map((e) => e.id));

  beforeAll(async () => {
    ({ results, history, stderr } = await runDrill('scenarios/staging-rehearsal.ts', 'staging-rehearsal', [
      '--keep',
      '--set', 'topics.0.partitions=3', '--set', 'workload.ratePerSecond=5', '--set', `workload.messageBytes=${BYTES}`,
      '--set', 'timeline.0.at=20', '--set', 'failover.delaySeconds=2',
    ]));
    cell = results.cells[0]!;
  }, 400_000);

  afterAll(async () => {
    if (results) await runCli(['down', '--run', results.runId], { timeoutMs: 120_000 });
  }, 130_000);

  it('classifies every acked id, and passes the consistency checks', () => {
    expect(cell.status, cell.error?.message).not.toBe('error');
    const k = cell.counts!;
    expect(k.acked).toBe(ids('ack').size);
    expect(k.acked).toBeGreaterThan(0);
    expect(cell.backupReadComplete).toBe(true);
    expect((k.lost as number) + (k.skipped as number) + (k.unreached as number) + k.exactlyOnce + k.duplicated).toBe(k.acked);
    // Killed mid-stream: the consumer met messages on the primary, and after the failover on the backup.
    expect(k.deliveredPrimary).toBeGreaterThan(0);
    expect(k.deliveredBackup).toBeGreaterThan(0);
    expect(cell.consistency?.checks.filter((x) => x.verdict === 'fail')).toEqual([]);
    expect(cell.consistency?.holds).toBe(true);
  });

  it('lost only what MM2 never copied', () => {
    const k = cell.counts!;
    const copied = ids('backup-record');
    expect(Number(k.lost)).toBeLessThanOrEqual(Number(k.notReplicated));
    const delivered = new Set(eventsOf(history, 'deliver').filter((e) => e.cell === cell.key).map((e) => e.id));
    const neverDeliveredNorCopied = [...ids('ack')].filter((id) => !delivered.has(id) && !copied.has(id));
    expect(k.lost).toBe(neverDeliveredNorCopied.length);
    const lostSamples = cell.samples?.lost;
    expect(Array.isArray(lostSamples)).toBe(true);
    for (const id of lostSamples as string[]) expect(copied.has(id), id).toBe(false);
  });

  it('killed all three primary brokers (SIGKILL), and left the backup\'s running', async () => {
    const cs = await containersOf(results.runId);
    expect(brokersOf(cs, 'primary').map(({ info }) => [info.Config.Hostname, info.State.Running, info.State.ExitCode]).sort())
      .toEqual(Array.from({ length: BROKERS }, (_, i) => [`primary-${i}`, false, 137]));
    expect(brokersOf(cs, 'backup').map(({ info }) => info.State.Running)).toEqual(Array(BROKERS).fill(true));
  }, 60_000);

  it('copied full 1 MiB values to the backup, one for each record the verification read found', async () => {
    const kafka = kafkaOf(stderr, 'backup');
    const admin = kafka.admin();
    await admin.connect();
    const sizes = new Map<string, number>();
    try {
      await readToEnd({ kafka, admin, topic: 'primary.orders', timeoutMs: 60_000, group: 'e2e-realistic-read' }, (m) => {
        sizes.set(decodeId(m.headers?.[ID_HEADER], undefined) ?? '', m.value?.length ?? 0);
      });
    } finally {
      await admin.disconnect();
    }
    expect([...sizes.keys()].sort()).toEqual([...ids('backup-record')].sort());
    expect(sizes.size).toBeGreaterThan(0);
    expect(new Set(sizes.values())).toEqual(new Set([BYTES]));
  }, 90_000);

  it('gave every topic of both clusters 3 replicas and min.insync.replicas 2', async () => {
    // The primary is dead: its brokers start again with their data, only to be described.
    await Promise.all(brokersOf(await containersOf(results.runId), 'primary').map(({ container }) => container.start()));
    for (const cluster of ['primary', 'backup'] as const) {
      const admin = kafkaOf(stderr, cluster).admin();
      try {
        await waitUntil(async () => {
          await admin.connect();
          return (await admin.describeCluster()).brokers.length === BROKERS;
        }, { what: `the ${cluster} cluster to answer with ${BROKERS} brokers`, timeoutMs: 90_000, intervalMs: 1000 });
        const topics = await snapshotTopics(admin);
        const names = topics.map((t) => t.name);
        expect(names, cluster).toContain(cluster === 'primary' ? 'orders' : 'primary.orders');
        expect(names, cluster).toContain('__consumer_offsets');
        const shape = topics.map((t) => [t.name, t.replicationFactor, t.configs['min.insync.replicas']?.value]);
        expect(shape, cluster).toEqual(topics.map((t) => [t.name, BROKERS, '2']));
      } finally {
        await admin.disconnect();
      }
    }
  }, 200_000);
});
