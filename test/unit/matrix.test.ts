import { describe, expect, it } from 'vitest';
import { expandMatrix, setPath } from '../../src/core/matrix.ts';

describe('matrix expansion', () => {
  it('runs one default cell without a matrix', () => {
    const cells = expandMatrix({ name: 'one' }, 't.ts');
    expect(cells.map((c) => c.id)).toEqual(['default']);
  });

  it('is the cartesian product of the dimensions, each cell a full validated scenario', () => {
    const cells = expandMatrix({ name: 'm', matrix: { 'mirror.policy': ['default', 'identity'], 'mirror.checkpointIntervalSeconds': [1, 5, 30] } }, 't.ts');
    expect(cells).toHaveLength(6);
    expect(cells.map((c) => c.id)).toContain('mirror.policy=identity,mirror.checkpointIntervalSeconds=30');
    const c = cells.find((x) => x.values['mirror.policy'] === 'identity' && x.values['mirror.checkpointIntervalSeconds'] === 5);
    expect(c?.scenario.mirror.policy).toBe('identity');
    expect(c?.scenario.mirror.checkpointIntervalSeconds).toBe(5);
    expect(c?.scenario.mirror.offsetLagMax).toBe(100);
  });

  it('overrides the base value and keeps its siblings', () => {
    const [cell] = expandMatrix({ name: 'm', mirror: { offsetLagMax: 7, policy: 'identity' }, matrix: { 'mirror.policy': ['default'] } }, 't.ts');
    expect(cell?.scenario.mirror).toMatchObject({ policy: 'default', offsetLagMax: 7 });
  });

  it('rejects a value that makes a cell invalid, naming the cell and the path', () => {
    expect(() => expandMatrix({ name: 'm', matrix: { 'mirror.policy': ['default', 'bogus'] } }, 't.ts')).toThrow(/cell mirror\.policy=bogus[\s\S]*mirror\.policy:/);
  });

  it('rejects a dimension that names no scenario field', () => {
    expect(() => expandMatrix({ name: 'm', matrix: { 'mirror.polcy': ['x'] } }, 't.ts')).toThrow(/polcy/);
  });

  it('setPath creates intermediate objects without mutating the input', () => {
    const input = { a: { b: 1 } };
    expect(setPath(input, 'a.c.d', 2)).toEqual({ a: { b: 1, c: { d: 2 } } });
    expect(input).toEqual({ a: { b: 1 } });
  });
});

describe('command-line overrides', async () => {
  const { applySets, filterCells, parseValue } = await import('../../src/core/overrides.ts');
  it('parses numbers and booleans, leaves other text alone', () => {
    expect([parseValue('5'), parseValue('true'), parseValue('identity'), parseValue('')]).toEqual([5, true, 'identity', '']);
  });
  it('--set path=v overrides a field and drops a matrix dimension on it', () => {
    const s = applySets({ name: 'x', matrix: { 'mirror.policy': ['default', 'identity'] } }, ['mirror.policy=identity']);
    expect(expandMatrix(s, 't').map((c) => c.scenario.mirror.policy)).toEqual(['identity']);
  });
  it('--set path=v1,v2 adds a dimension', () => {
    const s = applySets({ name: 'x' }, ['mirror.offsetLagMax=0,10,100']);
    expect(expandMatrix(s, 't').map((c) => c.scenario.mirror.offsetLagMax)).toEqual([0, 10, 100]);
  });
  it('--set indexes arrays (timeline.0.at)', () => {
    const s = applySets({ name: 'x', timeline: [{ at: 20, action: 'kill-primary' }] }, ['timeline.0.at=45']);
    expect(expandMatrix(s, 't')[0]?.scenario.timeline).toEqual([{ at: 45, action: 'kill-primary' }]);
  });
  it('rejects a --set without =', () => {
    expect(() => applySets({ name: 'x' }, ['mirror.policy'])).toThrow(/path=value/);
  });
  it('--only keeps the cells matching every pair, by full or last path segment', () => {
    const cells = expandMatrix({ name: 'm', matrix: { 'mirror.policy': ['default', 'identity'], 'mirror.offsetLagMax': [0, 100] } }, 't');
    expect(filterCells(cells, 'policy=identity').map((c) => c.id)).toEqual(['mirror.policy=identity,mirror.offsetLagMax=0', 'mirror.policy=identity,mirror.offsetLagMax=100']);
    expect(filterCells(cells, 'mirror.policy=default,offsetLagMax=100')).toHaveLength(1);
    expect(() => filterCells(cells, 'policy=bogus')).toThrow(/matches none/);
  });
});
