import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['__tests__/unit/**/*.test.ts'], setupFiles: ['test-support/load-yaml.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['__tests__/integration/**/*.test.ts'],
          setupFiles: ['test-support/load-yaml.ts'],
          // Real nginx and app processes: one file at a time keeps ports and CPU predictable on 2 cores.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
