/**
 * junit.xml: one test suite per scenario, one test case per cell run × check (each
 * consistency check and each threshold). An unknown threshold verdict is a failure: it was not
 * shown to pass; an unknown consistency check is reported as skipped (not proven, not broken).
 */
import type { CellResult, RunResults } from '../core/results.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Case {
  name: string;
  classname: string;
  outcome: { kind: 'ok' } | { kind: 'failure' | 'error' | 'skipped'; message: string; detail?: string | undefined };
}

function casesOf(scenario: string, c: CellResult): Case[] {
  const classname = `${scenario}.${c.key}`;
  if (c.status === 'interrupted') return [{ name: 'drill', classname, outcome: { kind: 'skipped', message: 'interrupted' } }];
  if (c.status === 'error') return [{ name: 'drill', classname, outcome: { kind: 'error', message: `${c.error?.code}: ${c.error?.message}`, detail: c.error?.detail } }];
  return [
    ...(c.consistency?.checks ?? []).map((x): Case => ({
      name: `consistency: ${x.name}`,
      classname,
      outcome: x.verdict === 'pass' ? { kind: 'ok' } : { kind: x.verdict === 'fail' ? 'failure' : 'skipped', message: x.detail },
    })),
    ...c.checks.map((x): Case => ({
      name: `${x.figure} ${x.expression}`,
      classname,
      outcome: x.verdict === 'pass' ? { kind: 'ok' } : { kind: 'failure', message: x.verdict === 'unknown' ? `${x.figure} could not be measured` : `${x.figure} = ${x.value}` },
    })),
  ];
}

export function renderJunit(r: RunResults): string {
  const cases = r.cells.flatMap((c) => casesOf(r.scenario.name, c).map((k) => ({ ...k, seconds: c.durationMs / 1000 / Math.max(1, c.checks.length + (c.consistency?.checks.length ?? 0)) })));
  const count = (kind: string) => cases.filter((k) => k.outcome.kind === kind).length;
  const total = r.cells.reduce((a, c) => a + c.durationMs, 0) / 1000;
  const body = cases.map((k) => {
    const open = `    <testcase name="${xml(k.name)}" classname="${xml(k.classname)}" time="${k.seconds.toFixed(3)}"`;
    if (k.outcome.kind === 'ok') return `${open}/>`;
    const o = k.outcome;
    return `${open}>\n      <${o.kind} message="${xml(o.message)}"${o.kind === 'skipped' ? '/>' : `>${xml(o.detail ?? o.message)}</${o.kind}>`}\n    </testcase>`;
  });
  const attrs = `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${total.toFixed(3)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mm2-drill" ${attrs}>`,
    `  <testsuite name="${xml(r.scenario.name)}" ${attrs} timestamp="${r.startedAt.replace(/\.\d+Z$/, '')}" hostname="localhost">`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
