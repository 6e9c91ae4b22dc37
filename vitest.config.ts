import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // the published SDK's package.json points at its built dist/; inside the workspace, tests (like tsconfig.base.json's
  // paths) use its sources, so they need no build first
  resolve: { alias: [{ find: /^@unimargin\/client$/, replacement: fileURLToPath(new URL('./packages/client/src/index.ts', import.meta.url)) }] },
  test: {
    include: ['{packages,services,contracts,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // two test files at a time: most of a file's time is spent waiting on anvil blocks, node processes and timers,
    // not on a core, and every file that starts chains or servers has ports of its own
    maxWorkers: 2,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
})
