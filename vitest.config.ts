import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // rebuilds the kernels first when packages/nn-core/assembly/ is newer than its build/
    globalSetup: ['test/setup/kernels.ts'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
