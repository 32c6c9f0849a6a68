import {evaluate, parse, type ExprNode} from 'groq-js'
import {ApiError} from './errors.js'
import {cooperativeSource, defaultMaxResultBytes, defaultQueryTimeoutMs, QueryBudget} from './query/budget.js'
import {isCandidateNode, isNode, narrow, Planner} from './query/narrow.js'
import {viewFor, type Perspective} from './query/view.js'
import type {Dataset} from './store.js'
import type {SanityDocument} from './types.js'

/**
 * Queries: groq-js evaluates every query (it is the judge of every answer). Around it:
 * - query/view.ts: each perspective's documents in dataset order with their indexes, kept up to
 *   date commit by commit;
 * - query/narrow.ts: rewrites that only shrink what groq-js reads (constant and correlated index
 *   lookups, counts, ordered slices, text match);
 * - query/budget.ts: the time limit, the request's abort signal, and the cooperative sources that
 *   give the event loop back while groq-js runs;
 * - here: parsing (missing parameters refused as hosted Sanity refuses them), `runQuery` and
 *   `evaluateOver`.
 */

export type {Perspective} from './query/view.js'
export {splitId} from './query/view.js'

export interface QueryOptions {
  params: Record<string, unknown>
  /** `raw`, `published`, `drafts`, or a stack of release ids ending in `drafts`/`published` */
  perspective: Perspective
  /** hide every document whose id holds a dot (drafts, versions, system documents): anonymous callers */
  publicOnly: boolean
  /** `versions.**` documents are invisible to API versions before v2025-02-19 */
  hideVersions: boolean
  identity: string
  useIndexes?: boolean
  /** the request's signal: once it aborts, evaluation stops within one time slice and runQuery throws */
  signal?: AbortSignal | undefined
  /** time limit; default AHP_QUERY_TIMEOUT_MS, else 10,000 ms. Past it: 408 `queryTimeout` */
  timeoutMs?: number | undefined
  /** bound on the result's JSON size; default AHP_QUERY_MAX_RESULT_BYTES, else 64 MiB. Past it: 400 `queryResultTooLarge` */
  maxResultBytes?: number | undefined
}

export function parsePerspective(value: string | null | undefined, fallback: 'raw' | 'published'): Perspective {
  const raw = (value ?? '').trim() || fallback
  // `previewDrafts` is the older name of `drafts`
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (p === 'previewDrafts' ? 'drafts' : p))
  if (parts.length === 1 && parts[0] === 'raw') return ['raw']
  for (const part of parts) {
    if (part === 'raw') throw new ApiError(400, 'httpBadRequest', 'Perspective "raw" cannot be part of a stack')
    if (part !== 'drafts' && part !== 'published' && !/^[a-zA-Z0-9_-]+$/.test(part)) {
      throw new ApiError(400, 'httpBadRequest', `Invalid perspective "${part}"`)
    }
  }
  return parts
}

/** Reserved parameter names: the query's own parameters are substituted at parse time, so none can clash. */
const SOURCE_PARAM = '__ahp_source_'
/** Candidate lists shorter than this stay plain values: a source costs more than it saves. */
const COOPERATIVE_MIN_ITEMS = 64

/**
 * Makes the tree give the event loop back: every `*` and every large narrowed candidate list becomes
 * a Parameter node whose value is a cooperative source (see query/budget.ts). groq-js evaluates a
 * Parameter afresh each time, so a correlated subquery re-iterates its source per outer item, and
 * each iteration checks the budget.
 */
function cooperate(
  tree: unknown,
  everything: () => readonly SanityDocument[],
  budget: QueryBudget,
): {tree: ExprNode; params: Record<string, unknown>; readsDataset: boolean} {
  const params: Record<string, unknown> = {}
  let next = 0
  const sourceFor = (items: readonly unknown[]) => {
    const name = `${SOURCE_PARAM}${next++}`
    params[name] = cooperativeSource(items, budget)
    return {type: 'Parameter', name}
  }
  let everythingNode: unknown
  // `releases::all()` reads the dataset groq-js was given, as `*` did before it became a source
  let readsDataset = false
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk)
    if (typeof node !== 'object' || node === null) return node
    if (isNode(node)) {
      if (node.type === 'FuncCall' && node.namespace === 'releases') readsDataset = true
      if (node.type === 'Everything') return (everythingNode ??= sourceFor(everything()))
      if (node.type === 'Value') {
        return isCandidateNode(node) && Array.isArray(node.value) && node.value.length >= COOPERATIVE_MIN_ITEMS ? sourceFor(node.value) : node
      }
    }
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) out[key] = walk(value)
    return out
  }
  const out = walk(tree) as ExprNode
  return {tree: out, params, readsDataset}
}

