/**
 * GitHub Actions annotations: one workflow command per problem of a run, printed to stdout
 * after it when the tool runs in a workflow (`GITHUB_ACTIONS=true`), so each failed check
 * shows on the run's summary page without opening the log:
 *
 *  - `::error`   per failed threshold, failed consistency check and cell run in error;
 *  - `::warning` per unknown verdict: a threshold that could not be measured (it still fails
 *    the run: it was not shown to pass) or a consistency check that could not be made.
 *
 * Titles are the scenario and the junit.xml case name (`<scenario> <cell run>: threshold: lost`), messages the
 * measured value and the threshold. Escaping follows GitHub's workflow-command rules (as
 * `@actions/core` does): `%`, CR and LF in the message; also `:` and `,` in a property.
 */
import type { CellResult, RunResults } from '../core/results/results.ts';
import { aggregateMessage, aggregateName, checkMessage, checkNames, retriedText } from './check-text.ts';
import type { Reporter } from './reporter.ts';

/** A command's message: `%`, `\r`, `\n` escaped. */
export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A command's property value (`title=…`): as a message, and `:` and `,` too. */
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export interface Annotation {
  level: 'error' | 'warning';
  title: string;
  message: string;
}

export const workflowCommand = (a: Annotation): string => `::${a.level} title=${escapeProperty(a.title)}::${escapeData(a.message)}`;

function annotationsOf(scenario: string, c: CellResult): Annotation[] {
  const title = (what: string) => `${scenario} ${c.key}: ${what}`;
  if (c.retriedAs !== undefined) return [{ level: 'warning', title: title('drill'), message: retriedText(c) }];
  if (c.status === 'error') return [{ level: 'error', title: title('drill'), message: `${c.error?.code}: ${c.error?.message}` }];
  if (c.status === 'interrupted') return [];
  const names = checkNames(c.checks);
  return [
    ...(c.consistency?.checks ?? []).flatMap((x): Annotation[] =>
      x.verdict === 'fail' ? [{ level: 'error', title: title(`consistency: ${x.name}`), message: `${x.detail} — a failed consistency check is a harness bug` }]
        : x.verdict === 'unknown' ? [{ level: 'warning', title: title(`consistency: ${x.name}`), message: `could not be checked: ${x.detail}` }]
        : []),
    ...c.checks.flatMap((x, i): Annotation[] =>
      x.verdict === 'fail' ? [{ level: 'error', title: title(names[i]!), message: checkMessage(c, x) }]
        : x.verdict === 'unknown' ? [{ level: 'warning', title: title(names[i]!), message: `${checkMessage(c, x)} — not shown to pass, so it fails the run` }]
        : []),
  ];
}

/** Every annotation of a run, in cell-run order. */
export function githubAnnotations(r: RunResults): Annotation[] {
  const overRepetitions = r.summary.flatMap((s) => (s.checks ?? []).flatMap((x): Annotation[] => (x.verdict === 'pass' ? []
    : [{ level: x.verdict === 'fail' ? 'error' : 'warning', title: `${r.scenario.name} ${s.cellId}: ${aggregateName(x)}`, message: aggregateMessage(x) }])));
  return [...r.cells.flatMap((c) => annotationsOf(r.scenario.name, c)), ...overRepetitions];
}

/** The workflow commands to print, one a line. */
export function renderGithubAnnotations(r: RunResults): string[] {
  return githubAnnotations(r).map(workflowCommand);
}

/** The annotations as printed after a run in a workflow: a command a line (empty when nothing failed). */
export const githubAnnotationsReporter: Reporter = { name: 'github-annotations', render: (model) => renderGithubAnnotations(model.results).join('\n') };
