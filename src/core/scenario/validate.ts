/** Turns a raw scenario value into a validated Scenario, or a DrillError naming every bad field. */
import { z } from 'zod';
import { DrillError } from '../errors.ts';
import { resolveMirror, scenarioFields, type Scenario, type ScenarioFields } from './scenario.ts';
import { scenarioIssues } from './scenario-checks.ts';
import type { FileProblem } from '../kafka/mm2-properties-file.ts';
import { isSecretPath, REDACTED, redactText } from '../redaction.ts';

/**
 * The scenario with its `mirror` block resolved, and what the properties file got wrong.
 * Computed once per parse: the checks and the transform below both need it.
 */
const resolved = new WeakMap<ScenarioFields, { scenario: Scenario; problems: FileProblem[] }>();
function resolveScenario(raw: ScenarioFields): { scenario: Scenario; problems: FileProblem[] } {
  let r = resolved.get(raw);
  if (!r) {
    const { mirror, problems } = resolveMirror(raw.mirror);
    const mirrors = (typeof raw.mirrors === 'string' ? raw.topologies[raw.mirrors] : raw.mirrors) ?? {};
    const timeline = (typeof raw.timeline === 'string' ? raw.timelines[raw.timeline] : raw.timeline) ?? [];
    r = { scenario: { ...raw, mirror, mirrors, timeline }, problems };
    resolved.set(raw, r);
  }
  return r;
}

/**
 * A scenario's fields, then the checks across them (scenario-checks.ts), then the resolved
 * `mirror` block. Composed here, not in scenario.ts: the checks read the Scenario type that
 * scenario.ts defines.
 */
export const scenarioSchema = scenarioFields
  .superRefine((raw, ctx) => {
    const { scenario, problems } = resolveScenario(raw);
    for (const p of problems) ctx.addIssue({ code: 'custom', path: ['mirror', ...p.path], message: p.message, input: p.input });
    if (typeof raw.mirrors === 'string' && !raw.topologies[raw.mirrors]) {
      const declared = Object.keys(raw.topologies).map((n) => `"${n}"`).join(', ') || 'none declared';
      ctx.addIssue({ code: 'custom', path: ['mirrors'], input: raw.mirrors, message: `no topology named "${raw.mirrors}" in topologies (${declared})` });
      return;
    }
    if (typeof raw.timeline === 'string' && !raw.timelines[raw.timeline]) {
      const declared = Object.keys(raw.timelines).map((n) => `"${n}"`).join(', ') || 'none declared';
      ctx.addIssue({ code: 'custom', path: ['timeline'], input: raw.timeline, message: `no timeline named "${raw.timeline}" in timelines (${declared})` });
      return;
    }
    for (const issue of scenarioIssues(scenario)) ctx.addIssue({ code: 'custom', ...issue });
  })
  .transform((raw): Scenario => resolveScenario(raw).scenario);

/**
 * What a problem's value was, as the message echoes it ("found …"): never a secret — nothing
 * but its type under a path that names one (a password given as a number too), and strings
 * through the redaction rules before they are cut short.
 */
const describe = (v: unknown, path: readonly PropertyKey[] = []): string => {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isSecretPath(path.map(String).join('.')) && typeof v !== 'object') return `${typeof v === 'string' ? 'a string' : `a ${typeof v}`} ${REDACTED}`;
  if (typeof v === 'string') {
    const s = redactText(v);
    return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
  }
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
};

const segment = (acc: string, k: PropertyKey): string => {
  if (typeof k === 'number') return `${acc}[${k}]`;
  const key = String(k);
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${acc}[${JSON.stringify(key)}]`; // e.g. matrix["mirror.policy"]
  return acc ? `${acc}.${key}` : key;
};

export const formatPath = (path: readonly PropertyKey[]): string => path.reduce<string>(segment, '') || '(root)';

type Issue = z.core.$ZodIssue;

/**
 * A union reports only "Invalid input"; its branches know better. Take the branch whose first
 * problem lies deepest (the one the input was closest to), with paths made absolute.
 */
function expandUnions(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union') return [issue];
  if (issue.errors.length === 0) {
    const d = 'discriminator' in issue ? String(issue.discriminator) : '';
    // zod's message lists the valid discriminator values; show the value found, not the object.
    return d ? [{ ...issue, input: (issue.input as Record<string, unknown> | undefined)?.[d] }] : [issue];
  }
  const depth = (branch: readonly Issue[]) => Math.max(...branch.map((i) => i.path.length));
  const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
  if (depth(best) === 0) return [issue];
  return best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue).flatMap(expandUnions);
}

/** One line per problem: `path: message (found …)`. */
export const formatIssues = (issues: readonly Issue[]): string[] =>
  issues.flatMap(expandUnions).map((i) => {
    const found = 'input' in i && i.code !== 'unrecognized_keys' ? ` (found ${describe(i.input, i.path)})` : '';
    return `${formatPath(i.path)}: ${i.message}${found}`;
  });

export function parseScenario(raw: unknown, source: string): Scenario {
  const result = scenarioSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues);
  throw new DrillError('SCENARIO_INVALID', `${source} is not a valid scenario:\n  - ${lines.join('\n  - ')}`, {
    fix: 'fix the fields above; docs/scenario-reference.md lists every scenario field and its default',
  });
}
