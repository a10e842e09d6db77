/**
 * Writes the run's reports next to results.json — summary.md, junit.xml, report.html — and
 * appends the summary to $GITHUB_STEP_SUMMARY when set. Also re-derives results from a saved
 * history for `mm2-drill report <runDir>`, without re-running anything.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DrillError } from '../core/errors.ts';
import type { HistoryEvent } from '../core/history.ts';
import type { Cell } from '../core/matrix.ts';
import { judgeCell, measureCell } from '../core/measure.ts';
import { cellLogDir, type LogFile } from '../core/log-files.ts';
import { reportModel } from '../core/report-model.ts';
import { runStatus, type RunResults } from '../core/results.ts';
import { summarize } from '../core/summary.ts';
import { renderHtml } from '../render/html.ts';
import { renderJunit } from '../render/junit.ts';
import { renderMarkdown } from '../render/markdown.ts';
import { writeJson } from './run-dir.ts';
import { scrubJson, scrubKnown } from '../adapters/secrets.ts';

// The UMD build is not in chart.js's exports map; it sits next to the CommonJS entry point.
const chartJs = (): string => readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');

export interface SavedHistory {
  readonly events: HistoryEvent[];
  /** Bytes of an unparsable last line that was dropped (0: none). */
  readonly tornBytes: number;
}

/**
 * The events of history.ndjson. A run killed while appending (SIGKILL, a crash) leaves a partial
 * last line: it is dropped and its size reported, since every event before it is whole. An
 * unparsable line anywhere else is corruption, not a kill, and fails with its line number.
 */
export function readHistory(runDir: string): SavedHistory {
  const file = join(runDir, 'history.ndjson');
  const lines = readFileSync(file, 'utf8').split('\n');
  const last = lines.findLastIndex((l) => l.trim() !== '');
  const events: HistoryEvent[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as HistoryEvent);
    } catch (e) {
      if (i === last) return { events, tornBytes: Buffer.byteLength(line) };
      throw new DrillError('USAGE', `${file}: line ${i + 1} of ${last + 1} is not valid JSON (${(e as Error).message}); the history is corrupt`, {
        detail: `line ${i + 1} starts with: ${line.slice(0, 120)}`,
        fix: 'only a torn last line (a killed run) can be dropped; restore history.ndjson from a copy, or run the drill again',
      });
    }
  }
  return { events, tornBytes: 0 };
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

/**
 * The reports are rendered from the results with their secrets redacted (the history was redacted
 * as it was recorded); the known secret values are replaced in the text once more.
 */
export function writeReports(runDir: string, raw: RunResults, history: readonly HistoryEvent[]): void {
  const results = scrubJson(raw);
  const logs = cellLogFiles(runDir, results);
  const md = scrubKnown(renderMarkdown(results, logs));
  writeFileSync(join(runDir, 'summary.md'), md);
  writeFileSync(join(runDir, 'junit.xml'), scrubKnown(renderJunit(results)));
  writeFileSync(join(runDir, 'report.html'), scrubKnown(renderHtml(reportModel(results, history, logs), chartJs())));
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${md}\n`);
}

/** Recomputes every cell's figures and verdicts from history.ndjson and the saved scenario. */
export function rederive(runDir: string): { results: RunResults; history: HistoryEvent[]; tornBytes: number } {
  const file = join(runDir, 'results.json');
  if (!existsSync(file)) throw new DrillError('USAGE', `${runDir} is not a run directory (no results.json)`, { fix: 'pass a directory under results/, e.g. results/latest' });
  const saved = JSON.parse(readFileSync(file, 'utf8')) as RunResults;
  const { cells } = JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8')) as { cells: Cell[] };
  const { events: history, tornBytes } = readHistory(runDir);
  const byCell = Map.groupBy(history, (e) => e.cell);
  const rebuilt = saved.cells.map((c) => {
    const m = measureCell(byCell.get(c.key) ?? [], Date.parse(c.startedAt));
    if (c.status === 'error' || c.status === 'interrupted') return { ...c, ...m, counts: c.counts && m.counts };
    const scenario = cells.find((x) => x.id === c.cellId)?.scenario;
    if (!scenario) throw new DrillError('USAGE', `${runDir}/scenario.json has no cell ${c.cellId}`, { fix: 'the run directory is incomplete or from another version' });
    return { ...c, ...m, ...judgeCell(scenario, c, m, byCell.get(c.key) ?? []) };
  });
  // A run saved as `running` was killed before it finished (a SIGKILLed harness): it did not
  // complete, whatever the cells it finished say.
  const unfinished = saved.status === 'interrupted' || saved.status === 'running';
  const results: RunResults = { ...saved, cells: rebuilt, summary: summarize(rebuilt), status: unfinished ? 'interrupted' : runStatus(rebuilt, false) };
  writeJson(file, results);
  return { results, history, tornBytes };
}
