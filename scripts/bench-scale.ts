/**
 * `npm run bench -- --scale`: how fast the harness writes against what Kafka itself writes, side
 * by side, in one drill environment (two clusters, Toxiproxy, MM2), each to a topic of its own
 * that MM2 does not copy — a copy running behind one producer would slow the other:
 *  - the ceiling: Kafka's ProducerPerformance, from the drill's Kafka image on the host network,
 *    to the primary's CLIENT path (through Toxiproxy, as the harness producer writes), with the
 *    same message size, acks=all — before the harness's runs and after them, each ratio to the mean;
 *  - the harness producer (adapters/clients/producer.ts) asked for far more than either reaches,
 *    its achieved rate measured from its acks as a drill measures it (core/checker/workload-rate.ts):
 *    once as one process, once as `workload.processes` = the machine's cores (producer-processes.ts)
 *    — ProducerPerformance's JVM runs its threads on every core too, so that is the same machine's
 *    resources; the ratio of each to the ceiling;
 *  - the harness's memory per acked message (peak RSS growth: the cell's events are kept for the
 *    checker; and the live heap after a collection, of the events and of the checker's index of
 *    them), the history's bytes per acked message, and the rate of a verification read of the
 *    topic end to end.
 * Options: --seconds <s> (harness write time, default 15), --bytes <n> (message size, default 100),
 * --partitions <n> (default 3), --rate <msg/s> (asked of the harness, default 1,000,000), --lanes <n>
 * (the producer's lanes, default core/kafka/produce-lanes.ts laneCount), --processes <n> (the
 * second harness run's producer processes, default the machine's cores; 1 skips it).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import Table from 'cli-table3';
import { liveHeap } from './live-heap.ts';
import { getContainerRuntimeClient, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { parseScenario } from '../src/core/scenario/validate.ts';
import { resolveImages } from '../src/adapters/containers/images.ts';
import { startEnvironment } from '../src/adapters/containers/environment.ts';
import { noPolicy } from '../src/adapters/containers/custom-policy.ts';
import { LABEL_TOOL, LABEL_RUN } from '../src/adapters/containers/docker.ts';
import { startProducer } from '../src/adapters/clients/producer.ts';
import { startProducerProcesses } from '../src/adapters/clients/producer-processes.ts';
import { hotPathReplaced } from '../src/adapters/clients/kafkajs-hot-path.ts';
import { laneCount } from '../src/core/kafka/produce-lanes.ts';
import { sendCap } from '../src/core/history/message.ts';
import { readToEnd } from '../src/adapters/clients/topic-reader.ts';
import { HistoryRecorder } from '../src/adapters/recorder.ts';
import { workloadRates } from '../src/core/checker/workload-rate.ts';
import { checkInput } from '../src/core/checker/checker.ts';
import { sleep } from '../src/adapters/wait.ts';
import { eachOf } from '../src/core/history/history.ts';


// As the CLI: no reaper container (its image is pulled from a registry); the script stops what it started.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
const { values: opt } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--scale'),
  options: { seconds: { type: 'string', default: '15' }, bytes: { type: 'string', default: '100' }, partitions: { type: 'string', default: '3' }, rate: { type: 'string', default: '1000000' }, lanes: { type: 'string' }, processes: { type: 'string' } },
});
const seconds = Number(opt.seconds);
const bytes = Number(opt.bytes);
const partitions = Number(opt.partitions);
const asked = Number(opt.rate);
const lanes = opt.lanes === undefined ? undefined : Number(opt.lanes);
const cores = availableParallelism();
const processes = opt.processes === undefined ? cores : Number(opt.processes);

const dir = mkdtempSync(join(tmpdir(), 'mm2-drill-bench-scale-'));
const log = join(dir, 'kafkajs.log');
const scenario = parseScenario({
  name: 'bench-scale',
  topics: [{ name: 'orders', partitions: 1 }],
  workload: { messageBytes: bytes, acks: 'all' },
}, 'bench-scale');
const client = await getContainerRuntimeClient();
const images = await resolveImages(client, { versions: [scenario.kafka.version], explicit: [] });
const image = images.kafka(scenario.kafka.version).name;
const tracked: (StartedTestContainer | StartedNetwork)[] = [];
const labels = { [LABEL_TOOL]: 'true', [LABEL_RUN]: `bench-scale-${process.pid}` };
const row = (what: string, value: string, note: string) => [what, value, note];
const rows: string[][] = [];
const f0 = (x: number) => Math.round(x).toLocaleString('en-US');

try {
  const env = await startEnvironment({ scenario, images, policy: noPolicy, labels, logDir: dir, onStage: () => undefined }, (c) => tracked.push(c));
  const bootstrap = env.primary.clientBootstrap.join(',');
  const admin = env.primary.kafka('admin', 'mm2-drill-bench-admin', log).admin();
  await admin.connect();
  // Outside the scenario's topics: MM2 copies neither (drill clusters do not create topics on a write).
  await admin.createTopics({ waitForLeaders: true, topics: ['bench-harness', 'bench-harness-processes', 'bench-ceiling'].map((topic) => ({ topic, numPartitions: partitions, replicationFactor: env.primary.nodes })) });

  // The ceiling: Kafka's own producer, as many records as it writes in about the harness's time at
  // 150k/s — before the harness's runs and again after them: the machine's other load moves it, and
  // each ratio is to the mean of the two.
  const records = Math.max(100_000, seconds * 150_000);
  const ceilings: number[] = [];
  const measureCeiling = async (when: string): Promise<void> => {
    const perf = await $`docker run --rm --network host --entrypoint java ${image} -cp ${'/opt/kafka/libs/*'} org.apache.kafka.tools.ProducerPerformance --topic bench-ceiling --num-records ${records} --record-size ${bytes} --throughput -1 --producer-props bootstrap.servers=${bootstrap} acks=all`.quiet().nothrow();
    const summary = /(\d+) records sent, ([\d.]+) records\/sec/.exec(perf.stdout.trim().split('\n').at(-1) ?? '');
    if (summary) ceilings.push(Number(summary[2]));
    rows.push(row(`ceiling: ProducerPerformance, ${when}`, summary ? `${f0(Number(summary[2]))} msg/s` : 'unknown', summary ? `${summary[1]} records of ${bytes} B, acks=all, CLIENT path via Toxiproxy; 1 JVM process, its threads on any of the machine's ${cores} cores` : `failed: ${(perf.stderr || perf.stdout).trim().split('\n').at(-1)}`));
  };
  await measureCeiling('before');
  /** The harness's achieved rates, each set against the ceiling once both ceilings are in. */
  const achievedBy: [string, number | null][] = [];

  // The harness producer, asked for more than it can write.
  const history = new HistoryRecorder(join(dir, 'history.ndjson'));
  const baseHeap = liveHeap();
  const rec = history.forCell('bench');
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const poll = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const run = await startProducer({
    kafka: env.primary.kafka('producer', 'mm2-drill-bench-producer', log),
    topics: [{ name: 'bench-harness', partitions, ratePerSecond: asked, messageBytes: bytes }],
    settings: scenario.workload, idPrefix: 'bench', recorder: rec, ...(lanes ? { lanes } : {}),
  });
  await sleep(seconds * 1000);
  await run.stop();
  await history.close();
  clearInterval(poll);
  const [rate] = workloadRates(rec.events(), [{ name: 'bench-harness', ratePerSecond: asked }]);
  const achieved = typeof rate?.achievedPerSecond === 'number' ? rate.achievedPerSecond : null;
  const acked = run.stats.acked;
  rows.push(row('harness, 1 process: achieved', achieved === null ? 'unknown' : `${f0(achieved)} msg/s`, `asked ${f0(asked)} msg/s; ${acked} acked, ${run.stats.failed} failed, ${run.stats.indeterminate} indeterminate; idempotent ${scenario.workload.idempotent}; lanes ${lanes ?? laneCount([{ partitions, sendCap: sendCap(bytes) }], false)}; kafkajs hot path ${hotPathReplaced() ? 'replaced' : "kafkajs's own"}`));
  achievedBy.push(['1 process', achieved]);
  rows.push(row('harness RSS per acked message', acked ? `${((peak - rss0) / acked).toFixed(0)} B` : 'unknown', `peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (from ${(rss0 / 2 ** 20).toFixed(0)} MiB)`));
  rows.push(row('history bytes per acked message', acked ? `${(statSync(join(dir, 'history.ndjson')).size / acked).toFixed(0)} B` : 'unknown', 'history.ndjson: one ack event each (compact lines, core/history/compact-history.ts)'));
  // What stays on the heap per acked message once garbage is collected: the recorder's events, then the checker's index of them.
  const heap0 = liveHeap();
  const kept = rec.events().length;
  const heapEvents = liveHeap();
  const input = checkInput(rec.events(), 0);
  const heapIndex = liveHeap();
  rows.push(row('heap per acked message: events', acked ? `${((heapEvents - baseHeap) / acked).toFixed(0)} B` : 'unknown', `${kept} events kept for the checker (live heap after GC, ${(heap0 / 2 ** 20).toFixed(0)} MiB)`));
  rows.push(row('heap per acked message: checker index', acked ? `${((heapIndex - heapEvents) / acked).toFixed(0)} B` : 'unknown', `indexHistory over them (${input.ix.acked.size} acked ids)`));

  // The harness as `processes` producer processes (workload.processes), to a topic of its own:
  // its rate from the acks the processes recorded, merged into a cell's history as a drill merges them.
  if (processes > 1) {
    const merged = new HistoryRecorder(join(dir, 'history-processes.ndjson'));
    const mrec = merged.forCell('bench-processes');
    const many = await startProducerProcesses({
      recipe: env.primary.recipe('producer', 'mm2-drill-bench-producers', log), processes, dir,
      topics: [{ name: 'bench-harness-processes', partitions, ratePerSecond: asked, messageBytes: bytes }],
      settings: scenario.workload, idPrefix: 'bench', recorder: mrec,
    });
    await sleep(seconds * 1000);
    await many.stop();
    many.record!();
    await merged.close();
    const [r] = workloadRates(mrec.events(), [{ name: 'bench-harness-processes', ratePerSecond: asked }]);
    const rateN = typeof r?.achievedPerSecond === 'number' ? r.achievedPerSecond : null;
    rows.push(row(`harness, ${processes} processes: achieved`, rateN === null ? 'unknown' : `${f0(rateN)} msg/s`, `workload.processes ${processes}: ${many.stats.acked} acked (${[...eachOf(mrec.events(), 'ack')].length} acks in the merged history), ${many.stats.failed} failed, ${many.stats.indeterminate} indeterminate`));
    achievedBy.push([`${processes} processes`, rateN]);
  }
  await measureCeiling('after the harness');
  const ceiling = ceilings.length ? ceilings.reduce((a, b) => a + b, 0) / ceilings.length : null;
  for (const [who, rate] of achievedBy) {
    rows.push(row(`harness, ${who} / ceiling`, rate !== null && ceiling ? `${(rate / ceiling).toFixed(2)}×` : 'unknown', `to the mean of the ${ceilings.length} ceiling(s), ${ceiling === null ? 'unknown' : `${f0(ceiling)} msg/s`}`));
  }

  // A verification read of the topic end to end (the ADMIN path, never faulted).
  let read = 0;
  const t0 = Date.now();
  await readToEnd({ kafka: env.primary.kafka('admin', 'mm2-drill-bench-reader', log), admin, topic: 'bench-harness', timeoutMs: 120_000, group: 'mm2-drill-bench-verify' }, () => read++);
  const readMs = Date.now() - t0;
  await admin.disconnect();
  rows.push(row('verification read', `${f0((read * 1000) / readMs)} msg/s`, `${read} records in ${(readMs / 1000).toFixed(1)} s`));
} finally {
  for (const c of tracked.reverse()) await c.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

const table = new Table({ head: ['figure', 'value', 'detail'], style: { head: [], border: [] } });
table.push(...rows);
console.log(`scale: ${bytes} B messages, acks=all, ${partitions} partition(s), harness ${seconds} s per run, ${cores} cores, Node ${process.version}`);
console.log(table.toString());
