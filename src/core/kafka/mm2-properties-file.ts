/**
 * A team's own MirrorMaker 2 properties file, drilled as it is (`mirror.propertiesFile`,
 * docs/mm2-properties.md). Pure: the loader (cli/load-scenario.ts) reads the file and hands its
 * text in; this module parses it and imports it into the drill, and core/plan/mm2-settings.ts builds
 * the properties MM2 runs with from the result.
 *
 * The rules follow how MM2's dedicated mode (KIP-382, `connect-mirror-maker.sh`) reads the file
 * (org.apache.kafka.connect.mirror.MirrorMakerConfig):
 *  - It is a java.util.Properties file: `#` / `!` comments, `key=value`, `key: value`,
 *    `key value`, trailing-backslash continuations, `\` escapes and `\uXXXX` (parsed by the
 *    `dot-properties` package; a malformed `\u` escape, which Properties.load refuses, is reported).
 *    A repeated key keeps its last value.
 *  - `clusters` lists the aliases. A key `<alias>.k` is a cluster-level setting and `<a>-><b>.k` a
 *    flow-level one. For a flow's connectors the flow-level key wins over the top-level one
 *    (connectorBaseConfig); each herder's worker reads `<target>.k` and a few top-level prefixes
 *    (`offset.storage*`, `config.storage*`, `status.storage*`, converters, …), the top-level one
 *    winning (workerConfig); client settings (`bootstrap.servers`, `security.protocol`, `ssl.*`,
 *    `sasl.*`) apply at top level, per cluster and per client (`<alias>.producer.…`).
 *  - A flow runs when `<a>-><b>.enabled` (else the top-level `enabled`) is true and its herder
 *    exists: `<a>-><b>.enabled=true`, or heartbeats on for the pair (the default) — clusterPairs.
 *
 * What the import does with each entry (docs/mm2-properties.md has the table):
 *  - renames the file's aliases to the drill's clusters (`mirror.clusterAliases`), in key prefixes
 *    and in `clusters`; an alias left unmapped, or two mapped to one cluster, is an error;
 *  - drops what points at the team's hosts — bootstrap servers, security settings (the drill's
 *    brokers are PLAINTEXT), REST listeners, config providers — at every prefix level; the
 *    builder puts the drill's bootstrap servers in their place;
 *  - keeps everything else, refusing what the drill cannot honour: a `${provider:path:key}`
 *    placeholder in a kept value (its secret lives on the team's host) and a class the drill's
 *    Kafka image does not have (its replication policy has its own rule: policyClass in core/plan/mm2-settings.ts);
 *  - reads the forward flow's settings the drill models (intervals, offset.lag.max, tasks.max,
 *    the policy) with MM2's precedence, MM2's default where the file is silent.
 */
import { parseLines } from 'dot-properties';
import type { PropertyValue } from './property-value.ts';
import { clusterNames, type ClusterName } from './network-layout.ts';
import { redactProperty, redactPropertiesLine } from '../redaction.ts';

export type Properties = Readonly<Record<string, PropertyValue>>;

/** The drill's flows, in its aliases. */
export const FORWARD = 'primary->backup';
const pairs = clusterNames.flatMap((a) => clusterNames.filter((b) => b !== a).map((b) => `${a}->${b}`));

/** One property the drill ran with differently from the team's file. */
export interface PropertyChange {
  /** The key MM2 ran with, in the drill's aliases (for a removed entry: the file's key, renamed). */
  key: string;
  /** The key as the file writes it (its own aliases); null: the file does not set it. */
  fileKey: string | null;
  /** The file's value; null: not in the file. Secrets (passwords, JAAS configs, keys) read `(redacted)`. */
  fileValue: string | null;
  /** The value MM2 ran with; null: left out. */
  value: string | null;
  /** `drill`: the harness needs it so; `scenario`: the scenario's own setting won over the file. */
  by: 'drill' | 'scenario';
  reason: string;
}

