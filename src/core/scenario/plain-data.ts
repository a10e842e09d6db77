/**
 * A scenario file is code: its default export may hold what no scenario field can be — a BigInt,
 * a cycle, a getter that throws, a Proxy whose traps throw or lie, a function. Reading such a
 * value deep inside validation (or spreading it for `--set`) would crash with a stack trace; it
 * is refused here first, with the path of every such value and what to write instead, and plain
 * objects and arrays are copied into plain data (so no getter runs twice).
 */
import { types } from 'node:util';
import { DrillError } from '../errors.ts';
import { formatPath } from './validate.ts';

/** Deeper than any scenario: a nesting this deep is a generated or recursive value. */
const MAX_DEPTH = 64;

type Path = (string | number)[];

export function plainData(value: unknown, source: string): unknown {
  const problems: string[] = [];
  const onPath = new Set<object>();
  const walk = (v: unknown, path: Path): unknown => {
    if (problems.length >= 20) return undefined;
    const at = formatPath(path);
    if (typeof v === 'bigint') return void problems.push(`${at}: a BigInt (${v}n): write a number`);
    if (typeof v === 'symbol') return void problems.push(`${at}: a Symbol: write a string`);
    if (typeof v === 'function') return void problems.push(`${at}: a function: write the value it returns`);
    if (typeof v !== 'object' || v === null) return v;
    if (types.isProxy(v)) return void problems.push(`${at}: a Proxy: write a plain object or array`);
    if (onPath.has(v)) return void problems.push(`${at}: refers back to an object that contains it (a cycle): write the value itself`);
    if (path.length >= MAX_DEPTH) return void problems.push(`${at}: nested more than ${MAX_DEPTH} levels deep`);
    // A Promise stays one: the loader names it (an async function's result).
    if (v instanceof Promise) return v;
    const array = Array.isArray(v);
    onPath.add(v);
    const out: Record<string, unknown> | unknown[] = array ? [] : {};
    for (const key of Object.keys(v)) {
      const p = [...path, array ? Number(key) : key];
      let child: unknown;
      try {
        child = (v as Record<string, unknown>)[key];
      } catch (e) {
        problems.push(`${formatPath(p)}: reading it threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}: write a plain value, not a getter`);
        continue;
      }
      (out as Record<string, unknown>)[key] = walk(child, p);
    }
    onPath.delete(v);
    return out;
  };
  const plain = walk(value, []);
  if (problems.length) {
    throw new DrillError('SCENARIO_INVALID', `${source} is not a valid scenario:\n  - ${problems.join('\n  - ')}`, {
      fix: 'a scenario is plain data: strings, numbers, booleans, plain objects and arrays (computed values are fine, as long as the result is plain)',
    });
  }
  return plain;
}
