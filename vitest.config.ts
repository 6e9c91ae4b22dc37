import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{packages,services,contracts,test}/**/*.test.ts'],
    // the kill test runs through `pnpm test:kill` only, until a hub Lock that its co-signers refuse as healthy no
    // longer leaves the account locking (README, Reliability)
    exclude: ['**/node_modules/**', ...(process.env.UNIMARGIN_KILL_TEST ? [] : ['test/src/kill/killedNodeLosesNothing.devnet.test.ts'])],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // two test files at a time: most of a file's time is spent waiting on anvil blocks, node processes and timers,
    // not on a core, and every file that starts chains or servers has ports of its own
    maxWorkers: 2,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
})
