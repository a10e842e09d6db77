/**
 * The failover expectations of a team's mm2.properties (`mm2-drill expect`): the expected bound of
 * the drill's own model, with the figures derived here from the file's own values.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { enabledFlows, planExpectations, type TeamSettings } from '../../src/core/checker/failover-expectations.ts';
import { parsePropertiesText } from '../../src/core/kafka/mm2-properties-file.ts';
import { teamTopics } from '../../src/cli/expect-command.ts';

const text = readFileSync(new URL('../../scenarios/mm2.example.properties', import.meta.url), 'latin1');
/** The example file's own entries, as MM2 reads them. */
const file = Object.fromEntries(parsePropertiesText(text).entries);

const team = (over: Partial<TeamSettings> = {}): TeamSettings => ({
  propertiesFile: './mm2.example.properties', propertiesText: text,
  topics: [{ name: 'orders', partitions: 3, ratePerSecond: 200 }],
  consumer: { commit: 'interval', commitIntervalMs: 5000 },
  ...over,
});
const plan = (over: Partial<TeamSettings> = {}, lag: number | null = null) =>
  planExpectations(team(over), { replicationLagMs: lag, defaultRelease: '4.3.1', label: 'mm2.example.properties' });

describe('mm2.example.properties at 200 msg/s, 3 partitions', () => {
  // The file's settings: MM2 reads the flow's (here top-level) keys and the backup worker's flush.
  const checkpoint = Number(file['emit.checkpoints.interval.seconds']);
  const groupSync = Number(file['sync.group.offsets.interval.seconds']);
  const flushSeconds = Number(file['dc2.offset.flush.interval.ms']) / 1000;
  const rate = 200;
  const partitions = 3;
  const perPartition = rate / partitions;

  it('reads the settings it models from the file, and MM2 defaults where it is silent', () => {
    expect(file['offset.lag.max']).toBeUndefined();
    expect(file['sync.group.offsets.enabled']).toBe('true');
    const e = plan().expectations;
    const setting = (k: string) => e.settings.find((s) => s.key === k);
    expect(setting('emit.checkpoints.interval.seconds')).toEqual({ key: 'emit.checkpoints.interval.seconds', value: String(checkpoint), origin: 'file' });
    expect(setting('offset.lag.max')).toEqual({ key: 'offset.lag.max', value: '100', origin: 'mm2-default' });
    expect(e.flow).toEqual({ primary: 'dc1', backup: 'dc2' });
  });

  it.each([
    ['interval', 5000, 5],
    ['batch', undefined, 1],
  ] as const)('duplicates (commit %s): rate × (commit + checkpoint + group sync) + the translation slack per partition', (commit, ms, commitSeconds) => {
    // MM2 4.x syncs every offset.lag.max records and at each offset flush (KAFKA-15906): the slack
    // per partition is the sync spacing, the fewer of the two, plus one.
    const offsetLagMax = 100; // MM2's default: the file leaves it out
    const slack = Math.min(offsetLagMax, Math.ceil(perPartition * flushSeconds)) + 1;
    const expected = partitions * Math.ceil(slack + perPartition * (commitSeconds + checkpoint + groupSync));
    const e = plan({ consumer: { commit, commitIntervalMs: ms } }).expectations;
    expect(e.duplicates.max).toBe(expected);
    const part = (c: string) => e.duplicates.parts.find((p) => p.cause === c)?.max;
    expect(part('commit-lag')).toBe(partitions * Math.ceil(perPartition * commitSeconds));
    expect(part('sync-lag')).toBe(partitions * Math.ceil(perPartition * (commitSeconds + checkpoint + groupSync)));
    expect(part('translation-slack')).toBe(partitions * slack);
    expect(e.duplicates.reasoning).toContain(`checkpoint ${checkpoint}s + group sync ${groupSync}s`);
  });

  it('no skips on the default release: the translation is never ahead of the commit', () => {
    const e = plan().expectations;
    expect(e.skips.possible).toBe(false);
    expect(e.skips.issues).toEqual([]);
    expect(e.warnings).toEqual([]);
  });

  it('the RPO is unknown without a measured replication lag, and rate × lag with one', () => {
    expect(plan().expectations.lost.max).toBe('unknown');
    expect(plan({}, 250).expectations.lost.max).toBe(Math.ceil(rate * 0.25));
    const two = plan({ topics: [{ name: 'orders', partitions: 3, ratePerSecond: 200 }, { name: 'payments', partitions: 1, ratePerSecond: 30 }] }, 100).expectations;
    expect(two.lost.max).toBe(Math.ceil(200 * 0.1) + Math.ceil(30 * 0.1));
  });

  it('writes the drill with the same settings, a kill after MM2 synced the group, and gates at the predicted bounds', () => {
    const p = plan({ drillSeconds: 20 });
    expect(p.killAtSeconds).toBe(20);
    expect(p.jitterSeconds).toBe(groupSync);
    expect(p.drill.mirror).toEqual({ propertiesFile: './mm2.example.properties', clusterAliases: { dc1: 'primary', dc2: 'backup' } });
    expect(p.drill.topics).toEqual([{ name: 'orders', partitions: 3, ratePerSecond: 200 }]);
    expect(p.drill.workload).toEqual({ consumer: { commit: 'interval', commitIntervalMs: 5000 } });
    expect(p.drill.timeline).toEqual([{ at: 20, jitterSeconds: groupSync, action: 'kill-primary' }]);
    expect(p.drill.thresholds).toEqual({ duplicatedByFailover: `<=${p.expectations.duplicates.max as number}`, skipped: '==0' });
    // No properties text in what is written: the drill reads the file itself.
    expect(JSON.stringify(p.drill)).not.toContain('sasl');
  });

  it('refuses a drill that would kill before MM2 first synced the group', () => {
    expect(() => plan({ drillSeconds: checkpoint + groupSync - 1 })).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('what the settings do not bound', () => {
  it('a file without the group sync: an mm2-sync failover re-reads everything, not the formula', () => {
    const off = text.replace('sync.group.offsets.enabled = true', '');
    const e = plan({ propertiesText: off }).expectations;
    expect(e.duplicates.max).toBe('everything');
    expect(e.warnings.join(' ')).toContain("MM2's default is false");
    expect(plan({ propertiesText: off }).drill.thresholds).toEqual({ skipped: '==0' });
  });

  it('latest and raw-copy can skip; earliest re-reads everything', () => {
    expect(plan({ strategy: 'latest' }).expectations.skips.possible).toBe(true);
    expect(plan({ strategy: 'raw-copy' }).expectations.skips.possible).toBe(true);
    expect(plan({ strategy: 'earliest' }).expectations.duplicates.max).toBe('everything');
    expect(plan({ strategy: 'earliest' }).expectations.duplicates.reasoning).not.toContain('Infinity');
  });

  it('MM2 3.3.2 names its defects', () => {
    const e = plan({ kafkaVersion: '3.3.2' }).expectations;
    expect(e.release).toBe('3.3.2');
    expect(e.skips.issues.map((i) => i.jira)).toContain('KAFKA-12468');
    expect(e.warnings.join(' ')).toContain('KAFKA-12468');
  });

  it('a flow must be said when the file enables two, or none', () => {
    const both = `${text}\ndc2->dc1.enabled = true\n`;
    expect(enabledFlows(both)).toHaveLength(2);
    expect(() => plan({ propertiesText: both })).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(plan({ propertiesText: both, flow: { primary: 'dc2', backup: 'dc1' } }).expectations.flow).toEqual({ primary: 'dc2', backup: 'dc1' });
  });
});

describe('the topics of `expect` (--rate, --partitions, --topics)', () => {
  it('a bare rate applies to every topic; a named one to its topic; partitions default to 3', () => {
    expect(teamTopics(['200'], [], undefined)).toEqual([{ name: 'orders', partitions: 3, ratePerSecond: 200 }]);
    expect(teamTopics(['orders=200', 'payments=30'], ['orders=12'], undefined)).toEqual([
      { name: 'orders', partitions: 12, ratePerSecond: 200 }, { name: 'payments', partitions: 3, ratePerSecond: 30 },
    ]);
    expect(teamTopics(['50'], ['6'], 'a,b')).toEqual([{ name: 'a', partitions: 6, ratePerSecond: 50 }, { name: 'b', partitions: 6, ratePerSecond: 50 }]);
  });

  it('a topic without a rate, or a rate that is not a number above 0, is a usage error', () => {
    expect(() => teamTopics(['orders=200'], ['payments=3'], undefined)).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => teamTopics(['fast'], [], undefined)).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => teamTopics(['200'], ['2.5'], undefined)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
