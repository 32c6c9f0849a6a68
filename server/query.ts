import {evaluate, parse, type ExprNode} from 'groq-js'
import {ApiError} from './errors.js'
import {cooperativeSource, defaultMaxResultBytes, defaultQueryTimeoutMs, QueryBudget} from './query/budget.js'
import type {Dataset} from './store.js'
import type {SanityDocument} from './types.js'

/**
 * Queries: groq-js evaluates every query. Speed comes from narrowing its input: a filter applied
 * directly to `*` whose constraint pins `_id`, `_type` or `slug.current` to constants (`_type == "x"`,
 * `_id in $ids`), or calls `references()` with constant ids, and conjunctions and disjunctions of
 * these, gets only the candidate documents, from indexes of the perspective's view.
 */

export type Perspective = string[]

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

interface View {
  docs: SanityDocument[]
  byId: Map<string, SanityDocument>
  byType: Map<string, SanityDocument[]>
  /** built on first use: `slug.current` values */
  bySlug?: Map<string, SanityDocument[]>
  /** built on first use: every `_ref` a document holds, as groq-js `references()` finds them */
  byRef?: Map<string, SanityDocument[]>
}

function push(map: Map<string, SanityDocument[]>, key: string, doc: SanityDocument): void {
  const list = map.get(key)
  if (list) list.push(doc)
  else map.set(key, [doc])
}

function slugIndex(view: View): Map<string, SanityDocument[]> {
  if (!view.bySlug) {
    view.bySlug = new Map()
    for (const doc of view.docs) {
      const slug = doc.slug
      if (typeof slug === 'object' && slug !== null && !Array.isArray(slug)) {
        const current = (slug as {current?: unknown}).current
        if (typeof current === 'string') push(view.bySlug, current, doc)
      }
    }
  }
  return view.bySlug
}

/** Mirrors groq-js `hasReference`: an object with a truthy `_ref` is a reference and is not descended into. */
function collectRefs(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, out)
  } else if (typeof value === 'object' && value !== null) {
    const ref = (value as {_ref?: unknown})._ref
    if (ref) {
      if (typeof ref === 'string') out.add(ref)
      return
    }
    for (const item of Object.values(value)) collectRefs(item, out)
  }
}

function refIndex(view: View): Map<string, SanityDocument[]> {
  if (!view.byRef) {
    view.byRef = new Map()
    for (const doc of view.docs) {
      const refs = new Set<string>()
      collectRefs(doc, refs)
      for (const ref of refs) push(view.byRef, ref, doc)
    }
  }
  return view.byRef
}

const VIEW_CACHE_SIZE = 8
const viewCaches = new WeakMap<Dataset, {version: number; views: Map<string, View>}>()

