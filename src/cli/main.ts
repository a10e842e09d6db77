/** The `mm2-drill` command line. */
import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import { toolVersion } from '../adapters/tool-version.ts';
import { DrillError, ExitCode, isDrillError, type ExitCodeValue } from '../core/errors.ts';
import { dockerClient, LABEL_RUN, LABEL_TOOL, removeLabelled } from '../adapters/containers/docker.ts';
import type { DrillEnvironment } from '../adapters/containers/environment.ts';
import { terminalReporter } from '../render/table.ts';
import { githubAnnotationsReporter } from '../render/github-annotations.ts';
import { reportModel, type ReportModel } from '../core/results/report-model.ts';
import { rederive, writeReports } from '../run/reports.ts';
import { consoleProgress } from '../run/progress.ts';
import { runDrill } from '../run/run-drill.ts';
import { mergeRuns } from '../run/merge-runs.ts';
import { parseShard, type Shard } from '../core/plan/shard.ts';
import { describePairing } from '../core/plan/pairing.ts';
import { loadScenario, type LoadOptions } from './load-scenario.ts';
import { releaseText } from '../render/release-text.ts';
import { drillStopper } from './stopper.ts';
import { driftCommand } from './drift.ts';
import { compareCommand } from './compare-command.ts';
import { initCommand } from './init.ts';
import { setupCommand } from './setup.ts';
import { expectCommand } from './expect-command.ts';
import { produceCommand } from './produce-command.ts';
import { Option } from 'commander';
import { scrub, scrubJson } from '../adapters/secrets.ts';
import { colorsOn } from '../adapters/terminal-colors.ts';

// Ryuk (testcontainers' reaper) cannot be pulled on machines without a registry; the harness
// removes its containers itself (labels, `mm2-drill down`).
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

// Everything printed goes through the redaction rules (core/redaction.ts): a message may quote a command or a value.
const out = (s: string) => process.stdout.write(`${scrub(s)}\n`);
const err = (s: string) => process.stderr.write(`${scrub(s)}\n`);

function keptInfo(env: DrillEnvironment, runId: string): string {
  const lines = [
    `Environment of run ${runId} left running (--keep). Reach it with your own tools:`,
    `  primary  admin       ${env.primary.adminBootstrap.join(',')}   (never faulted; answers unless the drill left it killed)`,
    `  primary  clients     ${env.primary.clientBootstrap.join(',')}`,
    // MM2-side paired variants: a backup and an MM2 each (`backup2` is the second variant's side).
    ...(env.sides ?? [env]).flatMap((side, i) => {
      const name = (i === 0 ? 'backup' : `backup${i + 1}`).padEnd(8);
      return [
        `  ${name} admin       ${side.backup.adminBootstrap.join(',')}   (never faulted)`,
        `  ${name} clients     ${side.backup.clientBootstrap.join(',')}`,
        `  ${name} remote topics ${side.remoteTopics.join(', ')}`,
        `  ${name} MM2         ${side.mirror ? `container ${side.mirror.container.getName()}` : 'your own (external clusters)'}`,
      ];
    }),
    `  Toxiproxy API        ${env.toxiproxy.api.host}`,
    `Remove it with: npx mm2-drill down`,
  ];
  return lines.join('\n');
}

/** How a run's results are printed (`run` and `report`). */
interface PrintOptions {
  json: boolean;
  verbose: boolean;
}

interface RunOptions extends LoadOptions, PrintOptions {
  keep: boolean;
  results: string;
  shard?: Shard;
  retryErrors: number;
}

async function run(files: string[], opts: RunOptions): Promise<ExitCodeValue> {
  const progress = consoleProgress();
  const stopper = drillStopper(err);
  const { signal } = stopper;
  try {
    // Validate every file before anything starts.
    const loaded = [];
    for (const f of files) loaded.push({ file: f, cells: await loadScenario(f, opts) });
    let worst: ExitCodeValue = ExitCode.ok;
    for (const { file, cells } of loaded) {
      if (signal.aborted) break;
      const { report, runDir } = await runDrill({
        file, cells, resultsRoot: resolve(opts.results), progress, signal, keep: opts.keep, shard: opts.shard, retryErrors: opts.retryErrors,
        onKept: (env, runId) => err(keptInfo(env, runId)),
      });
      worst = Math.max(worst, present(report, runDir, opts)) as ExitCodeValue;
    }
    // A failure that escaped outside a cell (or after the last one) still fails the run.
    return stopper.failure() && worst !== ExitCode.interrupted ? ExitCode.drillFailed : worst;
  } finally {
    stopper.finish();
  }
}

