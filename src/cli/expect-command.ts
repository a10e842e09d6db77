/**
 * `mm2-drill expect <mm2.properties>`: what a failover costs with a team's own MM2 file, produce
 * rates and consumer commits (core/checker/failover-expectations.ts), printed, written as a
 * Markdown record to commit beside the file, and as the drill scenario that checks it. Starts
 * nothing. Exit code 0, or 2 for a file or options the drill cannot take.
 */
import { Option, type Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DrillError, ExitCode, type ExitCodeValue } from '../core/errors.ts';
import { planExpectations, type TeamSettings } from '../core/checker/failover-expectations.ts';
import { strategyNames, type Strategy } from '../core/scenario/failover-strategy.ts';
import { parsePropertiesText } from '../core/kafka/mm2-properties-file.ts';
import { secretsOf } from '../core/redaction.ts';
import { drillScenarioText, expectationsMarkdown, expectationsText, GENERATED_MARK, type ExpectationsOutput } from '../render/failover-expectations.ts';
import { readVersions } from '../adapters/containers/images.ts';
import { rememberSecrets, scrub } from '../adapters/secrets.ts';

interface ExpectOptions {
  rate: string[];
  partitions: string[];
  topics?: string;
  flow?: string;
  commit?: 'auto' | 'interval' | 'batch';
  commitIntervalMs?: number;
  group?: string;
  strategy: Strategy;
  autoOffsetReset: 'earliest' | 'latest';
  kafka?: string;
  mirrorVersion?: string;
  replicationLagMs?: number;
  drillSeconds?: number;
  out: string;
  drill?: string;
  force: boolean;
  json: boolean;
}

const repeatable = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

const positive = (flag: string, whole: boolean) => (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || (whole && !Number.isInteger(n))) {
    throw new DrillError('USAGE', `${flag} ${v}: expected a ${whole ? 'whole ' : ''}number above 0`);
  }
  return n;
};

/** `topic=value` or a bare `value` (every topic), from a repeatable option. */
function perTopic(flag: string, specs: readonly string[], whole: boolean): { all?: number; byTopic: Map<string, number> } {
  const byTopic = new Map<string, number>();
  let all: number | undefined;
  for (const spec of specs) {
    const at = spec.lastIndexOf('=');
    const value = positive(flag, whole)(at < 0 ? spec : spec.slice(at + 1));
    if (at < 0) all = value;
    else byTopic.set(spec.slice(0, at).trim(), value);
  }
  return { ...(all === undefined ? {} : { all }), byTopic };
}

