import {createSecureServer, type Http2ServerRequest, type Http2ServerResponse} from 'node:http2'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {Readable} from 'node:stream'
import {TokenStore} from './auth.js'
import {systemClock, type Clock} from './clock.js'
import {createHandler, type HandlerOptions} from './handler.js'
import {schemaReleaseValidator} from './releaseValidation.js'
import type {ReleaseValidator} from './releases.js'
import {ReleaseScheduler} from './scheduler.js'
import {Store, type StoreOptions} from './store.js'
import {ensureTls, type TlsFiles} from './tls.js'
import {createPresence} from './presence.js'
import {UserStore} from './users.js'
import {intSetting} from './http/limits.js'
import {signInSettingsFromEnv, type SignInSettings} from './signin/settings.js'

/** the methods the API and the Studio use; anything else is refused before it reaches the handler */
const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
/** how long a TLS handshake may take */
const HANDSHAKE_TIMEOUT_MS = 10_000
/** a connection idle this long is closed (listeners send a comment every 25 s) */
const IDLE_TIMEOUT_MS = 120_000
/** HTTP/1.1 request headers must arrive within this */
const HEADERS_TIMEOUT_MS = 20_000

/** The one file that binds a port: HTTPS with HTTP/2 (and HTTP/1.1) bridged to the web handler. */

export interface ServerConfig {
  port: number
  host: string
  dataDir: string
  projectId: string
  adminToken?: string | undefined
  corsOrigins?: string[] | undefined
  maxBodyBytes?: number | undefined
  maxAssetBytes?: number | undefined
  synchronous?: StoreOptions['synchronous']
  /** "now" for release schedules (tests pass a ManualClock from server/clock.ts); default the system clock */
  clock?: Clock | undefined
  /** how often the release scheduler looks for due releases (ms); 0 turns the timer off; default 1000 */
  schedulerIntervalMs?: number | undefined
  /** validates a release before it is published; default the schema's rules (content:validate), `null` skips it */
  validateRelease?: ReleaseValidator | null | undefined
  /** the built Studio to serve at `/` (dist-studio/); the API only when absent */
  studioDir?: string | undefined
  /** the address users type (AHP_PUBLIC_URL); default `https://localhost:<port>` */
  publicUrl?: string | undefined
  /** guards of server/handler.ts: per-query time limit, caps per caller, rate limits per address */
  queryTimeoutMs?: number | undefined
  maxQueriesInFlight?: number | undefined
  maxListenersPerCaller?: number | undefined
  requestsPerSecond?: number | undefined
  mutationsPerSecond?: number | undefined
  /** sign-in: session lifetimes, local accounts, the OpenID provider (AHP_SESSION_*, AHP_LOCAL_ACCOUNTS, AHP_OIDC_*) */
  signIn?: Partial<SignInSettings> | undefined
  /** connection timeouts (ms): a TLS handshake, and a connection with no traffic; tests shorten them */
  handshakeTimeoutMs?: number | undefined
  idleTimeoutMs?: number | undefined
}

export interface RunningServer {
  url: string
  port: number
  store: Store
  /** publishes scheduled releases; `scheduler.runDue()` runs a sweep now */
  scheduler: ReleaseScheduler
  clock: Clock
  tokens: TokenStore
  users: UserStore
  tls: TlsFiles
  close(): Promise<void>
}

/**
 * Settings from the environment (README, "Settings"): AHP_PORT, AHP_HOST, AHP_DATA_DIR,
 * AHP_ADMIN_TOKEN, AHP_CORS_ORIGINS, AHP_PUBLIC_URL, AHP_MAX_BODY_BYTES, AHP_MAX_ASSET_BYTES,
 * AHP_QUERY_TIMEOUT_MS, AHP_MAX_QUERIES_IN_FLIGHT, AHP_MAX_LISTENERS, AHP_RATE_LIMIT_REQUESTS,
 * AHP_RATE_LIMIT_MUTATIONS. A bad value stops start-up with its name.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.AHP_PORT ?? '3333')
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`AHP_PORT must be a port number, got "${env.AHP_PORT}"`)
  const optional = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : intSetting(env, name, 0))
  const publicUrl = env.AHP_PUBLIC_URL || undefined
  if (publicUrl) {
    let parsed: URL | undefined
    try {
      parsed = new URL(publicUrl)
    } catch {
      parsed = undefined
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.pathname !== '/' || parsed.search || parsed.hash) {
      throw new Error(`AHP_PUBLIC_URL must be an address such as https://content.example.nhs.uk (no path), got "${publicUrl}"`)
    }
  }
  return {
    publicUrl,
    maxBodyBytes: optional('AHP_MAX_BODY_BYTES'),
    maxAssetBytes: optional('AHP_MAX_ASSET_BYTES'),
    queryTimeoutMs: optional('AHP_QUERY_TIMEOUT_MS'),
    maxQueriesInFlight: optional('AHP_MAX_QUERIES_IN_FLIGHT'),
    maxListenersPerCaller: optional('AHP_MAX_LISTENERS'),
    requestsPerSecond: optional('AHP_RATE_LIMIT_REQUESTS'),
    mutationsPerSecond: optional('AHP_RATE_LIMIT_MUTATIONS'),
    signIn: signInSettingsFromEnv(env),
    port,
    host: env.AHP_HOST || '127.0.0.1',
    dataDir: env.AHP_DATA_DIR || './data',
    projectId: 'local',
    adminToken: env.AHP_ADMIN_TOKEN || undefined,
    corsOrigins: env.AHP_CORS_ORIGINS ? env.AHP_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean) : undefined,
  }
}

type NodeRequest = IncomingMessage | Http2ServerRequest
type NodeResponse = ServerResponse | Http2ServerResponse

/** A Host (or :authority) header: a name or an address, and a port; nothing else (no path, no user). */
const AUTHORITY = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i