export interface Reason {
  readonly by: PropertyChange['by'];
  readonly reason: string;
}

/** Where a modelled `mirror` field's value came from. */
export type Origin = 'scenario' | 'file' | 'mm2-default' | 'drill';

/** The `mirror` fields that stand for an MM2 property (the drill's model of the forward flow reads them). */
export const mirrorFields = [
  'policy', 'checkpointIntervalSeconds', 'syncGroupOffsets', 'syncGroupOffsetsIntervalSeconds', 'offsetLagMax', 'offsetFlushIntervalMs',
  'refreshTopicsIntervalSeconds', 'refreshGroupsIntervalSeconds', 'syncTopicConfigsIntervalSeconds', 'tasksMax',
] as const;
export type MirrorField = (typeof mirrorFields)[number];

/**
 * The property behind each field (the flow-level key wins over the top-level one) and MM2's
 * default (MirrorCheckpointConfig, MirrorSourceConfig, WorkerConfig; Kafka 3.x–4.x). The offset
 * flush is a worker setting: in dedicated mode only the target-prefixed key reaches a herder's
 * worker (workerConfig), a top-level `offset.flush.interval.ms` does not.
 */
export const fieldProperty: Record<Exclude<MirrorField, 'policy'>, { key: string; mm2Default: number | boolean; workerOfTarget?: true }> = {
  checkpointIntervalSeconds: { key: 'emit.checkpoints.interval.seconds', mm2Default: 60 },
  syncGroupOffsets: { key: 'sync.group.offsets.enabled', mm2Default: false },
  syncGroupOffsetsIntervalSeconds: { key: 'sync.group.offsets.interval.seconds', mm2Default: 60 },
  offsetLagMax: { key: 'offset.lag.max', mm2Default: 100 },
  offsetFlushIntervalMs: { key: 'offset.flush.interval.ms', mm2Default: 60_000, workerOfTarget: true },
  refreshTopicsIntervalSeconds: { key: 'refresh.topics.interval.seconds', mm2Default: 600 },
  refreshGroupsIntervalSeconds: { key: 'refresh.groups.interval.seconds', mm2Default: 600 },
  syncTopicConfigsIntervalSeconds: { key: 'sync.topic.configs.interval.seconds', mm2Default: 600 },
  tasksMax: { key: 'tasks.max', mm2Default: 1 },
};

/** The team's file, imported into the drill's aliases (part of the resolved scenario: no secrets in it). */
export interface ImportedFile {
  /** The file's alias → the drill's cluster. */
  clusterAliases: Record<string, ClusterName>;
  /** Every entry of the file in file order, keyed in the drill's aliases: its key in the file and its value (secrets redacted). */
  entries: Record<string, { fileKey: string; value: string }>;
  /** The entries MM2 runs with unless the drill or the scenario changes them. */
  properties: Record<string, string>;
  /** Why each entry left out of `properties` was left out. */
  dropped: Record<string, Reason>;
  /** The forward flow's `replication.policy.class` (null: not set, MM2's DefaultReplicationPolicy). */
  policyClass: string | null;
  /** Where each modelled `mirror` field came from. */
  origins: Record<MirrorField, Origin>;
}

export interface FileProblem {
  /** Path under `mirror` (e.g. `['propertiesFile']`, `['clusterAliases', 'eu']`). */
  readonly path: string[];
  readonly message: string;
  readonly input: unknown;
}

// ————— parsing —————

/**
 * The file's entries in order (a repeated key keeps its first position and its last value, as
 * Properties.load), or the lines Properties.load would refuse. dot-properties reads a malformed
 * `\u` escape as the letter `u`; Java throws "Malformed \uxxxx encoding", so it is caught here.
 */
