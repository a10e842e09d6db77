import { describe, expect, it } from 'vitest';
import { DrillError } from '../../src/core/errors.ts';
import { expandMatrix, setPath } from '../../src/core/plan/matrix.ts';

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);
const failure = (f: () => unknown): DrillError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DrillError);
    return e as DrillError;
  }
  throw new Error('expected a DrillError');
};

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

describe('matrix size', () => {
  it('refuses more than 200 cell runs, saying how many, the limit and the fix', () => {
    const e = failure(() => expandMatrix({ name: 'm', matrix: { 'mirror.policy': ['default', 'identity'], 'mirror.offsetLagMax': range(50) }, repeat: 3 }, 't.ts'));
    expect(e.code).toBe('SCENARIO_INVALID');
    expect(e.message).toBe('matrix: 300 cell runs (mirror.policy 2 value(s) × mirror.offsetLagMax 50 value(s) = 100 cells, × repeat 3), more than the limit of 200 cell runs');
    expect(e.fix).toMatch(/--force.*run all 300.*fewer matrix values.*--only/);
  });

  it('counts before validating any cell (a bad value in a huge matrix is not validated)', () => {
    const e = failure(() => expandMatrix({ name: 'm', matrix: { 'workload.ratePerSecond': [-5, ...range(1000)] } }, 't.ts'));
    expect(e.message).toMatch(/^matrix: 1001 cell runs/);
  });

  it('runs exactly 200, and more with force', () => {
    expect(expandMatrix({ name: 'm', matrix: { 'mirror.offsetLagMax': range(100) }, repeat: 2 }, 't.ts')).toHaveLength(100);
    expect(expandMatrix({ name: 'm', matrix: { 'mirror.offsetLagMax': range(201) } }, 't.ts', { force: true })).toHaveLength(201);
  });
});

describe('threshold `when` groups', () => {
  const matrix = { 'mirror.policy': ['default', 'identity'], 'mirror.offsetLagMax': [10, 100] };
  const withWhen = (when: Record<string, unknown>, m: Record<string, unknown[]> = matrix) =>
    () => expandMatrix({ name: 'm', matrix: m, thresholds: [{ checks: { lost: '==0' } }, { when, checks: { duplicated: '<=500' } }] } as never, 't.ts');

  it('accepts a `when` on a dimension by path or last part, with one of its values', () => {
    expect(withWhen({ policy: 'identity' })()).toHaveLength(4);
    expect(withWhen({ 'mirror.policy': 'default', offsetLagMax: 10 })()).toHaveLength(4);
  });

  it('rejects a key that names no matrix dimension, listing the dimensions', () => {
    const e = failure(withWhen({ polcy: 'identity' }));
    expect(e.code).toBe('SCENARIO_INVALID');
    expect(e.message).toContain('thresholds[1].when.polcy: names no matrix dimension, so these checks would apply to no cell; the matrix dimensions are mirror.policy ("default", "identity"); mirror.offsetLagMax (10, 100)');
    expect(failure(withWhen({ 'mirror.polcy': 'identity' })).message).toContain('thresholds[1].when["mirror.polcy"]: names no matrix dimension');
    expect(failure(withWhen({ policy: 'identity' }, {})).message).toContain('the scenario has no matrix');
  });

  it('rejects a `when` that matches no cell (a value not in the matrix, or of another type)', () => {
    expect(failure(withWhen({ policy: 'identiy' })).message).toContain('thresholds[1].when: {"policy":"identiy"} matches no cell of the matrix');
    expect(failure(withWhen({ offsetLagMax: '10' })).message).toContain('mirror.offsetLagMax (10, 100)');
  });

  it('rejects a `when` on a dimension that --set pinned to one value', async () => {
    const { applySets } = await import('../../src/core/plan/overrides.ts');
    const input = applySets({ name: 'm', matrix, thresholds: [{ when: { policy: 'identity' }, checks: { lost: '==0' } }] }, ['mirror.policy=identity']);
    expect(() => expandMatrix(input, 't.ts')).toThrow(/when\.policy: names no matrix dimension/);
  });
});

describe('command-line overrides', async () => {
  const { applySets, filterCells, parseValue } = await import('../../src/core/plan/overrides.ts');
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
