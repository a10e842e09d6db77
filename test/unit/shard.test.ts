import { describe, expect, it } from 'vitest';
import { DrillError } from '../../src/core/errors.ts';
import { parseShard, shardOf } from '../../src/core/plan/shard.ts';
import { mergeResults } from '../../src/core/results/merge-shards.ts';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';

const cell = (cellId: string, repetition: number, status: CellResult['status'] = 'passed') => ({ key: `${cellId}#${repetition}`, cellId, repetition, status, counts: null }) as unknown as CellResult;
const part = (runId: string, index: number, total: number, cells: CellResult[], over: Partial<RunResults> = {}): RunResults => ({
  schemaVersion: 2, tool: { name: 'mm2-drill', version: '0.1.0' }, runId, scenario: { name: 's', file: 's.ts', description: '' }, status: 'passed',
  startedAt: `2026-01-01T00:0${index}:00.000Z`, finishedAt: `2026-01-01T00:1${index}:00.000Z`,
  environment: { kafkaImage: 'k', kafkaVersion: '4', toxiproxyImage: 't', node: 'v24', platform: 'linux' }, shard: { index, total }, cells, summary: [], ...over,
});

describe('shards', () => {
  it('parses k/n and says what it expects otherwise', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(/expected k\/n/);
  });

  it('deals every environment to exactly one shard, round-robin, the same way every time', () => {
    const plan = Array.from({ length: 11 }, (_, i) => i);
    const shards = [1, 2, 3, 4].map((index) => shardOf(plan, { index, total: 4 }));
    expect(shards).toEqual([[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7]]);
    expect(shards.flat().sort((a, b) => a - b)).toEqual(plan);
    expect(shardOf(plan, { index: 1, total: 1 })).toEqual(plan);
  });

  it('merges the shards into one run in plan order, with the worst status and the whole time span', () => {
    const m = mergeResults([
      part('b', 2, 2, [cell('y', 1), cell('x', 2, 'failed')]),
      part('a', 1, 2, [cell('x', 1), cell('y', 2)]),
    ], 'merged', ['x', 'y']);
    expect(m.cells.map((c) => c.key)).toEqual(['x#1', 'x#2', 'y#1', 'y#2']);
    expect(m.status).toBe('failed');
    expect(m).toMatchObject({ runId: 'merged', shard: null, mergedFrom: ['b', 'a'], startedAt: '2026-01-01T00:01:00.000Z', finishedAt: '2026-01-01T00:12:00.000Z' });
    expect(m.summary.map((s) => s.cellId)).toEqual(['x', 'y']);
  });

  it('keeps an interrupted or errored shard\'s status, even when its cells look fine', () => {
    expect(mergeResults([part('a', 1, 2, [cell('x', 1)]), part('b', 2, 2, [], { status: 'interrupted' })], 'm', ['x']).status).toBe('interrupted');
    expect(mergeResults([part('a', 1, 2, [cell('x', 1)]), part('b', 2, 2, [], { status: 'error' })], 'm', ['x']).status).toBe('error');
  });

  it('refuses what is not the shards of one run, naming each problem', () => {
    const e = (() => {
      try {
        mergeResults([part('a', 1, 3, []), part('b', 1, 3, []), part('c', 2, 2, [], { scenario: { name: 'other', file: 'o.ts', description: '' } })], 'm', []);
      } catch (x) {
        return x as DrillError;
      }
      throw new Error('expected a refusal');
    })();
    expect(e.code).toBe('MERGE_MISMATCH');
    expect(e.message).toContain('c: scenario "other", not "s"');
    expect(e.message).toContain('c: shard count 2, not 3');
    expect(e.message).toContain('shard 1/3 given 2 times (a, b)');
    expect(e.message).toContain('shard(s) 3/3 missing');
  });
});
