/**
 * A generated corpus of invalid scenarios: every leaf of a full, valid scenario replaced by a
 * wrong value, plus unknown keys at every level. Each must be rejected with a DrillError whose
 * message names the path — never a crash or a stack trace.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DrillError } from '../../src/core/errors.ts';
import { expandMatrix } from '../../src/core/plan/matrix.ts';

const valid = {
  name: 'corpus',
  description: 'x',
  kafka: { nodes: 1, brokerConfig: { 'log.retention.ms': 60000 } },
  topics: [{ name: 'orders', partitions: 3, config: { 'retention.ms': '60000' } }],
  mirror: { policy: 'default', checkpointIntervalSeconds: 1, offsetLagMax: 100, offsetFlushIntervalMs: 1000, tasksMax: 1, properties: { 'a.b': 'c' } },
  workload: { ratePerSecond: 100, messageBytes: 200, acks: 'all', keys: 'id', consumer: { groupId: 'g', commit: 'batch', commitIntervalMs: 1000, processingDelayMs: 0 } },
  timeline: [{ at: 10, action: { fault: 'latency', link: 'mm2-primary', latencyMs: 100 } }, { at: 20, action: 'kill-primary' }],
  failover: { strategy: 'mm2-sync', autoOffsetReset: 'earliest', delaySeconds: 2 },
  matrix: { 'mirror.policy': ['default', 'identity'] },
  repeat: 1,
  thresholds: { skipped: '==0' },
};

type Path = (string | number)[];
function leaves(v: unknown, path: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, [...path, i]));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
  return [path];
}
function objects(v: unknown, path: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => objects(x, [...path, i]));
  if (v && typeof v === 'object') return [path, ...Object.entries(v).flatMap(([k, x]) => objects(x, [...path, k]))];
  return [];
}
const setAt = (root: unknown, path: Path, value: unknown): unknown => {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
  return copy;
};
const getAt = (root: unknown, path: Path): unknown => path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], root);

// Values that are wrong for every leaf: wrong types, absurd sizes, hostile strings.
const wrongFor = (current: unknown): unknown[] => {
  if (typeof current === 'number') return ['12', -1e12, 1e15, Number.NaN, null, [], {}];
  if (typeof current === 'string') return [4.5, null, { $ne: 1 }, []];
  return [];
};
// Strings where any string is fine (free text, names of properties): not part of the corpus.
const freeText = (p: Path) => ['description'].includes(String(p[0])) || p.includes('properties') || p.includes('brokerConfig') || p.includes('config') || p[0] === 'matrix';

const corpus: { label: string; input: unknown }[] = [
  ...leaves(valid).filter((p) => !freeText(p)).flatMap((p) => wrongFor(getAt(valid, p)).map((w) => ({ label: `${p.join('.')} = ${JSON.stringify(w)}`, input: setAt(valid, p, w) }))),
  ...objects(valid).filter((p) => !p.includes('properties') && !p.includes('brokerConfig') && !p.includes('config') && p[0] !== 'matrix').map((p) => ({
    label: `unknown key under ${p.join('.') || '(root)'}`,
    input: setAt(valid, [...p, 'surprise'], 1),
  })),
  { label: 'a kill before anything can be produced', input: { ...valid, timeline: [{ at: -1, action: 'kill-primary' }] } },
  { label: 'two kills', input: { ...valid, timeline: [{ at: 5, action: 'kill-primary' }, { at: 6, action: 'kill-primary' }] } },
  { label: 'a matrix value that breaks a cell', input: { ...valid, matrix: { 'workload.ratePerSecond': [100, -5] } } },
  ...['.', '..', '__orders', 'orders.replica', 'mm2-offsets.primary.internal', 'backup.orders', 'primary.orders'].map((name) => ({
    label: `a topic named "${name}"`, input: { ...valid, topics: [{ name }] },
  })),
  { label: 'a topic declared twice', input: { ...valid, topics: [{ name: 'orders' }, { name: 'orders' }] } },
  { label: 'a topic the scenario\'s topics.exclude excludes', input: { ...valid, mirror: { ...valid.mirror, properties: { 'primary->backup.topics.exclude': 'ord.*' } } } },
  { label: 'a kill of a broker that does not exist', input: { ...valid, timeline: [{ at: 5, action: { fault: 'kill-broker', cluster: 'primary', broker: 1 } }, { at: 20, action: 'kill-primary' }] } },
  { label: 'a consumer starting after the kill', input: { ...valid, workload: { ...valid.workload, consumer: { startDelaySeconds: 25 } } } },
  { label: 'a kill that a matrix cell moves before the consumer starts', input: { ...valid, workload: { ...valid.workload, consumer: { startDelaySeconds: 10 } }, matrix: { 'timeline.1.at': [20, 5] } } },
  { label: 'a custom policy named like a built-in one', input: { ...valid, mirror: { ...valid.mirror, customPolicies: { identity: { class: 'a.B', jar: 'b.jar' } } } } },
  { label: 'a threshold `when` on no dimension', input: { ...valid, thresholds: [{ when: { polcy: 'identity' }, checks: { lost: '==0' } }] } },
  { label: 'a threshold `when` matching no cell', input: { ...valid, thresholds: [{ when: { policy: 'identiy' }, checks: { lost: '==0' } }] } },
];

/**
 * Hostile inputs, each with the message it must get: the problem and the fix named, exit 2
 * (SCENARIO_INVALID), never a crash. Values a scenario file's code can produce are here too.
 */
