import type {Dataset} from '../store.js'
import type {Caller} from '../types.js'

/**
 * The route table: every API endpoint is one entry, declared by the module of its area
 * (server/routes/*.ts). The handler (server/handler.ts) finds the entry, then applies the guards
 * the entry asks for (who may call, which rate limit, how large a body) before its `handle` runs,
 * so no route repeats them.
 */

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * Who may call a route:
 * - `session`: answered before authentication (sign-in and sign-out: a stale token must not stop them);
 * - `anyone`: anonymous callers too (a token, if sent, must be valid);
 * - `signedIn`, `write` (administrator or editor), `admin`, `metrics` (a metrics token or an administrator).
 */
export type Access = 'session' | 'anyone' | 'signedIn' | 'write' | 'admin' | 'metrics'

export interface RequestContext {
  request: Request
  url: URL
  /** `1`, `X` or a `YYYY-MM-DD` date */
  apiVersion: string
  /** anonymous (`role: null`) for `session` routes until `authenticate()` */
  caller: Caller
  /** response headers: CORS is already set; routes add their own */
  headers: Headers
  /** the route's `:name` segments, percent-decoded */
  params: Record<string, string>
  /** the same segments as sent (id lists keep their commas and encodings) */
  rawParams: Record<string, string>
  /** the client's address (the proxy's `X-Forwarded-For` only from a trusted proxy) */
  clientAddress: string
  /** who the caller is for per-caller limits: the user or token, or the address of an anonymous caller */
  callerKey: string
  /** aborted when the client goes away or the server closes */
  signal: AbortSignal
  route: Route
  /** the route's `:dataset`, after the dataset's access mode is checked against the caller */
  dataset(): Dataset
  /** the caller from the Authorization header (401 for an unknown token) */
  authenticate(): Caller
  readJson(): Promise<unknown>
  readBody(limit?: number): Promise<Uint8Array>
  readText(limit?: number): Promise<string>
}

export interface Route {
  method: Method | readonly Method[]
  /** `/data/query/:dataset`; a last segment `*rest` takes the rest of the path */
  path: string
  access: Access
  /** which rate limit the request counts against beyond the per-request one */
  rateLimit?: 'mutation'
  /** body limit: `json` (default, AHP_MAX_BODY_BYTES) or `asset` (AHP_MAX_ASSET_BYTES) */
  body?: 'json' | 'asset'
  handle(ctx: RequestContext): Response | Promise<Response>
}

interface Compiled {
  route: Route
  segments: string[]
  methods: ReadonlySet<string>
}

export interface Match {
  route: Route
  params: Record<string, string>
  rawParams: Record<string, string>
}

export type MatchResult = Match | {methodNotAllowed: string[]} | undefined

export class RouteTable {
  private readonly compiled: Compiled[]

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const methods = new Set<string>(typeof route.method === 'string' ? [route.method] : route.method)
      if (methods.has('GET')) methods.add('HEAD')
      return {route, segments: route.path.split('/').filter(Boolean), methods}
    })
  }

  /** `raw` are the path's segments as sent, `decoded` the same percent-decoded. */
  match(method: string, raw: readonly string[], decoded: readonly string[]): MatchResult {
    const allowed = new Set<string>()
    for (const entry of this.compiled) {
      const params: Record<string, string> = {}
      const rawParams: Record<string, string> = {}
      if (!matchSegments(entry.segments, raw, decoded, params, rawParams)) continue
      if (entry.methods.has(method)) return {route: entry.route, params, rawParams}
      for (const m of entry.methods) allowed.add(m)
    }
    return allowed.size > 0 ? {methodNotAllowed: [...allowed]} : undefined
  }

  get routes(): Route[] {
    return this.compiled.map((c) => c.route)
  }
}

function matchSegments(
  pattern: readonly string[],
  raw: readonly string[],
  decoded: readonly string[],
  params: Record<string, string>,
  rawParams: Record<string, string>,
): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i] as string
    if (part.startsWith('*')) {
      if (i >= raw.length) return false
      params[part.slice(1)] = decoded.slice(i).join('/')
      rawParams[part.slice(1)] = raw.slice(i).join('/')
      return true
    }
    const rawValue = raw[i]
    const value = decoded[i]
    if (rawValue === undefined || value === undefined) return false
    if (part.startsWith(':')) {
      if (value === '') return false
      params[part.slice(1)] = value
      rawParams[part.slice(1)] = rawValue
    } else if (part !== value) return false
  }
  return pattern.length === raw.length
}

/** Splits an id list segment (`a,b%2Cc`) as sent: commas separate, each id is then decoded. */
export function splitIds(rawSegment: string): string[] {
  return rawSegment
    .split(',')
    .map((id) => {
      try {
        return decodeURIComponent(id).trim()
      } catch {
        return ''
      }
    })
    .filter(Boolean)
}

export function json(ctx: Pick<RequestContext, 'headers'>, body: unknown, status = 200): Response {
  ctx.headers.set('content-type', 'application/json; charset=utf-8')
  return new Response(JSON.stringify(body), {status, headers: ctx.headers})
}

export function ndjson(ctx: Pick<RequestContext, 'headers'>, lines: Iterable<unknown>): Response {
  ctx.headers.set('content-type', 'application/x-ndjson; charset=utf-8')
  const iterator = lines[Symbol.iterator]()
  const encoder = new TextEncoder()
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      let batch = ''
      for (let i = 0; i < 500; i++) {
        const next = iterator.next()
        if (next.done) {
          if (batch) controller.enqueue(encoder.encode(batch))
          controller.close()
          return
        }
        batch += `${JSON.stringify(next.value)}\n`
      }
      controller.enqueue(encoder.encode(batch))
    },
  })
  return new Response(stream, {status: 200, headers: ctx.headers})
}

export const flag = (url: URL, name: string, fallback = false): boolean => {
  const value = url.searchParams.get(name)
  if (value === null) return fallback
  return value === '' || value === 'true' || value === '1'
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
