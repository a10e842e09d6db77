/** docs/results.md names every field the code writes and every history event type, so it cannot drift. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventTypes, type EventBody, type HistoryEvent } from '../../src/core/history/history.ts';
import { checkInput } from '../../src/core/checker/checker.ts';
import { judgeCell, measureCell } from '../../src/core/results/measure.ts';
import { SCHEMA_VERSION, type CellResult, type RunResults } from '../../src/core/results/results.ts';
import { summarize } from '../../src/core/results/summary.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';

const doc = readFileSync(new URL('../../docs/results.md', import.meta.url), 'utf8');
let clock = 0;
const ev = (body: EventBody): HistoryEvent => ({ cell: 'c#1', t: ++clock * 1000, ...body }) as HistoryEvent;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A cell run with every field present: a failover with a fault, a checkpoint and thresholds. */
function cellRun(): CellResult {
  const scenario = parseScenario({ name: 'doc', thresholds: { skipped: '==0' } }, 'doc');
  const events = [
    ev({ type: 'cell-start', values: {}, settings: { workload: { idempotent: true, consumer: { groupId: 'drill-consumer' } }, failover: { delaySeconds: 2 } } }),
    ...range(4).map((n) => ev({ type: 'ack', id: `m${n}`, topic: 'orders', partition: 0, offset: String(n) })),
    ...range(4).map((n) => ev({ type: 'deliver', id: `m${n}`, phase: 'primary', topic: 'orders', partition: 0, offset: String(n), ts: 0 })),
    ev({ type: 'commit', phase: 'primary', offsets: { 'orders/0': '3' } }),
    ev({ type: 'sample', primaryEnd: 4, backupEnd: 4, backupGroupOffset: 2, consumerPosition: 3 }),
    ev({ type: 'fault-start', step: 0, description: 'latency', fault: { fault: 'latency' } }),
    ev({ type: 'fault-end', step: 0, description: 'latency', healed: true }),
    ev({ type: 'mirror-restart', step: 1, restart: 1, mode: 'kill', stoppedAt: 4000, startedAt: 4500, resumedAt: 6000, backupEnd: { 'primary.orders/0': '2' } }),
    ...[[0, 0], [2, 2]].map(([u, d], i) => ev({ type: 'offset-sync', topic: 'orders', partition: 0, upstreamOffset: String(u), downstreamOffset: String(d), ts: clock * 1000, syncsPartition: 0, syncsOffset: String(i) })),
    ev({ type: 'read-complete', what: 'offset-syncs', complete: true, detail: '' }),
    ev({ type: 'kill', target: 'primary', signal: 'SIGKILL' }),
    ev({ type: 'checkpoint', group: 'drill-consumer', topic: 'primary.orders', partition: 0, upstreamOffset: '2', downstreamOffset: '2', key: '', value: '' }),
    ev({ type: 'failover-offsets', strategy: 'mm2-sync', group: 'drill-consumer', offsets: { 'primary.orders/0': '2' } }),
    ...[2, 3].map((n) => ev({ type: 'deliver', id: `m${n}`, phase: 'backup', topic: 'primary.orders', partition: 0, offset: String(n), ts: 0 })),
    ev({ type: 'positions', phase: 'backup', offsets: { 'primary.orders/0': '4' }, delivered: 2 }),
    ...range(4).map((n) => ev({ type: 'backup-record', id: `m${n}`, topic: 'primary.orders', partition: 0, offset: String(n) })),
    ev({ type: 'read-complete', what: 'backup', complete: true, detail: '' }),
  ];
  const input = checkInput(events, 0);
  const m = measureCell(input);
  const cell = { values: { 'mirror.policy': 'default' }, remoteTopics: ['primary.orders'] };
  return {
    key: 'c#1', cellId: 'c', repetition: 1, ...cell, policy: 'default', mirrorSettings: {}, phases: { kill: 1 }, startedAt: '', durationMs: 1,
    ...m, ...judgeCell(scenario, cell, m, input), error: { code: 'X', message: '', detail: '' },
  };
}

/** Key names at every depth, not descending into maps keyed by data (topic/partition, paths, phase and cause names). */
function keys(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => keys(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (/[/.=#-]/.test(k)) continue;
      out.add(k);
      keys(x, out);
    }
  }
  return out;
}

describe('docs/results.md', () => {
  it('names every field of results.json', () => {
    const cells = [cellRun()];
    const results: RunResults = {
      schemaVersion: SCHEMA_VERSION, tool: { name: 'mm2-drill', version: '0' }, runId: 'r', scenario: { name: 'doc', file: '', description: '' },
      status: 'passed', startedAt: '', finishedAt: '', environment: { kafkaImage: '', kafkaVersion: '', toxiproxyImage: '', node: '', platform: '' },
      cells, summary: summarize(cells),
    };
    expect(results.cells[0]?.attribution?.duplicates.parts.length).toBeGreaterThan(0);
    const named = (k: string) => [`\`${k}\``, `\`${k}[]\``, `${k}:`, `${k}, `, ` ${k} `].some((form) => doc.includes(form));
    const missing = [...keys(results)].filter((k) => !named(k));
    expect(missing).toEqual([]);
    expect(doc).toContain(`schema version ${SCHEMA_VERSION}`);
  });

  it('names every history event type', () => {
    expect(eventTypes.filter((t) => !doc.includes(`| \`${t}\` |`))).toEqual([]);
  });
});