const cyclic: Record<string, unknown> = { ...valid };
cyclic.kafka = { nodes: 1, self: cyclic };
const external = (topic: string, sourceAlias: string) => ({
  ...valid, matrix: {}, thresholds: {}, failover: { strategy: 'mm2-sync' }, timeline: [{ at: 10, action: 'kill-primary' }], topics: [{ name: topic }],
  external: { primary: { bootstrapServers: 'a:9092' }, backup: { bootstrapServers: 'b:9092' }, mirror: { sourceAlias } },
});
const withConsumer = (consumer: object) => ({ ...valid, workload: { ...valid.workload, consumer: { ...valid.workload.consumer, ...consumer } } });
const hostile: { label: string; input: unknown; message: RegExp }[] = [
  { label: 'a matrix value given twice', input: { ...valid, matrix: { 'mirror.policy': ['default', 'identity', 'default'] } }, message: /matrix\["mirror\.policy"\]: "default" given more than once: two cells would share one id[\s\S]*list each value once|given more than once/ },
  { label: '1 and "1" in one dimension (one cell id)', input: { ...valid, matrix: { 'mirror.offsetLagMax': [1, '1'] } }, message: /given more than once/ },
  { label: 'a stranded threshold without a playbook', input: { ...valid, thresholds: { stranded: '==0' } }, message: /thresholds\.stranded: a playbook's round-trip figure, and the cell has no playbook[\s\S]*"unknown" in every run/ },
  { label: 'an alarm lead without that alarm', input: { ...valid, thresholds: { checkpointAlarmLeadSeconds: '>=5' } }, message: /thresholds\.checkpointAlarmLeadSeconds: the lead of the alarm on checkpointAgeSeconds, and the cell declares none/ },
  { label: 'alarmsFired without alarms, in a `when` group', input: { ...valid, thresholds: [{ when: { policy: 'identity' }, checks: { alarmsFired: '==0' } }] }, message: /thresholds\[0\]\.checks\.alarmsFired: a figure of the alarms, and the cell declares none \(alarms: \{\.\.\.\}\) \(in 1 cell\(s\): mirror\.policy=identity\)/ },
  { label: 'a failover gap threshold on a timeline without a kill', input: { ...valid, workload: { ...valid.workload, durationSeconds: 30 }, timeline: [{ at: 10, action: { fault: 'latency', link: 'mm2-primary', latencyMs: 100 } }], thresholds: { failoverGapSeconds: '<30' } }, message: /thresholds\.failoverGapSeconds: a figure of the failover, and the cell's timeline has no "kill-primary"/ },
  { label: 'a kill after the workload ends', input: { ...valid, workload: { ...valid.workload, durationSeconds: 15 } }, message: /timeline\[1\]\.at: the kill of the primary \(at 20 s\) would come at or after the workload stops producing \(workload\.durationSeconds 15\)[\s\S]*kill before 15 s, or produce longer/ },
  { label: 'a kill at more acked messages than the workload writes', input: { ...valid, workload: { ...valid.workload, durationSeconds: 30 }, timeline: [{ at: { acked: 10_000 }, action: 'kill-primary' }] }, message: /timeline\[0\]\.at\.acked: the workload acks about 3000 messages[\s\S]*would never come/ },
  { label: 'a consumer starting after an {acked} kill', input: { ...withConsumer({ startDelaySeconds: 30 }), timeline: [{ at: { acked: 1000 }, action: 'kill-primary' }] }, message: /workload\.consumer\.startDelaySeconds: the consumer would start after the kill of the primary at 1000 acked messages \(about 10\.0 s at 100\/s\)/ },
  { label: 'a remote topic name over 249 characters (external source alias)', input: external('t'.repeat(150), 'a'.repeat(100)), message: /topics\[0\]\.name: its remote copy would be named "a+…" \(258 characters[\s\S]*over Kafka's 249[\s\S]*shorten the topic name to at most 141 characters/ },
  { label: 'a blank group id', input: withConsumer({ groupId: '   ' }), message: /workload\.consumer\.groupId: a group id of blanks only/ },
  { label: 'a huge group id', input: withConsumer({ groupId: 'g'.repeat(5000) }), message: /workload\.consumer\.groupId: at most 200 characters/ },
  { label: 'a negative index in a matrix path', input: { ...valid, matrix: { 'timeline.-1.at': [5, 6] } }, message: /"timeline\.-1\.at": "-1" is not an index of a list of 2 item\(s\)/ },
  { label: 'a BigInt', input: { ...valid, repeat: 2n }, message: /repeat: a BigInt \(2n\): write a number/ },
  { label: 'a cycle', input: cyclic, message: /kafka\.self: refers back to an object that contains it \(a cycle\)/ },
  { label: 'a getter that throws', input: { ...valid, get description(): string { throw new Error('boom'); } }, message: /description: reading it threw Error: boom: write a plain value, not a getter/ },
  { label: 'a Proxy', input: { ...valid, workload: new Proxy({}, { ownKeys: () => { throw new Error('trap'); } }) }, message: /workload: a Proxy: write a plain object or array/ },
  { label: 'a function', input: { ...valid, topics: () => [] }, message: /topics: a function: write the value it returns/ },
];

/** The DrillError expanding `input` throws (the test fails if it throws nothing, or something else). */
function refusal(input: unknown, source: string): DrillError {
  let caught: unknown;
  try {
    expandMatrix(input as never, source);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DrillError);
  return caught as DrillError;
}

describe('hostile scenario values', () => {
  it.each(hostile)('refuses $label, naming the problem and the fix', ({ input, message }) => {
    const e = refusal(input, 'hostile.ts');
    expect(e.exitCode).toBe(2);
    expect(`${e.message}\nfix: ${e.fix}`).toMatch(message);
    expect(e.fix).toBeTruthy();
    expect(e.message).not.toMatch(/\n\s+at /);
  });
});

describe('invalid scenario corpus', () => {
  it(`has at least 100 invalid scenarios (${corpus.length})`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    expect(() => expandMatrix(valid as never, 'valid.ts')).not.toThrow();
  });

  it.each(corpus)('rejects $label with a path, without a stack trace', ({ input }) => {
    const e = refusal(input, 'corpus.ts');
    expect(e.code).toBe('SCENARIO_INVALID');
    expect(e.message).toMatch(/\n {2}- \S+/);
    expect(e.message).not.toMatch(/\n\s+at /);
  });

  it('never crashes on arbitrary JSON (only DrillErrors or success)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          expandMatrix(v as never, 'fuzz.ts');
        } catch (e) {
          expect(e).toBeInstanceOf(DrillError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
