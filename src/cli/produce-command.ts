/**
 * `mm2-drill produce --join <dir> --index k`: a producer host of a drill whose workload runs on
 * hosts (`workload.hosts`, adapters/clients/producer-host.ts) — a CI matrix job, a pod of a
 * Kubernetes Indexed Job (`--index` defaults to `JOB_COMPLETION_INDEX`).
 */
import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { DrillError, ExitCode, type ExitCodeValue } from '../core/errors.ts';
import { serveProducerHost } from '../adapters/clients/producer-host.ts';

const whole = (option: string, min: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new DrillError('USAGE', `${option} ${v}: expected a whole number ≥ ${min}`);
  return n;
};

export function produceCommand(program: Command, err: (s: string) => void, setCode: (c: ExitCodeValue) => void): void {
  program
    .command('produce')
    .description('be producer host k of a drill whose scenario sets workload.hosts: join it through the directory it shares, produce when it says, write this host\'s history segment there; serves every session of that drill, then exits')
    .requiredOption('--join <dir>', 'the directory shared with the drill (workload.hosts.dir as mounted here)')
    .addOption(new Option('--index <k>', 'this host\'s index, 0 … workload.hosts.count - 1 (default: $JOB_COMPLETION_INDEX, a Kubernetes Indexed Job\'s)').argParser(whole('--index', 0)))
    .addOption(new Option('--idle-timeout <seconds>', 'exit (code 4) when no session came for this long').argParser(whole('--idle-timeout', 1)).default(3600))
    .addHelpText('after', '\nExamples:\n  $ npx mm2-drill produce --join /shared/drill --index 0\n  $ JOB_COMPLETION_INDEX=1 npx mm2-drill produce --join /shared/drill')
    .action(async (opts: { join: string; index?: number; idleTimeout: number }) => {
      const fromEnv = process.env.JOB_COMPLETION_INDEX;
      const index = opts.index ?? (fromEnv === undefined ? undefined : whole('JOB_COMPLETION_INDEX', 0)(fromEnv));
      if (index === undefined) throw new DrillError('USAGE', 'produce: which host is this? Give --index k (or set JOB_COMPLETION_INDEX)');
      // A Ctrl-C or a job's SIGTERM reaches the producer process too: it stops and the drill hears it.
      const code = await serveProducerHost({ dir: resolve(opts.join), index, idleTimeoutMs: opts.idleTimeout * 1000, log: err });
      setCode(code === 0 ? ExitCode.ok : ExitCode.drillFailed);
    });
}