export function parsePropertiesText(text: string): { entries: [string, string][]; problems: { line: string; message: string }[] } {
  const problems: { line: string; message: string }[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    // An odd run of backslashes before `u` is an escape; it needs four hex digits.
    const malformed = [...line.matchAll(/(\\+)u(?![0-9a-fA-F]{4})/g)].some((m) => m[1]!.length % 2 === 1);
    if (malformed && !/^\s*[#!]/.test(line)) problems.push({ line: redactPropertiesLine(line.trim()), message: `line ${i + 1}: malformed \\uXXXX escape (Properties.load refuses it, so MM2 would not start)` });
  });
  const map = new Map<string, string>();
  for (const line of parseLines(text)) if (Array.isArray(line)) map.set(line[0]!, line[1] ?? '');
  return { entries: [...map], problems };
}

/** A Kafka LIST setting: comma separated, blanks around commas ignored, blank means empty (ConfigDef.parseType). */
export const parseList = (raw: string): string[] => (raw.trim() === '' ? [] : raw.trim().split(/\s*,\s*/));

/** Java's Boolean.parseBoolean: "true" in any case, anything else false. */
const javaBoolean = (v: PropertyValue | undefined): boolean => String(v).toLowerCase() === 'true';

/** How messages name the team's file. */
export const fileLabel = (m: { readonly propertiesFile?: string | undefined }): string =>
  m.propertiesFile === undefined ? 'mirror.propertiesText' : `mirror.propertiesFile "${m.propertiesFile}"`;

// ————— precedence —————

/** The value a flow's connectors see: the flow-level key, else the top-level one (connectorBaseConfig). */
export function flowValue(props: Properties, pair: string, key: string): { key: string; value: string } | undefined {
  for (const k of [`${pair}.${key}`, key]) if (props[k] !== undefined) return { key: k, value: String(props[k]) };
  return undefined;
}

/**
 * Whether MM2 runs the flow: enabled (flow-level, else top-level `enabled`, default false) and its
 * herder exists — `<pair>.enabled=true`, or heartbeats on for the pair (default true; clusterPairs).
 */
export function flowEnabled(props: Properties, pair: string): boolean {
  const own = props[`${pair}.enabled`];
  const heartbeats = props[`${pair}.emit.heartbeats.enabled`] ?? props['emit.heartbeats.enabled'];
  const herder = javaBoolean(own) || heartbeats === undefined || javaBoolean(heartbeats);
  return herder && javaBoolean(own ?? props.enabled);
}

/** A key set for one flow (`a->b.`) or one cluster (`a.`) of the drill. */
const scopeOf = (key: string): string | undefined => [...pairs, ...clusterNames].find((p) => key.startsWith(`${p}.`));

/**
 * The more specific forms of a top-level key MM2 would prefer to it: the flow-level ones (for the
 * connectors) and the cluster-level ones (for clients and workers). A scenario setting a key at
 * top level means it to take effect, so these are removed with it (core/plan/mm2-settings.ts).
 */
export const narrowerKeys = (key: string): string[] => (scopeOf(key) ? [] : [...pairs, ...clusterNames].map((p) => `${p}.${key}`));

/**
 * The scenario's own properties as MM2 must get them: a worker setting the drill models
 * (`offset.flush.interval.ms`) reaches a herder's worker only cluster-prefixed (workerConfig), so
 * a top-level one is written for every cluster too.
 */
export function ownProperties(own: Properties): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = { ...own };
  for (const spec of Object.values(fieldProperty).filter((f) => f.workerOfTarget)) {
    const v = own[spec.key];
    if (v !== undefined) for (const c of clusterNames) out[`${c}.${spec.key}`] ??= v;
  }
  return out;
}

/** `base` with the scenario's `own` written over it, each top-level key of `own` replacing the narrower forms of itself in `base`. */
export function overlay(base: Properties, own: Properties): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = { ...base };
  const mine = ownProperties(own);
  for (const [k, v] of Object.entries(mine)) {
    for (const narrower of narrowerKeys(k)) if (!(narrower in mine)) delete out[narrower];
    out[k] = v;
  }
  return out;
}

// ————— what the drill replaces —————

