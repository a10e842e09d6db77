/** Bad input and a missing engine: a clear message, a distinct exit code, nothing started. */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandMatrix } from '../../src/core/plan/matrix.ts';
import { runCli, tempResultsDir } from './helpers.ts';

describe('CLI failures', () => {
  it('rejects an invalid scenario with the field paths and exit code 2', async () => {
    const r = await runCli(['validate', 'test/fixtures/invalid.ts'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SCENARIO_INVALID');
    expect(r.stderr).toContain('mirror.policy');
    expect(r.stderr).toContain('mirror.offsetLagMax');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a missing scenario file', async () => {
    const r = await runCli(['run', 'scenarios/nope.ts'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scenario file not found: scenarios/nope.ts');
  });

  it('answers an unreachable Docker engine in seconds with exit code 3 and the fix', async () => {
    const t0 = Date.now();
    const r = await runCli(['run', 'test/fixtures/short.ts'], { timeoutMs: 30_000, env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('DOCKER_UNREACHABLE');
    expect(r.stderr).toContain('fix:');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('names a missing image with the fix, in seconds, exit code 3, nothing started', async () => {
    const t0 = Date.now();
    const r = await runCli(['run', 'test/fixtures/short.ts', '--set', 'kafka.image=mm2-drill/no-such-image:0'], { timeoutMs: 30_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('IMAGE_MISSING');
    expect(r.stderr).toContain('mm2-drill/no-such-image:0');
    expect(r.stderr).toContain('npx mm2-drill setup');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('prints complete help with examples and exit codes', async () => {
    const r = await runCli(['run', '--help'], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });
});

/**
 * A run directory as `run` writes it, of one cell run that ended in error (so `report` derives
 * it again without judging it), with `change` applied to its results.json, its scenario.json
 * and its history: crafted or damaged run directories, no Docker needed.
 */
function craftedRunDir(change: { results?: (r: Record<string, unknown>) => unknown; scenario?: (s: Record<string, unknown>) => unknown; history?: string } = {}): string {
  const dir = join(tempResultsDir(), 'crafted', '20261121T040000Z-abc123');
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const at = '2026-11-21T04:00:00.000Z';
  const cell = {
    key: 'default#1', cellId: 'default', repetition: 1, values: {}, policy: 'default', remoteTopics: [], mirrorSettings: {}, propertiesFile: null,
    status: 'error', error: { code: 'WAIT_TIMEOUT', message: 'timed out' }, counts: null, failoverGapMs: null, failoverDelayMs: null, failoverRemainderMs: null,
    consistency: null, backupReadComplete: false, drainComplete: false, samples: null, partitions: {}, expected: null, attribution: null, checks: [],
    atKill: { lagMessages: null, lagMs: null, groupSyncAgeMs: null, groupSyncBehind: null, consumerBehind: null }, faults: [], roundTrip: null, phases: {}, startedAt: at, durationMs: 1000,
  };
  const results = {
    schemaVersion: 2, tool: { name: 'mm2-drill', version: '0.1.0' }, runId: 'abc123', scenario: { name: 'crafted', file: 'crafted.ts', description: '' }, status: 'error',
    startedAt: at, finishedAt: at, environment: { kafkaImage: 'k', kafkaVersion: '4.3.1', toxiproxyImage: 't', node: 'v24', platform: 'linux-x64' }, shard: null, cells: [cell], summary: [],
  };
  const scenario = { file: 'crafted.ts', cells: expandMatrix({ name: 'crafted' }, 'crafted.ts') };
  writeFileSync(join(dir, 'results.json'), JSON.stringify(change.results ? change.results(results) : results));
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(change.scenario ? change.scenario(scenario) : scenario));
  const history = [{ cell: 'default#1', t: Date.parse(at), type: 'cell-start', values: {}, settings: {} }, { cell: 'default#1', t: Date.parse(at) + 1000, type: 'cell-end', status: 'failed', error: 'timed out' }];
  writeFileSync(join(dir, 'history.ndjson'), change.history ?? history.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return dir;
}

describe('report and merge on crafted run directories', () => {
  const refused = (r: { code: number | null; stderr: string }, message: RegExp) => {
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fix:');
    expect(r.stderr).not.toMatch(/\n\s+at |harness bug/);
  };

  it('re-renders a run directory as run writes it (the crafted baseline is sound)', async () => {
    const r = await runCli(['report', craftedRunDir()], { timeoutMs: 30_000 });
    expect(r.stderr).not.toMatch(/harness bug|RUN_DIR_INVALID/);
    expect(r.code).toBe(4); // the cell run ended in error
  });

  it('names a results.json that is not JSON', async () => {
    const dir = craftedRunDir();
    writeFileSync(join(dir, 'results.json'), '{"schemaVersion": 2, "cells": [');
    refused(await runCli(['report', dir], { timeoutMs: 30_000 }), /RUN_DIR_INVALID: .*results\.json is not valid JSON/);
  });

  it('names every wrong field of results.json', async () => {
    const dir = craftedRunDir({ results: (r) => ({ ...r, status: '<img src=x onerror=alert(1)>', cells: [{ ...(r.cells as object[])[0], startedAt: 'yesterday' }] }) });
    refused(await runCli(['report', dir], { timeoutMs: 30_000 }), /RUN_DIR_INVALID: .*results\.json is not what mm2-drill wrote:\n {2}- status: [\s\S]*cells\[0\]\.startedAt: /);
  });

  it('names a results.json of another schema version', async () => {
    refused(await runCli(['report', craftedRunDir({ results: (r) => ({ ...r, schemaVersion: 1 }) })], { timeoutMs: 30_000 }), /schemaVersion: schemaVersion 2, the version this mm2-drill reads/);
  });

  it('names a history event of the wrong shape with its line', async () => {
    refused(await runCli(['report', craftedRunDir({ history: '{"cell": 5, "t": "now", "type": "ack"}\n{"cell": "default#1", "t": 1, "type": "phase"}\n' })], { timeoutMs: 30_000 }), /history\.ndjson line 1 is not what mm2-drill wrote:\n {2}- cell: [\s\S]*t: /);
  });

  it('names a scenario.json that is missing or of the wrong shape', async () => {
    refused(await runCli(['report', craftedRunDir({ scenario: (s) => ({ ...s, cells: 'none' }) })], { timeoutMs: 30_000 }), /scenario\.json is not what mm2-drill wrote:\n {2}- cells: /);
  });

  it('names a run directory file that cannot be read', async () => {
    const dir = craftedRunDir();
    rmSync(join(dir, 'history.ndjson'));
    mkdirSync(join(dir, 'history.ndjson'));
    refused(await runCli(['report', dir], { timeoutMs: 30_000 }), /RUN_DIR_INVALID: cannot read .*history\.ndjson \(EISDIR\)/);
  });

  it('refuses a shard whose scenario name would put the merged run outside --results', async () => {
    const root = tempResultsDir();
    const results = join(root, 'results');
    const dir = craftedRunDir({ results: (r) => ({ ...r, scenario: { name: '../../escaped', file: 'x.ts', description: '' } }) });
    refused(await runCli(['merge', dir, '--results', results], { timeoutMs: 30_000 }), /results\.json is not what mm2-drill wrote:\n {2}- scenario\.name: a kebab-case name/);
    expect(existsSync(join(root, 'escaped'))).toBe(false);
    expect(existsSync(results) ? readdirSync(results) : []).toEqual([]);
  });

  it('refuses a shard with a start time that is not a time', async () => {
    refused(await runCli(['merge', craftedRunDir({ results: (r) => ({ ...r, startedAt: 'soon' }) }), '--results', tempResultsDir()], { timeoutMs: 30_000 }), /startedAt: /);
  });
});
