import { describe, expect, it } from 'vitest';
import { cellSettingsOf, isPlaybookCell, recordedSettings } from '../../src/core/history/cell-settings.ts';
import type { HistoryEvent } from '../../src/core/history/history.ts';
import { indexHistory } from '../../src/core/history/history-index.ts';
import { playbookOf, topicRates } from '../../src/core/scenario/scenario.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';

const startEvent = (settings: unknown): HistoryEvent => ({ cell: 'c#1', t: 1, type: 'cell-start', values: {}, settings: settings as Record<string, unknown> });
/** Through the history file and back: what `report` reads from a run directory. */
const onDisk = (e: HistoryEvent): HistoryEvent => JSON.parse(JSON.stringify(e)) as HistoryEvent;

describe('the cell settings', () => {
  const classic = parseScenario({
    name: 'classic', mirror: { policy: 'identity', properties: { 'offset.lag.max': 7 } },
    workload: { transactionRecords: 3, consumer: { groupId: 'team-a' } }, failover: { delaySeconds: 5, autoOffsetReset: 'latest' },
  }, 'x');
  const playbook = parseScenario({
    name: 'pb', mirrors: { forward: { source: 'primary', target: 'backup', startAt: 'setup' }, reverse: { source: 'backup', target: 'primary', policy: 'identity' } },
    playbook: [{ action: 'kill-cluster', cluster: 'primary' }],
  }, 'x');

  it('records the scenario blocks whole, in the shape run directories already hold', () => {
    expect(recordedSettings(classic, playbookOf(classic), topicRates(classic))).toEqual({ mirror: classic.mirror, workload: classic.workload, failover: classic.failover, timeline: classic.timeline, workloadRates: topicRates(classic) });
    const steps = playbookOf(playbook)!;
    expect(recordedSettings(playbook, steps, [])).toEqual({ mirror: playbook.mirror, workload: playbook.workload, failover: playbook.failover, mirrors: playbook.mirrors, playbook: steps, workloadRates: [] });
  });

  it('reads back what was recorded', () => {
    const read = cellSettingsOf([onDisk(startEvent(recordedSettings(classic, null, topicRates(classic))))]);
    expect(read.workloadRates).toEqual(topicRates(classic));
    expect(read.failover).toEqual({ delaySeconds: classic.failover.delaySeconds, autoOffsetReset: 'latest' });
    expect(read.workload).toEqual({ idempotent: classic.workload.idempotent, transactionRecords: 3, consumer: { groupId: 'team-a' } });
    expect(read.mirror?.policy).toBe('identity');
    expect(read.mirror?.properties).toEqual(classic.mirror.properties);
    expect(read.mirror?.refreshTopicsIntervalSeconds).toBe(classic.mirror.refreshTopicsIntervalSeconds);
    expect(isPlaybookCell(read)).toBe(false);

    const pb = cellSettingsOf([onDisk(startEvent(recordedSettings(playbook, playbookOf(playbook), [])))]);
    expect(isPlaybookCell(pb)).toBe(true);
    expect(pb.mirrors?.['reverse']).toEqual({ source: 'backup', target: 'primary', policy: 'identity', properties: {} });
    expect(pb.mirrors?.['forward']?.policy).toBeUndefined();
  });

  it('reads an older or partial history without failing: a field absent or mistyped is absent', () => {
    expect(cellSettingsOf([])).toEqual({});
    expect(cellSettingsOf([startEvent(null)])).toEqual({});
    expect(cellSettingsOf([startEvent({ playbook: [] })])).toEqual({ playbook: [] });
    const odd = cellSettingsOf([startEvent({ failover: { delaySeconds: '2', autoOffsetReset: 'none' }, workload: { idempotent: 'yes', consumer: { groupId: 'g' } }, playbook: null })]);
    expect(odd.failover).toEqual({ delaySeconds: undefined, autoOffsetReset: undefined });
    expect(odd.workload?.idempotent).toBeUndefined();
    expect(odd.workload?.consumer?.groupId).toBe('g');
    expect(isPlaybookCell(odd)).toBe(false);
    // The checkers' readings of absence: the scenario's defaults or "not recorded".
    const ix = indexHistory([startEvent({ failover: {} })]);
    expect([ix.autoOffsetReset, ix.failoverDelayMs, ix.groupId, ix.idempotent]).toEqual(['earliest', null, null, null]);
  });

  it('only records the settings the checkers read, every one of them', () => {
    const { failover, ...rest } = classic;
    // @ts-expect-error failover.autoOffsetReset is read back: a cell must record it
    recordedSettings({ ...rest, failover: { delaySeconds: failover.delaySeconds } }, null);
    // @ts-expect-error workload.consumer.groupId is read back as a string
    recordedSettings({ ...rest, failover, workload: { ...classic.workload, consumer: { groupId: 1 } } }, null);
  });
});