/** Client connection settings: the drill's clusters are its own, reached in PLAINTEXT. At any prefix level. */
const bootstrapKey = /(^|\.)bootstrap\.servers$/;
const securityKey = /(^|\.)(security\.protocol$|ssl\.|sasl\.)/;
/** The REST server's host-specific settings (the drill runs one MM2 process; KIP-710's internal REST keeps its defaults). */
const restKey = /(^|\.)(listeners|admin\.listeners|rest\.advertised\.[\w.]+|rest\.host\.name|rest\.port)$/;
const providerKey = /^config\.providers(\.|$)/;
/** Observability only: reporters whose classes the image lacks are left out rather than refused. */
const reporterKey = /(^|\.)metric\.reporters$/;
/** Producer compression (MM2's producers, at any prefix level); kafkajs, the drill's client, decodes gzip and nothing else without codec plugins. */
const compressionKey = /(^|\.)compression\.type$/;
const readableCompression = new Set(['none', 'gzip']);
/** Keys whose value names classes MM2 loads. */
const classKey = /(^|\.)(class|classes|key\.converter|value\.converter|header\.converter)$/;
/** ConfigTransformer's pattern: `${provider:[path:]key}`. */
const placeholder = /\$\{[^}:]*:[^}]*\}/;
/** The Kafka image holds Kafka's classes (and a custom policy's jar, which has its own rule). */
const inImage = (cls: string) => cls.startsWith('org.apache.kafka.');

/** A file's value as results show it: secrets redacted (core/redaction.ts), long values cut short. */
export const redact = (key: string, value: string): string => {
  const shown = redactProperty(key, value);
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
};

const reasons = {
  bootstrap: "the drill's own cluster replaces yours (the drill sets <cluster>.bootstrap.servers to its brokers, through Toxiproxy)",
  security: "the drill's brokers listen in PLAINTEXT, and your credentials and key stores are not in the drill's containers",
  rest: "host-specific: the drill runs one MM2 process in a container, whose internal REST server keeps its defaults",
  providers: "no value the drill keeps refers to a config provider (the ones that did — credentials — are replaced)",
  reporter: (cls: string) => `metrics only: ${cls} is not in the drill's Kafka image, and reporters do not change what MM2 replicates`,
  compression: (codec: string) => `the drill's own consumers and its verification read (kafkajs) cannot decode ${codec} batches, so they could not read what MM2 writes; compression does not change which records MM2 copies or how it translates offsets`,
};

// ————— import —————

export interface ImportOptions {
  /** The file's alias → the drill's cluster (`mirror.clusterAliases`); absent: the aliases must be the drill's own. */
  readonly clusterAliases: Readonly<Record<string, ClusterName>> | undefined;
  /** The scenario's raw `mirror.properties`: what they set, the file does not need to get right. */
  readonly own: Properties;
  /** How the file is named in messages. */
  readonly label: string;
}

const quote = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');

/** The file's aliases → the drill's clusters, or the problems that prevent the mapping. */
function aliasMapping(aliases: readonly string[], given: ImportOptions['clusterAliases'], label: string): { map: Record<string, ClusterName>; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  if (given === undefined) {
    if (aliases.every((a) => (clusterNames as readonly string[]).includes(a))) return { map: Object.fromEntries(aliases.map((a) => [a, a as ClusterName])), problems };
    const suggestion = `{ ${aliases.slice(0, 2).map((a, i) => `'${a}': '${clusterNames[i]}'`).join(', ')} }`;
    return {
      map: {},
      problems: [{
        path: ['clusterAliases'], input: undefined,
        message: `${label} names its clusters ${quote(aliases)}, the drill's are "primary" and "backup": map them, e.g. clusterAliases: ${suggestion} (the cluster you fail over from is the primary)`,
      }],
    };
  }
  for (const a of aliases.filter((x) => given[x] === undefined)) {
    problems.push({
      path: ['clusterAliases'], input: a,
      message: `${label} lists the cluster "${a}" (clusters = ${aliases.join(', ')}) and mirror.clusterAliases does not map it: map it to "primary" or "backup", or drop it from the file's clusters (and its properties) for the drill, which has two clusters`,
    });
  }
  for (const a of Object.keys(given).filter((x) => !aliases.includes(x))) {
    problems.push({ path: ['clusterAliases', a], input: a, message: `${label} lists no cluster "${a}" (clusters = ${aliases.join(', ')}); map the file's own aliases` });
  }
  for (const c of clusterNames) {
    const onto = Object.keys(given).filter((a) => given[a] === c);
    if (onto.length > 1) problems.push({ path: ['clusterAliases'], input: onto, message: `${quote(onto)} are all mapped to "${c}": map one alias to each of the drill's clusters, "primary" and "backup"` });
  }
  return { map: { ...given }, problems };
}

