import {randomBytes} from 'node:crypto'
import {applyAction} from './actions.js'
import {systemClock, type Clock} from './clock.js'
import {schemaReleaseValidator} from './releaseValidation.js'
import type {ReleaseValidator} from './releases.js'
import {withWriteLock as datasetWriteLock} from './writeLock.js'
import {imageInfo, mimeTypeOf, parseAssetFileName, readAsset, storeAsset} from './assets.js'
import type {TokenStore} from './auth.js'
import {ROLES} from './auth.js'
import {ApiError, badRequest, errorResponse, forbidden, notFound, unauthorized} from './errors.js'
import {listenResponse} from './listener.js'
import {TransactionBuilder, type MutationResult} from './mutations.js'
import {parsePerspective, parseQuery, runQuery} from './query.js'
import type {Dataset, Store} from './store.js'
import {createStaticHandler, isApiPath} from './static.js'
import {createStudioApi} from './studio-api.js'
import type {UserStore} from './users.js'
import type {Caller, Role, SanityDocument} from './types.js'

export interface HandlerOptions {
  tokens: TokenStore
  /** the project id clients use (`<projectId>.localhost`); default `local` */
  projectId?: string
  /** origins allowed by CORS; when empty or absent, the origin the request was made to */
  corsOrigins?: string[]
  /** largest JSON body accepted (bytes); default 10 MiB */
  maxBodyBytes?: number
  /** largest asset upload accepted (bytes); default 100 MiB */
  maxAssetBytes?: number
  /** listener keep-alive comment interval; default 25 s */
  keepAliveMs?: number
  /** "now" for release schedules and action timestamps; default the system clock (server/clock.ts) */
  clock?: Clock
  /** validates a release before it is published; default the schema's rules, `null` skips it */
  validateRelease?: ReleaseValidator | null
  /** local accounts: enables the Studio's sign-in, `/users/me` and per-user settings (server/studio-api.ts) */
  users?: UserStore
  /** the built Studio (dist-studio/), served at `/` for every path that is not the API */
  studioDir?: string
}

const MiB = 1024 * 1024
const FIRST_PUBLISHED_DEFAULT_VERSION = '2025-02-19'
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function newTransactionId(): string {
  return [...randomBytes(22)].map((b) => ALPHABET[b % ALPHABET.length]).join('')
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

interface Ctx {
  request: Request
  url: URL
  apiVersion: string
  caller: Caller
  headers: Headers
}

function canWrite(role: Role | null): boolean {
  return role === 'administrator' || role === 'editor'
}

function requireWrite(caller: Caller): void {
  if (caller.role === null) throw unauthorized('Unauthorized - a token with write access is required')
  if (!canWrite(caller.role)) throw forbidden(`Forbidden - the ${caller.role} role cannot write`)
}

function requireAdmin(caller: Caller): void {
  if (caller.role === null) throw unauthorized()
  if (caller.role !== 'administrator') throw forbidden('Forbidden - only administrators can do this')
}

function requireAuthenticated(caller: Caller): void {
  if (caller.role === null) throw unauthorized()
}

async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  const tooLarge = () => new ApiError(413, 'httpPayloadTooLarge', `Request body exceeds the limit of ${limit} bytes`)
  if (declared > limit) throw tooLarge()
  if (!request.body) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = request.body.getReader()
  for (;;) {
    const {done, value} = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

async function readJson(request: Request, limit: number): Promise<unknown> {
  const bytes = await readBody(request, limit)
  if (bytes.byteLength === 0) return {}
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown
  } catch {
    throw badRequest('Malformed JSON in request body')
  }
}

function json(ctx: Ctx, body: unknown, status = 200): Response {
  ctx.headers.set('content-type', 'application/json; charset=utf-8')
  return new Response(JSON.stringify(body), {status, headers: ctx.headers})
}

function ndjson(ctx: Ctx, lines: Iterable<unknown>): Response {
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

const flag = (url: URL, name: string, fallback = false): boolean => {
  const value = url.searchParams.get(name)
  if (value === null) return fallback
  return value === '' || value === 'true' || value === '1'
}

/** `$name=<json>` query parameters. */
function paramsFromSearch(url: URL): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const [key, value] of url.searchParams) {
    if (!key.startsWith('$')) continue
    try {
      params[key.slice(1)] = JSON.parse(value) as unknown
    } catch {
      throw badRequest(`Query parameter "${key}" is not valid JSON`)
    }
  }
  return params
}

