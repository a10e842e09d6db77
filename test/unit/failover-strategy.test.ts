import { describe, expect, expectTypeOf, it } from 'vitest';
import { attribute } from '../../src/core/checker/attribution.ts';
import { moveBackStrategies, movedGroup, strategies, strategyNames, usesCheckpoints, type Strategy } from '../../src/core/scenario/failover-strategy.ts';
import type { EventBody, HistoryEvent } from '../../src/core/history/history.ts';
import { indexHistory } from '../../src/core/history/history-index.ts';
import { policyClass } from '../../src/core/plan/mm2-settings.ts';
import { policyNameOf, remoteTopicName } from '../../src/core/kafka/replication-policy.ts';
import type { MirrorSpec, PlaybookStep } from '../../src/core/scenario/playbook.ts';
import { builtInPolicies, builtInPolicyNames, keepsTopicNames, type BuiltInPolicy } from '../../src/core/kafka/replication-policy.ts';
import type { Scenario } from '../../src/core/scenario/scenario.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';

const mirrors = { forward: { source: 'primary', target: 'backup', startAt: 'setup' }, reverse: { source: 'backup', target: 'primary' } } as const;

/** The options a schema's enum error lists ("expected one of "a"|"b" (found …)"), as the user reads them. */
function acceptedOptions(input: unknown): string[] {
  try {
    parseScenario(input, 't');
  } catch (e) {
    const listed = /expected one of (\S+) \(found/.exec((e as Error).message)?.[1];
    if (listed) return listed.split('|').map((o) => JSON.parse(o) as string);
  }
  throw new Error('the scenario was not rejected for its enum');
}

describe('the strategy table', () => {
  it("is exactly what the scenario's failover and a move-consumers step accept", () => {
    const keys = Object.keys(strategies);
    expect(acceptedOptions({ name: 'x', failover: { strategy: 'no-such-strategy' } })).toEqual(keys);
    expect(acceptedOptions({ name: 'x', mirrors, playbook: [{ action: 'move-consumers', to: 'backup', strategy: 'no-such-strategy' }] })).toEqual(keys);
    expect(strategyNames).toEqual(keys);
    for (const strategy of keys) expect(parseScenario({ name: 'x', failover: { strategy } }, 't').failover.strategy).toBe(strategy);
    // At compile time: the schemas' types are the table's keys.
    expectTypeOf<Scenario['failover']['strategy']>().toEqualTypeOf<Strategy>();
    expectTypeOf<Extract<PlaybookStep, { action: 'move-consumers' }>['strategy']>().toEqualTypeOf<Strategy>();
  });

  it('lets a group move back to the primary with exactly the strategies that can', () => {
    for (const strategy of strategyNames) {
      const move = () => parseScenario({ name: 'x', mirrors, playbook: [{ action: 'move-consumers', to: 'primary', strategy }] }, 't');
      if (strategies[strategy].movesBack) expect(move).not.toThrow();
      else expect(move).toThrow(new RegExp(`moving consumers back to the primary supports ${moveBackStrategies.map((m) => `"${m}"`).join(', ')}`));
    }
  });

  it('names the group a move resumes as: the synced group itself, else one of the strategy\'s own', () => {
    for (const strategy of strategyNames) {
      const synced = strategies[strategy].syncedGroup;
      expect(movedGroup(strategy, 'g', 'backup')).toBe(synced ? 'g' : `g-${strategy}`);
      expect(movedGroup(strategy, 'g', 'primary')).toBe(synced ? 'g' : `g-primary-${strategy}`);
    }
    // A group of its own per destination: a move back never takes over the failover's group.
    const own = strategyNames.filter((s) => !strategies[s].syncedGroup);
    expect(own.length).toBeGreaterThan(0);
    for (const s of own) expect(movedGroup(s, 'g', 'primary')).not.toBe(movedGroup(s, 'g', 'backup'));
  });

  it('knows a recorded name that no entry has: no checkpoints, and its duplicates and skips unexplained', () => {
    let clock = 0;
    const ev = (body: EventBody): HistoryEvent => ({ cell: 'c#1', t: ++clock, ...body }) as HistoryEvent;
    const R = 'primary.orders';
    const events = [
      ev({ type: 'cell-start', values: {}, settings: { workload: { consumer: { groupId: 'g' } }, failover: {} } }),
      ...[0, 1, 2, 3].map((n) => ev({ type: 'ack', id: `m${n}`, topic: 'orders', partition: 0, offset: String(n) })),
      ...[0, 1].map((n) => ev({ type: 'deliver', id: `m${n}`, phase: 'primary', topic: 'orders', partition: 0, offset: String(n), ts: 0 })),
      ev({ type: 'failover-offsets', strategy: 'retired-strategy', group: 'g', offsets: { [`${R}/0`]: '1' } }),
      ...[1, 3].map((n) => ev({ type: 'deliver', id: `m${n}`, phase: 'backup', topic: R, partition: 0, offset: String(n), ts: 0 })),
      ...[0, 1, 2, 3].map((n) => ev({ type: 'backup-record', id: `m${n}`, topic: R, partition: 0, offset: String(n) })),
      ev({ type: 'read-complete', what: 'backup', complete: true, detail: '' }),
    ];
    const a = attribute(indexHistory(events))!;
    expect(a.duplicates.parts).toEqual([{ cause: 'unexplained', messages: 1, expectedMax: null }]); // m1
    expect(usesCheckpoints('retired-strategy')).toBe(false);
    expect(strategyNames.filter(usesCheckpoints)).toEqual(strategyNames.filter((s) => strategies[s].usesCheckpoints));
  });
});

describe('the built-in replication policies', () => {
  it("are what a playbook mirror's policy accepts, with their class and remote names", () => {
    expect(acceptedOptions({ name: 'x', mirrors: { ...mirrors, reverse: { ...mirrors.reverse, policy: 'no-such-policy' } } })).toEqual(Object.keys(builtInPolicies));
    expectTypeOf<NonNullable<MirrorSpec['policy']>>().toEqualTypeOf<BuiltInPolicy>();
    for (const p of builtInPolicyNames) {
      expect(policyClass({ policy: p, customPolicies: {} })).toBe(builtInPolicies[p].class);
      expect(policyNameOf(builtInPolicies[p].class, {})).toBe(p);
      for (const cls of builtInPolicies[p].sameAs) expect(policyNameOf(cls, {})).toBe(p);
      expect(remoteTopicName(p, 'orders', 'primary', '_')).toBe(builtInPolicies[p].remoteTopic('orders', 'primary', '_'));
      expect(keepsTopicNames(p)).toBe(remoteTopicName(p, 'orders', 'primary') === 'orders');
    }
    expect(remoteTopicName('mine', 'orders')).toBeNull();
    expect(keepsTopicNames('mine')).toBe(false);
  });

  it("refuses a custom policy named like a built-in one, naming the built-in's class", () => {
    for (const p of builtInPolicyNames) {
      const cls = builtInPolicies[p].class;
      expect(() => parseScenario({ name: 'x', mirror: { customPolicies: { [p]: { class: 'com.example.Mine', jar: './mine.jar' } } } }, 't'))
        .toThrow(`always means the built-in ${cls.slice(cls.lastIndexOf('.') + 1)}`);
    }
  });
});
