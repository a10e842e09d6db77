/**
 * `mm2-drill setup`: prepares this machine to run drills — a Docker engine that answers, the
 * Kafka (with MM2) and Toxiproxy images — with the script a clone runs as `npm run setup`, in
 * its `--drills-only` mode: an installed package neither installs Node (it already runs on one)
 * nor the test suite's tools. Idempotent; its exit code is the script's (0 ready, 3 environment).
 */
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ExitCode, type ExitCodeValue } from '../core/errors.ts';

const script = fileURLToPath(new URL('../../scripts/setup.sh', import.meta.url));

export function setupCommand(program: Command, setCode: (c: ExitCodeValue) => void): void {
  program
    .command('setup')
    .description('prepare this machine for drills: Docker engine and images (idempotent; seconds when ready)')
    .action(() => {
      const r = spawnSync('bash', [script, '--drills-only'], { stdio: 'inherit' });
      setCode(r.status === 0 ? ExitCode.ok : ExitCode.environment);
    });
}
