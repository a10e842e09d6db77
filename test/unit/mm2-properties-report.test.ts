/**
 * The report of a cell that drilled a team's MM2 properties file: results.json's `propertiesFile`
 * (documented in docs/results.md), and "MM2 properties this cell ran with" in summary.md and
 * report.html, what the drill changed from the file marked with the file's value and why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mirrorSettings } from '../../src/core/plan/mm2-settings.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { reportModel } from '../../src/core/results/report-model.ts';
import { summarize } from '../../src/core/results/summary.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { renderHtml } from '../../src/render/html.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';

const text = readFileSync(join(import.meta.dirname, '../fixtures/mm2-properties/connect-mirror-maker.properties'), 'latin1');
const scenario = parseScenario({
  name: 'team', mirror: { propertiesFile: './connect-mirror-maker.properties', propertiesText: text, clusterAliases: { 'us-east': 'primary', 'us-west': 'backup' }, tasksMax: 2 },
}, 't');
const settings = mirrorSettings(scenario, { primaryBootstrap: 'toxiproxy:20000', backupBootstrap: 'toxiproxy:20003' });

const cell = (repetition: number, over: Partial<CellResult> = {}): CellResult => ({
  key: `default#${repetition}`, cellId: 'default', repetition, values: {}, policy: 'default', remoteTopics: ['primary.orders'],
  mirrorSettings: settings.properties,
  propertiesFile: { path: './connect-mirror-maker.properties', clusterAliases: { 'us-east': 'primary', 'us-west': 'backup' }, changes: settings.changes },
  status: 'measured', error: undefined, counts: null, failoverGapMs: null, failoverDelayMs: null, failoverRemainderMs: null, consistency: null,
  backupReadComplete: true, drainComplete: true, samples: null, partitions: {}, expected: null, attribution: null, checks: [],
  atKill: { lagMessages: null, lagMs: null, groupSyncAgeMs: null, groupSyncBehind: null, consumerBehind: null }, faults: [], roundTrip: null,
  phases: {}, startedAt: '2026-11-21T04:00:00.000Z', durationMs: 1, ...over,
});
const cells = [cell(1), cell(2)];
const results: RunResults = {
  schemaVersion: 2, tool: { name: 'mm2-drill', version: '0' }, runId: 'abc123', scenario: { name: 'team', file: 'drill.ts', description: '' },
  status: 'measured', startedAt: '', finishedAt: '', environment: { kafkaImage: 'k', kafkaVersion: '4.3.1', toxiproxyImage: 't', node: 'v24', platform: 'linux' },
  cells, summary: summarize(cells),
};

describe('summary.md', () => {
  const md = renderMarkdown(reportModel(results));
  it('lists, once per matrix cell, every property MM2 ran with and every entry of the file it did not get', () => {
    expect(md).toContain('## MM2 properties from your file');
    expect(md.match(/<summary><b>default<\/b>/g)).toHaveLength(1);
    expect(md).toContain('./connect-mirror-maker.properties (us-east → primary, us-west → backup)');
    expect(md).toMatch(/\d+ properties, \d+ changed from the file \(\d+ by the drill, 1 by the scenario\)/);
  });
  it('marks a change with the file\'s value and key, the value used and why', () => {
    expect(md).toContain("| ✏️ | `primary.bootstrap.servers` | `toxiproxy:20000` | `kafka-east-1.prod.example.com:9093,kafka-east-2.prod.example.com:9093,kafka-east-3.prod.example.com:9093` as `us-east.bootstrap.servers` | drill | the drill's primary cluster");
    expect(md).toContain('| ✏️ | `backup.sasl.jaas.config` | (left out) | (redacted) as `us-west.sasl.jaas.config` | drill |');
    expect(md).toContain('| ✏️ | `tasks.max` | `2` | `4` | scenario | the scenario sets mirror.tasksMax |');
    expect(md).toContain('|  | `primary->backup.topics` | `orders.*, payments` | = |  |  |');
    expect(md).not.toContain('hunter2');
  });
});

describe('report.html', () => {
  const html = renderHtml(reportModel(results, []), '');
  it('shows the properties per cell run, changes highlighted', () => {
    expect(html).toContain('MM2 properties this cell ran with, from <code>./connect-mirror-maker.properties (us-east → primary, us-west → backup)</code>');
    expect(html).toContain('<td><code>backup-&gt;primary.enabled</code></td><td><mark>false</mark></td><td>true <small>as <code>us-west-&gt;us-east.enabled</code></small></td><td>drill</td>');
    expect(html).toContain('<td>scenario</td><td>the scenario sets mirror.tasksMax</td>');
    expect(html).not.toContain('hunter2');
  });
  it('says so when MM2 never started', () => {
    const failed = renderHtml(reportModel({ ...results, cells: [cell(1, { propertiesFile: { path: 'x.properties', clusterAliases: {}, changes: null }, status: 'error' })] }, []), '');
    expect(failed).toContain('MM2 never started');
  });
});

describe('docs/results.md', () => {
  const doc = readFileSync(new URL('../../docs/results.md', import.meta.url), 'utf8');
  it('names the propertiesFile field and every field of a change', () => {
    for (const k of ['propertiesFile', 'path', 'clusterAliases', 'changes', 'key', 'fileKey', 'fileValue', 'value', 'by', 'reason']) expect(doc, k).toContain(`\`${k}\``);
  });
});