/**
 * Prints a run's results and returns the exit code its status calls for: its JSON, or the
 * terminal reporter's text (the compact summary, after the full tables with `--verbose`). In a
 * GitHub Actions workflow, then one annotation per failed or unknown check and per cell run in
 * error (never with `--json`: stdout is the JSON document). `model`: its results redacted.
 */
function present(model: ReportModel, runDir: string, opts: PrintOptions): ExitCodeValue {
  const { results } = model;
  if (opts.json) out(JSON.stringify(results, null, 2));
  else {
    const reporters = [terminalReporter({ color: colorsOn(process.stdout), verbose: opts.verbose, runDir }), ...(process.env.GITHUB_ACTIONS === 'true' ? [githubAnnotationsReporter] : [])];
    // Line by line, as each line was always redacted on its own (a log tail's line never reaches into the next).
    for (const reporter of reporters) {
      const text = reporter.render(model);
      if (text) for (const line of text.split('\n')) out(line);
    }
  }
  return {
    passed: ExitCode.ok, measured: ExitCode.ok, failed: ExitCode.checksFailed, error: ExitCode.drillFailed, interrupted: ExitCode.interrupted, running: ExitCode.drillFailed,
  }[results.status];
}

function report(runDir: string, opts: PrintOptions): ExitCodeValue {
  const { results, history, tornBytes } = rederive(runDir);
  if (tornBytes > 0) err(`history.ndjson: dropped a torn last line (${tornBytes} bytes) — the run was killed while writing it`);
  return present(writeReports(runDir, results, history), runDir, opts);
}

async function down(runId?: string): Promise<ExitCodeValue> {
  const client = await dockerClient();
  const n = await removeLabelled(client, { [LABEL_TOOL]: 'true', ...(runId ? { [LABEL_RUN]: runId } : {}) });
  out(n === 0 ? 'nothing to remove' : `removed ${n} container(s) and their network(s)`);
  return ExitCode.ok;
}

async function validate(files: string[], list: boolean, opts: LoadOptions = {}): Promise<ExitCodeValue> {
  for (const f of files) {
    const cells = await loadScenario(f, opts);
    const repeat = cells[0]?.scenario.repeat ?? 1;
    out(`${f}: valid — ${cells.length} cell(s)${repeat > 1 ? ` × ${repeat} repetitions` : ''}`);
    if (list) {
      if (cells.length > 1) out(`pairing: ${describePairing(cells)}`);
      for (const c of cells) {
        const release = releaseText(c.scenario);
        out(`  ${c.id}${release ? `  (${release})` : ''}`);
      }
    }
  }
  return ExitCode.ok;
}

const setOption = () =>
  new Option('--set <path=values>', 'override a scenario field (path=v; a JSON value is one value), or make it a matrix dimension (path=v1,v2; \\, is a comma in a value); repeatable')
    .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .default([]);
const wholeNumber = (option: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new DrillError('USAGE', `${option} ${v}: expected a whole number ≥ ${min}`);
  return n;
};
const repeatOption = () => new Option('--repeat <n>', 'run every cell n times, each on fresh clusters').argParser(wholeNumber('--repeat', 1));
const onlyOption = () => new Option('--only <filter>', 'run only the cells matching path=value[,path=value] (a path may be shortened to its last part)');
const forceOption = () => new Option('--force', 'run even a matrix of more than 200 cell runs').default(false);