function authorityOf(req: NodeRequest): string | undefined {
  const authority = (req.headers[':authority'] as string | undefined) ?? req.headers.host
  return authority && authority.length <= 300 && AUTHORITY.test(authority) ? authority : undefined
}

function toWebRequest(req: NodeRequest, authority: string, signal: AbortSignal): Request {
  // the request target must be a path: an absolute URL or `*` would replace the host checked above
  const target = req.url?.startsWith('/') ? req.url : '/'
  const url = `https://${authority}${target}`
  const headers = new Headers()
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.startsWith(':') || value === undefined) continue
    if (Array.isArray(value)) for (const v of value) headers.append(key, v)
    else headers.set(key, value)
  }
  const method = req.method ?? 'GET'
  const hasBody = method !== 'GET' && method !== 'HEAD'
  return new Request(url, {
    method,
    headers,
    signal,
    ...(hasBody ? {body: Readable.toWeb(req as Readable) as ReadableStream<Uint8Array>, duplex: 'half'} : {}),
  } as RequestInit)
}

async function writeWebResponse(response: Response, req: NodeRequest, res: NodeResponse, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, key) => {
    if (key === 'connection' || key === 'transfer-encoding' || key === 'keep-alive') return
    headers[key] = value
  })
  // a refused request whose body was left unread (413, 401 before reading) cannot keep its HTTP/1.1 connection
  if (req.httpVersionMajor === 1 && !req.readableEnded && req.method !== 'GET' && req.method !== 'HEAD') headers.connection = 'close'
  ;(res as ServerResponse).writeHead(response.status, headers)
  if (!response.body) {
    res.end()
    return
  }
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false
  if (!isStream && response.headers.get('content-type')?.startsWith('application/json')) {
    // one write for small JSON answers: headers and body leave together
    res.end(Buffer.from(await response.arrayBuffer()))
    return
  }
  if (isStream) (res as ServerResponse).flushHeaders?.()
  const reader = response.body.getReader()
  const onAbort = () => void reader.cancel().catch(() => {})
  signal.addEventListener('abort', onAbort)
  try {
    for (;;) {
      const {done, value} = await reader.read()
      if (done) break
      const ok = (res as ServerResponse).write(value)
      if (!ok && !signal.aborted) await new Promise<void>((resolve) => (res as ServerResponse).once('drain', () => resolve()))
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
    if (!res.writableEnded) res.end()
  }
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const hostNames = ['localhost', '127.0.0.1', `${config.projectId}.localhost`]
  const tls = await ensureTls(config.dataDir, hostNames)
  const store = new Store(config.dataDir, {synchronous: config.synchronous ?? 'full'})
  // sessions end by the server's clock (tests move a ManualClock instead of waiting)
  const tokens = new TokenStore(config.dataDir, config.adminToken, {now: () => (config.clock ?? systemClock).now().getTime()})
  const users = new UserStore(config.dataDir)
  let boundPort = config.port
  const handlerOptions: HandlerOptions = {
    tokens,
    projectId: config.projectId,
    users,
    publicUrl: () => config.publicUrl ?? `https://localhost:${boundPort}`,
  }
  for (const key of ['queryTimeoutMs', 'maxQueriesInFlight', 'maxListenersPerCaller', 'requestsPerSecond', 'mutationsPerSecond'] as const) {
    const value = config[key]
    if (value !== undefined) handlerOptions[key] = value
  }
  if (config.studioDir) handlerOptions.studioDir = config.studioDir
  if (config.signIn) handlerOptions.signIn = config.signIn
  if (config.corsOrigins) handlerOptions.corsOrigins = config.corsOrigins
  if (config.maxBodyBytes) handlerOptions.maxBodyBytes = config.maxBodyBytes
  if (config.maxAssetBytes) handlerOptions.maxAssetBytes = config.maxAssetBytes
  const clock = config.clock ?? systemClock
  const validateRelease = config.validateRelease === undefined ? schemaReleaseValidator : config.validateRelease
  handlerOptions.clock = clock
  handlerOptions.validateRelease = validateRelease
  const handler = createHandler(store, handlerOptions)
  const open = new Set<AbortController>()

  const server = createSecureServer(
    {key: tls.key, cert: tls.cert, allowHTTP1: true, handshakeTimeout: config.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS, maxSessionMemory: 20},
    (req: NodeRequest, res: NodeResponse) => {
    const controller = new AbortController()
    open.add(controller)
    const abort = () => controller.abort()
    res.once('close', abort)
    void (async () => {
      try {
        if (!METHODS.has(req.method ?? '')) {
          // TRACE, CONNECT and made-up methods: a web Request cannot even hold them
          ;(res as ServerResponse).writeHead(405, {'content-type': 'application/json; charset=utf-8', allow: [...METHODS].join(', ')})
          res.end(JSON.stringify({error: {type: 'httpMethodNotAllowed', description: `Method ${String(req.method).slice(0, 20)} is not allowed`}, statusCode: 405}))
          return
        }
        const authority = authorityOf(req)
        if (!authority) {
          ;(res as ServerResponse).writeHead(400, {'content-type': 'application/json; charset=utf-8', connection: 'close'})
          res.end(JSON.stringify({error: {type: 'httpBadRequest', description: 'Missing or malformed Host header'}, statusCode: 400}))
          return
        }
        const response = await handler(toWebRequest(req, authority, controller.signal), {clientAddress: req.socket?.remoteAddress ?? 'unknown'})
        await writeWebResponse(response, req, res, controller.signal)
      } catch (err) {
        if (!controller.signal.aborted) {
          console.error('[ahp-server] failed to answer a request:', err)
          if (!res.headersSent) (res as ServerResponse).writeHead(500, {'content-type': 'text/plain'})
          if (!res.writableEnded) res.end('Internal server error')
        }
      } finally {
        open.delete(controller)
      }
    })()
    },
  )
  server.on('sessionError', () => {})
  // a connection that sends nothing for a while is closed; listeners send a keep-alive every 25 s
  server.setTimeout(config.idleTimeoutMs ?? IDLE_TIMEOUT_MS, (socket?: unknown) => (socket as {destroy?: () => void} | undefined)?.destroy?.())
  // HTTP/1.1 over the same port: headers must arrive within 20 s, a whole request within 5 min
  Object.assign(server, {headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 0})
  // the presence socket: browsers open WebSockets over HTTP/1.1 (server/presence.ts)
  const ownHosts = new Set(['localhost', '127.0.0.1', '[::1]', `${config.projectId}.localhost`])
  if (config.publicUrl) ownHosts.add(new URL(config.publicUrl).hostname)
  const presence = createPresence({tokens, hasDataset: (name) => store.has(name), isOwnHost: (name) => ownHosts.has(name)})
  server.on('upgrade', (req: IncomingMessage, socket: import('node:stream').Duplex) => {
    socket.on('error', () => {})
    try {
      presence.upgrade(req, socket, req.socket?.remoteAddress ?? 'unknown')
    } catch (err) {
      // nothing an upgrade request carries may end the process: refuse it and log once
      console.error('[ahp-server] refused a socket upgrade:', err instanceof Error ? err.message : err)
      if (!socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    }
  })
  const sockets = new Set<import('node:tls').TLSSocket>()
  server.on('secureConnection', (socket: import('node:tls').TLSSocket) => {
    socket.setNoDelay(true)
    socket.on('error', () => {})
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.port, config.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    store.close()
    throw err
  }
  const port = (server.address() as AddressInfo).port
  boundPort = port
  const scheduler = new ReleaseScheduler(store, {
    clock,
    validate: validateRelease,
    intervalMs: config.schedulerIntervalMs,
    log: (message) => console.error(`[ahp-server] ${message}`),
  })
  // releases that came due while the server was down are published before start resolves
  await scheduler.start().catch((err: unknown) => console.error('[ahp-server] release scheduler:', err))
  let closing: Promise<void> | undefined
  return {
    url: `https://localhost:${port}`,
    port,
    store,
    tokens,
    users,
    scheduler,
    clock,
    tls,
    close() {
      closing ??= new Promise<void>((resolve) => {
        scheduler.stop()
        presence.close()
        for (const controller of open) controller.abort()
        server.close(() => resolve())
        // HTTP/1.1 keep-alive connections and HTTP/2 sessions would hold close() open
        for (const socket of sockets) socket.destroy()
        setTimeout(resolve, 2000).unref()
      }).then(() => {
        store.close()
        users.close()
      })
      return closing
    },
  }
}
