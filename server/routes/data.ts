import {applyAction} from '../actions.js'
import {badRequest, forbidden} from '../errors.js'
import {parseClientJson} from '../http/body.js'
import {flag, isRecord, json, ndjson, splitIds, type RequestContext, type Route} from '../http/router.js'
import {newTransactionId} from '../ids.js'
import {listenResponse} from '../listener.js'
import {TransactionBuilder, type MutationResult} from '../mutations.js'
import {parsePerspective, parseQuery, runQuery} from '../query.js'
import type {SanityDocument} from '../types.js'
import {withWriteLock} from '../writeLock.js'
import {defaultPerspective, hideVersions, type ServerDeps} from './deps.js'
import {syncTagsFor} from '../live/tags.js'
import {contentSourceMap} from '../sourceMaps/contentSourceMap.js'

/** The content API: query, documents, mutations, actions, the listener, history and export. */

/** `$name=<json>` query parameters. */
function paramsFromSearch(url: URL): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const [key, value] of url.searchParams) {
    if (!key.startsWith('$')) continue
    params[key.slice(1)] = parseClientJson(value, `query parameter "${key}"`)
  }
  return params
}

/** The ids a mutation names (`create*._id`, `delete.id`, `patch.id`); patches by query are checked by what they change. */
function namedIds(mutation: unknown): string[] {
  if (!isRecord(mutation)) return []
  const ids: string[] = []
  for (const body of Object.values(mutation)) {
    if (!isRecord(body)) continue
    if (typeof body._id === 'string') ids.push(body._id)
    if (typeof body.id === 'string') ids.push(body.id)
  }
  return ids
}

/** System documents (`_.releases.*`) change only through release actions, never by a mutation. */
function refuseSystemDocuments(ids: Iterable<string>): void {
  for (const id of ids) {
    if (id.startsWith('_.')) throw forbidden(`Forbidden - "${id}" is a system document: change releases with release actions (POST /data/actions)`)
  }
}

