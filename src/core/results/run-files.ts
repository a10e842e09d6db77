/**
 * The shapes `report` and `merge` read back from a run directory — results.json, scenario.json,
 * history.ndjson — checked before anything is derived or written from them. A run directory is
 * input like a scenario file: edited by hand, truncated by a full disk, written by another
 * version, or crafted (a scenario name of `../..` would put the merged run outside `--results`).
 * What the renderers use as saved is checked here; the figures are derived again from the
 * history. A problem names the file, the field and the fix, and exits 2.
 */
import { z } from 'zod';
import { DrillError } from '../errors.ts';
import { SCHEMA_VERSION } from './results.ts';
import { formatIssues } from '../scenario/validate.ts';
import type { HistoryEvent } from '../history/history.ts';
import { HistoryDecoder } from '../history/compact-history.ts';
import { EventLog } from '../history/event-log.ts';

const text = z.string().max(100_000);
const isoTime = z.iso.datetime({ offset: true });
const matrixValue = z.union([z.string(), z.number(), z.boolean()]);
const cellStatus = z.enum(['passed', 'measured', 'failed', 'error', 'interrupted']);

const propertyChange = z.looseObject({ key: text, fileKey: text.nullable(), fileValue: text.nullable(), value: text.nullable(), by: z.enum(['drill', 'scenario']), reason: text });

/** A cell run as saved: the fields kept as they are (the others are derived again from the history). */
const savedCell = z.looseObject({
  key: text.min(1),
  cellId: text.min(1),
  repetition: z.int().min(1),
  values: z.record(z.string(), matrixValue),
  policy: text,
  releases: z.strictObject({ brokers: text, mirror: text }).optional(),
  remoteTopics: z.array(text),
  mirrorSettings: z.record(z.string(), matrixValue),
  propertiesFile: z.looseObject({ path: text.nullable(), clusterAliases: z.record(z.string(), text), changes: z.array(propertyChange).nullable() }).nullable().optional(),
  status: cellStatus,
  error: z.looseObject({ code: text, message: text, detail: text.optional() }).optional(),
  retriedAs: text.nullable().optional(),
  counts: z.record(z.string(), z.union([z.number(), z.literal('unknown')])).nullable(),
  pairedRun: z.looseObject({ environment: text, variants: z.array(text) }).nullable().optional(),
  startedAt: isoTime,
  durationMs: z.number().min(0),
});

/** A scenario name becomes a directory under --results: the scenario schema's kebab-case name, nothing that climbs out. */
export const scenarioNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a kebab-case name like "quickstart"');

export const savedResultsSchema = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION, { error: `schemaVersion ${SCHEMA_VERSION}, the version this mm2-drill reads` }),
  tool: z.looseObject({ name: z.literal('mm2-drill'), version: text }),
  runId: z.string().regex(/^[a-z0-9]{1,32}$/, 'a run id (letters and digits)'),
  scenario: z.looseObject({ name: scenarioNameSchema, file: text, description: text }),
  status: z.union([cellStatus, z.literal('running')]),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  environment: z.looseObject({ kafkaImage: text, kafkaVersion: text, toxiproxyImage: text, node: text, platform: text }),
  shard: z.looseObject({ index: z.int().min(1), total: z.int().min(1) }).nullable().optional(),
  mergedFrom: z.array(text).optional(),
  cells: z.array(savedCell),
});

/** A threshold as saved: a comparison, or the statistics over repetitions (core/scenario/thresholds.ts). */
const savedCheck = z.union([text, z.record(z.string(), text)]);

/** What judging a cell again reads of its saved scenario (the resolved scenario of run-drill.ts). */
const savedScenario = z.looseObject({
  name: scenarioNameSchema,
  thresholds: z.union([z.record(z.string(), savedCheck), z.array(z.looseObject({ when: z.record(z.string(), matrixValue), checks: z.record(z.string(), savedCheck) }))]),
  timeline: z.array(z.looseObject({ action: z.union([z.string(), z.looseObject({})]) })),
  failover: z.looseObject({ strategy: text }),
  mirror: z.looseObject({ policy: text }),
  workload: z.looseObject({ consumer: z.looseObject({ groupId: text }) }),
  topics: z.array(z.looseObject({ name: text })),
});

export const savedScenarioFileSchema = z.looseObject({
  file: text,
  cells: z.array(z.looseObject({ id: text.min(1), values: z.record(z.string(), matrixValue), scenario: savedScenario })).min(1),
});

/** The fields every history event has (history.ts `Base`, and its type). */
export const savedEventSchema = z.looseObject({ cell: text.min(1), t: z.number(), type: z.string().min(1) });

const FIX = 'the run directory was edited, cut short or written by another version of mm2-drill: restore the file from a copy, run `report` with the mm2-drill version that wrote it (results.json tool.version), or run the drill again';