/** The topics, from the rates and partitions named per topic and `--topics`; `orders` (the scenario's default topic) when none is named. */
export function teamTopics(rate: readonly string[], partitions: readonly string[], topics: string | undefined): TeamSettings['topics'] {
  const r = perTopic('--rate', rate, false);
  const p = perTopic('--partitions', partitions, true);
  const listed = (topics ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const names = [...new Set([...listed, ...r.byTopic.keys(), ...p.byTopic.keys()])];
  if (names.length === 0) names.push('orders');
  return names.map((name) => {
    const ratePerSecond = r.byTopic.get(name) ?? r.all;
    if (ratePerSecond === undefined) {
      throw new DrillError('USAGE', `no produce rate for the topic ${name}`, { fix: `give it one (--rate ${name}=200), or one rate for every topic (--rate 200)` });
    }
    return { name, partitions: p.byTopic.get(name) ?? p.all ?? 3, ratePerSecond };
  });
}

function parseFlow(flow: string | undefined): TeamSettings['flow'] {
  if (flow === undefined) return undefined;
  const m = /^\s*([^\s>]+?)\s*->\s*(\S+)\s*$/.exec(flow);
  if (!m) throw new DrillError('USAGE', `--flow ${flow}: expected <from>-><to>, the file's aliases`, { fix: 'e.g. --flow us-east->us-west (quote it in a shell: the > redirects)' });
  return { primary: m[1]!, backup: m[2]! };
}

/** A path as a shell word. */
const word = (s: string): string => (/^[\w./=,:@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

/** A path relative to `from`, written as a scenario or a command writes it. */
function relativeTo(from: string, to: string): string {
  const r = relative(from, to);
  if (isAbsolute(r)) return r;
  const posix = r.split(sep).join('/');
  return posix.startsWith('.') ? posix : `./${posix}`;
}

/** Refuses to overwrite a file `expect` did not write, unless forced. */
function checkOverwrite(path: string, force: boolean): void {
  if (force || !existsSync(path)) return;
  const first = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
  if (!first.includes(GENERATED_MARK)) {
    throw new DrillError('USAGE', `${path} exists and was not written by mm2-drill expect`, { fix: 'choose another path (--out, --drill), or pass --force to overwrite it' });
  }
}

function expect(file: string, opts: ExpectOptions, argv: readonly string[], out: (s: string) => void): ExitCodeValue {
  const abs = resolve(file);
  if (!(statSync(abs, { throwIfNoEntry: false })?.isFile() ?? false)) {
    throw new DrillError('USAGE', `the MM2 properties file ${file} was not found`, { fix: 'give the path of your mm2.properties (relative to the working directory)' });
  }
  // As MM2 reads it (Properties.load of a stream): ISO-8859-1.
  const text = readFileSync(abs, 'latin1');
  rememberSecrets(secretsOf(Object.fromEntries(parsePropertiesText(text).entries)));
  if (opts.commit !== undefined && opts.commit !== 'interval' && opts.commitIntervalMs !== undefined) {
    throw new DrillError('USAGE', `--commit-interval-ms applies to --commit interval, not ${opts.commit}`, { fix: 'drop one of them' });
  }
  const record = resolve(opts.out);
  const drillFile = resolve(opts.drill ?? join(dirname(record), 'failover-drill.ts'));
  const team: TeamSettings = {
    propertiesFile: relativeTo(dirname(drillFile), abs),
    propertiesText: text,
    flow: parseFlow(opts.flow),
    topics: teamTopics(opts.rate, opts.partitions, opts.topics),
    consumer: { commit: opts.commit ?? (opts.commitIntervalMs === undefined ? 'auto' : 'interval'), commitIntervalMs: opts.commitIntervalMs, groupId: opts.group },
    strategy: opts.strategy,
    autoOffsetReset: opts.autoOffsetReset,
    kafkaVersion: opts.kafka,
    mirrorVersion: opts.mirrorVersion,
    drillSeconds: opts.drillSeconds,
  };
  const plan = planExpectations(team, { replicationLagMs: opts.replicationLagMs ?? null, defaultRelease: readVersions().kafka, label: file });
  const cwd = process.cwd();
  const shown = (p: string) => relative(cwd, p) || p;
  const output: ExpectationsOutput = {
    propertiesFile: file,
    record: shown(record),
    drillFile: shown(drillFile),
    command: `npx mm2-drill run ${word(shown(drillFile))}`,
    commandLine: ['npx mm2-drill', ...argv.map(word)].join(' '),
    generatedAt: new Date().toISOString(),
  };
  checkOverwrite(record, opts.force);
  checkOverwrite(drillFile, opts.force);
  for (const [path, content] of [[drillFile, drillScenarioText(plan.drill, output)], [record, expectationsMarkdown(plan, output)]] as const) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, scrub(content));
  }
  if (opts.json) {
    out(JSON.stringify({
      expectations: plan.expectations,
      record: output.record,
      drill: { file: output.drillFile, command: output.command, killAtSeconds: plan.killAtSeconds, jitterSeconds: plan.jitterSeconds, scenario: plan.drill },
    }, null, 2));
  } else out(expectationsText(plan, output));
  return ExitCode.ok;
}

export function expectCommand(program: Command, out: (s: string) => void, done: (code: ExitCodeValue) => void): void {
  program
    .command('expect')
    .description('predict what a failover costs with your mm2.properties, produce rates and consumer commits; write the record and the drill that checks it')
    .argument('<properties>', 'your MirrorMaker 2 properties file (dedicated mode)')
    .requiredOption('--rate <[topic=]msgs>', 'messages per second a topic gets at peak (topic=200), or every topic (200); repeatable', repeatable)
    .option('--partitions <[topic=]n>', 'partitions of a topic (topic=6), or of every topic (6); default 3; repeatable', repeatable, [])
    .option('--topics <names>', 'the topics a bare --rate applies to, comma-separated (default: those named in --rate, else orders)')
    .option('--flow <from->to>', "the flow you fail over, in the file's aliases (default: the one flow the file enables)")
    .addOption(new Option('--commit <mode>', 'how your consumers commit: auto (enable.auto.commit, every 5 s), interval (every --commit-interval-ms), batch (after each poll\'s records; a manual commit per batch)').choices(['auto', 'interval', 'batch']))
    .option('--commit-interval-ms <ms>', 'the commit interval of --commit interval (implies it)', positive('--commit-interval-ms', true))
    .option('--group <id>', 'your consumer group (the file\'s groups filter must match it; default drill-consumer)')
    .addOption(new Option('--strategy <name>', 'how the group fails over').choices(strategyNames).default('mm2-sync'))
    .addOption(new Option('--auto-offset-reset <where>', "the consumers' auto.offset.reset on the backup").choices(['earliest', 'latest']).default('earliest'))
    .option('--kafka <version>', 'your Kafka release, brokers and MM2 (default: the drill\'s default release)')
    .option('--mirror-version <version>', "your MM2's release, when it differs from the brokers'")
    .option('--replication-lag-ms <ms>', "MM2's replication lag at your peak, measured (e.g. replication-latency-ms): bounds the RPO, unknown without it", positive('--replication-lag-ms', false))
    .option('--drill-seconds <s>', 'seconds of workload before the drill kills the primary (default: twice the time MM2 needs to sync the group once, at least 20)', positive('--drill-seconds', false))
    .option('--out <file>', 'the Markdown record', 'failover-expectations.md')
    .option('--drill <file>', 'the drill scenario (default: failover-drill.ts beside the record)')
    .option('--force', 'overwrite files that expect did not write', false)
    .option('--json', 'print the prediction as JSON (the files are written all the same)', false)
    .addHelpText('after', [
      '\nExamples:',
      '  $ npx mm2-drill expect mm2.properties --rate 200 --commit batch',
      "  $ npx mm2-drill expect mm2.properties --rate orders=200 --rate payments=30 --partitions orders=12 --commit interval --commit-interval-ms 5000 --flow 'us-east->us-west'",
      '  $ npx mm2-drill expect mm2.properties --rate 200 --replication-lag-ms 300 --drill-seconds 30 --out docs/failover-expectations.md',
    ].join('\n'))
    .action((file: string, opts: ExpectOptions, cmd: Command) => {
      // The arguments as given (commander keeps them, untyped), to print how to regenerate the files.
      const given = (cmd.parent as { rawArgs?: unknown } | null)?.rawArgs;
      done(expect(file, opts, Array.isArray(given) ? given.map(String) : ['expect', file], out));
    });
}