/** `key` with the file's aliases in its prefix replaced by the drill's clusters (the longest alias first, so `a.b` beats `a`). */
function renamer(map: Readonly<Record<string, ClusterName>>): (key: string) => string {
  const aliases = Object.keys(map).sort((a, b) => b.length - a.length);
  return (key) => {
    for (const a of aliases) {
      for (const b of aliases) if (key.startsWith(`${a}->${b}.`)) return `${map[a]}->${map[b]}.${key.slice(a.length + b.length + 3)}`;
    }
    const a = aliases.find((x) => key.startsWith(`${x}.`));
    return a === undefined ? key : `${map[a]}.${key.slice(a.length + 1)}`;
  };
}

export interface Imported {
  readonly file: Omit<ImportedFile, 'origins'>;
  readonly problems: FileProblem[];
}

export function importPropertiesFile(text: string, o: ImportOptions): Imported {
  const path = ['propertiesFile'];
  const parsed = parsePropertiesText(text);
  const problems: FileProblem[] = parsed.problems.map((p) => ({ path, input: p.line, message: `${o.label} ${p.message}` }));
  const raw = new Map(parsed.entries);
  const clusters = raw.get('clusters');
  const aliases = clusters === undefined ? [] : parseList(clusters);
  if (aliases.length === 0) {
    problems.push({ path, input: clusters, message: `${o.label} has no "clusters" entry: MirrorMaker 2 needs the list of its cluster aliases (e.g. clusters = us-east, us-west)` });
  }
  const { map, problems: aliasProblems } = aliasMapping(aliases, o.clusterAliases, o.label);
  problems.push(...aliasProblems);
  const rename = renamer(map);
  const fileKeyOf = new Map<string, string>();
  const entries: ImportedFile['entries'] = {};
  const properties: Record<string, string> = {};
  const dropped: Record<string, Reason> = {};
  for (const [fileKey, value] of parsed.entries) {
    const key = rename(fileKey);
    const v = key === 'clusters' ? parseList(value).map((a) => map[a] ?? a).join(', ') : value;
    fileKeyOf.set(key, fileKey);
    entries[key] = { fileKey, value: redact(key, v) };
    const why = bootstrapKey.test(key) ? reasons.bootstrap : securityKey.test(key) ? reasons.security : restKey.test(key) ? reasons.rest : providerKey.test(key) ? reasons.providers : null;
    if (why) dropped[key] = { by: 'drill', reason: why };
    else if (reporterKey.test(key) && parseList(v).some((c) => !inImage(c))) dropped[key] = { by: 'drill', reason: reasons.reporter(parseList(v).filter((c) => !inImage(c)).join(', ')) };
    else if (compressionKey.test(key) && !readableCompression.has(v.trim().toLowerCase())) dropped[key] = { by: 'drill', reason: reasons.compression(v.trim()) };
    else properties[key] = v;
  }
  // What the scenario sets itself (top level or at this key) the file need not get right.
  const effective = overlay(properties, o.own);
  const where = (key: string) => `${o.label}'s ${fileKeyOf.get(key) ?? key}`;
  for (const [key, v] of Object.entries(properties)) {
    if (key in o.own || !(key in effective)) continue;
    if (placeholder.test(v)) {
      problems.push({
        path, input: redact(key, v),
        message: `${where(key)} = ${redact(key, v)}: the drill cannot resolve a config provider's placeholder (it reads a secret or file on your MM2 host); write the value into the file, or set it in mirror.properties["${key}"]`,
      });
    }
    if (classKey.test(key) && !/(^|\.)replication\.policy\.class$/.test(key)) {
      const missing = parseList(v).filter((c) => !inImage(c));
      if (missing.length) {
        problems.push({
          path, input: redact(key, v),
          message: `${where(key)} names ${missing.join(', ')}, which the drill's Kafka image does not have (only Kafka's own classes, and a custom replication policy's jar from mirror.customPolicies): remove it for the drill, or override it in mirror.properties["${key}"]`,
        });
      }
    }
  }
  if (aliases.length && !problems.some((p) => p.path[0] === 'clusterAliases') && !flowEnabled(effective, FORWARD)) {
    const back = Object.fromEntries(Object.entries(map).map(([a, c]) => [c, a]));
    const flow = `${back.primary}->${back.backup}`;
    problems.push({
      path, input: effective[`${FORWARD}.enabled`] ?? effective.enabled,
      message: `${o.label} does not run the flow ${flow} (the drill's primary->backup): set ${flow}.enabled = true in it, or map the clusters the other way round in mirror.clusterAliases if you fail over from ${back.backup}`,
    });
  }
  const policy = flowValue(effective, FORWARD, 'replication.policy.class');
  return { file: { clusterAliases: map, entries, properties, dropped, policyClass: policy?.value.trim() ?? null }, problems };
}