/** The value parsed by `schema`, or a DrillError naming the file and every wrong field. */
export function checkRunFile<T extends z.ZodType>(schema: T, value: unknown, file: string): z.output<T> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const lines = formatIssues(r.error.issues).slice(0, 10);
  throw new DrillError('RUN_DIR_INVALID', `${file} is not what mm2-drill wrote:\n  - ${lines.join('\n  - ')}`, { fix: FIX });
}

/** JSON.parse, or a DrillError naming the file. */
export function parseRunJson(textValue: string, file: string): unknown {
  try {
    return JSON.parse(textValue);
  } catch (e) {
    throw new DrillError('RUN_DIR_INVALID', `${file} is not valid JSON (${(e as Error).message})`, { fix: FIX });
  }
}

/** A failure while deriving a cell again from files that passed the checks above: named, with the fix, never a stack trace. */
export const rederiveFailure = (what: string, e: unknown): DrillError =>
  new DrillError('RUN_DIR_INVALID', `${what}: ${e instanceof Error ? e.message : String(e)}`, { fix: FIX, cause: e });

export interface SavedHistory {
  readonly events: HistoryEvent[];
  /** Bytes of an unparsable last line that was dropped (0: none). */
  readonly tornBytes: number;
}

/**
 * The events of a history file's text (history.ndjson, or a producer process's segment). A run
 * killed while appending (SIGKILL, a crash) leaves a partial last line: it is dropped and its size
 * reported, since every event before it is whole. An unparsable line anywhere else is corruption,
 * not a kill, and fails with its line number.
 */
export function parseHistory(text: string, file: string): SavedHistory {
  const events: HistoryEvent[] = [];
  return { events, tornBytes: eachHistoryEvent(text, file, (e) => events.push(e)) };
}

/** A history's events by cell run, each cell's in an `EventLog` (the per-message events in columns, as a drill holds them). */
export interface SavedHistoryByCell {
  readonly cells: ReadonlyMap<string, EventLog>;
  readonly tornBytes: number;
}

/** `parseHistory`, each event put in its cell run's `EventLog` as it is read: no array of every event as an object. */
export function parseHistoryByCell(text: string, file: string): SavedHistoryByCell {
  const cells = new Map<string, EventLog>();
  const tornBytes = eachHistoryEvent(text, file, (e) => {
    let log = cells.get(e.cell);
    if (!log) cells.set(e.cell, (log = new EventLog()));
    log.push(e);
  });
  return { cells, tornBytes };
}

/** Hands each event of a history file's text to `add`, in order; returns the bytes of a torn last line dropped (0: none). */
function eachHistoryEvent(text: string, file: string, add: (e: HistoryEvent) => void): number {
  const lineCount = countLines(text);
  const compact = new HistoryDecoder();
  const corrupt = (i: number, line: string, why: string) => new DrillError('USAGE', `${file}: line ${i + 1} of ${lineCount} ${why}; the history is corrupt`, {
    detail: `line ${i + 1} starts with: ${line.slice(0, 120)}`,
    fix: 'only a torn last line (a killed run) can be dropped; restore history.ndjson from a copy, or run the drill again',
  });
  // Line by line over the text, not split into an array of every line first.
  for (let i = 0, from = 0; from < text.length; i++) {
    const nl = text.indexOf('\n', from);
    const to = nl === -1 ? text.length : nl;
    const line = text.slice(from, to);
    from = to + 1;
    if (line.trim() === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch (e) {
      if (i === lineCount - 1) return new TextEncoder().encode(line).length;
      throw corrupt(i, line, `is not valid JSON (${(e as Error).message})`);
    }
    // A per-message event's compact line (core/history/compact-history.ts).
    if (Array.isArray(event)) {
      try {
        for (const e of compact.decode(event)) add(e);
      } catch (e) {
        throw corrupt(i, line, `is not a compact event mm2-drill wrote (${(e as Error).message})`);
      }
      continue;
    }
    // The common case checked by hand (a history holds hundreds of thousands of events); the schema names what is wrong.
    const e = event as Partial<Record<'cell' | 't' | 'type', unknown>> | null;
    const whole = typeof e === 'object' && e !== null && typeof e.cell === 'string' && e.cell !== '' && typeof e.t === 'number' && typeof e.type === 'string' && e.type !== '';
    add((whole ? event : checkRunFile(savedEventSchema, event, `${file} line ${i + 1}`)) as HistoryEvent);
  }
  return 0;
}

/** The number of the last line that is not blank (1-based; 0: none), as `split('\n')` would count it. */
function countLines(text: string): number {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  if (end === 0) return 0;
  let n = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < end; at = text.indexOf('\n', at + 1)) n++;
  return n;
}
