/**
 * junit.xml: one test suite per scenario, whose cases all have the class name `mm2-drill.<scenario>`;
 * per cell run one `<cell run key>: drill` case, then one case per consistency check (`<cell run
 * key>: consistency: <name>`) and per threshold (`<cell run key>: threshold: <figure>`, see
 * check-text.ts). The cell run key is in the case's name, not its class name: CI tools (Jenkins)
 * read the class name's last dot as the package separator, and a key holds dots
 * (`mirror.policy=default#1`, `kafka.version=3.9.1`). The scenario name is kebab-case, dot-free.
 *
 * Names never hold a threshold's value, so a CI's test history follows a check across a
 * changed threshold; the value, the measured figure and the expression are in the failure's
 * message (`duplicated = 812, threshold duplicated < 0`). The schema this file is validated
 * against (test/schemas/junit.xsd) allows nothing else in a test case, so a passing check
 * carries only its name: its measured value is in results.json and summary.md.
 *
 * Timing, honestly: the checks are not separate tests that run for a while — they are computed
 * from the cell run's history after the drill, and that computation is not timed on its own
 * (results.json has no per-check time, and `mm2-drill report` recomputes them anyway). So the
 * `drill` case gets the cell run's measured duration (stand-up, workload, kill, failover, drain,
 * verification, and the computation of every figure and check, which falls inside it), and
 * each check case gets 0 rather than an invented share. The suite's time is the sum of its
 * cell runs' durations, as the cases' times add up to.
 *
 * Thresholds over repetitions are cases of their matrix cell (the class name: `<scenario>.<cell
 * id>`), named `threshold: <figure> (<statistic>)`. A cell run a retry replaced (`run
 * --retry-errors`) is a skipped `drill` case naming its error: kept, not counted.
 *
 * Outcomes: a `drill` case fails with an error when the cell run did not complete and is
 * skipped when it was interrupted (then it has no checks). An unknown threshold verdict is a
 * failure: it was not shown to pass. An unknown consistency check is skipped (not proven, not
 * broken).
 */
import { ownDurationMs, type CellResult, type CellSummary, type RunResults } from '../core/results/results.ts';
import { aggregateMessage, aggregateName, checkMessage, checkNames, retriedText } from './check-text.ts';
import type { FileReporter } from './reporter.ts';

/** Text XML 1.0 can hold: a log tail may carry control characters (ANSI colours) it cannot, so they are dropped. */
const xml = (s: string) => s
  .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** An attribute keeps its line breaks and tabs only as character references (a parser turns raw ones into spaces). */
const attr = (s: string) => xml(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');

export interface JunitCase {
  name: string;
  classname: string;
  seconds: number;
  outcome: { kind: 'ok' } | { kind: 'failure' | 'error' | 'skipped'; message: string; detail?: string | undefined };
}

/** The test cases of one cell run, in order: the drill, its consistency checks, its thresholds. */
export function junitCases(scenario: string, c: CellResult): JunitCase[] {
  const classname = `mm2-drill.${scenario}`;
  const named = (what: string) => `${c.key}: ${what}`;
  const seconds = ownDurationMs(c) / 1000;
  if (c.status === 'interrupted') return [{ name: named('drill'), classname, seconds, outcome: { kind: 'skipped', message: `interrupted${c.error ? `: ${c.error.message}` : ''}` } }];
  if (c.retriedAs !== undefined) return [{ name: named('drill'), classname, seconds, outcome: { kind: 'skipped', message: retriedText(c) } }];
  if (c.status === 'error') return [{ name: named('drill'), classname, seconds, outcome: { kind: 'error', message: `${c.error?.code}: ${c.error?.message}`, detail: c.error?.detail ? `${c.error.code}: ${c.error.message}\n${c.error.detail}` : undefined } }];
  const names = checkNames(c.checks);
  return [
    { name: named('drill'), classname, seconds, outcome: { kind: 'ok' } },
    ...(c.consistency?.checks ?? []).map((x): JunitCase => ({
      name: named(`consistency: ${x.name}`),
      classname,
      seconds: 0,
      outcome: x.verdict === 'pass' ? { kind: 'ok' }
        : x.verdict === 'fail' ? { kind: 'failure', message: `${x.name}: ${x.detail}` }
        : { kind: 'skipped', message: `${x.name} could not be checked: ${x.detail}` },
    })),
    ...c.checks.map((x, i): JunitCase => ({
      name: named(names[i]!),
      classname,
      seconds: 0,
      outcome: x.verdict === 'pass' ? { kind: 'ok' } : { kind: 'failure', message: checkMessage(c, x) },
    })),
  ];
}

/** The cases of a matrix cell's thresholds over repetitions. */
export function aggregateCases(scenario: string, s: CellSummary): JunitCase[] {
  return (s.checks ?? []).map((x) => ({
    name: `${s.cellId}: ${aggregateName(x)}`,
    classname: `mm2-drill.${scenario}`,
    seconds: 0,
    outcome: x.verdict === 'pass' ? { kind: 'ok' } : { kind: 'failure', message: aggregateMessage(x) },
  }));
}

export function renderJunit(r: RunResults): string {
  const cases = [...r.cells.flatMap((c) => junitCases(r.scenario.name, c)), ...r.summary.flatMap((s) => aggregateCases(r.scenario.name, s))];
  const count = (kind: string) => cases.filter((k) => k.outcome.kind === kind).length;
  const total = r.cells.reduce((a, c) => a + ownDurationMs(c), 0) / 1000;
  const body = cases.map((k) => {
    const open = `    <testcase name="${attr(k.name)}" classname="${attr(k.classname)}" time="${k.seconds.toFixed(3)}"`;
    if (k.outcome.kind === 'ok') return `${open}/>`;
    const o = k.outcome;
    return `${open}>\n      <${o.kind} message="${attr(o.message)}"${o.kind === 'skipped' ? '/>' : `>${xml(o.detail ?? o.message)}</${o.kind}>`}\n    </testcase>`;
  });
  const attrs = `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${total.toFixed(3)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mm2-drill" ${attrs}>`,
    `  <testsuite name="${attr(r.scenario.name)}" ${attrs} timestamp="${r.startedAt.replace(/\.\d+Z$/, '')}" hostname="localhost">`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export const junitReporter: FileReporter = { name: 'junit', file: 'junit.xml', render: (model) => renderJunit(model.results) };
