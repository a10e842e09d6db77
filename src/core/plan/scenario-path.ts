/**
 * The keys of a dotted path into a scenario (`--set`, a matrix dimension). A dot separates keys
 * except inside a map of plain values — `mirror.properties`, `kafka.brokerConfig`, a topic's
 * `config` — whose keys are property names that hold dots themselves: there the rest of the path
 * is one key, so `mirror.properties.topics.exclude` sets the property `topics.exclude`. The
 * scenario's zod schema tells where such maps are; a path the schema does not know splits at
 * every dot (validation then names the unknown field).
 */
import type { z } from 'zod';
import { scenarioFields } from '../scenario/scenario.ts';

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  getter?: () => Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  options?: Schema[];
}
type Schema = { _zod: { def: Def } };

/** Wrappers that do not change the shape of a value: look through them. */
function bare(s: Schema): Schema {
  const d = s._zod.def;
  if (d.innerType) return bare(d.innerType);
  if (d.type === 'pipe' && d.in) return bare(d.in);
  if (d.type === 'lazy' && d.getter) return bare(d.getter());
  return s;
}

const PLAIN = new Set(['string', 'number', 'boolean', 'literal', 'enum', 'bigint']);
const isPlain = (s: Schema): boolean => {
  const d = bare(s)._zod.def;
  return PLAIN.has(d.type) || (d.type === 'union' && (d.options ?? []).every(isPlain));
};

/** How many leading keys lead to a map of plain values, or undefined when none does. */
function plainMapAt(s: Schema, keys: readonly string[], at = 0): number | undefined {
  const d = bare(s)._zod.def;
  if (d.type === 'record' && d.valueType) return isPlain(d.valueType) ? at : keys[at] === undefined ? undefined : plainMapAt(d.valueType, keys, at + 1);
  const key = keys[at];
  if (key === undefined) return undefined;
  if (d.type === 'object' && d.shape?.[key]) return plainMapAt(d.shape[key], keys, at + 1);
  if (d.type === 'array' && d.element) return plainMapAt(d.element, keys, at + 1);
  if (d.type === 'union') {
    for (const o of d.options ?? []) {
      const found = plainMapAt(o, keys, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The keys of `path`: split at dots, the rest after a map of plain values kept as one key. */
export function scenarioPathKeys(path: string, schema: z.ZodType = scenarioFields): string[] {
  const keys = path.split('.');
  const at = plainMapAt(schema as unknown as Schema, keys);
  return at === undefined || at >= keys.length - 1 ? keys : [...keys.slice(0, at), keys.slice(at).join('.')];
}