/** The JSON size of a value, counted until it passes `limit` (then any number above it). */
function jsonSizeOver(value: unknown, limit: number): boolean {
  let size = 0
  const visit = (v: unknown): boolean => {
    if (typeof v === 'string') size += v.length + 2
    else if (typeof v === 'number' || typeof v === 'boolean') size += 8
    else if (v === null || v === undefined) size += 4
    else if (Array.isArray(v)) {
      size += 2
      for (const item of v) if (visit(item)) return true
    } else if (typeof v === 'object') {
      size += 2
      for (const [key, item] of Object.entries(v)) {
        size += key.length + 4
        if (visit(item)) return true
      }
    }
    return size > limit
  }
  return visit(value)
}

function resultTooLarge(limit: number): ApiError {
  return new ApiError(
    400,
    'queryResultTooLarge',
    `Query result is larger than ${limit} bytes (AHP_QUERY_MAX_RESULT_BYTES): narrow the query with filters and a projection, or paginate with slices such as [0...100]`,
    {maxResultBytes: limit},
  )
}

/**
 * The parse cache is bounded by size, not by entries: 60 different 5 MB queries once held 614 MB.
 * An entry weighs its key (the query and its parameters) three times over, an estimate of the tree
 * groq-js builds from it; a query over 256 KiB is parsed each time, never kept.
 */
const PARSE_CACHE_BYTES = 16 * 1024 * 1024
const PARSE_CACHE_ENTRY_BYTES = 256 * 1024
const parseCache = new Map<string, {tree: ExprNode; weight: number}>()
let parseCacheBytes = 0

/** How much the parse cache holds (for tests and metrics). */
export function parseCacheStats(): {entries: number; bytes: number} {
  return {entries: parseCache.size, bytes: parseCacheBytes}
}

function cacheTree(key: string, tree: ExprNode): void {
  const weight = key.length * 3
  if (weight > PARSE_CACHE_ENTRY_BYTES) return
  for (const [oldest, entry] of parseCache) {
    if (parseCacheBytes + weight <= PARSE_CACHE_BYTES) break
    parseCache.delete(oldest)
    parseCacheBytes -= entry.weight
  }
  parseCache.set(key, {tree, weight})
  parseCacheBytes += weight
}

/** Parses with groq-js; repeated queries (the Studio's, a site's) reuse their tree. Trees are never mutated. */
export function parseQuery(query: string, params: Record<string, unknown>): ExprNode {
  const key = `${JSON.stringify(params)}\u0000${query}`
  const cached = parseCache.get(key)
  if (cached) return cached.tree
  let tree: ExprNode
  try {
    tree = parse(query, {params})
  } catch (err) {
    const position = typeof (err as {position?: unknown}).position === 'number' ? (err as {position: number}).position : 0
    const description = err instanceof Error ? err.message : String(err)
    throw new ApiError(400, 'queryParseError', description, {start: position, end: position + 1, query})
  }
  const missing = missingParameter(tree)
  if (missing !== undefined) {
    // hosted Sanity's wording; groq-js alone would evaluate the parameter as null
    const at = parameterPosition(query, missing)
    throw new ApiError(400, 'queryParseError', `param $${missing} referenced, but not provided`, {start: at, end: at + missing.length + 1, query})
  }
  cacheTree(key, tree)
  return tree
}

