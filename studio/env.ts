/**
 * Reads a `SANITY_STUDIO_*` setting. The build replaces `process.env.SANITY_STUDIO_X` with the
 * value it had at build time; a setting that was not set stays a `process.env` lookup, which
 * throws in a browser with no `process`. Pass the lookup as a function so that case reads as
 * "not set" instead of stopping the Studio from loading.
 */
export function studioEnv(read: () => string | undefined): string | undefined {
  try {
    const value = read()
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
  } catch {
    return undefined
  }
}