/** Splits `drafts.x` / `versions.r.x` into its layer prefix and its published id. */
export function splitId(id: string): {layer: string; baseId: string} {
  if (id.startsWith('drafts.')) return {layer: 'drafts.', baseId: id.slice('drafts.'.length)}
  if (id.startsWith('versions.')) {
    const dot = id.indexOf('.', 'versions.'.length)
    if (dot > 0) return {layer: id.slice(0, dot + 1), baseId: id.slice(dot + 1)}
  }
  return {layer: '', baseId: id}
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

/** Layer prefixes in priority order; the published layer ('') is always the base. */
function layersOf(perspective: Perspective): string[] {
  const layers: string[] = []
  for (const part of perspective) {
    if (part === 'published') continue
    layers.push(part === 'drafts' ? 'drafts.' : `versions.${part}.`)
  }
  layers.push('')
  return layers
}

function buildView(dataset: Dataset, options: QueryOptions): View {
  const docs: SanityDocument[] = []
  if (options.perspective[0] === 'raw') {
    for (const doc of dataset.docs.values()) {
      if (options.publicOnly && doc._id.includes('.')) continue
      if (options.hideVersions && doc._id.startsWith('versions.')) continue
      docs.push(doc)
    }
  } else {
    const layers = layersOf(options.perspective)
    const rank = (layer: string) => layers.indexOf(layer)
    // the best layer present for each published id
    const best = new Map<string, number>()
    for (const id of dataset.docs.keys()) {
      const {layer, baseId} = splitId(id)
      const r = rank(layer)
      if (r < 0) continue
      const current = best.get(baseId)
      if (current === undefined || r < current) best.set(baseId, r)
    }
    for (const doc of dataset.docs.values()) {
      const {layer, baseId} = splitId(doc._id)
      const r = rank(layer)
      if (r < 0 || best.get(baseId) !== r) continue
      if (layer === '') {
        if (options.publicOnly && doc._id.includes('.')) continue
        docs.push(doc)
      } else {
        if (options.publicOnly) continue
        // a release version marked to unpublish (`_system.delete`) hides the document in that perspective
        if (layer.startsWith('versions.') && (doc._system as {delete?: unknown} | undefined)?.delete === true) continue
        docs.push({...doc, _id: baseId, _originalId: doc._id})
      }
    }
  }
  const byId = new Map<string, SanityDocument>()
  const byType = new Map<string, SanityDocument[]>()
  for (const doc of docs) {
    if (typeof doc._id === 'string' && !byId.has(doc._id)) byId.set(doc._id, doc)
    if (typeof doc._type === 'string') {
      const list = byType.get(doc._type)
      if (list) list.push(doc)
      else byType.set(doc._type, [doc])
    }
  }
  return {docs, byId, byType}
}

function viewFor(dataset: Dataset, options: QueryOptions): View {
  const key = JSON.stringify([options.perspective, options.publicOnly, options.hideVersions])
  let cache = viewCaches.get(dataset)
  if (!cache || cache.version !== dataset.version) {
    cache = {version: dataset.version, views: new Map()}
    viewCaches.set(dataset, cache)
  }
  let view = cache.views.get(key)
  if (!view) {
    view = buildView(dataset, options)
    if (cache.views.size >= VIEW_CACHE_SIZE) cache.views.clear()
    cache.views.set(key, view)
  }
  return view
}

const isNode = (value: unknown): value is {type: string} & Record<string, unknown> =>
  typeof value === 'object' && value !== null && typeof (value as {type?: unknown}).type === 'string'

/** A constant string (or list of strings) from a Value or Parameter node, else undefined. */
function constantStrings(node: unknown, params: Record<string, unknown>, list: boolean): string[] | undefined {
  if (!isNode(node)) return undefined
  let value: unknown
  if (node.type === 'Value') value = node.value
  else if (node.type === 'Parameter' && typeof node.name === 'string' && Object.hasOwn(params, node.name)) value = params[node.name]
  else if (list && node.type === 'Array' && Array.isArray(node.elements)) {
    const out: string[] = []
    for (const element of node.elements as unknown[]) {
      if (!isNode(element) || element.isSplat) return undefined
      const inner = constantStrings(element.value, params, false)
      if (!inner) return undefined
      out.push(...inner)
    }
    return out
  } else return undefined
  if (!list) return typeof value === 'string' ? [value] : undefined
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined
}

type Attr = '_id' | '_type' | 'slug.current'

function pinnedAttribute(node: unknown): Attr | undefined {
  if (!isNode(node) || node.type !== 'AccessAttribute') return undefined
  if (node.base === undefined) return node.name === '_id' || node.name === '_type' ? node.name : undefined
  const base = node.base
  if (node.name === 'current' && isNode(base) && base.type === 'AccessAttribute' && base.base === undefined && base.name === 'slug') {
    return 'slug.current'
  }
  return undefined
}

interface Pin {
  attr: Attr | 'references'
  values: string[]
}

/**
 * Candidate documents for a constraint: `docs` in view order when `ordered`, a membership test
 * `has`, and `exact` when the constraint holds for precisely these documents (so the filter can be
 * answered by the index alone).
 */
interface Candidates {
  docs: SanityDocument[]
  ordered: boolean
  exact: boolean
  has: (doc: SanityDocument) => boolean
}

function slugOf(doc: SanityDocument): unknown {
  const slug = doc.slug
  return typeof slug === 'object' && slug !== null && !Array.isArray(slug) ? (slug as {current?: unknown}).current : undefined
}

function lookup(pin: Pin, view: View): Candidates {
  const values = [...new Set(pin.values)]
  let docs: SanityDocument[]
  let ordered = true
  if (pin.attr === '_id') {
    docs = values.flatMap((value) => {
      const doc = view.byId.get(value)
      return doc ? [doc] : []
    })
    ordered = docs.length <= 1
  } else {
    const index = pin.attr === '_type' ? view.byType : pin.attr === 'slug.current' ? slugIndex(view) : refIndex(view)
    if (values.length === 1) docs = index.get(values[0] as string) ?? []
    else {
      docs = [...new Set(values.flatMap((value) => index.get(value) ?? []))]
      ordered = values.filter((value) => index.has(value)).length <= 1
    }
  }
  const wanted = new Set(values)
  const has =
    pin.attr === '_id'
      ? (doc: SanityDocument) => wanted.has(doc._id)
      : pin.attr === '_type'
        ? (doc: SanityDocument) => wanted.has(doc._type)
        : pin.attr === 'slug.current'
          ? (doc: SanityDocument) => {
              const current = slugOf(doc)
              return typeof current === 'string' && wanted.has(current)
            }
          : (doc: SanityDocument) => {
              const refs = new Set<string>()
              collectRefs(doc, refs)
              for (const ref of refs) if (wanted.has(ref)) return true
              return false
            }
  return {docs, ordered, exact: true, has}
}

/** Constant arguments of `references(...)`: strings and arrays of strings, as groq-js collects them. */
function referenceArgs(args: unknown): string[] | undefined {
  if (!Array.isArray(args)) return undefined
  const out: string[] = []
  for (const arg of args) {
    if (!isNode(arg) || arg.type !== 'Value') return undefined
    if (typeof arg.value === 'string') out.push(arg.value)
    else if (Array.isArray(arg.value)) for (const item of arg.value) if (typeof item === 'string') out.push(item)
  }
  return out
}

/** The documents a filter constraint can possibly match, or undefined when it pins nothing. */
function candidates(node: unknown, view: View, params: Record<string, unknown>): Candidates | undefined {
  if (!isNode(node)) return undefined
  if (node.type === 'Group') return candidates(node.base, view, params)
  if (node.type === 'And') {
    const left = candidates(node.left, view, params)
    const right = candidates(node.right, view, params)
    if (left && right) {
      const [small, large] = left.docs.length <= right.docs.length ? [left, right] : [right, left]
      return {
        docs: small.docs.filter((doc) => large.has(doc)),
        ordered: small.ordered,
        exact: left.exact && right.exact,
        has: (doc) => left.has(doc) && right.has(doc),
      }
    }
    const one = left ?? right
    return one ? {...one, exact: false} : undefined
  }
  if (node.type === 'Or') {
    const left = candidates(node.left, view, params)
    const right = candidates(node.right, view, params)
    if (!left || !right) return undefined
    return {
      docs: [...new Set([...left.docs, ...right.docs])],
      ordered: false,
      exact: left.exact && right.exact,
      has: (doc) => left.has(doc) || right.has(doc),
    }
  }
  if (node.type === 'OpCall' && node.op === '==') {
    const leftAttr = pinnedAttribute(node.left)
    const attr = leftAttr ?? pinnedAttribute(node.right)
    if (!attr) return undefined
    const values = constantStrings(leftAttr ? node.right : node.left, params, false)
    return values ? lookup({attr, values}, view) : undefined
  }
  if (node.type === 'FuncCall' && node.name === 'references' && node.namespace === 'global') {
    const values = referenceArgs(node.args)
    return values ? lookup({attr: 'references', values}, view) : undefined
  }
  if (node.type === 'OpCall' && node.op === 'in') {
    const attr = pinnedAttribute(node.left)
    const values = attr ? constantStrings(node.right, params, true) : undefined
    return attr && values ? lookup({attr, values}, view) : undefined
  }
  return undefined
}

/**
 * Rewrites `*[constraint]`: into `<candidates>[constraint]` where the constraint pins indexed
 * attributes, or into `<candidates>` alone where the indexes answer the constraint exactly.
 */
function narrow(node: unknown, view: View, params: Record<string, unknown>, order: () => Map<SanityDocument, number>): unknown {
  if (Array.isArray(node)) return node.map((item) => narrow(item, view, params, order))
  if (typeof node !== 'object' || node === null) return node
  if (isNode(node) && node.type === 'Value') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) out[key] = narrow(value, view, params, order)
  if (isNode(node) && node.type === 'Filter' && isNode(node.base) && node.base.type === 'Everything') {
    const found = candidates(node.expr, view, params)
    if (found) {
      // keep the dataset's order: groq-js returns `*` in dataset order
      let docs = found.docs
      if (!found.ordered) {
        const positions = order()
        docs = [...docs].sort((a, b) => (positions.get(a) ?? 0) - (positions.get(b) ?? 0))
      }
      if (found.exact) return candidateNode(docs)
      out.base = candidateNode(docs)
    }
  }
  return out
}

