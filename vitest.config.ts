import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Scenario files import the package by name: in this repository, its sources.
  resolve: { alias: { 'mm2-drill': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end drills each start two Kafka clusters and MM2: one at a time on a 2-core machine.
    fileParallelism: false,
    // One worker runs every file in turn and keeps its module cache: each file re-importing
    // testcontainers, kafkajs and the sources cost ~5 s a file. The tests share no state through
    // modules: drills run as child processes, and the few unit tests that spy restore what they touch.
    isolate: false,
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
  },
});