/**
 * The forward flow's value of a modelled field in the file (with the scenario's raw properties
 * over it), or undefined when the file leaves it to MM2's default; a value MM2 would reject or the
 * drill cannot model is a problem.
 */
export function fileFieldValue(props: Properties, field: Exclude<MirrorField, 'policy'>, label: string): { value?: number | boolean; problem?: string; input?: string } {
  const spec = fieldProperty[field];
  const found = spec.workerOfTarget ? (props[`backup.${spec.key}`] === undefined ? undefined : { key: `backup.${spec.key}`, value: String(props[`backup.${spec.key}`]) }) : flowValue(props, FORWARD, spec.key);
  if (found === undefined) return {};
  if (typeof spec.mm2Default === 'boolean') return { value: javaBoolean(found.value) };
  const n = Number(found.value.trim());
  if (!Number.isFinite(n) || found.value.trim() === '') return { problem: `${label}: ${found.key} = "${found.value}" is not a number (MM2 would not start)`, input: found.value };
  const positive = field === 'checkpointIntervalSeconds' || field === 'syncGroupOffsetsIntervalSeconds' || field === 'tasksMax' || field === 'offsetFlushIntervalMs';
  if (positive && n <= 0) return { problem: `${label}: ${found.key} = ${n}: the drill models a positive value; to turn checkpoints or the group sync off, set emit.checkpoints.enabled or sync.group.offsets.enabled to false`, input: found.value };
  return { value: n };
}

/** The file's values a topic or group filter of the forward flow uses, and where each came from. */
export interface FilterSetting {
  readonly value: string;
  /** How to name it in a message: the file's key, the scenario's property, or MM2's default. */
  readonly source: string;
}

/** `key` of the forward flow, named after where it was set: the scenario's properties or the file (by its own key). */
export function namedFlowSetting(file: ImportedFile | null, own: Properties, key: string, label: string): FilterSetting | undefined {
  const props = overlay(file?.properties ?? {}, own);
  const found = flowValue(props, FORWARD, key);
  if (!found) return undefined;
  const source = found.key in own ? `mirror.properties["${found.key}"]` : `${label}'s ${file?.entries[found.key]?.fileKey ?? found.key}`;
  return { value: found.value, source };
}
