/**
 * Outputs that cannot hurt: hostile text in a scenario, a matrix value, an error message or a
 * crafted results.json shows as text in summary.md (appended to $GITHUB_STEP_SUMMARY) and
 * report.html; results.json is replaced atomically; a cell run's log directory name is bounded.
 */
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { summarize } from '../../src/core/results/summary.ts';
import { reportModel } from '../../src/core/results/report-model.ts';
import { cellLogDir, MAX_LOG_DIR } from '../../src/core/results/log-files.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { renderHtml } from '../../src/render/html.ts';
import { writeJson } from '../../src/run/run-dir.ts';

const hostile = '<img src=x onerror=alert(1)></details>[link](https://evil.example)![t](https://evil.example/t.png)\u001b[31m\u202e*bold* `tick` | pipe\n# heading';

const cell = (over: Partial<CellResult> = {}): CellResult => ({
  key: `v=${hostile}#1`, cellId: `v=${hostile}`, repetition: 1, values: { v: hostile }, policy: 'default', remoteTopics: ['primary.orders'],
  mirrorSettings: {}, status: 'failed', roundTrip: null, counts: null, failoverGapMs: null, failoverDelayMs: null, failoverRemainderMs: null,
  consistency: { holds: false, checks: [{ name: hostile, verdict: 'fail', detail: hostile }] }, backupReadComplete: true, drainComplete: true, samples: null, partitions: {},
  atKill: { lagMessages: null, lagMs: null, groupSyncAgeMs: null, groupSyncBehind: null, consumerBehind: null }, expected: null, attribution: null, faults: [],
  checks: [{ figure: 'lost', expression: '==0', value: 3, verdict: 'fail' }], phases: {}, startedAt: '2026-11-21T04:00:00.000Z', durationMs: 1000,
  error: { code: 'WAIT_TIMEOUT', message: hostile }, ...over,
});
const results = (cells: CellResult[], over: Partial<RunResults> = {}): RunResults => ({
  schemaVersion: 2, tool: { name: 'mm2-drill', version: '0.1.0' }, runId: 'abc123',
  scenario: { name: 'hostile', file: 'x.ts', description: hostile }, status: 'failed', startedAt: '2026-11-21T04:00:00.000Z', finishedAt: null,
  environment: { kafkaImage: `img${hostile}`, kafkaVersion: '4.3.1', toxiproxyImage: 't', node: 'v24', platform: 'linux' }, cells, summary: summarize(cells), ...over,
});

describe('summary.md (appended to $GITHUB_STEP_SUMMARY)', () => {
  const md = renderMarkdown(reportModel(results([cell()])));

  it('shows hostile text as text: no HTML tag, link, image, control character or heading it did not write', () => {
    // Code spans show their content literally (GitHub renders no tag or link in them).
    const outsideCode = md.replace(/`[^`\n]*`/g, '');
    expect(outsideCode).not.toMatch(/<img|\]\(https|\*bold\*/);
    expect(md).not.toMatch(/[\u001b\u202e]/);
    expect(md).not.toMatch(/^# heading/m);
    expect(outsideCode.match(/<\/details>/g)?.length ?? 0).toBe(outsideCode.match(/<details>/g)?.length ?? 0);
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;/details&gt;');
  });

  it('keeps every table row on one line with its columns (a pipe or a line break in a value)', () => {
    const tables = md.split(/\n(?!\|)/).map((block) => block.split('\n').filter((l) => l.startsWith('|'))).filter((t) => t.length > 0);
    expect(tables.length).toBeGreaterThan(2);
    const columns = (l: string) => l.replace(/`[^`]*`/g, '').split(/(?<!\\)\|/).length;
    for (const t of tables) for (const l of t) expect(columns(l)).toBe(columns(t[0]!));
  });

  it('keeps a code span closed whatever the value holds', () => {
    const line = md.split('\n').find((l) => l.startsWith('Run '))!;
    expect(line.match(/`/g)!.length % 2).toBe(0);
    expect(line).not.toContain('\u001b');
  });
});

describe('report.html', () => {
  it('escapes every field, the status and the verdicts too', () => {
    const tag = '<script>alert(1)</script>';
    const r = results([cell({ status: tag as never, checks: [{ figure: 'lost', expression: '==0', value: 3, verdict: tag as never }] })], { status: tag as never });
    const html = renderHtml(reportModel(r, [], {}), '/* chart.js */');
    expect(html).not.toContain(tag);
    expect(html).not.toContain('<img src=x');
  });
});

describe('results.json', () => {
  it('is replaced by a rename, never rewritten in place (a reader sees the old file or the new one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm2-drill-json-'));
    const file = join(dir, 'results.json');
    writeJson(file, { v: 1 });
    // A hard link keeps the old file's inode: rewriting in place would change what it reads.
    linkSync(file, join(dir, 'old.json'));
    writeJson(file, { v: 2 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ v: 2 });
    expect(JSON.parse(readFileSync(join(dir, 'old.json'), 'utf8'))).toEqual({ v: 1 });
    expect(readdirSync(dir).sort()).toEqual(['old.json', 'results.json']);
  });
});

describe('log directory of a cell run', () => {
  const dims = ['mirror.policy=default', 'mirror.checkpointIntervalSeconds=5', 'mirror.offsetLagMax=100', 'failover.strategy=checkpoints', 'workload.consumer.commit=interval', 'workload.consumer.processingDelayMs=5', 'timeline.1.action.latencyMs=1000'];
  const key = `${dims.join(',')},workload.consumer.groupId=${'g'.repeat(60)}#1`;

  it('is a name a file system takes, for a key of 7 realistic dimensions', () => {
    expect(Buffer.byteLength(key)).toBeGreaterThan(255);
    const dir = cellLogDir(key);
    expect(dir.length).toBeLessThanOrEqual(MAX_LOG_DIR);
    const root = mkdtempSync(join(tmpdir(), 'mm2-drill-logs-'));
    mkdirSync(join(root, 'logs', dir), { recursive: true });
    writeFileSync(join(root, 'logs', dir, 'mirror-maker.log'), 'x');
  });

  it('is stable and unique: the same key, the same name; keys that differ only at the end, two names', () => {
    expect(cellLogDir(key)).toBe(cellLogDir(key));
    expect(cellLogDir(key.replace('#1', '#2'))).not.toBe(cellLogDir(key));
    expect(cellLogDir('mirror.policy=default#1')).toBe('mirror.policy=default_1');
  });

  it('never names the logs directory or the run directory itself (a crafted key)', () => {
    for (const key of ['.', '..', '../..', '/etc']) expect(['.', '..']).not.toContain(cellLogDir(key));
    expect(cellLogDir('../..')).not.toContain('/');
  });
});
