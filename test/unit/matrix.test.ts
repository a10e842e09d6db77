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
