import {existsSync} from 'node:fs'

/**
 * Material from outside the repository (`../shared`: the GROQ conformance suite, the source page)
 * is optional to `npm test`: a test that needs it skips, saying why, when it is absent. Where it
 * must be present (CI: .ci/run sets AHP_REQUIRE_SHARED=1 after checking ../shared exists), a
 * missing file fails the run instead of skipping.
 */
export function sharedMaterial(path: string, what: string): {present: boolean; skipReason: string} {
  const present = existsSync(path)
  const skipReason = `${what} not found at ${path}: put shared/ beside the repository`
  if (!present && process.env.AHP_REQUIRE_SHARED === '1') {
    throw new Error(`${skipReason} (AHP_REQUIRE_SHARED=1: this run must have it)`)
  }
  if (!present) console.warn(`skipped: ${skipReason}`)
  return {present, skipReason}
}
