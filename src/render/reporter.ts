/**
 * A reporter: one output of a run — the terminal, summary.md, report.html, junit.xml, the GitHub
 * annotations — drawn from the report model (core/results/report-model.ts), built once. Pure: a reporter
 * returns its text; run/reports.ts writes the files, cli/main.ts prints the terminal's and the
 * annotations. Adding an output is one reporter, and one entry where it is written or printed.
 */
import type { ReportModel } from '../core/results/report-model.ts';

export interface Reporter {
  /** What it draws, for messages: 'markdown', 'junit', … */
  readonly name: string;
  render(model: ReportModel): string;
}

/** A reporter whose text is a file of the run directory. */
export interface FileReporter extends Reporter {
  /** Its file name in the run directory. */
  readonly file: string;
  /** Also appended to the GitHub Actions job summary ($GITHUB_STEP_SUMMARY) when it is set. */
  readonly stepSummary?: boolean;
}
