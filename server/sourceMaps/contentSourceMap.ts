import {parse, type ExprNode} from 'groq-js'

import type {SanityDocument} from '../types.js'

/**
 * Content Source Maps (`resultSourceMap=withKeyArraySelector`), as @sanity/client's stega
 * encoding and the Presentation tool read them: for each value of a query result that comes from
 * a document field, which document (`documents`) and which path in it (`paths`) it is. Mapped:
 * the fields of every object in the result that carries a document's `_id` (so `*[...]{...}`,
 * whole documents, and references followed with `->{_id, ...}`), each as the field of the same
 * name, or the attribute path its projection names (`"slug": slug.current`). A mapping covers
 * everything under it (an array of blocks, an object), with array items addressed by `_key`.
 * Values computed by the query (`count()`, string concatenation, `coalesce()`) are not mapped,
 * as hosted Sanity leaves them unmapped.
 */

type Segment = string | number

export interface ContentSourceMap {
  documents: {_id: string; _type: string}[]
  paths: string[]
  mappings: Record<string, {type: 'value'; source: {type: 'documentValue'; document: number; path: number}}>
}

const ESCAPE: Record<string, string> = {'\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', "'": "\\'", '\\': '\\\\'}

/** `$['a'][0]['b']`: the JSONPath the client builds for a result path. */
export function jsonPath(path: readonly Segment[]): string {
  return `$${path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `['${segment.replace(/[\f\n\r\t'\\]/g, (c) => ESCAPE[c]!)}']`)).join('')}`
}

/** An attribute chain from the current document (`slug.current`), or undefined. */
function attributePath(node: ExprNode): string[] | undefined {
  if (node.type === 'AccessAttribute') {
    if (node.base === undefined || node.base.type === 'This') return [node.name]
    const base = attributePath(node.base)
    return base ? [...base, node.name] : undefined
  }
  return undefined
}

/** Every projection's `"name": attribute.path`, when every projection that names it agrees. */
function projectedPaths(tree: ExprNode): Map<string, string[] | null> {
  const found = new Map<string, string[] | null>()
  const visit = (node: ExprNode) => {
    if (node.type === 'Object') {
      for (const attribute of node.attributes) {
        if (attribute.type !== 'ObjectAttributeValue') continue
        const path = attributePath(attribute.value)
        const seen = found.get(attribute.name)
        if (seen === undefined) found.set(attribute.name, path ?? null)
        else if (seen === null || !path || seen.join('.') !== path.join('.')) found.set(attribute.name, null)
      }
    }
    for (const value of Object.values(node as unknown as Record<string, unknown>)) {
      if (Array.isArray(value)) for (const item of value) if (item && typeof item === 'object' && 'type' in item) visit(item as ExprNode)
      if (value && typeof value === 'object' && !Array.isArray(value) && 'type' in value) visit(value as ExprNode)
    }
  }
  visit(tree)
  return found
}

function valueAt(doc: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = doc
  for (const name of path) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined
  return value
}

export function contentSourceMap(result: unknown, query: string, params: Record<string, unknown>, lookup: (id: string) => SanityDocument | undefined): ContentSourceMap {
  let projected = new Map<string, string[] | null>()
  try {
    projected = projectedPaths(parse(query, {params}))
  } catch {
    // the query ran, so it parses; without its projections, fields map by name only
  }
  const map: ContentSourceMap = {documents: [], paths: [], mappings: {}}
  const documentIndex = new Map<string, number>()
  const pathIndex = new Map<string, number>()

  const walk = (value: unknown, at: Segment[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...at, index]))
      return
    }
    if (value === null || typeof value !== 'object') return
    const record = value as Record<string, unknown>
    const id = typeof record._originalId === 'string' ? record._originalId : record._id
    const doc = typeof id === 'string' ? (lookup(id) ?? (typeof record._id === 'string' ? lookup(record._id) : undefined)) : undefined
    if (doc && typeof id === 'string') {
      let index = documentIndex.get(id)
      if (index === undefined) {
        index = map.documents.push({_id: id, _type: doc._type}) - 1
        documentIndex.set(id, index)
      }
      for (const key of Object.keys(record)) {
        if (key.startsWith('_')) continue
        const named = projected.get(key)
        // a name the query computes (`"title": upper(title)`) is not the field's value: unmapped
        const source = named === null ? undefined : named ? (valueAt(doc, named) !== undefined ? named : undefined) : key in doc ? [key] : undefined
        if (!source) continue
        const path = jsonPath(source)
        let pathNumber = pathIndex.get(path)
        if (pathNumber === undefined) {
          pathNumber = map.paths.push(path) - 1
          pathIndex.set(path, pathNumber)
        }
        map.mappings[jsonPath([...at, key])] = {type: 'value', source: {type: 'documentValue', document: index, path: pathNumber}}
      }
    }
    for (const [key, item] of Object.entries(record)) walk(item, [...at, key])
  }
  walk(result, [])
  return map
}
