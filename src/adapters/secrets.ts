/**
 * The secrets of the running drill, for every writer and printer of the tool (core/redaction.ts
 * has the rules). The values are collected once the scenario is loaded (rememberSecrets: its
 * properties file's secret entries, its SASL passwords, the credentials in its commands) and
 * replaced wherever they appear afterwards: one process runs one drill's files at a time.
 */
import { redactor, type Redactor } from '../core/redaction.ts';

let current: Redactor = redactor();
const known = new Set<string>();

/** Adds the values that must never be written or printed. */
export function rememberSecrets(values: Iterable<string>): void {
  for (const v of values) known.add(v);
  current = redactor(known);
}

/** Changes whenever a secret is added: what was redacted before may read differently now. */
export const secretsGeneration = (): number => known.size;

/** Free text as it may be written or printed. */
export const scrub = (s: string): string => current.text(s);
/** Text the shape rules must not touch (report.html's embedded scripts): only the known values. */
export const scrubKnown = (s: string): string => current.known(s);
/** A JSON-like value as it may be written. */
export const scrubJson = <T>(v: T): T => current.json(v);
