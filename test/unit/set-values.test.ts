/** `--set` values: JSON, escaped commas, and property names with dots inside maps of plain values. */
import { describe, expect, it } from 'vitest';
import { applySets, parseSetValues } from '../../src/core/plan/overrides.ts';
import { expandMatrix, setPath } from '../../src/core/plan/matrix.ts';
import { scenarioPathKeys } from '../../src/core/plan/scenario-path.ts';
import type { ScenarioInput } from '../../src/core/scenario/scenario.ts';

describe('--set values', () => {
  it('a JSON object is one value, set whole: the dots of its keys are not paths', () => {
    const s = applySets({ name: 'x' }, ['mirror.properties={"topics.exclude":"foo,bar","emit.checkpoints.enabled":true}']);
    expect(s.mirror?.properties).toEqual({ 'topics.exclude': 'foo,bar', 'emit.checkpoints.enabled': true });
    expect(s.matrix).toEqual({});
  });

  it('a JSON list or string is one value; `\\,` is a comma inside a value; plain commas still make a matrix', () => {
    expect(parseSetValues('p=["a","b"]', '["a","b"]')).toEqual([['a', 'b']]);
    expect(parseSetValues('p="a,b"', '"a,b"')).toEqual(['a,b']);
    expect(parseSetValues('p=foo\\,bar', 'foo\\,bar')).toEqual(['foo,bar']);
    expect(parseSetValues('p=a\\,b,c', 'a\\,b,c')).toEqual(['a,b', 'c']);
    expect(parseSetValues('p=1,true,x', '1,true,x')).toEqual([1, true, 'x']);
  });

  it('a value that starts like JSON but is not is a usage error that shows the quoting', () => {
    expect(() => parseSetValues('p={a:1}', '{a:1}')).toThrow(/not JSON/);
  });

  it('a property name keeps its dots inside mirror.properties, kafka.brokerConfig and a topic\'s config', () => {
    const s = applySets({ name: 'x', topics: [{ name: 'orders' }] }, [
      'mirror.properties.topics.exclude=foo\\,bar',
      'kafka.brokerConfig.log.retention.ms=60000',
      'topics.0.config.retention.ms=1000',
    ]);
    expect(s.mirror?.properties).toEqual({ 'topics.exclude': 'foo,bar' });
    expect(s.kafka?.brokerConfig).toEqual({ 'log.retention.ms': 60000 });
    expect(s.topics?.[0]?.config).toEqual({ 'retention.ms': 1000 });
  });

  it('splits every other path at its dots', () => {
    expect(scenarioPathKeys('timeline.0.at')).toEqual(['timeline', '0', 'at']);
    expect(scenarioPathKeys('mirrors.back.properties.sync.group.offsets.enabled')).toEqual(['mirrors', 'back', 'properties', 'sync.group.offsets.enabled']);
    expect(scenarioPathKeys('not.a.field')).toEqual(['not', 'a', 'field']);
    expect(setPath({ mirror: { properties: { a: '1' } } }, 'mirror.properties.b.c', '2')).toEqual({ mirror: { properties: { a: '1', 'b.c': '2' } } });
  });

  it('a matrix dimension over a dotted property makes cells that set it', () => {
    const input: ScenarioInput = { name: 'x', matrix: { 'mirror.properties.replication.factor': [1, 2] } };
    const cells = expandMatrix(input, 'x.ts');
    expect(cells.map((c) => c.scenario.mirror.properties)).toEqual([{ 'replication.factor': 1 }, { 'replication.factor': 2 }]);
  });
});
