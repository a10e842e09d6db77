import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end drills each start two Kafka clusters and MM2: one at a time on a 2-core machine.
    fileParallelism: false,
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
  },
});
