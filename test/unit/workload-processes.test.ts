import { appendFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsOf, type EventBody } from '../../src/core/history/history.ts';
import { processIdPrefix, processShare } from '../../src/core/plan/workload-processes.ts';
import { coresShortfall } from '../../src/core/plan/capacity.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { readHistory } from '../../src/run/reports.ts';
import { broadcastRecorder, HistoryRecorder } from '../../src/adapters/recorder.ts';
import { recordSegment } from '../../src/adapters/clients/producer-processes.ts';
import { kafkaFromRecipe } from '../../src/adapters/clients/kafka-client.ts';

const ack = (id: string, n: number): EventBody => ({ type: 'ack', id, topic: 'orders', partition: n % 3, offset: String(n) });

/** A producer process's segment: its own recorder, its own compact lines, acks of `prefix-0` … at `t0 + n`. */
async function segment(dir: string, k: number, acks: number, t0: number): Promise<string> {
  const file = join(dir, `w${k}.ndjson`);
  let now = t0;
  const h = new HistoryRecorder(file, () => now++);
  const rec = h.forCell('run#1');
  for (let n = 0; n < acks; n++) rec.emit(ack(`${processIdPrefix('run-1', k)}-${n}`, n));
  rec.emit({ type: 'indeterminate', id: `${processIdPrefix('run-1', k)}-${acks}`, error: 'the broker returned no offset for the batch' });
  await h.close();
  return file;
}

describe('producer processes: their segments recorded into the cell\'s history', () => {
  it('records every event of every segment once, at its own time, between the cell\'s own compact and JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segments-'));
    const segments = [await segment(dir, 0, 500, 10_000), await segment(dir, 1, 300, 10_000)];
    const run = join(dir, 'run');
    mkdirSync(run);
    const h = new HistoryRecorder(join(run, 'history.ndjson'), () => 50_000);
    const rec = h.forCell('quickstart#1');
    // The cell's own per-message lines before and after: the table and the time they share must survive the segments.
    rec.emit({ type: 'deliver', id: 'other-0', phase: 'primary', topic: 'orders', partition: 0, offset: '0', ts: 49_000 });
    expect(segments.map((f) => recordSegment(f, rec))).toEqual([501, 301]);
    rec.emit({ type: 'deliver', id: 'other-1', phase: 'backup', topic: 'primary.orders', partition: 1, offset: '7', ts: 49_500 });
    rec.emit({ type: 'cell-end', status: 'completed' });
    await h.close();

    const saved = readHistory(run).events;
    expect(saved).toEqual([...rec.events()]);
    const acks = eventsOf(saved, 'ack');
    expect(acks).toHaveLength(800);
    expect(new Set(acks.map((a) => a.id)).size).toBe(800);
    expect(acks.every((a) => a.cell === 'quickstart#1')).toBe(true);
    // Each at the time its process recorded it, not when the segment was read.
    expect(acks.filter((a) => a.id.startsWith('run-1-w1-')).map((a) => a.t)).toEqual(Array.from({ length: 300 }, (_, n) => 10_000 + n));
    expect(eventsOf(saved, 'indeterminate').map((e) => e.id)).toEqual(['run-1-w0-500', 'run-1-w1-300']);
    expect(eventsOf(saved, 'deliver').map((d) => [d.id, d.offset, d.ts])).toEqual([['other-0', '0', 49_000], ['other-1', '7', 49_500]]);
  });

  it('drops the torn last line of a process killed while writing, and records nothing of a process that wrote nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segments-'));
    const file = await segment(dir, 0, 10, 1000);
    appendFileSync(file, '[0,1,1,1,0,2');
    const h = new HistoryRecorder(join(dir, 'history.ndjson'), () => 0);
    const rec = h.forCell('c#1');
    expect(recordSegment(file, rec)).toBe(11);
    expect(recordSegment(join(dir, 'w9.ndjson'), rec)).toBe(0);
    await h.close();
  });

  it('records a segment once for every paired variant, written once for all of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segments-'));
    const file = await segment(dir, 0, 100, 1000);
    const h = new HistoryRecorder(join(dir, 'history.ndjson'), () => 0);
    const variants = [h.forCell('a#1'), h.forCell('b#1')];
    recordSegment(file, broadcastRecorder(variants));
    await h.close();
    for (const v of variants) expect(eventsOf(v.events(), 'ack')).toHaveLength(100);
    // One compact line per ack for both cells, as the shared events of paired variants are written.
    const lines = readFileSync(join(dir, 'history.ndjson'), 'utf8').trim().split('\n').filter((l) => l.startsWith('[') && !l.startsWith('["')).length;
    expect(lines).toBe(100);
  });
});

describe('producer processes: their shares and id spaces', () => {
  it('shares each topic\'s rate out so that the processes write the whole of it', () => {
    const topics = [{ name: 'a', partitions: 3, ratePerSecond: 1000, messageBytes: 100 }, { name: 'b', partitions: 1, ratePerSecond: 7, messageBytes: 100 }];
    for (const n of [1, 2, 3, 7]) {
      const share = processShare(topics, n);
      expect(share.map((t) => t.ratePerSecond * n)).toEqual(topics.map((t) => t.ratePerSecond));
      expect(share.map((t) => t.partitions)).toEqual([3, 1]); // every process writes every partition
    }
  });

  it('gives each process ids no other process has, dense in its own sequence', () => {
    const ids = (k: number) => Array.from({ length: 200 }, (_, n) => `${processIdPrefix('run-1', k)}-${n}`);
    const all = Array.from({ length: 12 }, (_, k) => ids(k)).flat();
    expect(new Set(all).size).toBe(all.length); // w1-11 and w11-1 are not one id
  });

  it('refuses what needs one writer, and more processes than cores', () => {
    const base = { name: 'x', workload: { processes: 2 } };
    expect(parseScenario(base, 'x.ts').workload.processes).toBe(2);
    expect(parseScenario({ name: 'x' }, 'x.ts').workload.processes).toBe(1);
    expect(() => parseScenario({ ...base, workload: { processes: 2, keys: 10 } }, 'x.ts')).toThrow(/numeric keys/);
    expect(() => parseScenario({ ...base, workload: { processes: 2, transactionRecords: 10 } }, 'x.ts')).toThrow(/transactions/);
    expect(coresShortfall(parseScenario(base, 'x.ts'), 2)).toBeNull();
    expect(coresShortfall(parseScenario({ ...base, workload: { processes: 3 } }, 'x.ts'), 2)).toMatch(/workload.processes is 3 and this machine has 2 core/);
  });
});

describe('producer processes: their client, built from plain data', () => {
  it('dials an advertised broker at its proxy\'s port after crossing the process boundary', async () => {
    const dialled: string[] = [];
    const server = createServer((s) => (dialled.push('proxy'), s.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    // What a process receives: a structured clone (the IPC channel's 'advanced' serialization).
    const recipe = structuredClone({ brokers: ['broker-0.staging:9093'], clientId: 'x', logFile: join(mkdtempSync(join(tmpdir(), 'recipe-')), 'kafkajs.log'), config: {}, routes: { host: '127.0.0.1', ports: new Map([['broker-0.staging:9093', port]]) } });
    const admin = kafkaFromRecipe(recipe).admin();
    await admin.connect().catch(() => undefined);
    await admin.disconnect();
    server.close();
    expect(dialled.length).toBeGreaterThan(0);
  });
});
