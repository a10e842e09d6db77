/**
 * `mm2-drill setup [scenarios...]`: prepares this machine to run drills — a Docker engine that
 * answers, the Kafka (with MM2) and Toxiproxy images — with the script a clone runs as
 * `npm run setup`, in its `--drills-only` mode: an installed package neither installs Node (it
 * already runs on one) nor the test suite's tools. Given scenario files, it also builds the image
 * of every Kafka release their cells run (`kafka.version`, `mirror.version`, matrix values
 * included), and only those. Idempotent; its exit code is the script's (0 ready, 3 environment).
 */
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ExitCode, type ExitCodeValue } from '../core/errors.ts';
import { releasesOf } from '../core/kafka/kafka-release.ts';
import { loadScenario } from './load-scenario.ts';

const script = fileURLToPath(new URL('../../scripts/setup.sh', import.meta.url));

/** The Kafka releases the scenario files' cells run (undefined: the default release, always built). */
export async function releasesToBuild(files: readonly string[]): Promise<string[]> {
  const cells = (await Promise.all(files.map((f) => loadScenario(f)))).flat();
  const versions = cells.filter((c) => !c.scenario.external).flatMap((c) => releasesOf(c.scenario));
  return [...new Set(versions.filter((v): v is string => v !== undefined))];
}

export function setupCommand(program: Command, setCode: (c: ExitCodeValue) => void): void {
  program
    .command('setup')
    .description('prepare this machine for drills: Docker engine and images, those of every Kafka release the given scenarios run (idempotent; seconds when ready)')
    .argument('[scenarios...]', 'scenario files whose Kafka releases to build images of')
    .option('--kafka <versions>', 'also the images of these Kafka releases (comma-separated, e.g. 3.9.1,3.6.2)')
    .addHelpText('after', '\nExamples:\n  $ npx mm2-drill setup\n  $ npx mm2-drill setup scenarios/kafka-versions.ts\n  $ npx mm2-drill setup --kafka 3.7.2')
    .action(async (files: string[], opts: { kafka?: string }) => {
      const versions = [...(opts.kafka ? opts.kafka.split(',').map((v) => v.trim()).filter(Boolean) : []), ...(await releasesToBuild(files))];
      const r = spawnSync('bash', [script, '--drills-only', ...(versions.length ? ['--kafka', versions.join(',')] : [])], { stdio: 'inherit' });
      setCode(r.status === 0 ? ExitCode.ok : ExitCode.environment);
    });
}