function splitIds(segment: string): string[] {
  return segment
    .split(',')
    .map((id) => decodeURIComponent(id).trim())
    .filter(Boolean)
}

export function createHandler(store: Store, options: HandlerOptions): (request: Request) => Promise<Response> {
  const projectId = options.projectId ?? 'local'
  const maxBody = options.maxBodyBytes ?? 10 * MiB
  const maxAsset = options.maxAssetBytes ?? 100 * MiB
  const keepAliveMs = options.keepAliveMs ?? 25_000
  const clock = options.clock ?? systemClock
  const validateRelease = options.validateRelease === undefined ? schemaReleaseValidator : options.validateRelease
  const studioApi = options.users
    ? createStudioApi({store, tokens: options.tokens, users: options.users, projectId, corsOrigins: options.corsOrigins, maxBodyBytes: maxBody})
    : undefined
  const serveStatic = options.studioDir ? createStaticHandler(options.studioDir) : undefined

  /** Serialises writes per dataset: one transaction is built and committed at a time. */
  function withWriteLock<T>(dataset: Dataset, fn: () => Promise<T>): Promise<T> {
    // one lock per dataset shared with the release scheduler (server/writeLock.ts)
    return datasetWriteLock(dataset, fn)
  }

  function corsHeaders(request: Request, url: URL): Headers {
    const headers = new Headers()
    const origin = request.headers.get('origin')
    if (!origin) return headers
    const allowed =
      options.corsOrigins && options.corsOrigins.length > 0
        ? options.corsOrigins
        : [url.origin, `${url.protocol}//localhost:${url.port}`, `${url.protocol}//127.0.0.1:${url.port}`, `${url.protocol}//${projectId}.localhost:${url.port}`]
    if (!allowed.includes(origin)) return headers
    headers.set('access-control-allow-origin', origin)
    headers.set('access-control-allow-credentials', 'true')
    headers.set('vary', 'Origin')
    return headers
  }

  function authenticate(request: Request): Caller {
    const header = request.headers.get('authorization')
    if (!header) return {role: null, userId: 'anonymous'}
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    const caller = match?.[1] ? options.tokens.resolve(match[1]) : undefined
    if (!caller) throw unauthorized('Unauthorized - Session not found')
    return caller
  }

  function defaultPerspective(apiVersion: string): 'raw' | 'published' {
    if (apiVersion === 'X') return 'published'
    return /^\d{4}-\d{2}-\d{2}$/.test(apiVersion) && apiVersion >= FIRST_PUBLISHED_DEFAULT_VERSION ? 'published' : 'raw'
  }

  const hideVersions = (apiVersion: string) => defaultPerspective(apiVersion) === 'raw'

  // ---- endpoints ----

  async function query(ctx: Ctx, dataset: Dataset): Promise<Response> {
    let queryText = ctx.url.searchParams.get('query')
    let params = paramsFromSearch(ctx.url)
    let perspectiveParam = ctx.url.searchParams.get('perspective')
    if (ctx.request.method === 'POST') {
      const body = await readJson(ctx.request, maxBody)
      if (!isRecord(body)) throw badRequest('Request body must be an object')
      if (typeof body.query === 'string') queryText = body.query
      if (isRecord(body.params)) params = {...params, ...body.params}
      if (typeof body.perspective === 'string') perspectiveParam = body.perspective
      if (Array.isArray(body.perspective)) perspectiveParam = body.perspective.join(',')
    }
    if (!queryText) throw badRequest('The "query" parameter is required')
    const parsed = parsePerspective(perspectiveParam, defaultPerspective(ctx.apiVersion))
    // anonymous callers see published documents only: raw minus every dotted id
    const perspective = ctx.caller.role === null ? ['raw'] : parsed
    const {result, ms} = await runQuery(dataset, queryText, {
      params,
      perspective,
      publicOnly: ctx.caller.role === null,
      hideVersions: hideVersions(ctx.apiVersion),
      identity: ctx.caller.userId,
    })
    const body: Record<string, unknown> = {}
    if (ctx.url.searchParams.get('returnQuery') !== 'false') body.query = queryText
    body.result = result
    body.ms = ms
    return json(ctx, body)
  }

  function doc(ctx: Ctx, dataset: Dataset, idsSegment: string): Response {
    const documents: SanityDocument[] = []
    const omitted: {id: string; reason: string}[] = []
    for (const id of splitIds(idsSegment)) {
      const found = dataset.docs.get(id)
      if (ctx.caller.role === null && id.includes('.')) omitted.push({id, reason: 'permission'})
      else if (found && id.startsWith('versions.') && hideVersions(ctx.apiVersion)) omitted.push({id, reason: 'existence'})
      else if (found) documents.push(found)
      else omitted.push({id, reason: 'existence'})
    }
    return json(ctx, {documents, omitted})
  }

  function mutateResponse(ctx: Ctx, transactionId: string, results: MutationResult[]): Response {
    const returnDocuments = flag(ctx.url, 'returnDocuments')
    const returnIds = flag(ctx.url, 'returnIds')
    const body: Record<string, unknown> = {
      transactionId,
      results: results.map((r) => (returnDocuments ? {id: r.id, operation: r.operation, document: r.document ?? null} : {id: r.id, operation: r.operation})),
    }
    if (returnIds) body.documentIds = results.map((r) => r.id)
    return json(ctx, body)
  }

  async function mutate(ctx: Ctx, dataset: Dataset): Promise<Response> {
    requireWrite(ctx.caller)
    const body = await readJson(ctx.request, maxBody)
    if (!isRecord(body) || !Array.isArray(body.mutations)) throw badRequest('Request body must be {"mutations": [...]}')
    const mutations = body.mutations
    const transactionId = typeof body.transactionId === 'string' && body.transactionId ? body.transactionId : newTransactionId()
    const dryRun = flag(ctx.url, 'dryRun') || body.dryRun === true
    return withWriteLock(dataset, async () => {
      const tx = new TransactionBuilder(dataset, transactionId, new Date().toISOString())
      const results: MutationResult[] = []
      for (const [index, mutation] of mutations.entries()) results.push(...(await tx.apply(mutation, index)))
      const changes = tx.changes()
      if (!dryRun && changes.length > 0) {
        dataset.commit({id: transactionId, timestamp: tx.timestamp, author: ctx.caller.userId, changes})
      }
      return mutateResponse(ctx, transactionId, results)
    })
  }

  async function actions(ctx: Ctx, dataset: Dataset): Promise<Response> {
    requireWrite(ctx.caller)
    const body = await readJson(ctx.request, maxBody)
    if (!isRecord(body)) throw badRequest('Request body must be {"actions": [...]}')
    const list = Array.isArray(body.actions) ? body.actions : isRecord(body.actions) ? [body.actions] : undefined
    if (!list) throw badRequest('Request body must be {"actions": [...]}')
    const transactionId = typeof body.transactionId === 'string' && body.transactionId ? body.transactionId : newTransactionId()
    const dryRun = body.dryRun === true || flag(ctx.url, 'dryRun')
    return withWriteLock(dataset, async () => {
      const now = clock.now()
      const tx = new TransactionBuilder(dataset, transactionId, now.toISOString())
      for (const [index, action] of list.entries()) await applyAction(tx, action, index, {now, validate: validateRelease, dryRun})
      const changes = tx.changes()
      if (!dryRun && changes.length > 0) {
        dataset.commit({id: transactionId, timestamp: tx.timestamp, author: ctx.caller.userId, changes})
      }
      return json(ctx, {transactionId})
    })
  }

  function listen(ctx: Ctx, dataset: Dataset): Response {
    const queryText = ctx.url.searchParams.get('query') ?? '*'
    const params = paramsFromSearch(ctx.url)
    const filter = parseQuery(queryText, params)
    return listenResponse(
      dataset,
      {
        filter,
        params,
        includeResult: flag(ctx.url, 'includeResult', true),
        includeMutations: flag(ctx.url, 'includeMutations', true),
        includeAllVersions: flag(ctx.url, 'includeAllVersions') && !hideVersions(ctx.apiVersion),
        effects: ctx.url.searchParams.get('effectFormat') === 'mendoza',
        publicOnly: ctx.caller.role === null,
        keepAliveMs,
        signal: ctx.request.signal,
      },
      ctx.headers,
    )
  }

  function history(ctx: Ctx, dataset: Dataset, kind: string, idsSegment: string): Response {
    requireAuthenticated(ctx.caller)
    const ids = splitIds(idsSegment)
    if (kind === 'transactions') {
      const limitParam = ctx.url.searchParams.get('limit')
      const limit = limitParam ? Number(limitParam) : undefined
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw badRequest('"limit" must be a non-negative integer')
      const onlyIdentified = flag(ctx.url, 'includeIdentifiedDocumentsOnly')
      const excludeMutations = flag(ctx.url, 'excludeMutations')
      const transactions = dataset.transactions(ids, {
        fromTransaction: ctx.url.searchParams.get('fromTransaction') || undefined,
        toTransaction: ctx.url.searchParams.get('toTransaction') || undefined,
        limit,
        reverse: flag(ctx.url, 'reverse'),
      })
      return ndjson(
        ctx,
        transactions.map((tx) => {
          const documentIDs = onlyIdentified ? tx.documentIDs.filter((id) => ids.includes(id)) : tx.documentIDs
          const line: Record<string, unknown> = {
            id: tx.id,
            timestamp: tx.timestamp,
            author: tx.author,
            documentIDs,
            effects: Object.fromEntries(Object.entries(tx.effects).filter(([id]) => documentIDs.includes(id))),
          }
          if (!excludeMutations) line.mutations = tx.mutations
          return line
        }),
      )
    }
    if (kind === 'documents') {
      const revision = ctx.url.searchParams.get('revision')
      const timeParam = ctx.url.searchParams.get('time')
      // stored timestamps are ISO strings with milliseconds: compare like with like
      const time = timeParam ? new Date(timeParam) : undefined
      if (time && Number.isNaN(time.getTime())) throw badRequest(`"time" must be a date and time, got "${timeParam}"`)
      const last = flag(ctx.url, 'lastRevision')
      if (!revision && !time && !last) throw badRequest('One of "revision", "time" or "lastRevision" is required')
      const documents = ids.flatMap((id) => {
        const found = revision ? dataset.documentAtRevision(id, revision) : time ? dataset.documentAtTime(id, time.toISOString()) : dataset.lastRevision(id)
        return found ? [found] : []
      })
      return json(ctx, {documents})
    }
    throw notFound(`Unknown history resource "${kind}"`)
  }

  function exportDataset(ctx: Ctx, dataset: Dataset): Response {
    const types = ctx.url.searchParams.get('types')?.split(',').filter(Boolean)
    const publicOnly = ctx.caller.role === null
    const docs = [...dataset.docs.values()].filter(
      (d) => (!publicOnly || !d._id.includes('.')) && (!types || types.includes(d._type)),
    )
    return ndjson(ctx, docs)
  }

  async function uploadAsset(ctx: Ctx, dataset: Dataset, kind: string): Promise<Response> {
    requireWrite(ctx.caller)
    if (kind !== 'images' && kind !== 'files') throw notFound(`Unknown asset type "${kind}"`)
    const data = await readBody(ctx.request, maxAsset)
    if (data.byteLength === 0) throw badRequest('Empty asset body')
    const filename = ctx.url.searchParams.get('filename') ?? undefined
    const base = `${ctx.url.origin}`
    let document: SanityDocument
    const hash = storeAsset(dataset.assetsDir, data)
    if (kind === 'images') {
      const info = imageInfo(data)
      if (!info) throw badRequest('Invalid image: expected PNG, JPEG, GIF or WebP')
      const path = `images/${projectId}/${dataset.name}/${hash}-${info.width}x${info.height}.${info.extension}`
      document = {
        _id: `image-${hash}-${info.width}x${info.height}-${info.extension}`,
        _type: 'sanity.imageAsset',
        assetId: hash,
        extension: info.extension,
        mimeType: info.mimeType,
        originalFilename: filename,
        path,
        sha1hash: hash,
        size: data.byteLength,
        uploadId: newTransactionId(),
        url: `${base}/${path}`,
        metadata: {
          _type: 'sanity.imageMetadata',
          dimensions: {
            _type: 'sanity.imageDimensions',
            width: info.width,
            height: info.height,
            aspectRatio: info.width / info.height,
          },
        },
      }
    } else {
      const extension = (filename?.match(/\.([a-zA-Z0-9]{1,10})$/)?.[1] ?? 'bin').toLowerCase()
      const path = `files/${projectId}/${dataset.name}/${hash}.${extension}`
      document = {
        _id: `file-${hash}-${extension}`,
        _type: 'sanity.fileAsset',
        assetId: hash,
        extension,
        mimeType: ctx.request.headers.get('content-type') ?? mimeTypeOf(extension),
        originalFilename: filename,
        path,
        sha1hash: hash,
        size: data.byteLength,
        uploadId: newTransactionId(),
        url: `${base}/${path}`,
      }
    }
    return withWriteLock(dataset, async () => {
      const existing = dataset.docs.get(document._id)
      if (existing) return json(ctx, {document: existing})
      const tx = new TransactionBuilder(dataset, newTransactionId(), new Date().toISOString())
      tx.create(document, 0, 'createIfNotExists')
      const committed = dataset.commit({id: tx.transactionId, timestamp: tx.timestamp, author: ctx.caller.userId, changes: tx.changes()})
      return json(ctx, {document: committed.changes[0]?.after ?? document})
    })
  }

  function serveAsset(ctx: Ctx, dataset: Dataset, fileName: string): Response {
    const {hash, extension} = parseAssetFileName(fileName)
    const data = readAsset(dataset.assetsDir, hash)
    if (!data) throw notFound('Asset not found')
    ctx.headers.set('content-type', mimeTypeOf(extension))
    ctx.headers.set('cache-control', 'public, max-age=31536000, immutable')
    return new Response(new Uint8Array(data), {status: 200, headers: ctx.headers})
  }

  async function datasets(ctx: Ctx, name: string | undefined): Promise<Response> {
    const method = ctx.request.method
    if (!name) {
      if (method !== 'GET') throw new ApiError(405, 'httpMethodNotAllowed', 'Method not allowed')
      requireAuthenticated(ctx.caller)
      return json(
        ctx,
        store.list().map((d) => ({name: d.name, aclMode: d.getMeta('aclMode') ?? 'public', createdAt: d.getMeta('createdAt') ?? null})),
      )
    }
    requireAdmin(ctx.caller)
    if (method === 'PUT') {
      const body = await readJson(ctx.request, maxBody)
      const aclMode = isRecord(body) && body.aclMode === 'private' ? 'private' : 'public'
      const dataset = store.create(name, aclMode)
      dataset.setMeta('createdAt', new Date().toISOString())
      return json(ctx, {datasetName: name, aclMode})
    }
    if (method === 'DELETE') {
      store.delete(name)
      return json(ctx, {deleted: true})
    }
    throw new ApiError(405, 'httpMethodNotAllowed', 'Method not allowed')
  }

  async function tokens(ctx: Ctx, id: string | undefined): Promise<Response> {
    requireAdmin(ctx.caller)
    const method = ctx.request.method
    if (method === 'GET' && !id) {
      return json(ctx, options.tokens.list().map(({hash: _hash, ...rest}) => rest))
    }
    if (method === 'POST' && !id) {
      const body = await readJson(ctx.request, maxBody)
      const role = isRecord(body) ? body.role : undefined
      if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw badRequest(`"role" must be one of ${ROLES.join(', ')}`)
      const label = isRecord(body) && typeof body.label === 'string' ? body.label : role
      const {token, record} = options.tokens.create(role as Role, label)
      return json(ctx, {id: record.id, label: record.label, role: record.role, key: token})
    }
    if (method === 'DELETE' && id) {
      if (!options.tokens.remove(id)) throw notFound(`Token "${id}" not found`)
      return json(ctx, {deleted: true})
    }
    throw new ApiError(405, 'httpMethodNotAllowed', 'Method not allowed')
  }

  async function route(ctx: Ctx, segments: string[]): Promise<Response> {
    const method = ctx.request.method
    const studioResponse = await studioApi?.route(ctx, segments)
    if (studioResponse) return studioResponse
    const [head, second, third, fourth, ...rest] = segments
    if (head === 'ping' && segments.length === 1) return json(ctx, 'PONG')
    if (head === 'data') {
      if (!second || !third) throw notFound('Not found')
      const dataset = store.get(third)
      switch (second) {
        case 'ping':
          return json(ctx, 'PONG')
        case 'query':
          if (method !== 'GET' && method !== 'POST') break
          return query(ctx, dataset)
        case 'doc':
          if (method !== 'GET' || !fourth) break
          return doc(ctx, dataset, fourth)
        case 'mutate':
          if (method !== 'POST') break
          return mutate(ctx, dataset)
        case 'actions':
          if (method !== 'POST') break
          return actions(ctx, dataset)
        case 'listen':
          if (method !== 'GET') break
          return listen(ctx, dataset)
        case 'history':
          if (method !== 'GET' || !fourth || rest.length !== 1 || !rest[0]) break
          return history(ctx, dataset, fourth, rest[0])
        case 'export':
          if (method !== 'GET') break
          return exportDataset(ctx, dataset)
      }
      throw notFound('Not found')
    }
    if (head === 'assets' && second && third && method === 'POST' && segments.length === 3) {
      return uploadAsset(ctx, store.get(third), second)
    }
    if ((head === 'images' || head === 'files') && second === projectId && third && fourth && rest.length === 0 && method === 'GET') {
      return serveAsset(ctx, store.get(third), fourth)
    }
    if (head === 'datasets' && segments.length <= 2) return datasets(ctx, second)
    if (head === 'projects' && second === projectId) {
      if (third === 'datasets' && rest.length === 0) return datasets(ctx, fourth)
      if (third === 'tokens' && rest.length === 0) return tokens(ctx, fourth)
    }
    throw notFound('Not found')
  }

  return async function handle(request: Request): Promise<Response> {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return errorResponse(badRequest('Invalid URL'))
    }
    const headers = corsHeaders(request, url)
    if (request.method === 'OPTIONS') {
      if (headers.has('access-control-allow-origin')) {
        headers.set('access-control-allow-methods', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS')
        headers.set(
          'access-control-allow-headers',
          request.headers.get('access-control-request-headers') ?? 'Authorization, Content-Type, X-Sanity-App',
        )
        headers.set('access-control-max-age', '600')
      }
      return new Response(null, {status: 204, headers})
    }
    try {
      let segments: string[]
      try {
        segments = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s))
      } catch {
        throw badRequest('Malformed URL path')
      }
      let apiVersion = '1'
      const versionMatch = /^v(\d{4}-\d{2}-\d{2}|\d+|X)$/.exec(segments[0] ?? '')
      if (versionMatch?.[1]) {
        apiVersion = versionMatch[1]
        segments = segments.slice(1)
      }
      if (serveStatic && !isApiPath(url.pathname)) return serveStatic(request, url)
      if (studioApi && segments[0] === 'auth') {
        const answer = await studioApi.routeAuth({request, url, apiVersion, headers}, segments, () => authenticate(request))
        if (answer) return answer
      }
      const caller = authenticate(request)
      // raw path segments keep commas and encodings for id lists
      const rawSegments = url.pathname.split('/').filter(Boolean).slice(versionMatch ? 1 : 0)
      const ctx: Ctx = {request, url, apiVersion, caller, headers}
      if (segments[0] === 'data' && (segments[1] === 'doc' || segments[1] === 'history')) {
        const idIndex = segments[1] === 'doc' ? 3 : 4
        if (rawSegments[idIndex] !== undefined) segments[idIndex] = rawSegments[idIndex] as string
      }
      return await route(ctx, segments)
    } catch (err) {
      return errorResponse(err, headers)
    }
  }
}

