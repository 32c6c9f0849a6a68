import {defineConfig} from 'vitest/config'

// Unit, contract (*.int.test.ts) and browser (*.e2e.test.ts) tests share one run: `npm test`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/helpers/summaryReporter.ts'],
    // Vitest's default on 2 cores is one worker; the browser tests mostly wait on Chromium and
    // the Studio build, so a second worker runs the rest beside them.
    maxWorkers: 2,
    // the server's JSON log (one line per request) only from warnings up, unless asked for
    env: {AHP_LOG_LEVEL: process.env.AHP_LOG_LEVEL ?? 'warn'},
  },
})
