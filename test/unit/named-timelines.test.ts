import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { expandMatrix } from '../../src/core/plan/matrix.ts';
import type { ScenarioInput } from '../../src/core/scenario/scenario.ts';

const wan = (link: 'mm2-primary' | 'mm2-backup') => [
  { at: 5, durationSeconds: 5, action: { fault: 'latency', link, latencyMs: 40, jitterMs: 10 } },
  { at: 12, durationSeconds: 3, action: { fault: 'partition', link } },
  { at: 20, action: 'kill-primary' },
] as const;
const timelines = { consume: wan('mm2-primary'), produce: wan('mm2-backup') } as unknown as ScenarioInput['timelines'];

describe('named timelines', () => {
  it('resolves a timeline given by name into its steps', () => {
    const s = parseScenario({ name: 't', timelines, timeline: 'produce' }, 'x');
    expect(s.timeline.map((st) => (st.action === 'kill-primary' ? st.action : st.action.fault))).toEqual(['latency', 'partition', 'kill-primary']);
    expect(s.timeline.filter((st) => st.action !== 'kill-primary').every((st) => st.action !== 'kill-primary' && 'link' in st.action && st.action.link === 'mm2-backup')).toBe(true);
  });
  it('names the declared timelines when the one asked for is missing', () => {
    expect(() => parseScenario({ name: 't', timelines, timeline: 'sideways' }, 'x')).toThrow(/no timeline named "sideways" in timelines \("consume", "produce"\)/);
    expect(() => parseScenario({ name: 't', timeline: 'any' }, 'x')).toThrow(/none declared/);
  });
  it('holds the checks of a timeline given inline: one kill at most', () => {
    const twice = { name: 't', timelines: { k: [{ at: 5, action: 'kill-primary' }, { at: 6, action: 'kill-primary' }] }, timeline: 'k' } as unknown as ScenarioInput;
    expect(() => parseScenario(twice, 'x')).toThrow(/at most one step with action "kill-primary"/);
  });
  it('makes the name a matrix dimension: each cell faults the link of its timeline', () => {
    const cells = expandMatrix({ name: 't', timelines, matrix: { timeline: ['consume', 'produce'] } }, 'x');
    expect(cells.map((c) => c.id)).toEqual(['timeline=consume', 'timeline=produce']);
    const links = cells.map((c) => c.scenario.timeline.flatMap((st) => (st.action !== 'kill-primary' && 'link' in st.action ? [st.action.link] : [])));
    expect(links).toEqual([['mm2-primary', 'mm2-primary'], ['mm2-backup', 'mm2-backup']]);
  });
});
