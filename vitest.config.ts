import { defineConfig } from 'vitest/config';

// NOTE: `include` lives in each project, not at the root: `extends: true` merges arrays, so a
// root `include` would put every file in both projects.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/**/*.serial.test.ts', '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Tests that stop an engine (ClickHouse, Kafka) run alone, after everything else.
        extends: true,
        test: { name: 'serial', include: ['test/**/*.serial.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
