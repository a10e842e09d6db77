/**
 * The test suite's extra Kafka releases (`TEST_KAFKA_VERSIONS` in docker/versions.env). `npm run
 * setup` builds the default release only, so that a fresh machine is ready sooner; the tests that
 * drill an extra release get its image here, when they run.
 *
 * Two callers of the same idempotent command (`scripts/setup.sh --kafka <releases>`):
 * - the default export, the globalSetup of the vitest project that holds those tests
 *   (vitest.config.ts): vitest calls it only when one of them is queued, before the first files
 *   run, so the build goes on beside them instead of after them;
 * - `testReleases()`, awaited by those tests before their first drill: setup.sh holds a lock per
 *   cache, so it waits for the build under way, then finds the images ready (or builds them
 *   itself, and fails with its log when it cannot).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readVersions } from '../../src/adapters/containers/images.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** setup.sh for the extra releases, its output in the clone's setup cache (gitignored). */
function setupReleases(logName: string): { done: Promise<number | null>; log: string } | null {
  const releases = readVersions().testKafka;
  if (releases.length === 0) return null;
  const dir = join(root, '.cache');
  mkdirSync(dir, { recursive: true });
  const log = join(dir, logName);
  const fd = openSync(log, 'w');
  const child = spawn('bash', [join(root, 'scripts', 'setup.sh'), '--kafka', releases.join(',')], { cwd: root, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const done = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('exit', (code) => resolve(code));
  });
  return { done, log };
}

/** The images of every extra release exist when this resolves; otherwise it throws with setup's output. */
export async function testReleases(): Promise<void> {
  const run = setupReleases('test-releases.log');
  if (!run) return;
  const code = await run.done;
  if (code !== 0) {
    const tail = readFileSync(run.log, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`building the test suite's Kafka ${readVersions().testKafka.join(', ')} images failed (setup exit ${code}; ${run.log}):\n${tail}`);
  }
}

/** globalSetup: starts the build and returns at once; the teardown lets it finish. */
export default function startTestReleases(): () => Promise<void> {
  const run = setupReleases('test-releases-background.log');
  return async () => {
    await run?.done;
  };
}
