/**
 * `npm run bench -- --ledger [--messages n] [--partitions n] [--variants n]`: what the harness
 * holds and writes per message, without Docker: a synthetic cell run of `n` messages (default
 * 300,000) — each acked, delivered once (on the primary before the kill, on the backup after it,
 * 2 % twice), found by the verification read — recorded as a drill records it (adapters/recorder.ts,
 * paired variants sharing the producer's and the verification's events), then checked as a drill
 * checks it. Prints the live heap per message of the events and of the checker's index (after a
 * full collection; the typed arrays' buffers, outside the JS heap, included), the peak resident
 * growth per message, history.ndjson's bytes per message, and the CPU time recording took per
 * message (the events made, kept and written, collections included). Then, in a process of its
 * own, what `report` does with history.ndjson: read back by cell run, indexed and measured — its
 * peak resident growth and time per message.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { liveHeap } from './live-heap.ts';
import { broadcastRecorder, HistoryRecorder } from '../src/adapters/recorder.ts';
import { checkInput } from '../src/core/checker/checker.ts';
import { measureCell } from '../src/core/results/measure.ts';
import { readHistoryByCell } from '../src/run/reports.ts';

const { values: opt } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--ledger'),
  options: { messages: { type: 'string', default: '300000' }, partitions: { type: 'string', default: '100' }, variants: { type: 'string', default: '1' }, 'read-back': { type: 'string' } },
});

// The read-back process: history.ndjson's directory in, its figures out as JSON.
if (opt['read-back'] !== undefined) {
  const rss = process.memoryUsage().rss;
  const t = performance.now();
  const { cells } = readHistoryByCell(opt['read-back']);
  const [first] = cells.values();
  measureCell(checkInput(first!, 0));
  console.log(JSON.stringify({ ms: performance.now() - t, growth: process.resourceUsage().maxRSS * 1024 - rss }));
  process.exit(0);
}
const N = Number(opt.messages);
const P = Number(opt.partitions);
const V = Number(opt.variants);

let peak = process.memoryUsage().rss;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
// The checker runs synchronously: sampled around it too.
const poll = setInterval(sample, 20);

const dir = mkdtempSync(join(tmpdir(), 'mm2-drill-bench-ledger-'));
const file = join(dir, 'history.ndjson');
const heap0 = liveHeap();
const rss0 = process.memoryUsage().rss;
let clock = Date.now();
const recorder = new HistoryRecorder(file, () => Math.floor((clock += 0.05)));
const cells = Array.from({ length: V }, (_, v) => recorder.forCell(`failover.strategy=s${v},mirror.policy=default#1`));
const shared = broadcastRecorder(cells);
const turn = () => new Promise((r) => setImmediate(r));
// An id as the drill's producer makes it: `<run id>-<repetition>-<n>`.
const id = (n: number) => `20261207T081503Z-1afd57-1-${n}`;
const at = (n: number) => ({ partition: n % P, offset: String(Math.floor(n / P)) });
const cpu0 = process.cpuUsage();
for (const c of cells) c.emit({ type: 'cell-start', values: {}, settings: { workload: { idempotent: true, consumer: { groupId: `drill-consumer-${c.cell}` } }, failover: { delaySeconds: 2 } } });
for (let n = 0; n < N; n++) {
  shared.emit({ type: 'ack', id: id(n), topic: 'orders', ...at(n) });
  if (n % 10_000 === 0) await turn();
}
const killed = Math.floor(N * 0.6);
for (const c of cells) {
  for (let n = 0; n < killed; n++) {
    c.emit({ type: 'deliver', id: id(n), phase: 'primary', topic: 'orders', ...at(n), ts: Math.floor(clock) - 5 });
    if (n % 10_000 === 0) await turn();
  }
}
shared.emit({ type: 'kill', target: 'primary', signal: 'SIGKILL' });
for (const c of cells) {
  for (let n = killed - Math.floor(N * 0.02); n < N; n++) {
    c.emit({ type: 'deliver', id: id(n), phase: 'backup', topic: 'primary.orders', ...at(n), ts: Math.floor(clock) - 5 });
    if (n % 10_000 === 0) await turn();
  }
}
for (let n = 0; n < N; n++) {
  shared.emit({ type: 'backup-record', id: id(n), topic: 'primary.orders', ...at(n) });
  if (n % 10_000 === 0) await turn();
}
shared.emit({ type: 'read-complete', what: 'backup', complete: true, detail: '' });
await recorder.close();
const cpu = process.cpuUsage(cpu0);
sample();
const heapEvents = liveHeap();
// The checker's index of one cell run, as a drill measures its variants one after another.
const input = checkInput(cells[0]!.events(), 0);
sample();
const heapIndex = liveHeap();
const m = measureCell(input);
sample();
clearInterval(poll);
const bytes = statSync(file).size;
const readBack = spawnSync(process.execPath, [import.meta.filename, '--read-back', dir], { encoding: 'utf8' });
if (readBack.status !== 0) throw new Error(`the read-back process failed: ${readBack.stderr}`);
const back = JSON.parse(readBack.stdout) as { ms: number; growth: number };
rmSync(dir, { recursive: true, force: true });

const f0 = (x: number) => Math.round(x).toLocaleString('en-US');
const table = new Table({ head: ['figure', 'per message', 'detail'], style: { head: [], border: [] } });
table.push(
  ['heap: events kept for the checker', `${f0((heapEvents - heap0) / N)} B`, `${f0(cells.reduce((k, c) => k + c.events().length, 0))} events in ${V} cell run(s)`],
  ['heap: the checker\'s index', `${f0((heapIndex - heapEvents) / N)} B`, `one cell run: ${f0(input.ix.acked.size)} acked ids, ${f0(m.counts.duplicated)} duplicated`],
  ['peak RSS growth', `${f0((peak - rss0) / N)} B`, `peak ${f0(peak / 2 ** 20)} MiB`],
  ['history.ndjson', `${(bytes / N).toFixed(1)} B`, `${f0(bytes)} bytes`],
  ['report: read back, index, measure', `${f0(back.growth / N)} B`, `peak RSS growth of a process of its own (${f0(back.growth / 2 ** 20)} MiB); ${((back.ms * 1000) / N).toFixed(1)} µs a message (first cell run)`],
  ['CPU recording', `${((cpu.user + cpu.system) / N).toFixed(2)} µs`, `${f0((cpu.user + cpu.system) / 1000)} ms user + system, every thread (adapters/recorder.ts)`],
);
console.log(`ledger: ${f0(N)} messages, ${P} partitions, ${V} paired variant(s), Node ${process.version}`);
console.log(table.toString());
