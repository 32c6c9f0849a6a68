import type {Reporter, TestModule} from 'vitest/node'

/**
 * Prints one plain closing line, "tests: N passed, N failed, N skipped", that CI reads to count
 * tests whatever runner printed above it.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      // A file that fails to load has no tests to count: count it as one failure.
      if (module.errors().length > 0) failed++
      for (const testCase of module.children.allTests()) {
        const state = testCase.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
    }
    failed += unhandledErrors.length
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