/** Narrowed candidates: a Value node, marked so that `cooperate` can turn a large one into a source. */
const candidateNodes = new WeakSet<object>()
function candidateNode(docs: SanityDocument[]): {type: 'Value'; value: SanityDocument[]} {
  const node = {type: 'Value' as const, value: docs}
  candidateNodes.add(node)
  return node
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
function cooperate(tree: unknown, everything: readonly SanityDocument[], budget: QueryBudget): {tree: ExprNode; params: Record<string, unknown>} {
  const params: Record<string, unknown> = {}
  let next = 0
  const sourceFor = (items: readonly unknown[]) => {
    const name = `${SOURCE_PARAM}${next++}`
    params[name] = cooperativeSource(items, budget)
    return {type: 'Parameter', name}
  }
  let everythingNode: unknown
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk)
    if (typeof node !== 'object' || node === null) return node
    if (isNode(node)) {
      if (node.type === 'Everything') return (everythingNode ??= sourceFor(everything))
      if (node.type === 'Value') {
        return candidateNodes.has(node) && Array.isArray(node.value) && node.value.length >= COOPERATIVE_MIN_ITEMS ? sourceFor(node.value) : node
      }
    }
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) out[key] = walk(value)
    return out
  }
  return {tree: walk(tree) as ExprNode, params}
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

