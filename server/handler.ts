import {systemClock, type Clock} from './clock.js'
import {ApiError, badRequest, errorResponse, forbidden, notFound, unauthorized} from './errors.js'
import {MiB, readBody, readJson, readText} from './http/body.js'
import {PerCallerCap, RateLimiter} from './http/limits.js'
import {RouteTable, type Access, type RequestContext, type Route} from './http/router.js'
import {schemaReleaseValidator} from './releaseValidation.js'
import type {ReleaseValidator} from './releases.js'
import {assetRoutes} from './routes/assets.js'
import {cloudRoutes} from './routes/cloud.js'
import {dataRoutes} from './routes/data.js'
import {liveRoutes} from './routes/live.js'
import type {ServerDeps} from './routes/deps.js'
import {operationsRoutes} from './routes/operations.js'
import {studioRoutes} from './routes/studio.js'
import {authRoutes} from './routes/auth.js'
import {defaultSignInSettings, type SignInSettings} from './signin/settings.js'
import {createStaticHandler, isApiPath} from './static.js'
import type {Dataset, Store} from './store.js'
import type {TokenStore} from './auth.js'
import type {Caller} from './types.js'
import type {UserStore} from './users.js'

import {newTransactionId} from './ids.js'

/**
 * The web handler: `(request, info) => response`. Every request passes the same guards in one
 * place, before any route runs (DESIGN.md, "One place for guards"):
 *   1. the Host is one of the server's own names (stops DNS rebinding; 400 otherwise);
 *   2. the API version is one hosted Sanity accepts (400 otherwise);
 *   3. CORS: only allowed origins are echoed; preflights end here;
 *   4. the request rate of the client's address (429 with Retry-After);
 *   5. the route table finds the route (404, or 405 with Allow);
 *   6. authentication, and the route's access level (401/403);
 *   7. the route's dataset and its access mode (a private dataset needs a token);
 *   8. bodies are read through limits that apply while they stream;
 * and every error is answered in Sanity's envelope, never with a stack.
 */

export interface HandlerOptions {
  tokens: TokenStore
  /** the project id clients use (`<projectId>.localhost`); default `local` */
  projectId?: string
  /** origins allowed by CORS; when empty or absent, the server's own origins */
  corsOrigins?: string[]
  /** largest JSON body accepted (bytes); default 10 MiB (AHP_MAX_BODY_BYTES) */
  maxBodyBytes?: number
  /** largest asset upload accepted (bytes); default 100 MiB (AHP_MAX_ASSET_BYTES) */
  maxAssetBytes?: number
  /** listener keep-alive comment interval; default 25 s */
  keepAliveMs?: number
  /** "now" for release schedules and action timestamps; default the system clock (server/clock.ts) */
  clock?: Clock
  /** validates a release before it is published; default the schema's rules, `null` skips it */
  validateRelease?: ReleaseValidator | null
  /** local accounts: enables the Studio's sign-in, `/users/me` and per-user settings (server/routes/studio.ts) */
  users?: UserStore
  /** sign-in settings (AHP_SESSION_*, AHP_LOCAL_ACCOUNTS, AHP_OIDC_*): server/signin/settings.ts */
  signIn?: Partial<SignInSettings>
  /** the built Studio (dist-studio/), served at `/` for every path that is not the API */
  studioDir?: string
  /** the address users type (AHP_PUBLIC_URL): asset URLs and the accepted Host; default `https://localhost` */
  publicUrl?: string | (() => string)
  /** more host names the server answers to, beside localhost, 127.0.0.1, [::1], `<projectId>.localhost` and the public address */
  hostNames?: string[]
  /** per-query time limit; default 10 s (AHP_QUERY_TIMEOUT_MS) */
  queryTimeoutMs?: number
  /** queries one caller may have running at once; default 10 (AHP_MAX_QUERIES_IN_FLIGHT) */
  maxQueriesInFlight?: number
  /** listeners one caller may hold open; default 100 (AHP_MAX_LISTENERS) */
  maxListenersPerCaller?: number
  /** requests a second from one address; default 500 as on hosted Sanity; 0 turns it off (AHP_RATE_LIMIT_REQUESTS) */
  requestsPerSecond?: number
  /** mutations, actions and uploads a second from one address; default 25 as on hosted Sanity (AHP_RATE_LIMIT_MUTATIONS) */
  mutationsPerSecond?: number
  /** routes of other modules (health, metrics, images, live events), checked after the built-in ones */
  routes?: (deps: ServerDeps) => Route[]
  /** told of every answered request (logs and metrics): never of its token, cookies or body */
  observe?: (event: RequestEvent) => void
}

