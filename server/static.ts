import {existsSync, readFileSync, statSync} from 'node:fs'
import {extname, join, normalize, sep} from 'node:path'

/**
 * Serves the built Studio (`dist-studio/`, studio/AUTH.md): files as they are, and `index.html`
 * for any other page path so the Studio's history routing works (`/local/content/profession;x`).
 * Hashed files under `static/` are cached for a year, `index.html` never.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

/** First path segments that belong to the API (also without a `v<date>` prefix). */
export const API_ROOTS: ReadonlySet<string> = new Set([
  'ping', 'data', 'assets', 'images', 'files', 'datasets', 'projects', 'users', 'auth', 'features', 'socket',
  'journey', 'help', 'intake', 'descriptors', 'schedules', 'media-libraries', 'health', 'metrics',
])

export function isApiPath(pathname: string): boolean {
  const first = pathname.split('/').find(Boolean) ?? ''
  return /^v(\d{4}-\d{2}-\d{2}|\d+|X)$/.test(first) || API_ROOTS.has(first)
}

export function createStaticHandler(root: string): (request: Request, url: URL) => Response {
  const base = normalize(root)
  const cache = new Map<string, {body: Uint8Array<ArrayBuffer>; mtime: number}>()

  function read(file: string): Uint8Array<ArrayBuffer> | undefined {
    let info
    try {
      info = statSync(file)
    } catch {
      return undefined
    }
    if (!info.isFile()) return undefined
    const cached = cache.get(file)
    if (cached && cached.mtime === info.mtimeMs) return cached.body
    const body = new Uint8Array(readFileSync(file))
    cache.set(file, {body, mtime: info.mtimeMs})
    return body
  }

  return function serve(request: Request, url: URL): Response {
    const headers = new Headers({'x-content-type-options': 'nosniff'})
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      headers.set('allow', 'GET, HEAD')
      return new Response('Method not allowed', {status: 405, headers})
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      return new Response('Bad request', {status: 400, headers})
    }
    const candidate = normalize(join(base, pathname))
    const inside = candidate === base || candidate.startsWith(base.endsWith(sep) ? base : base + sep)
    let file = inside && !pathname.endsWith('/') ? candidate : join(base, 'index.html')
    let body = read(file)
    if (!body) {
      // a missing hashed file is a 404, not the page: a stale tab must not run HTML as a script
      if (pathname.startsWith('/static/') || (extname(pathname) !== '' && !pathname.startsWith('/local') && !pathname.startsWith('/hosted'))) {
        return new Response('Not found', {status: 404, headers})
      }
      file = join(base, 'index.html')
      body = read(file)
      if (!body) {
        headers.set('content-type', 'text/plain; charset=utf-8')
        return new Response(existsSync(base) ? 'The Studio build has no index.html' : 'The Studio is not built: run npm run studio:build', {status: 503, headers})
      }
    }
    headers.set('content-type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
    headers.set('cache-control', file.startsWith(join(base, 'static') + sep) ? 'public, max-age=31536000, immutable' : 'no-cache')
    headers.set('content-length', String(body.byteLength))
    return new Response(request.method === 'HEAD' ? null : body, {status: 200, headers})
  }
}