const orderCaches = new WeakMap<View, Map<SanityDocument, number>>()

function orderOf(view: View): Map<SanityDocument, number> {
  let order = orderCaches.get(view)
  if (!order) {
    order = new Map(view.docs.map((doc, i) => [doc, i]))
    orderCaches.set(view, order)
  }
  return order
}

const PARSE_CACHE_SIZE = 500
const parseCache = new Map<string, ExprNode>()

/** Parses with groq-js; repeated queries (the Studio's, a site's) reuse their tree. Trees are never mutated. */
export function parseQuery(query: string, params: Record<string, unknown>): ExprNode {
  const key = `${JSON.stringify(params)}\u0000${query}`
  const cached = parseCache.get(key)
  if (cached) return cached
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
  if (parseCache.size >= PARSE_CACHE_SIZE) parseCache.delete(parseCache.keys().next().value as string)
  parseCache.set(key, tree)
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
  const narrowed = options.useIndexes === false ? tree : narrow(tree, view, options.params, () => orderOf(view))
  const result = await evaluateWithBudget(narrowed, view.docs, options, {
    identity: options.identity,
    sanity: {projectId: 'local', dataset: dataset.name},
    dereference: ({_ref}: {_ref: string}) => view.byId.get(_ref) ?? null,
  }, query)
  return {result, ms: Math.round(performance.now() - started)}
}

export interface EvaluationLimits {
  signal?: AbortSignal | undefined
  timeoutMs?: number | undefined
  maxResultBytes?: number | undefined
}

type EvaluateOptions = NonNullable<Parameters<typeof evaluate>[1]>

async function evaluateWithBudget(
  tree: unknown,
  docs: SanityDocument[],
  limits: EvaluationLimits,
  context: Omit<EvaluateOptions, 'dataset' | 'params'>,
  query?: string,
): Promise<unknown> {
  const budget = new QueryBudget(limits.timeoutMs ?? defaultQueryTimeoutMs(), limits.signal)
  const {tree: cooperative, params} = cooperate(tree, docs, budget)
  let result: unknown
  try {
    result = await budget.run(Promise.resolve(evaluate(cooperative as ExprNode, {...context, dataset: docs, params})).then((value) => value.get()))
  } catch (err) {
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
  return evaluateWithBudget(tree, docs, limits, {})
}