/** One answered request, as logs and metrics see it. */
export interface RequestEvent {
  requestId: string
  method: string
  /** the route's template (`/data/query/:dataset`), `static` for the Studio's files, undefined when no route matched */
  route: string | undefined
  status: number
  durationMs: number
  /** role and user id of the caller, when known */
  role: Caller['role'] | undefined
  userId: string | undefined
  clientAddress: string
}

/** What the socket layer knows of a request beyond the Request itself. */
export interface RequestInfo {
  /** the client's address, as the server (or a trusted proxy) saw it */
  clientAddress: string
}

export type Handler = (request: Request, info?: RequestInfo) => Promise<Response>

const VERSION_SEGMENT = /^v(\d{4}-\d{2}-\d{2}|\d+|X)$/

/** `v1`, `vX` or a real date no later than tomorrow (UTC), as hosted Sanity and @sanity/client accept them. */
export function checkApiVersion(version: string, now = new Date()): void {
  if (version === '1' || version === 'X') return
  const refuse = (why: string) => badRequest(`Invalid API version "v${version}": ${why}. Use v1, vX or a date such as v2025-02-19`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version)) throw refuse('unknown version')
  const date = new Date(`${version}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== version) throw refuse('not a date')
  const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))
  if (date > tomorrow) throw refuse('a date in the future')
}

function canWrite(caller: Caller): boolean {
  return caller.role === 'administrator' || caller.role === 'editor'
}

function requireAccess(access: Access, caller: Caller): void {
  if (access === 'session') return
  // a metrics token reads /metrics and nothing else: not even what anonymous callers may read
  if (caller.role === 'metrics') {
    if (access === 'metrics') return
    throw forbidden('Forbidden - a metrics token can only read /metrics')
  }
  if (access === 'anyone') return
  if (caller.role === null) throw unauthorized(access === 'write' ? 'Unauthorized - a token with write access is required' : undefined)
  if (access === 'metrics' && caller.role !== 'administrator') throw forbidden('Forbidden - /metrics needs a metrics token (npm run token -- create --role metrics)')
  if (access === 'write' && !canWrite(caller)) throw forbidden(`Forbidden - the ${caller.role} role cannot write`)
  if (access === 'admin' && caller.role !== 'administrator') throw forbidden('Forbidden - only administrators can do this')
}

export function createHandler(store: Store, options: HandlerOptions): Handler {
  const projectId = options.projectId ?? 'local'
  const env = process.env
  const maxBody = options.maxBodyBytes ?? 10 * MiB
  const maxAsset = options.maxAssetBytes ?? 100 * MiB
  const publicUrl = typeof options.publicUrl === 'function' ? options.publicUrl : () => (options.publicUrl as string | undefined) ?? 'https://localhost'
  const deps: ServerDeps = {
    store,
    tokens: options.tokens,
    users: options.users,
    projectId,
    clock: options.clock ?? systemClock,
    validateRelease: options.validateRelease === undefined ? schemaReleaseValidator : options.validateRelease,
    publicUrl: () => publicUrl().replace(/\/+$/, ''),
    corsOrigins: options.corsOrigins,
    signIn: {...defaultSignInSettings, ...options.signIn},
    limits: {
      maxBodyBytes: maxBody,
      maxAssetBytes: maxAsset,
      keepAliveMs: options.keepAliveMs ?? 25_000,
      queryTimeoutMs: options.queryTimeoutMs ?? (Number(env.AHP_QUERY_TIMEOUT_MS) || 10_000),
      queriesInFlight: new PerCallerCap(options.maxQueriesInFlight ?? 10, 'queries', 'AHP_MAX_QUERIES_IN_FLIGHT'),
      listeners: new PerCallerCap(options.maxListenersPerCaller ?? 100, 'listeners', 'AHP_MAX_LISTENERS'),
    },
  }
  const requests = new RateLimiter(options.requestsPerSecond ?? 500, 'requests')
  const mutations = new RateLimiter(options.mutationsPerSecond ?? 25, 'mutations')
  const table = new RouteTable([
    ...dataRoutes(deps),
    ...assetRoutes(deps),
    ...liveRoutes(deps),
    ...operationsRoutes(deps),
    ...cloudRoutes(deps),
    ...(options.users ? studioRoutes({...deps, users: options.users}) : []),
    ...(options.users ? authRoutes({...deps, users: options.users}) : []),
    ...(options.routes?.(deps) ?? []),
  ])
  const serveStatic = options.studioDir ? createStaticHandler(options.studioDir) : undefined

  function hostNames(): Set<string> {
    const names = new Set(['localhost', '127.0.0.1', '[::1]', `${projectId}.localhost`, ...(options.hostNames ?? [])])
    try {
      names.add(new URL(publicUrl()).hostname)
    } catch {
      // a bad public address is refused at start-up (server/node-server.ts)
    }
    return names
  }
  const allowedHosts = hostNames()

  function ownOrigins(url: URL): string[] {
    const port = url.port ? `:${url.port}` : ''
    const origins = [url.origin, `${url.protocol}//localhost${port}`, `${url.protocol}//127.0.0.1${port}`, `${url.protocol}//${projectId}.localhost${port}`]
    try {
      origins.push(new URL(publicUrl()).origin)
    } catch {
      // see hostNames()
    }
    return origins
  }

  function corsHeaders(request: Request, url: URL): Headers {
    const headers = new Headers()
    const origin = request.headers.get('origin')
    if (!origin) return headers
    const allowed = options.corsOrigins && options.corsOrigins.length > 0 ? options.corsOrigins : ownOrigins(url)
    if (!allowed.includes(origin)) return headers
    headers.set('access-control-allow-origin', origin)
    headers.set('access-control-allow-credentials', 'true')
    headers.set('vary', 'Origin')
    return headers
  }

  function authenticate(request: Request): Caller {
    const header = request.headers.get('authorization')
    if (!header) return {role: null, userId: 'anonymous'}
    const match = /^Bearer\s+(\S{1,512})$/i.exec(header)
    const caller = match?.[1] ? options.tokens.resolve(match[1]) : undefined
    if (!caller) throw unauthorized('Unauthorized - Session not found')
    return caller
  }

  function datasetFor(name: string | undefined, caller: Caller): Dataset {
    if (!name) throw notFound('Not found')
    const dataset = store.get(name)
    if (caller.role === null && dataset.getMeta('aclMode') === 'private') {
      throw unauthorized(`Unauthorized - dataset "${name}" is private: send a token (Authorization: Bearer ...)`)
    }
    return dataset
  }

  function segmentsOf(pathname: string): {raw: string[]; decoded: string[]} {
    const raw = pathname.split('/').filter(Boolean)
    try {
      return {raw, decoded: raw.map((s) => decodeURIComponent(s))}
    } catch {
      throw badRequest('Malformed URL path: not valid percent-encoding')
    }
  }

  async function handle(request: Request, info: RequestInfo, seen: Partial<RequestEvent>): Promise<Response> {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return errorResponse(badRequest('Invalid URL'))
    }
    if (!allowedHosts.has(url.hostname)) {
      return errorResponse(badRequest(`Unknown host "${url.hostname}": this server answers to ${[...allowedHosts].join(', ')} (set AHP_PUBLIC_URL)`))
    }
    const headers = corsHeaders(request, url)
    if (request.method === 'OPTIONS') {
      if (headers.has('access-control-allow-origin')) {
        headers.set('access-control-allow-methods', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS')
        headers.set('access-control-allow-headers', request.headers.get('access-control-request-headers')?.slice(0, 1000) ?? 'Authorization, Content-Type, X-Sanity-App')
        headers.set('access-control-max-age', '600')
      }
      return new Response(null, {status: 204, headers})
    }
    try {
      requests.take(info.clientAddress)
      if (serveStatic && !isApiPath(url.pathname)) {
        seen.route = 'static'
        return serveStatic(request, url)
      }
      let {raw, decoded} = segmentsOf(url.pathname)
      let apiVersion = '1'
      const versionMatch = VERSION_SEGMENT.exec(raw[0] ?? '')
      if (versionMatch?.[1]) {
        apiVersion = versionMatch[1]
        checkApiVersion(apiVersion)
        raw = raw.slice(1)
        decoded = decoded.slice(1)
      } else if (/^v[^/]*$/.test(raw[0] ?? '') && isApiPath(`/${raw[1] ?? ''}`)) {
        throw badRequest(`Invalid API version "${raw[0]}". Use v1, vX or a date such as v2025-02-19`)
      }
      const found = table.match(request.method, raw, decoded)
      if (!found) throw notFound('Not found')
      if ('methodNotAllowed' in found) {
        headers.set('allow', found.methodNotAllowed.join(', '))
        throw new ApiError(405, 'httpMethodNotAllowed', `Method ${request.method} not allowed here: use ${found.methodNotAllowed.join(', ')}`)
      }
      const {route} = found
      seen.route = route.path
      const caller: Caller = route.access === 'session' ? {role: null, userId: 'anonymous'} : authenticate(request)
      seen.role = caller.role
      seen.userId = caller.userId
      requireAccess(route.access, caller)
      if (route.rateLimit === 'mutation') mutations.take(info.clientAddress)
      const bodyLimit = route.body === 'asset' ? maxAsset : maxBody
      const ctx: RequestContext = {
        request,
        url,
        apiVersion,
        caller,
        headers,
        params: found.params,
        rawParams: found.rawParams,
        clientAddress: info.clientAddress,
        callerKey: caller.role === null ? `address:${info.clientAddress}` : `user:${caller.userId}`,
        signal: request.signal,
        route,
        dataset: () => datasetFor(found.params.dataset, caller),
        authenticate: () => authenticate(request),
        readJson: () => readJson(request, bodyLimit),
        readBody: (limit = bodyLimit) => readBody(request, Math.min(limit, bodyLimit)),
        readText: (limit = bodyLimit) => readText(request, Math.min(limit, bodyLimit)),
      }
      return await route.handle(ctx)
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        const retry = err.details.retryAfter
        if (typeof retry === 'number') headers.set('retry-after', String(retry))
      }
      return errorResponse(err, headers)
    }
  }

  return async function observed(request: Request, info: RequestInfo = {clientAddress: 'local'}): Promise<Response> {
    const started = performance.now()
    const requestId = request.headers.get('x-request-id')?.match(/^[\w.-]{1,64}$/)?.[0] ?? newTransactionId()
    const seen: Partial<RequestEvent> = {}
    const response = await handle(request, info, seen)
    if (!response.headers.has('x-request-id')) {
      try {
        response.headers.set('x-request-id', requestId)
      } catch {
        // a Response with immutable headers (Response.error()) keeps them
      }
    }
    options.observe?.({
      requestId,
      method: request.method,
      route: seen.route,
      status: response.status,
      durationMs: performance.now() - started,
      role: seen.role,
      userId: seen.userId,
      clientAddress: info.clientAddress,
    })
    return response
  }
}