export function dataRoutes(deps: ServerDeps): Route[] {
  const {limits, clock} = deps

  async function query(ctx: RequestContext): Promise<Response> {
    const dataset = ctx.dataset()
    let queryText = ctx.url.searchParams.get('query')
    let params = paramsFromSearch(ctx.url)
    let perspectiveParam = ctx.url.searchParams.get('perspective')
    if (ctx.request.method === 'POST') {
      const body = await ctx.readJson()
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
    const release = limits.queriesInFlight.acquire(ctx.callerKey)
    try {
      const {result, ms} = await runQuery(dataset, queryText, {
        params,
        perspective,
        publicOnly: ctx.caller.role === null,
        hideVersions: hideVersions(ctx.apiVersion),
        identity: ctx.caller.userId,
        signal: ctx.signal,
        timeoutMs: limits.queryTimeoutMs,
      })
      const body: Record<string, unknown> = {}
      if (ctx.url.searchParams.get('returnQuery') !== 'false') body.query = queryText
      body.result = result
      // the Live Content API's tags (server/live/tags.ts): a live event carrying one means refetch
      body.syncTags = syncTagsFor(queryText, params)
      // Content Source Maps for stega and visual editing (server/sourceMaps/)
      if (ctx.url.searchParams.has('resultSourceMap')) body.resultSourceMap = contentSourceMap(result, queryText, params, (id) => dataset.docs.get(id))
      body.ms = ms
      return json(ctx, body)
    } finally {
      release()
    }
  }

  function doc(ctx: RequestContext): Response {
    const dataset = ctx.dataset()
    const documents: SanityDocument[] = []
    const omitted: {id: string; reason: string}[] = []
    for (const id of splitIds(ctx.rawParams.ids ?? '')) {
      const found = dataset.docs.get(id)
      if (ctx.caller.role === null && id.includes('.')) omitted.push({id, reason: 'permission'})
      else if (found && id.startsWith('versions.') && hideVersions(ctx.apiVersion)) omitted.push({id, reason: 'existence'})
      else if (found) documents.push(found)
      else omitted.push({id, reason: 'existence'})
    }
    return json(ctx, {documents, omitted})
  }

  function mutateResponse(ctx: RequestContext, transactionId: string, results: MutationResult[]): Response {
    const returnDocuments = flag(ctx.url, 'returnDocuments')
    const returnIds = flag(ctx.url, 'returnIds')
    const body: Record<string, unknown> = {
      transactionId,
      results: results.map((r) => (returnDocuments ? {id: r.id, operation: r.operation, document: r.document ?? null} : {id: r.id, operation: r.operation})),
    }
    if (returnIds) body.documentIds = results.map((r) => r.id)
    return json(ctx, body)
  }

  async function mutate(ctx: RequestContext): Promise<Response> {
    const dataset = ctx.dataset()
    const body = await ctx.readJson()
    if (!isRecord(body) || !Array.isArray(body.mutations)) throw badRequest('Request body must be {"mutations": [...]}')
    const mutations = body.mutations
    const transactionId = typeof body.transactionId === 'string' && body.transactionId ? body.transactionId : newTransactionId()
    const dryRun = flag(ctx.url, 'dryRun') || body.dryRun === true
    refuseSystemDocuments(mutations.flatMap(namedIds))
    return withWriteLock(dataset, async () => {
      const tx = new TransactionBuilder(dataset, transactionId, new Date().toISOString())
      const results: MutationResult[] = []
      for (const [index, mutation] of mutations.entries()) results.push(...(await tx.apply(mutation, index)))
      const changes = tx.changes()
      refuseSystemDocuments(changes.map((c) => c.id))
      if (!dryRun && changes.length > 0) {
        dataset.commit({id: transactionId, timestamp: tx.timestamp, author: ctx.caller.userId, changes})
      }
      return mutateResponse(ctx, transactionId, results)
    })
  }

  async function actions(ctx: RequestContext): Promise<Response> {
    const dataset = ctx.dataset()
    const body = await ctx.readJson()
    if (!isRecord(body)) throw badRequest('Request body must be {"actions": [...]}')
    const list = Array.isArray(body.actions) ? body.actions : isRecord(body.actions) ? [body.actions] : undefined
    if (!list) throw badRequest('Request body must be {"actions": [...]}')
    const transactionId = typeof body.transactionId === 'string' && body.transactionId ? body.transactionId : newTransactionId()
    const dryRun = body.dryRun === true || flag(ctx.url, 'dryRun')
    return withWriteLock(dataset, async () => {
      const now = clock.now()
      const tx = new TransactionBuilder(dataset, transactionId, now.toISOString())
      for (const [index, action] of list.entries()) await applyAction(tx, action, index, {now, validate: deps.validateRelease, dryRun})
      const changes = tx.changes()
      if (!dryRun && changes.length > 0) {
        dataset.commit({id: transactionId, timestamp: tx.timestamp, author: ctx.caller.userId, changes})
      }
      return json(ctx, {transactionId})
    })
  }

  function listen(ctx: RequestContext): Response {
    const dataset = ctx.dataset()
    const queryText = ctx.url.searchParams.get('query') ?? '*'
    const params = paramsFromSearch(ctx.url)
    const filter = parseQuery(queryText, params)
    const release = limits.listeners.acquire(ctx.callerKey)
    ctx.signal.addEventListener('abort', release, {once: true})
    if (ctx.signal.aborted) release()
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
        keepAliveMs: limits.keepAliveMs,
        signal: ctx.signal,
      },
      ctx.headers,
    )
  }

  function historyTransactions(ctx: RequestContext): Response {
    const dataset = ctx.dataset()
    const ids = splitIds(ctx.rawParams.ids ?? '')
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

  function historyDocuments(ctx: RequestContext): Response {
    const dataset = ctx.dataset()
    const ids = splitIds(ctx.rawParams.ids ?? '')
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

  function exportDataset(ctx: RequestContext): Response {
    const dataset = ctx.dataset()
    const types = ctx.url.searchParams.get('types')?.split(',').filter(Boolean)
    const publicOnly = ctx.caller.role === null
    const docs = [...dataset.docs.values()].filter((d) => (!publicOnly || !d._id.includes('.')) && (!types || types.includes(d._type)))
    return ndjson(ctx, docs)
  }

  const pong = (ctx: RequestContext) => json(ctx, 'PONG')

  return [
    {method: 'GET', path: '/ping', access: 'anyone', handle: pong},
    {method: 'GET', path: '/data/ping/:dataset', access: 'anyone', handle: (ctx) => (ctx.dataset(), pong(ctx))},
    {method: ['GET', 'POST'], path: '/data/query/:dataset', access: 'anyone', handle: query},
    {method: 'GET', path: '/data/doc/:dataset/:ids', access: 'anyone', handle: doc},
    {method: 'POST', path: '/data/mutate/:dataset', access: 'write', rateLimit: 'mutation', handle: mutate},
    {method: 'POST', path: '/data/actions/:dataset', access: 'write', rateLimit: 'mutation', handle: actions},
    {method: 'GET', path: '/data/listen/:dataset', access: 'anyone', handle: listen},
    {method: 'GET', path: '/data/history/:dataset/transactions/:ids', access: 'signedIn', handle: historyTransactions},
    {method: 'GET', path: '/data/history/:dataset/documents/:ids', access: 'signedIn', handle: historyDocuments},
    {method: 'GET', path: '/data/export/:dataset', access: 'anyone', handle: exportDataset},
  ]
}

