import {randomBytes} from 'node:crypto'
import type {SanityDocument} from '../types.js'
import type {View} from './view.js'

/**
 * Narrowing: groq-js evaluates every query; these rewrites only shrink what it reads, and only where
 * the smaller input cannot change the answer.
 *
 * - `*[constraint]` where the constraint pins `_id`, `_type`, `slug.current`, `references()` to
 *   constants, or matches a field against a constant (`title match "stroke*"`, by a token index per
 *   field), reads only the candidates from the view's indexes; a constraint the indexes answer
 *   exactly drops the filter.
 * - Correlated subqueries (`*[_type == "x" && references(^._id)]`, `_id == ^.x._ref`,
 *   `x._ref == ^._id`, `^._id in x[]._ref`) read, for each outer item, the candidates for that
 *   item's key: the filter's base becomes `coalesce(<key>->, *)`, where `<key>` builds a reference
 *   whose `_ref` names this query's plan and the key, and the `dereference` hook answers it from the
 *   indexes. A key that is not a string yields null and falls back to `*`, as groq-js alone would read.
 * - `count()` of an exactly answered filter is the candidates' number.
 * - `[a...b]` of exactly answered candidates reads the first b of them.
 * - `order(field)[a...b]` over exactly answered candidates reads only those that can reach the slice:
 *   every document whose key is not a string, and those whose string key is among the b best
 *   (ties included). groq-js's sort is stable, so it returns the same slice from this subset.
 */

export const isNode = (value: unknown): value is {type: string} & Record<string, unknown> =>
  typeof value === 'object' && value !== null && typeof (value as {type?: unknown}).type === 'string'

type Node = {type: string} & Record<string, unknown>

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

/** Every string `_ref` at any depth (a superset for any path that ends in `._ref`). */
function collectDeepRefs(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectDeepRefs(item, out)
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '_ref' && typeof item === 'string') out.add(item)
      else collectDeepRefs(item, out)
    }
  }
}

const refsOf = (doc: SanityDocument) => {
  const refs = new Set<string>()
  collectRefs(doc, refs)
  return refs
}

const deepRefsOf = (doc: SanityDocument) => {
  const refs = new Set<string>()
  collectDeepRefs(doc, refs)
  return refs
}

function slugOf(doc: SanityDocument): unknown {
  const slug = doc.slug
  return typeof slug === 'object' && slug !== null && !Array.isArray(slug) ? (slug as {current?: unknown}).current : undefined
}

const slugKeys = (doc: SanityDocument): string[] => {
  const current = slugOf(doc)
  return typeof current === 'string' ? [current] : []
}

/** A constant string (or list of strings) from a Value node (groq-js substitutes parameters at parse time), else undefined. */
function constantStrings(node: unknown, list: boolean): string[] | undefined {
  if (!isNode(node)) return undefined
  let value: unknown
  if (node.type === 'Value') value = node.value
  else if (list && node.type === 'Array' && Array.isArray(node.elements)) {
    const out: string[] = []
    for (const element of node.elements as unknown[]) {
      if (!isNode(element) || element.isSplat) return undefined
      const inner = constantStrings(element.value, false)
      if (!inner) return undefined
      out.push(...inner)
    }
    return out
  } else return undefined
  if (!list) return typeof value === 'string' ? [value] : undefined
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined
}

/** `a.b.c` on the current item (no `^`, no `@` other than implicit), as a list of names; else undefined. */
function attributePath(node: unknown): string[] | undefined {
  if (!isNode(node) || node.type !== 'AccessAttribute' || typeof node.name !== 'string') return undefined
  if (node.base === undefined || (isNode(node.base) && node.base.type === 'This')) return [node.name]
  const base = attributePath(node.base)
  return base ? [...base, node.name] : undefined
}

function valueAt(doc: unknown, path: string[]): unknown {
  let value = doc
  for (const name of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, name)) return undefined
    value = (value as Record<string, unknown>)[name]
  }
  return value
}

type Attr = '_id' | '_type' | 'slug.current'

function pinnedAttribute(node: unknown): Attr | undefined {
  const path = attributePath(node)?.join('.')
  return path === '_id' || path === '_type' || path === 'slug.current' ? path : undefined
}

type IndexKind = Attr | 'references' | 'deepRefs'

function indexDocs(kind: IndexKind, view: View, value: string): SanityDocument[] {
  if (kind === '_id') {
    const doc = view.get(value)
    return doc ? [doc] : []
  }
  return indexOf(kind, view).get(value) ?? []
}

