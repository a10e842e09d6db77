import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that need a fresh process: one replaces a module with `vi.mock`, which only a fresh
 * module graph honours; one checks what happens when kafkajs first loads, which a worker that
 * ran another file importing kafkajs has already decided.
 */
const fresh = ['test/unit/checker.test.ts', 'test/unit/kafkajs-hot-path.test.ts'];
/**
 * Files that drill the test suite's extra Kafka releases, whose images `npm run setup` does not
 * build: their project's globalSetup builds them beside the first files, and only when one of
 * these is queued (test/e2e/test-releases.ts).
 */
const extraReleases = ['test/e2e/kafka-versions.test.ts'];

export default defineConfig({
  // Scenario files import the package by name: in this repository, its sources.
  resolve: { alias: { 'mm2-drill': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    // Two files at a time: a drill spends most of its time waiting on its timeline, its MM2 and
    // its brokers, not computing, so two environments side by side (about 3 GiB each) fit a
    // 2-core machine. Each run has its own containers, networks, ports and results directory.
    // `--maxWorkers=1` runs them one at a time.
    fileParallelism: true,
    // A test that spawns the CLI, Node or a re-derivation of a recorded drill takes seconds on a
    // 2-core machine that also runs two environments: vitest's 5 s default failed such tests at
    // random. A test that needs more than a minute says so itself.
    testTimeout: 60_000,
    maxWorkers: 2,
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
    projects: [
      // Each worker runs its files in turn and keeps its module cache: each file re-importing
      // testcontainers, kafkajs and the sources cost ~5 s a file. They share no state through
      // modules: drills run as child processes, and the unit tests that spy restore what they touch.
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...fresh, ...extraReleases], isolate: false } },
      { extends: true, test: { name: 'isolated', include: fresh, isolate: true } },
      { extends: true, test: { name: 'extra-releases', include: extraReleases, isolate: false, globalSetup: ['test/e2e/test-releases.ts'] } },
    ],
  },
});
