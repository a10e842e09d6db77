import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** Files that replace a module with `vi.mock`: only a fresh module graph honours that. */
const mocking = ['test/unit/checker.test.ts'];

export default defineConfig({
  // Scenario files import the package by name: in this repository, its sources.
  resolve: { alias: { 'mm2-drill': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    // End-to-end drills each start two Kafka clusters and MM2: one at a time on a 2-core machine.
    fileParallelism: false,
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
    projects: [
      // One worker runs these files in turn and keeps its module cache: each file re-importing
      // testcontainers, kafkajs and the sources cost ~5 s a file. They share no state through
      // modules: drills run as child processes, and the unit tests that spy restore what they touch.
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...mocking], isolate: false } },
      { extends: true, test: { name: 'isolated', include: mocking, isolate: true } },
    ],
  },
});