export async function main(argv: string[]): Promise<ExitCodeValue> {
  let code: ExitCodeValue = ExitCode.ok;
  const program = new Command('mm2-drill')
    .description('Disaster-recovery drills for Kafka MirrorMaker 2: real clusters, real MM2, real faults, exact counts.')
    .version(toolVersion)
    .exitOverride()
    .showHelpAfterError();
  program
    .command('run')
    .description('run the drills of one or more scenario files')
    .argument('<files...>', 'scenario files (scenarios/*.ts)')
    .addOption(setOption())
    .addOption(repeatOption())
    .addOption(onlyOption())
    .addOption(forceOption())
    .option('--keep', 'leave the last cell\'s environment running and print how to reach it', false)
    .option('--results <dir>', 'where run directories go', 'results')
    .addOption(new Option('--retry-errors <n>', 'run a cell run that ended in error (the environment or the harness failed: a container that did not start, a failed task, an expired wait) again, up to n times; the failed attempt stays in the results, not counted').argParser(wholeNumber('--retry-errors', 0)).default(0))
    .addOption(new Option('--shard <k/n>', 'run only shard k of n of the environments (one CI job each; combine them with `merge`)').argParser(parseShard))
    .option('--json', 'print results.json instead of the summary', false)
    .option('--verbose', 'print the full tables (matrix, every figure of every cell run, causes, thresholds) before the summary', false)
    .addHelpText('after', [
      '\nExamples:',
      '  $ npx mm2-drill run scenarios/quickstart.ts',
      '  $ npx mm2-drill run scenarios/quickstart.ts --set mirror.offsetLagMax=10,100 --repeat 3',
      '  $ npx mm2-drill run scenarios/policy-vs-sync-interval.ts --only policy=identity',
      '  $ npx mm2-drill run scenarios/quickstart.ts --keep   # then: npx mm2-drill down',
      '  $ npx mm2-drill run scenarios/failover-strategies.ts --shard 2/4   # then: npx mm2-drill merge <the 4 run dirs>',
    ].join('\n'))
    .action(async (files: string[], opts: RunOptions) => {
      code = await run(files, opts);
    });
  program
    .command('validate')
    .description('check scenario files without starting any cluster: each file is TypeScript and is executed (imported) to read its scenario, so validate only files you trust')
    .argument('<files...>')
    .action(async (files: string[]) => { code = await validate(files, false); });
  program
    .command('list')
    .description('print the matrix cells of scenario files without running them')
    .argument('<files...>')
    .addOption(setOption())
    .addOption(repeatOption())
    .addOption(onlyOption())
    .addOption(forceOption())
    .addHelpText('after', '\nExample:\n  $ npx mm2-drill list scenarios/policy-vs-sync-interval.ts --set mirror.offsetLagMax=0,100')
    .action(async (files: string[], opts: LoadOptions) => { code = await validate(files, true, opts); });
  program
    .command('report')
    .description('re-render results.json, summary.md, junit.xml and report.html of a run from its saved history')
    .argument('<runDir>', 'a run directory, e.g. results/latest')
    .option('--json', 'print results.json instead of the summary', false)
    .option('--verbose', 'print the full tables before the summary', false)
    .action((runDir: string, opts: PrintOptions) => { code = report(runDir, opts); });
  program
    .command('merge')
    .description('combine the run directories of `run --shard k/n` into one run: one report, one verdict, one exit code')
    .argument('<runDirs...>', 'the run directory of every shard')
    .option('--results <dir>', 'where the merged run directory goes', 'results')
    .option('--json', 'print results.json instead of the summary', false)
    .option('--verbose', 'print the full tables before the summary', false)
    .action((dirs: string[], opts: PrintOptions & { results: string }) => {
      const { results, runDir } = mergeRuns(dirs, opts.results);
      code = present(reportModel(scrubJson(results)), runDir, opts);
    });
  driftCommand(program, out, (c) => { code = c; });
  compareCommand(program, out, (c) => { code = c; });
  initCommand(program, out, (c) => { code = c; });
  setupCommand(program, (c) => { code = c; });
  expectCommand(program, out, (c) => { code = c; });
  produceCommand(program, err, (c) => { code = c; });
  program
    .command('down')
    .alias('clean')
    .description('remove every container and network mm2-drill left (after --keep, or after a crash)')
    .option('--run <runId>', "only that run's (its results.json `runId`): other kept environments stay")
    .action(async (o: { run?: string }) => { code = await down(o.run); });
  program.addHelpText('after', [
    '\nExamples:',
    '  $ npx mm2-drill init && npx mm2-drill setup && npx mm2-drill run drills/failover.ts',
    '  $ npx mm2-drill run scenarios/quickstart.ts',
    '  $ npx mm2-drill list scenarios/policy-vs-sync-interval.ts',
    '  $ npx mm2-drill drift --source kafka-east:9092 --target kafka-west:9092',
    '  $ npx mm2-drill run --help',
  ].join('\n'));
  program.addHelpText('after', `\nExit codes: 0 passed, 1 checks failed, 2 invalid scenario, usage or run directory, 3 environment problem, 4 drill could not complete, 130 interrupted.`);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
    if (isDrillError(e)) {
      err(`mm2-drill: ${e.code}: ${e.message}${e.detail ? `\n${e.detail}` : ''}${e.fix ? `\nfix: ${e.fix}` : ''}`);
      return e.exitCode;
    }
    err(`mm2-drill: unexpected error (a harness bug): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return ExitCode.drillFailed;
  }
}
