/**
 * Where a sign-in may send its one-time `#sid=`: only to a page of the Studio itself. Any other
 * page on one of the server's origins (an uploaded SVG under /files or /images, the API, the
 * sign-in pages) could read the sid from its address and take over the session.
 */

/** the Studio's workspaces (sanity.config.ts): `/local`, `/hosted` and `/` itself */
export const STUDIO_WORKSPACES = ['local', 'hosted'] as const

/** The Studio page to return to, when `value` is one on an allowed origin; undefined otherwise. */
export function studioReturnUrl(value: string | null | undefined, allowedOrigins: readonly string[]): string | undefined {
  if (!value || value.length > 4096) return undefined
  let target: URL
  try {
    target = new URL(value)
  } catch {
    return undefined
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return undefined
  if (target.username || target.password) return undefined
  if (!allowedOrigins.includes(target.origin)) return undefined
  if (!isStudioPath(target.pathname)) return undefined
  target.hash = ''
  return target.href
}

export function isStudioPath(pathname: string): boolean {
  if (pathname === '/') return true
  // encoded slashes, backslashes or dots could step out of the workspace where a server decodes them
  if (/%(2f|5c|2e)|\\/i.test(pathname)) return false
  const [first, ...rest] = pathname.slice(1).split('/')
  if (!(STUDIO_WORKSPACES as readonly string[]).includes(first ?? '')) return false
  return !rest.some((segment) => segment === '..' || segment === '.')
}