function indexOf(kind: Exclude<IndexKind, '_id'>, view: View) {
  if (kind === '_type') return view.byType
  if (kind === 'slug.current') return view.index('slug.current', slugKeys)
  if (kind === 'references') return view.index('references', refsOf)
  return view.index('deepRefs', deepRefsOf)
}

function membership(kind: IndexKind, values: string[]): (doc: SanityDocument) => boolean {
  const wanted = new Set(values)
  switch (kind) {
    case '_id':
      return (doc) => wanted.has(doc._id)
    case '_type':
      return (doc) => wanted.has(doc._type)
    case 'slug.current':
      return (doc) => {
        const current = slugOf(doc)
        return typeof current === 'string' && wanted.has(current)
      }
    case 'references':
      return (doc) => [...refsOf(doc)].some((ref) => wanted.has(ref))
    case 'deepRefs':
      return (doc) => [...deepRefsOf(doc)].some((ref) => wanted.has(ref))
  }
}

function lookup(kind: IndexKind, rawValues: string[], view: View, exact = true): Candidates {
  const values = [...new Set(rawValues)]
  let docs: SanityDocument[]
  let ordered = true
  if (values.length === 1) docs = indexDocs(kind, view, values[0] as string)
  else {
    const lists = values.map((value) => indexDocs(kind, view, value)).filter((list) => list.length > 0)
    docs = lists.length === 1 ? (lists[0] as SanityDocument[]) : [...new Set(lists.flat())]
    ordered = lists.length <= 1
  }
  return {docs, ordered, exact, has: membership(kind, values)}
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

// ---- text: `field match "pattern"` ----

// groq-js's tokenizer (shared.mjs): a token is a run of these characters, edge dots removed
const TOKEN_CHARS = /([^!@#$%^&*(),\\/?";:{}|[\]+<>\s-])+/g
const PATTERN_CHARS = /([^!@#$%^&(),\\/?";:{}|[\]+<>\s-])+/g
const EDGE_DOTS = /(\b\.+|\.+\b)/g
/** Pattern terms the index answers: ASCII letters and digits, optionally ending in `*`. Others are not narrowed. */
const SIMPLE_TERM = /^([a-z0-9]{1,1000})(\*?)$/i
/** Documents holding a token outside ASCII letters and digits sit under this key: always candidates. */
const UNSURE = '\u0000unsure'

function textKeys(path: string[]): (doc: SanityDocument) => Set<string> {
  return (doc) => {
    const keys = new Set<string>()
    const value = valueAt(doc, path)
    const texts = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
    for (const text of texts) {
      for (const token of text.replace(EDGE_DOTS, '').match(TOKEN_CHARS) ?? []) {
        if (/^[a-z0-9]+$/i.test(token)) keys.add(token.toLowerCase())
        else keys.add(UNSURE)
      }
    }
    return keys
  }
}

/** Candidates for `path match pattern`: every term must match a token (groq-js `matchText`). Not exact: groq-js confirms. */
function matchCandidates(path: string[], pattern: string, view: View): Candidates | undefined {
  const terms = pattern.replace(EDGE_DOTS, '').match(PATTERN_CHARS) ?? []
  if (terms.length === 0) return undefined
  const parsed = terms.map((term) => SIMPLE_TERM.exec(term))
  if (parsed.some((m) => !m)) return undefined
  const index = view.index(`text:${path.join('.')}`, textKeys(path))
  const unsure = index.get(UNSURE) ?? []
  const only = parsed.length === 1 ? (parsed[0] as RegExpExecArray) : undefined
  if (only && !only[2] && unsure.length === 0) {
    // one whole word: its list, already in dataset order
    const docs = index.get((only[1] as string).toLowerCase()) ?? []
    let set: Set<SanityDocument> | undefined
    return {docs, ordered: true, exact: true, has: (doc) => (set ??= new Set(docs)).has(doc)}
  }
  let result: Set<SanityDocument> | undefined
  for (const m of parsed as RegExpExecArray[]) {
    const word = (m[1] as string).toLowerCase()
    const found = new Set<SanityDocument>(unsure)
    if (m[2]) {
      for (const key of index.keys()) if (key.startsWith(word) && key !== UNSURE) for (const doc of index.get(key) ?? []) found.add(doc)
    } else for (const doc of index.get(word) ?? []) found.add(doc)
    result = result ? new Set([...result].filter((doc) => found.has(doc))) : found
  }
  const docs = [...(result ?? [])]
  const set = new Set(docs)
  // exact unless a document with tokens outside ASCII letters and digits is among them (groq-js decides those)
  return {docs, ordered: false, exact: unsure.length === 0, has: (doc) => set.has(doc)}
}

/** The documents a filter constraint can possibly match, or undefined when it pins nothing. */
function candidates(node: unknown, view: View): Candidates | undefined {
  if (!isNode(node)) return undefined
  if (node.type === 'Group') return candidates(node.base, view)
  if (node.type === 'And') {
    const left = candidates(node.left, view)
    const right = candidates(node.right, view)
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
    const left = candidates(node.left, view)
    const right = candidates(node.right, view)
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
    const values = constantStrings(leftAttr ? node.right : node.left, false)
    return values ? lookup(attr, values, view) : undefined
  }
  if (node.type === 'FuncCall' && node.name === 'references' && node.namespace === 'global') {
    const values = referenceArgs(node.args)
    return values ? lookup('references', values, view) : undefined
  }
  if (node.type === 'OpCall' && node.op === 'in') {
    const attr = pinnedAttribute(node.left)
    const values = attr ? constantStrings(node.right, true) : undefined
    return attr && values ? lookup(attr, values, view) : undefined
  }
  if (node.type === 'OpCall' && node.op === 'match') {
    const path = attributePath(node.left)
    const pattern = isNode(node.right) && node.right.type === 'Value' && typeof node.right.value === 'string' ? node.right.value : undefined
    return path && pattern !== undefined ? matchCandidates(path, pattern, view) : undefined
  }
  return undefined
}

// ---- correlated subqueries ----

/** `^.a.b`: an attribute path on the parent scope, else undefined. */
function parentPath(node: unknown): boolean {
  if (!isNode(node) || node.type !== 'AccessAttribute') return false
  const base = node.base
  return (isNode(base) && base.type === 'Parent' && base.n === 1) || parentPath(base)
}

/** `x[]._ref`, `x._ref`, `x[].y._ref`: any path on the current item that ends in `._ref`. */
function endsInRef(node: unknown): boolean {
  if (!isNode(node)) return false
  if (node.type === 'AccessAttribute') return node.name === '_ref' && (node.base === undefined || onCurrentItem(node.base))
  if (node.type === 'Map') return onCurrentItem(node.base) && endsInRef(node.expr)
  return false
}

function onCurrentItem(node: unknown): boolean {
  if (!isNode(node)) return false
  if (node.type === 'This') return true
  if (node.type === 'AccessAttribute') return node.base === undefined || onCurrentItem(node.base)
  if (node.type === 'ArrayCoerce') return onCurrentItem(node.base)
  return false
}

interface CorrelatedPin {
  kind: IndexKind
  key: Node
  exact: boolean
}

/** A conjunct that pins the item to a key read off the parent scope. */
function correlatedPin(node: Node): CorrelatedPin | undefined {
  if (node.type === 'Group' && isNode(node.base)) return correlatedPin(node.base)
  if (node.type === 'FuncCall' && node.namespace === 'global' && node.name === 'references') {
    const args = node.args as unknown[]
    return args.length === 1 && parentPath(args[0]) ? {kind: 'references', key: args[0] as Node, exact: true} : undefined
  }
  if (node.type === 'OpCall' && node.op === '==') {
    for (const [side, other] of [
      [node.left, node.right],
      [node.right, node.left],
    ] as const) {
      if (!parentPath(other)) continue
      if (pinnedAttribute(side) === '_id') return {kind: '_id', key: other as Node, exact: true}
      if (endsInRef(side)) return {kind: 'deepRefs', key: other as Node, exact: false}
    }
    return undefined
  }
  if (node.type === 'OpCall' && node.op === 'in' && parentPath(node.left) && endsInRef(node.right)) {
    return {kind: 'deepRefs', key: node.left as Node, exact: false}
  }
  return undefined
}

function conjuncts(node: unknown): Node[] {
  if (!isNode(node)) return []
  if (node.type === 'And') return [...conjuncts(node.left), ...conjuncts(node.right)]
  if (node.type === 'Group') return conjuncts(node.base)
  return [node]
}

interface TopK {
  path: string[]
  desc: boolean
  k: number
}

interface Plan {
  pin: CorrelatedPin
  /** the other conjuncts (their source, for the plan's signature) and their constant candidates, when they have any */
  others: Node[]
  rest: Candidates | undefined
  exact: boolean
  topK?: TopK
  /** only the first `limit` (a slice with no order) */
  limit?: number
  count?: boolean
}

const signatures = new WeakMap<Plan, string>()

/** What a plan computes, as a string: answers are remembered per view state under it and the key. */
function signatureOf(plan: Plan): string {
  let signature = signatures.get(plan)
  if (signature === undefined) {
    signature = JSON.stringify(['plan', plan.pin.kind, plan.others, plan.topK, plan.limit, plan.count === true])
    signatures.set(plan, signature)
  }
  return signature
}

/** Per query: the plans the `dereference` hook answers, under a prefix no document can guess. */
export class Planner {
  private readonly prefix = `\u0000ahp:${randomBytes(6).toString('hex')}:`
  private readonly plans: Plan[] = []

  constructor(
    readonly view: View,
    private readonly source: (docs: readonly SanityDocument[]) => unknown,
  ) {}

  /** `{}{"_ref": "<prefix><plan>:" + key}`: evaluated where the filter's items are, so `^` means what it means there. */
  keyNode(plan: Plan, key: Node): Node {
    this.plans.push(plan)
    const tag = `${this.prefix}${this.plans.length - 1}:`
    return {
      type: 'Projection',
      base: {type: 'Object', attributes: []},
      expr: {type: 'Object', attributes: [{type: 'ObjectAttributeValue', name: '_ref', value: {type: 'OpCall', op: '+', left: {type: 'Value', value: tag}, right: key}}]},
    }
  }

  /** The `dereference` hook's answer for one of our refs, or undefined for an ordinary one. */
  answer(ref: string): unknown {
    if (!ref.startsWith(this.prefix)) return undefined
    const colon = ref.indexOf(':', this.prefix.length)
    const plan = this.plans[Number(ref.slice(this.prefix.length, colon))]
    if (!plan) return null
    const key = ref.slice(colon + 1)
    const result = this.view.remember(`${signatureOf(plan)}\u0000${key}`, () => {
      let docs = indexDocs(plan.pin.kind, this.view, key)
      if (plan.rest) docs = docs.filter(plan.rest.has)
      if (plan.topK) docs = topK(docs, plan.topK)
      if (plan.limit !== undefined) docs = docs.slice(0, plan.limit)
      return plan.count ? docs.length : docs
    })
    return typeof result === 'number' ? result : this.source(result)
  }
}

function correlatedPlan(expr: unknown, view: View): Plan | undefined {
  const parts = conjuncts(expr)
  let pin: CorrelatedPin | undefined
  const others: Node[] = []
  for (const part of parts) {
    const found = pin ? undefined : correlatedPin(part)
    if (found) pin = found
    else others.push(part)
  }
  if (!pin) return undefined
  let rest: Candidates | undefined
  let exact = pin.exact
  if (others.length > 0) {
    const tree = others.slice(1).reduce<Node>((left, right) => ({type: 'And', left, right}), others[0] as Node)
    rest = candidates(tree, view)
    exact = exact && rest !== undefined && rest.exact
  }
  return {pin, others, rest, exact}
}

// ---- order(...)[a...b] ----

/** Orders by a plain attribute path with constant non-negative slice bounds: what top-k can serve. */
function topKOf(slice: Node): TopK | undefined {
  const order = slice.base
  if (!isNode(order) || order.type !== 'PipeFuncCall' || order.name !== 'order') return undefined
  const args = order.args as unknown[]
  const first = args[0]
  if (!isNode(first)) return undefined
  const desc = first.type === 'Desc'
  const keyNode = first.type === 'Desc' || first.type === 'Asc' ? first.base : first
  const path = attributePath(keyNode)
  const k = sliceLimit(slice)
  return path && k !== undefined ? {path, desc, k} : undefined
}

/** How many leading items a slice with constant non-negative bounds reads. */
function sliceLimit(slice: Node): number | undefined {
  const {left, right, isInclusive} = slice
  if (typeof left !== 'number' || typeof right !== 'number' || left < 0 || right < 0) return undefined
  return right + (isInclusive ? 1 : 0)
}

/** Every document whose key is not a string, and those whose string key is among the k best (ties kept), in their order. */
function topK(docs: SanityDocument[], {path, desc, k}: TopK): SanityDocument[] {
  if (docs.length <= k) return docs
  if (k === 0) return docs.filter((doc) => typeof valueAt(doc, path) !== 'string')
  // a heap of the k best keys, its root the worst of them
  const heap: string[] = []
  const worse = desc ? (a: string, b: string) => a < b : (a: string, b: string) => a > b
  for (const doc of docs) {
    const key = valueAt(doc, path)
    if (typeof key !== 'string') continue
    if (heap.length < k) {
      heap.push(key)
      let i = heap.length - 1
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (!worse(heap[i] as string, heap[parent] as string)) break
        ;[heap[i], heap[parent]] = [heap[parent] as string, heap[i] as string]
        i = parent
      }
    } else if (worse(heap[0] as string, key)) {
      heap[0] = key
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && worse(heap[l] as string, heap[m] as string)) m = l
        if (r < heap.length && worse(heap[r] as string, heap[m] as string)) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m] as string, heap[i] as string]
        i = m
      }
    }
  }
  if (heap.length < k) return docs
  const threshold = heap[0] as string
  return docs.filter((doc) => {
    const key = valueAt(doc, path)
    return typeof key !== 'string' || !worse(key, threshold)
  })
}

