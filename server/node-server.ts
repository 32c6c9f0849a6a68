import {createSecureServer, type Http2ServerRequest, type Http2ServerResponse} from 'node:http2'
import {createServer as createHttpServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'
import {createSecureContext, type SecureContext} from 'node:tls'
import {Readable} from 'node:stream'
import {TokenStore} from './auth.js'
import {systemClock, type Clock} from './clock.js'
import {createHandler, type HandlerOptions} from './handler.js'
import {schemaReleaseValidator} from './releaseValidation.js'
import type {ReleaseValidator} from './releases.js'
import {ReleaseScheduler} from './scheduler.js'
import {Store, type StoreOptions} from './store.js'
import {refreshAssetUrls} from './assets.js'
import {ensureTls, readOrganisationTls, type TlsFiles} from './tls.js'
import {privateDir, securePrivateTree} from './files.js'
import {createLogger, logRequest, parseLogLevel, setServerLog, type Logger, type LogLevel} from './log.js'
import {ServerMetrics} from './metrics.js'
import {forwardedFor, parseTrustedProxies, type TrustedProxies} from './proxy.js'
import {healthRoutes} from './routes/health.js'
import {readBackupStatus} from './backup.js'
import {isApiPath} from './static.js'
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

/** how often a long-running server checks whether the local CA's certificate needs renewing */
const RENEW_CHECK_MS = 12 * 3600 * 1000
/** how often the server looks for a new backup (npm run backup runs in its own process) to log it */
const BACKUP_CHECK_MS = 60_000

/**
 * The one file that binds a port: HTTPS with HTTP/2 (and HTTP/1.1) bridged to the web handler,
 * with the local CA's certificate (default), the organisation's (AHP_TLS_CERT, AHP_TLS_KEY;
 * re-read by `reloadTls()`, which scripts/serve.ts calls on SIGHUP), or plain HTTP/1.1 behind a
 * reverse proxy that terminates TLS (AHP_TLS=off), whose X-Forwarded-* headers are believed only
 * from AHP_TRUSTED_PROXIES.
 */

/** Where the Studio's build is (scripts/serve.ts builds it in the background). */
export type StudioState = 'ready' | 'building' | 'failed'

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
  /** `local` (default): the local CA's certificate; `files`: the organisation's (tlsCertPath, tlsKeyPath); `off`: plain HTTP behind a proxy */
  tls?: 'local' | 'files' | 'off' | undefined
  tlsCertPath?: string | undefined
  tlsKeyPath?: string | undefined
  /** addresses and CIDR ranges whose X-Forwarded-For/-Proto/-Host are believed (AHP_TRUSTED_PROXIES) */
  trustedProxies?: string | undefined
  /** AHP_LOG_LEVEL; default info */
  logLevel?: LogLevel | undefined
  /** a logger of one's own (tests); default JSON lines on stderr at logLevel */
  logger?: Logger | undefined
  /** how often to look for a new backup to log (ms; tests shorten it); default 60 s */
  backupCheckMs?: number | undefined
  /** while not `ready`, the Studio's pages answer 503 "being built" (the API answers regardless) */
  studioState?: (() => StudioState) | undefined
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
  /** the certificate served: the local CA's (`tls.ca` is the CA), or the organisation's (`tls.ca` empty); with AHP_TLS=off, the local CA's files are not made (`tls.cert` empty) */
  tls: TlsFiles
  /** `local`, `files` or `off` */
  tlsMode: 'local' | 'files' | 'off'
  /** re-reads the certificate and key (SIGHUP) without dropping connections; renews the local CA's when due */
  reloadTls(): Promise<{notAfter: Date} | undefined>
  metrics: ServerMetrics
  log: Logger
  close(): Promise<void>
}

