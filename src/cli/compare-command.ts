/**
 * `mm2-drill compare <runDirA> <runDirB>`: "are we better or worse than last quarter?" — two run
 * directories of one scenario side by side (core/results/compare-runs.ts), drawn for the terminal,
 * as JSON or as Markdown (render/compare-text.ts). Only reads the run directories.
 * Exit code 0; with `--fail-on-regression`, 1 when a figure got worse beyond the spread of the
 * repetitions; 2 when a path is not a run directory or the runs drilled different scenarios.
 */
import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DrillError, ExitCode, isDrillError, type ExitCodeValue } from '../core/errors.ts';
import { compareRuns, type RunComparison } from '../core/results/compare-runs.ts';
import { rederiveFailure } from '../core/results/run-files.ts';
import type { RunResults } from '../core/results/results.ts';
import { compareMarkdown, compareTerminal } from '../render/compare-text.ts';
import { readSavedResults } from '../run/reports.ts';

interface CompareOptions {
  json: boolean;
  md?: string;
  failOnRegression: boolean;
}

/** A run directory's results.json, its shape checked, or a DrillError naming the path and the fix. */
function readRun(dir: string, which: string): RunResults {
  if (!existsSync(join(dir, 'results.json'))) {
    throw new DrillError('RUN_DIR_INVALID', `${which} ${dir} is not a run directory (no results.json in it)`, {
      fix: 'pass two directories `mm2-drill run` wrote, e.g. results/<scenario>/<time>-<id> (results/latest is the last one)',
    });
  }
  return readSavedResults(join(dir, 'results.json'));
}

function compare(dirA: string, dirB: string, opts: CompareOptions, out: (s: string) => void): ExitCodeValue {
  const a = readRun(dirA, 'A');
  const b = readRun(dirB, 'B');
  let r: RunComparison;
  try {
    r = compareRuns(a, b);
  } catch (e) {
    // Past the shape checks, a field the figures read may still be missing from a hand-edited file.
    throw isDrillError(e) ? e : rederiveFailure(`could not compare ${dirA} and ${dirB}`, e);
  }
  if (opts.md) writeFileSync(opts.md, compareMarkdown(r));
  out(opts.json ? JSON.stringify(r, null, 2) : compareTerminal(r));
  return opts.failOnRegression && r.regressions.length ? ExitCode.checksFailed : ExitCode.ok;
}

export function compareCommand(program: Command, out: (s: string) => void, done: (code: ExitCodeValue) => void): void {
  program
    .command('compare')
    .description('compare two runs of one scenario (A before, B after): every figure per matrix cell, its change, flagged when beyond the spread of the repetitions')
    .argument('<runDirA>', 'the baseline run directory (e.g. last quarter\'s)')
    .argument('<runDirB>', 'the run directory to compare with it')
    .option('--json', 'print the comparison as JSON', false)
    .option('--md <file>', 'also write the comparison as Markdown to this file')
    .option('--fail-on-regression', 'exit 1 when a figure got worse beyond the spread of the repetitions', false)
    .addHelpText('after', '\nExample:\n  $ npx mm2-drill compare results/quickstart/2026-09-01T0200-ab12 results/latest --md compare.md --fail-on-regression')
    .action((dirA: string, dirB: string, opts: CompareOptions) => { done(compare(dirA, dirB, opts, out)); });
}
