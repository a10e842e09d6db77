/**
 * Writes the run's reports next to results.json — summary.md, junit.xml, report.html, one
 * reporter each (render/reporter.ts) over one report model — and appends the summary to
 * $GITHUB_STEP_SUMMARY when set. Also re-derives results from a saved history for
 * `mm2-drill report <runDir>`, without re-running anything.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DrillError } from '../core/errors.ts';
import type { HistoryByCell, HistoryEvent } from '../core/history/history.ts';
import type { Cell } from '../core/plan/matrix.ts';
import { checkInput } from '../core/checker/checker.ts';
import { judgeCell, measureCell } from '../core/results/measure.ts';
import { cellLogDir, type LogFile } from '../core/results/log-files.ts';
import { reportModel, type ReportModel } from '../core/results/report-model.ts';
import { runStatus, type RunResults } from '../core/results/results.ts';
import { summarize } from '../core/results/summary.ts';
import { htmlReporter } from '../render/html.ts';
import { junitReporter } from '../render/junit.ts';
import { markdownReporter } from '../render/markdown.ts';
import type { FileReporter } from '../render/reporter.ts';
import { writeJson } from './run-dir.ts';
import { checkRunFile, parseHistory, parseHistoryByCell, parseRunJson, rederiveFailure, savedResultsSchema, savedScenarioFileSchema, type SavedHistory, type SavedHistoryByCell } from '../core/results/run-files.ts';
import { scrubJson, scrubKnown } from '../adapters/secrets.ts';

// The UMD build is not in chart.js's exports map; it sits next to the CommonJS entry point.
const chartJs = (): string => readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');

/** The events of the run directory's history.ndjson (core/results/run-files.ts parseHistory). */
export function readHistory(runDir: string): SavedHistory {
  const file = join(runDir, 'history.ndjson');
  return parseHistory(readRunText(file), file);
}

/** The same events by cell run, each cell's held as a drill holds them (parseHistoryByCell): what re-deriving and reporting read. */
export function readHistoryByCell(runDir: string): SavedHistoryByCell {
  const file = join(runDir, 'history.ndjson');
  return parseHistoryByCell(readRunText(file), file);
}

/**
 * Each cell run's log files that exist in the run directory, as paths relative to it (where the
 * reports are), sorted by name: the renderers link them without touching the file system.
 */
export function cellLogFiles(runDir: string, results: RunResults): Record<string, LogFile[]> {
  const out: Record<string, LogFile[]> = {};
  for (const c of results.cells) {
    const dir = `logs/${cellLogDir(c.pairedRun?.environment ?? c.key)}`; // a relative URL in report.html: always '/'
    let names: string[];
    try {
      names = readdirSync(join(runDir, dir)).sort();
    } catch {
      continue; // no logs for this cell run (it never started, or the directory was not kept)
    }
    out[c.key] = names.flatMap((name) => {
      const st = statSync(join(runDir, dir, name), { throwIfNoEntry: false });
      return st?.isFile() ? [{ path: `${dir}/${name}`, bytes: st.size }] : [];
    });
  }
  return out;
}

/** The files every run directory gets, in the order they are written. */
export const fileReporters = (): FileReporter[] => [markdownReporter, junitReporter, htmlReporter(chartJs())];

/**
 * Builds the report model once and writes each reporter's file (the multiplexer); returns the
 * model, for the terminal. The reports are rendered from the results with their secrets
 * redacted (the history was redacted as it was recorded); the known secret values are replaced
 * in the text once more.
 */
export function writeReports(runDir: string, raw: RunResults, history: readonly HistoryEvent[] | HistoryByCell, reporters: readonly FileReporter[] = fileReporters()): ReportModel {
  const results = scrubJson(raw);
  const model = reportModel(results, history, cellLogFiles(runDir, results));
  for (const reporter of reporters) {
    const text = scrubKnown(reporter.render(model));
    writeFileSync(join(runDir, reporter.file), text);
    if (reporter.stepSummary && process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${text}\n`);
  }
  return model;
}

/** A file of a run directory, or a DrillError naming it (missing, a directory, unreadable). */
function readRunText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DrillError('RUN_DIR_INVALID', `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      fix: 'pass the whole run directory the run wrote (results.json, scenario.json and history.ndjson in it)',
    });
  }
}

/** results.json of a run directory, its shape checked (core/results/run-files.ts). */
export const readSavedResults = (file: string): RunResults =>
  checkRunFile(savedResultsSchema, parseRunJson(readRunText(file), file), file) as unknown as RunResults;

/** scenario.json of a run directory, its shape checked. */
export function readSavedScenario(runDir: string): { cells: Cell[] } {
  const file = join(runDir, 'scenario.json');
  if (!existsSync(file)) throw new DrillError('RUN_DIR_INVALID', `${runDir} has no scenario.json`, { fix: 'the run directory is incomplete: pass the whole directory the run wrote' });
  return checkRunFile(savedScenarioFileSchema, parseRunJson(readRunText(file), file), file) as unknown as { cells: Cell[] };
}

/** Recomputes every cell's figures and verdicts from history.ndjson and the saved scenario. */
export function rederive(runDir: string): { results: RunResults; history: HistoryByCell; tornBytes: number } {
  const file = join(runDir, 'results.json');
  if (!existsSync(file)) throw new DrillError('USAGE', `${runDir} is not a run directory (no results.json)`, { fix: 'pass a directory under results/, e.g. results/latest' });
  const saved = readSavedResults(file);
  const { cells } = readSavedScenario(runDir);
  const { cells: history, tornBytes } = readHistoryByCell(runDir);
  const rebuilt = saved.cells.map((c) => {
    const scenario = cells.find((x) => x.id === c.cellId)?.scenario;
    if (!scenario && c.status !== 'error' && c.status !== 'interrupted') throw new DrillError('RUN_DIR_INVALID', `${runDir}/scenario.json has no cell ${c.cellId}`, { fix: 'the run directory is incomplete or from another version' });
    try {
      const input = checkInput(history.get(c.key) ?? [], Date.parse(c.startedAt));
      const m = measureCell(input);
      if (c.status === 'error' || c.status === 'interrupted') return { ...c, ...m, counts: c.counts && m.counts };
      return { ...c, ...m, ...judgeCell(scenario!, c, m, input) };
    } catch (e) {
      throw rederiveFailure(`could not derive cell run ${c.key} again from ${runDir}/history.ndjson and scenario.json`, e);
    }
  });
  // A run saved as `running` was killed before it finished (a SIGKILLed harness): it did not
  // complete, whatever the cells it finished say.
  const unfinished = saved.status === 'interrupted' || saved.status === 'running';
  // A run saved in error had a cell run in error or a harness failure between cells: the latter is in no cell.
  const summary = summarize(rebuilt, (id) => cells.find((x) => x.id === id)?.scenario.thresholds);
  const results: RunResults = { ...saved, cells: rebuilt, summary, status: unfinished ? 'interrupted' : saved.status === 'error' ? 'error' : runStatus(rebuilt, false, summary) };
  writeJson(file, results);
  return { results, history, tornBytes };
}
