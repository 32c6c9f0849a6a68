import {defineConfig} from 'vitest/config'

// Unit, contract (*.int.test.ts) and browser (*.e2e.test.ts) tests share one run: `npm test`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/helpers/summaryReporter.ts'],
  },
})
