import {createHash} from 'node:crypto'
import {parse, type ExprNode} from 'groq-js'

import type {CommittedChange} from '../types.js'

/**
 * Sync tags: opaque names for the content a query's result comes from, as hosted Sanity puts
 * them in `syncTags` of a query response; the Live Content API sends the tags whose results may
 * have changed. Here a tag stands for a document type, or for the whole dataset:
 * - a query that reads documents only through one `*[...]` whose filter pins `_type` (`_type ==
 *   "x"`, `_type in [...]`, with literals or parameters) and follows no reference (`->`) gets
 *   one tag per type;
 * - any other query that reads documents gets the dataset's tag;
 * - a query that reads no documents (`1 + 1`) gets none.
 * Every change carries the tags of its document's type before and after, and the dataset's tag,
 * so a query is told of every change that can alter its result (coarse, never stale).
 */

export const ALL_TAG = tag('dataset')

function tag(name: string): string {
  return `s1:${createHash('sha1').update(name).digest('base64url').slice(0, 8)}`
}

export const typeTag = (type: string): string => tag(`type:${type}`)

function children(node: ExprNode): ExprNode[] {
  const out: ExprNode[] = []
  for (const value of Object.values(node as unknown as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item === 'object' && 'type' in item) out.push(item as ExprNode)
    } else if (value && typeof value === 'object' && 'type' in value) out.push(value as ExprNode)
  }
  return out
}

interface Shape {
  everything: number
  /** reads documents another way than one `*`: a reference followed, releases::all() */
  indirect: boolean
  filters: ExprNode[]
}

function scan(node: ExprNode, shape: Shape): Shape {
  if (node.type === 'Everything') shape.everything++
  if (node.type === 'Deref') shape.indirect = true
  if (node.type === 'FuncCall' && node.namespace === 'releases') shape.indirect = true
  if (node.type === 'Filter' && node.base.type === 'Everything') shape.filters.push(node.expr)
  for (const child of children(node)) scan(child, shape)
  return shape
}

const isTypeAttribute = (node: ExprNode) => node.type === 'AccessAttribute' && node.name === '_type' && (node.base === undefined || node.base.type === 'This')

function literal(node: ExprNode, params: Record<string, unknown>): unknown {
  if (node.type === 'Value') return node.value
  if (node.type === 'Parameter') return params[node.name]
  if (node.type === 'Array') return node.elements.every((e) => !e.isSplat) ? node.elements.map((e) => literal(e.value, params)) : undefined
  return undefined
}

/** The types a filter pins `_type` to, or undefined when it does not. */
function pinnedTypes(expr: ExprNode, params: Record<string, unknown>): string[] | undefined {
  if (expr.type === 'And') return pinnedTypes(expr.left, params) ?? pinnedTypes(expr.right, params)
  if (expr.type === 'Group') return pinnedTypes(expr.base, params)
  if (expr.type !== 'OpCall') return undefined
  if (expr.op === '==') {
    const value = isTypeAttribute(expr.left) ? literal(expr.right, params) : isTypeAttribute(expr.right) ? literal(expr.left, params) : undefined
    return typeof value === 'string' ? [value] : undefined
  }
  if (expr.op === 'in' && isTypeAttribute(expr.left)) {
    const value = literal(expr.right, params)
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined
  }
  return undefined
}

/** The sync tags of a query's result. A query that does not parse has none (the query route answers its error). */
export function syncTagsFor(query: string, params: Record<string, unknown>): string[] {
  let tree: ExprNode
  try {
    tree = parse(query, {params})
  } catch {
    return []
  }
  const shape = scan(tree, {everything: 0, indirect: false, filters: []})
  if (shape.everything === 0 && !shape.indirect) return []
  if (shape.everything === 1 && !shape.indirect && shape.filters.length === 1) {
    const types = pinnedTypes(shape.filters[0]!, params)
    if (types) return [...new Set(types)].sort().map(typeTag)
  }
  return [ALL_TAG]
}

/** The tags a change to one document invalidates. */
export function tagsForChange(change: Pick<CommittedChange, 'before' | 'after'>): string[] {
  const tags = new Set<string>([ALL_TAG])
  for (const doc of [change.before, change.after]) if (doc?._type) tags.add(typeTag(doc._type))
  return [...tags]
}