/**
 * Settings from the environment (README, "Settings"): AHP_PORT, AHP_HOST, AHP_DATA_DIR,
 * AHP_ADMIN_TOKEN, AHP_CORS_ORIGINS, AHP_PUBLIC_URL, AHP_MAX_BODY_BYTES, AHP_MAX_ASSET_BYTES,
 * AHP_QUERY_TIMEOUT_MS, AHP_MAX_QUERIES_IN_FLIGHT, AHP_MAX_LISTENERS, AHP_RATE_LIMIT_REQUESTS,
 * AHP_RATE_LIMIT_MUTATIONS, AHP_TLS, AHP_TLS_CERT, AHP_TLS_KEY, AHP_TRUSTED_PROXIES, AHP_LOG_LEVEL.
 * A bad value stops start-up with its name.
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
  const tlsSetting = (env.AHP_TLS ?? '').trim().toLowerCase()
  if (tlsSetting !== '' && tlsSetting !== 'on' && tlsSetting !== 'off') throw new Error(`AHP_TLS must be "on" or "off", got "${env.AHP_TLS}"`)
  const certPath = env.AHP_TLS_CERT || undefined
  const keyPath = env.AHP_TLS_KEY || undefined
  if (Boolean(certPath) !== Boolean(keyPath)) throw new Error('AHP_TLS_CERT and AHP_TLS_KEY go together: set both (PEM files), or neither for the local CA')
  if (tlsSetting === 'off' && certPath) throw new Error('AHP_TLS=off serves plain HTTP: leave AHP_TLS_CERT and AHP_TLS_KEY unset (the proxy holds the certificate)')
  const tls = tlsSetting === 'off' ? 'off' : certPath ? 'files' : 'local'
  // validated now so a typo stops start-up
  parseTrustedProxies(env.AHP_TRUSTED_PROXIES)
  return {
    publicUrl,
    tls,
    tlsCertPath: certPath,
    tlsKeyPath: keyPath,
    trustedProxies: env.AHP_TRUSTED_PROXIES || undefined,
    logLevel: parseLogLevel(env.AHP_LOG_LEVEL),
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

function toWebRequest(req: NodeRequest, authority: string, signal: AbortSignal, scheme: 'http' | 'https' = 'https'): Request {
  // the request target must be a path: an absolute URL or `*` would replace the host checked above
  const target = req.url?.startsWith('/') ? req.url : '/'
  const url = `${scheme}://${authority}${target}`
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

async function writeWebResponse(response: Response, req: NodeRequest, res: NodeResponse, signal: AbortSignal, streams?: {open: number}): Promise<void> {
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
  if (isStream && streams) streams.open++
  try {
    for (;;) {
      const {done, value} = await reader.read()
      if (done) break
      const ok = (res as ServerResponse).write(value)
      if (!ok && !signal.aborted) await new Promise<void>((resolve) => (res as ServerResponse).once('drain', () => resolve()))
    }
  } finally {
    if (isStream && streams) streams.open--
    signal.removeEventListener('abort', onAbort)
    if (!res.writableEnded) res.end()
  }
}

/** What the Studio's address shows while the Studio is built in the background: it reloads itself. */
function studioPendingPage(state: StudioState): string {
  const [title, text] =
    state === 'failed'
      ? ['The Studio could not be built', 'The content API is running. The server log says why the Studio could not be built; this page tries again every 30 seconds.']
      : ['The Studio is being built', 'The content API is already running. The Studio will open here by itself when it is ready (2 to 3 minutes the first time).']
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${state === 'failed' ? 30 : 10}"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}: AHP Content Hub</title><style>body{font-family:Arial,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem;color:#212b32}h1{font-size:1.75rem}</style></head><body><h1>${title}</h1><p>${text}</p></body></html>`
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const log = config.logger ?? createLogger(config.logLevel ?? parseLogLevel(process.env.AHP_LOG_LEVEL) ?? 'info')
  setServerLog(log)
  const tlsMode = config.tls ?? 'local'
  const scheme = tlsMode === 'off' ? 'http' : 'https'
  const proxies: TrustedProxies = parseTrustedProxies(config.trustedProxies)
  // files at rest: the data folder 0700, everything in it 0600 (also what an older version left)
  privateDir(config.dataDir)
  const fixed = securePrivateTree(config.dataDir)
  if (fixed > 0) log.warn({dataDir: config.dataDir, fixed}, 'file modes in the data folder set to 0700/0600')
  const hostNames = ['localhost', '127.0.0.1', `${config.projectId}.localhost`]
  const publicHost = config.publicUrl ? new URL(config.publicUrl).hostname : undefined
  const loadTls = async (): Promise<TlsFiles> => {
    if (tlsMode === 'files') {
      const files = readOrganisationTls(config.tlsCertPath ?? '', config.tlsKeyPath ?? '')
      return {dir: '', caCertPath: '', certPath: config.tlsCertPath ?? '', keyPath: config.tlsKeyPath ?? '', cert: files.cert, key: files.key, ca: '', notAfter: files.notAfter, created: false, caCreated: false}
    }
    if (tlsMode === 'off') return {dir: '', caCertPath: '', certPath: '', keyPath: '', cert: '', key: '', ca: '', notAfter: new Date(0), created: false, caCreated: false}
    return ensureTls(config.dataDir, publicHost && !hostNames.includes(publicHost) ? [...hostNames, publicHost, `${config.projectId}.${publicHost}`] : hostNames)
  }
  let tls = await loadTls()
  // with the organisation's certificate, the local names still get the local CA's: scripts on
  // this machine keep using https://localhost (SNI picks the certificate)
  const localNames = new Set(['localhost', `${config.projectId}.localhost`])
  let localContext: SecureContext | undefined
  const loadLocalContext = async () => {
    if (tlsMode !== 'files') return
    const local = await ensureTls(config.dataDir, hostNames)
    localContext = createSecureContext({key: local.key, cert: local.cert})
  }
  await loadLocalContext()
  const store = new Store(config.dataDir, {synchronous: config.synchronous ?? 'full'})
  // sessions end by the server's clock (tests move a ManualClock instead of waiting)
  const tokens = new TokenStore(config.dataDir, config.adminToken, {now: () => (config.clock ?? systemClock).now().getTime()})
  const users = new UserStore(config.dataDir)
  let boundPort = config.port
  const metrics = new ServerMetrics()
  let scheduler: ReleaseScheduler | undefined
  const handlerOptions: HandlerOptions = {
    tokens,
    projectId: config.projectId,
    users,
    publicUrl: () => config.publicUrl ?? `${scheme}://localhost:${boundPort}`,
    // the Studio's API client puts the project id in front of the public host (studio/apiHost.ts)
    ...(publicHost ? {hostNames: [`${config.projectId}.${publicHost}`]} : {}),
    observe: (event) => {
      logRequest(log, event)
      metrics.observeRequest(event)
    },
    routes: (deps) => {
      metrics.attach({
        store,
        dataDir: config.dataDir,
        connections: () => connections.size,
        presenceSockets: () => presence.count(),
        eventStreams: () => streams.open,
        queriesInFlight: () => deps.limits.queriesInFlight.total(),
      })
      return healthRoutes(deps, {metrics, dataDir: config.dataDir, scheduler: () => scheduler})
    },
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
  const open = new Set<AbortController>()
  const streams = {open: 0}
  const connections = new Set<Socket>()
  // the presence socket: browsers open WebSockets over HTTP/1.1 (server/presence.ts)
  const ownHosts = new Set(['localhost', '127.0.0.1', '[::1]', `${config.projectId}.localhost`])
  if (publicHost) {
    ownHosts.add(publicHost)
    ownHosts.add(`${config.projectId}.${publicHost}`)
  }
  const presence = createPresence({tokens, hasDataset: (name) => store.has(name), isOwnHost: (name) => ownHosts.has(name)})
  const handler = createHandler(store, handlerOptions)

  function onRequest(req: NodeRequest, res: NodeResponse): void {
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
        const forwarded = forwardedFor(req.socket?.remoteAddress ?? 'unknown', req.headers, proxies)
        const authority = forwarded.host && AUTHORITY.test(forwarded.host) && forwarded.host.length <= 300 ? forwarded.host : authorityOf(req)
        if (!authority) {
          ;(res as ServerResponse).writeHead(400, {'content-type': 'application/json; charset=utf-8', connection: 'close'})
          res.end(JSON.stringify({error: {type: 'httpBadRequest', description: 'Missing or malformed Host header'}, statusCode: 400}))
          return
        }
        const studioState = config.studioState?.() ?? 'ready'
        if (studioState !== 'ready' && config.studioDir && (req.method === 'GET' || req.method === 'HEAD') && !isApiPath((req.url ?? '/').split('?')[0] ?? '/')) {
          ;(res as ServerResponse).writeHead(503, {'content-type': 'text/html; charset=utf-8', 'retry-after': studioState === 'failed' ? '30' : '10', 'cache-control': 'no-store'})
          res.end(req.method === 'HEAD' ? '' : studioPendingPage(studioState))
          return
        }
        const response = await handler(toWebRequest(req, authority, controller.signal, forwarded.proto ?? scheme), {clientAddress: forwarded.clientAddress})
        await writeWebResponse(response, req, res, controller.signal, streams)
      } catch (err) {
        if (!controller.signal.aborted) {
          log.error({err}, 'failed to answer a request')
          if (!res.headersSent) (res as ServerResponse).writeHead(500, {'content-type': 'text/plain'})
          if (!res.writableEnded) res.end('Internal server error')
        }
      } finally {
        open.delete(controller)
      }
    })()
  }

  const secure = tlsMode !== 'off'
  const server = secure
    ? createSecureServer(
        {
          key: tls.key,
          cert: tls.cert,
          allowHTTP1: true,
          handshakeTimeout: config.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
          maxSessionMemory: 20,
          ...(tlsMode === 'files'
            ? {SNICallback: (name: string, done: (err: Error | null, context?: SecureContext) => void) => done(null, localNames.has(name.toLowerCase()) ? localContext : undefined)}
            : {}),
        },
        onRequest,
      )
    : createHttpServer({headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 0, keepAliveTimeout: 75_000}, onRequest)
  if (secure) server.on('sessionError', () => {})
  // a connection that sends nothing for a while is closed; listeners send a keep-alive every 25 s
  server.setTimeout(config.idleTimeoutMs ?? IDLE_TIMEOUT_MS, (socket?: unknown) => (socket as {destroy?: () => void} | undefined)?.destroy?.())
  // HTTP/1.1 over the same port: headers must arrive within 20 s, a whole request within 5 min
  Object.assign(server, {headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 0})
  server.on('upgrade', (req: IncomingMessage, socket: import('node:stream').Duplex) => {
    socket.on('error', () => {})
    try {
      const forwarded = forwardedFor(req.socket?.remoteAddress ?? 'unknown', req.headers, proxies)
      if (forwarded.host && AUTHORITY.test(forwarded.host)) req.headers.host = forwarded.host
      presence.upgrade(req, socket, forwarded.clientAddress)
    } catch (err) {
      // nothing an upgrade request carries may end the process: refuse it and log once
      log.warn({err: err instanceof Error ? err.message : String(err)}, 'refused a socket upgrade')
      if (!socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    }
  })
  server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true)
    socket.on('error', () => {})
    connections.add(socket)
    socket.once('close', () => connections.delete(socket))
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
    users.close()
    throw err
  }
  const port = (server.address() as AddressInfo).port
  boundPort = port
  // asset documents keep absolute URLs: ones stored under another port or address follow this one
  await refreshAssetUrls(store, config.publicUrl ?? `${scheme}://localhost:${port}`)

  async function reloadTls(): Promise<{notAfter: Date} | undefined> {
    if (!secure) return undefined
    const next = await loadTls()
    await loadLocalContext()
    if (next.cert !== tls.cert || next.key !== tls.key) {
      ;(server as import('node:http2').Http2SecureServer).setSecureContext({key: next.key, cert: next.cert})
      log.info({tls: tlsMode, notAfter: next.notAfter.toISOString(), certPath: next.certPath}, 'TLS certificate loaded')
    }
    tls = next
    return {notAfter: next.notAfter}
  }
  // the local CA's certificate lives 30 days: a server that runs for weeks renews it in place
  const renewTimer = tlsMode !== 'off' ? setInterval(() => void reloadTls().catch((err: unknown) => log.error({err}, 'TLS renewal failed')), RENEW_CHECK_MS) : undefined
  renewTimer?.unref()
  // backups are taken by another process (cron): the server's log tells of each one it sees
  let lastBackup = readBackupStatus(config.dataDir)?.at
  const backupTimer = setInterval(() => {
    const status = readBackupStatus(config.dataDir)
    if (!status || status.at === lastBackup) return
    lastBackup = status.at
    log.info({component: 'backup', cutAt: status.at, file: status.file, bytes: status.bytes, datasets: status.datasets, documents: status.documents}, 'backup taken')
  }, config.backupCheckMs ?? BACKUP_CHECK_MS)
  backupTimer.unref()

  scheduler = new ReleaseScheduler(store, {
    clock,
    validate: validateRelease,
    intervalMs: config.schedulerIntervalMs,
    log: (message) => log.info({component: 'scheduler'}, message),
    onSweep: (outcomes, error) => {
      metrics.observeSweep(outcomes, error)
      if (error !== undefined) log.error({component: 'scheduler', err: error}, 'release scheduler sweep failed')
    },
  })
  const releaseScheduler = scheduler
  // releases that came due while the server was down are published before start resolves
  await releaseScheduler.start().catch((err: unknown) => log.error({component: 'scheduler', err}, 'release scheduler: first sweep failed'))
  const url = `${scheme}://localhost:${port}`
  log.info({url, publicUrl: config.publicUrl ?? url, tls: tlsMode, host: config.host, port, datasets: store.list().map((d) => d.name), trustedProxies: proxies.entries}, 'server started')
  let closing: Promise<void> | undefined
  return {
    url,
    port,
    store,
    tokens,
    users,
    scheduler: releaseScheduler,
    clock,
    get tls() {
      return tls
    },
    tlsMode,
    reloadTls,
    metrics,
    log,
    close() {
      closing ??= new Promise<void>((resolve) => {
        log.info({openRequests: open.size, connections: connections.size}, 'server stopping')
        if (renewTimer) clearInterval(renewTimer)
        clearInterval(backupTimer)
        releaseScheduler.stop()
        presence.close()
        for (const controller of open) controller.abort()
        server.close(() => resolve())
        // HTTP/1.1 keep-alive connections and HTTP/2 sessions would hold close() open
        for (const socket of connections) socket.destroy()
        setTimeout(resolve, 2000).unref()
      }).then(() => {
        store.close()
        users.close()
        log.info('server stopped: databases closed')
      })
      return closing
    },
  }
}