// ---- the rewrite ----

/** Narrowed candidates: a Value node, marked so that large ones become cooperative sources. */
const candidateNodes = new WeakSet<object>()
export const isCandidateNode = (node: object) => candidateNodes.has(node)

function candidateNode(docs: SanityDocument[]): Node {
  const node = {type: 'Value', value: docs}
  candidateNodes.add(node)
  return node
}

/** Exactly answered correlated subqueries: `coalesce(<key>->, *[constraint])`, with their plan. */
const correlatedNodes = new WeakMap<object, {plan: Plan; key: Node; fallback: Node}>()

export function narrow(tree: unknown, planner: Planner): unknown {
  const view = planner.view
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk)
    if (typeof node !== 'object' || node === null) return node
    if (isNode(node) && node.type === 'Value') return node
    const out: Node = {type: ''}
    for (const [key, value] of Object.entries(node)) out[key] = walk(value)
    if (!isNode(node)) return out
    if (node.type === 'Filter' && isNode(node.base) && node.base.type === 'Everything') return filterOverEverything(node, out)
    if (node.type === 'FuncCall' && node.namespace === 'global' && node.name === 'count' && Array.isArray(out.args) && out.args.length === 1) {
      const arg = out.args[0] as Node
      if (candidateNodes.has(arg)) return {type: 'Value', value: (arg.value as unknown[]).length}
      const correlated = correlatedNodes.get(arg)
      if (correlated) return correlatedNode({...correlated.plan, count: true}, correlated.key, {...out})
    }
    if (node.type === 'Slice' && isNode(out.base) && out.base.type !== 'PipeFuncCall') {
      // `[a...b]` of candidates in dataset order reads only the first b
      const limit = sliceLimit(out)
      const base = out.base
      if (limit !== undefined && candidateNodes.has(base)) return {...out, base: candidateNode((base.value as SanityDocument[]).slice(0, limit))}
      const correlated = limit !== undefined ? correlatedNodes.get(base) : undefined
      if (limit !== undefined && correlated) return {...out, base: correlatedNode({...correlated.plan, limit}, correlated.key, correlated.fallback)}
    }
    if (node.type === 'Slice' && isNode(out.base) && out.base.type === 'PipeFuncCall') {
      const k = topKOf(out)
      const orderNode = out.base
      const base = orderNode.base as Node
      if (k && candidateNodes.has(base)) {
        const best = view.remember(`slice${JSON.stringify(node)}`, () => topK(base.value as SanityDocument[], k))
        return {...out, base: {...orderNode, base: candidateNode(best)}}
      }
      const correlated = k ? correlatedNodes.get(base) : undefined
      if (k && correlated) {
        return {...out, base: {...orderNode, base: correlatedNode({...correlated.plan, topK: k}, correlated.key, correlated.fallback)}}
      }
    }
    return out
  }

  const filterOverEverything = (node: Node, out: Node): Node => {
    // a key from the parent scope pins fewer documents than any constant beside it
    const plan = correlatedPlan(node.expr, view)
    if (plan?.exact) return correlatedNode(plan, plan.pin.key, out)
    if (plan) {
      const lookup: Node = {type: 'Deref', base: planner.keyNode(plan, plan.pin.key)}
      return {...out, base: {type: 'FuncCall', namespace: 'global', name: 'coalesce', args: [lookup, out.base]}}
    }
    const found = view.remember(`filter${JSON.stringify(node.expr)}`, () => {
      const found = candidates(node.expr, view)
      if (!found) return undefined
      // keep the dataset's order: groq-js returns `*` in dataset order
      const docs = found.ordered ? found.docs : [...found.docs].sort((a, b) => view.positionOf(a) - view.positionOf(b))
      return {docs, exact: found.exact}
    }, (found) => found?.docs.length ?? 1)
    if (!found) return out
    return found.exact ? candidateNode(found.docs) : {...out, base: candidateNode(found.docs)}
  }

  const correlatedNode = (plan: Plan, key: Node, fallback: Node): Node => {
    const node: Node = {type: 'FuncCall', namespace: 'global', name: 'coalesce', args: [{type: 'Deref', base: planner.keyNode(plan, key)}, fallback]}
    correlatedNodes.set(node, {plan, key, fallback})
    return node
  }

  return walk(tree)
}