/** groq-js substitutes every provided parameter at parse time: a Parameter node left in the tree was not provided. */
function missingParameter(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = missingParameter(item)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (!isNode(node) || node.type === 'Value') return undefined
  // `$identity` is a legacy default parameter (the conformance suite's "Default $identity param"): groq-js answers null
  if (node.type === 'Parameter' && typeof node.name === 'string' && node.name !== 'identity') return node.name
  for (const value of Object.values(node)) {
    if (typeof value === 'object' && value !== null) {
      const found = missingParameter(value)
      if (found !== undefined) return found
    }
  }
  return undefined
}

/** Where `$name` first stands in the query as a parameter (0 when not found). */
function parameterPosition(query: string, name: string): number {
  const pattern = new RegExp(`\\$${name.replace(/[^A-Za-z0-9_]/g, '')}(?![A-Za-z0-9_])`)
  return Math.max(0, query.search(pattern))
}

export interface QueryResult {
  result: unknown
  ms: number
}

/**
 * Evaluates a query with groq-js over the perspective's view, narrowed by the indexes. Never holds
 * the event loop for more than a time slice; stops on `signal` (throws) and at `timeoutMs` (408
 * `queryTimeout`); refuses results over `maxResultBytes` (400 `queryResultTooLarge`).
 */
export async function runQuery(dataset: Dataset, query: string, options: QueryOptions): Promise<QueryResult> {
  const started = performance.now()
  const tree = parseQuery(query, options.params)
  const view = viewFor(dataset, options)
  const result = await evaluateWithBudget(
    tree,
    // taken only when the narrowed query still reads `*`: a list a query holds is copied by the next commit
    () => view.docs(),
    options,
    (budget) => {
      const planner = new Planner(view, (list) => cooperativeSource(list, budget))
      return {
        tree: options.useIndexes === false ? tree : narrow(tree, planner),
        context: {
          identity: options.identity,
          sanity: {projectId: 'local', dataset: dataset.name},
          // our plans' answers are lists and counts, which groq-js wraps with fromJS like any document
          dereference: (({_ref}: {_ref: string}) => planner.answer(_ref) ?? view.get(_ref) ?? null) as Context['dereference'],
        },
      }
    },
    query,
  )
  return {result, ms: Math.round(performance.now() - started)}
}

export interface EvaluationLimits {
  signal?: AbortSignal | undefined
  timeoutMs?: number | undefined
  maxResultBytes?: number | undefined
}

type EvaluateOptions = NonNullable<Parameters<typeof evaluate>[1]>

type Context = Omit<EvaluateOptions, 'dataset' | 'params'>

async function evaluateWithBudget(
  tree: unknown,
  docs: () => SanityDocument[],
  limits: EvaluationLimits,
  prepare: (budget: QueryBudget) => {tree: unknown; context: Context},
  query?: string,
): Promise<unknown> {
  const budget = new QueryBudget(limits.timeoutMs ?? defaultQueryTimeoutMs(), limits.signal)
  let result: unknown
  try {
    const prepared = prepare(budget)
    const {tree: cooperative, params, readsDataset} = cooperate(prepared.tree, docs, budget)
    // without a dereference hook groq-js resolves `->` by scanning the dataset
    const dataset = readsDataset || !prepared.context.dereference ? docs() : []
    result = await budget.run(Promise.resolve(evaluate(cooperative, {...prepared.context, dataset, params})).then((value) => value.get()))
  } catch (err) {
    budget.dispose()
    if (err instanceof ApiError) throw err
    throw new ApiError(400, 'queryExecutionError', err instanceof Error ? err.message : String(err), query === undefined ? {} : {query})
  }
  const maxResultBytes = limits.maxResultBytes ?? defaultMaxResultBytes()
  if (jsonSizeOver(result, maxResultBytes)) throw resultTooLarge(maxResultBytes)
  return result
}

/**
 * Evaluates a parsed query over explicit documents (listener filters, patch and delete by query),
 * under the same time limit as `runQuery`. `params` were substituted when the tree was parsed.
 */
export async function evaluateOver(
  tree: ExprNode,
  docs: SanityDocument[],
  _params: Record<string, unknown>,
  limits: EvaluationLimits = {},
): Promise<unknown> {
  return evaluateWithBudget(tree, () => docs, limits, () => ({tree, context: {}}))
}
