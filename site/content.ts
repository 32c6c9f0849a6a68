import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {SanityClient, SanityQueries} from '@sanity/client'
import {evaluateSync, parse, type ExprNode} from 'groq-js'

/** The result type Sanity TypeGen gave a query of `queries/`, or `unknown` for any other string. */
export type QueryResult<Q extends string> = Q extends keyof SanityQueries ? SanityQueries[Q] : unknown

/**
 * Where the site reads content: the Content API (live mode) or an export's files (static build).
 * Both answer the same GROQ from `queries/`, so a page is the same whichever mode renders it.
 */
export interface ContentReader {
  fetch<const Q extends string>(query: Q, params?: Record<string, unknown>): Promise<QueryResult<Q>>
}

/** A perspective as the API takes it: published, drafts, or a release stack such as `['rel1', 'drafts']`. */
export type SitePerspective = 'published' | 'drafts' | string[]

/**
 * Reads through @sanity/client with an explicit perspective on every query, so a client whose
 * token could read drafts still shows only published content in the public mode.
 */
export function clientReader(client: SanityClient, perspective: SitePerspective): ContentReader {
  return {
    fetch: (query, params = {}) =>
      client.fetch(query, params, {perspective: perspective as 'published', useCdn: false, filterResponse: true}) as Promise<never>,
  }
}

/** An image asset as the export expands it. */
interface ExportedAsset {
  _id: string
  url: string
  width?: number
  height?: number
  mimeType?: string
}

const IMAGE_ASSET_ID = /^image-[A-Za-z0-9]+-\d+x\d+-[A-Za-z0-9]+$/

function collectAssets(value: unknown, into: Map<string, ExportedAsset>): void {
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    for (const item of value) collectAssets(item, into)
    return
  }
  const record = value as Record<string, unknown>
  if (typeof record._id === 'string' && IMAGE_ASSET_ID.test(record._id) && typeof record.url === 'string') {
    into.set(record._id, record as unknown as ExportedAsset)
    return
  }
  for (const key in record) collectAssets(record[key], into)
}

export interface ExportContent {
  reader: ContentReader
  /** Image assets the exported documents use, by id, with the URL the export gives each. */
  assets: Map<string, ExportedAsset>
  documentCount: number
}

/**
 * Reads an export folder (`content:export --out DIR`): its `dataset.ndjson` is the published
 * content as stored, which `queries/` run against in-process with groq-js, as the API would.
 * Image assets come from the exported documents, where each image reference is expanded.
 */
export async function readExport(dir: string): Promise<ExportContent> {
  let text: string
  try {
    text = await readFile(join(dir, 'dataset.ndjson'), 'utf8')
  } catch {
    throw new Error(`${dir} is not an export: it has no dataset.ndjson (run npm run content:export -- --out ${dir})`)
  }
  const documents: Record<string, unknown>[] = []
  for (const line of text.split('\n')) if (line.trim() !== '') documents.push(JSON.parse(line) as Record<string, unknown>)
  const assets = new Map<string, ExportedAsset>()
  if (text.includes('"image-')) {
    const typeDirs = await readdir(join(dir, 'documents')).catch(() => [] as string[])
    for (const type of typeDirs.sort()) {
      const files = (await readdir(join(dir, 'documents', type))).sort()
      for (const file of files) {
        const body = await readFile(join(dir, 'documents', type, file), 'utf8')
        if (body.includes('"image-')) collectAssets(JSON.parse(body), assets)
      }
    }
  }
  // The asset documents themselves, so `asset->` in a query resolves as it does against the API.
  const dataset = [
    ...documents,
    ...[...assets.values()].map((asset) => ({
      _id: asset._id,
      _type: 'sanity.imageAsset',
      url: asset.url,
      mimeType: asset.mimeType,
      metadata: {dimensions: {width: asset.width, height: asset.height}},
    })),
  ]
  return {reader: groqReader(dataset), assets, documentCount: documents.length}
}

/**
 * Runs GROQ over documents in memory (published documents only: an export has no drafts), with
 * groq-js, the same evaluator the API uses. Speed comes from narrowing its input, as on the
 * server: a `*[...]` whose filter pins `_type` (and maybe `slug.current` or `_id`) is given only
 * the documents that can match, and `->` looks ids up in a map. The filter still runs on them, so
 * the answer is groq-js's own.
 */
export function groqReader(dataset: readonly Record<string, unknown>[]): ContentReader {
  const index = new DatasetIndex(dataset)
  const parsed = new Map<string, ExprNode>()
  const options = {dataset, dereference: ({_ref}: {_ref: string}) => index.byId.get(_ref) ?? null}
  // The documents never change, so each answer is kept: a list asked for by each of its pages
  // is computed once. Callers get the same object: pages only read what they are given.
  const answers = new Map<string, unknown>()
  return {
    async fetch(query, params = {}) {
      const key = `${query}\u0000${JSON.stringify(params)}`
      if (answers.has(key)) return answers.get(key) as never
      let tree = parsed.get(query)
      if (!tree) {
        tree = parse(query)
        parsed.set(query, tree)
      }
      const answer = evaluateSync(index.narrow(tree, params), {...options, params}).get()
      answers.set(key, answer)
      return answer as never
    },
  }
}

type Doc = Record<string, unknown>

class DatasetIndex {
  readonly byId = new Map<string, Doc>()
  private readonly byType = new Map<string, Doc[]>()
  private readonly bySlug = new Map<string, Doc[]>()

  constructor(dataset: readonly Doc[]) {
    for (const doc of dataset) {
      const id = doc._id as string
      const type = doc._type as string
      this.byId.set(id, doc)
      let list = this.byType.get(type)
      if (!list) this.byType.set(type, (list = []))
      list.push(doc)
      const slug = (doc.slug as {current?: unknown} | undefined)?.current
      if (typeof slug === 'string') {
        const key = `${type}\u0000${slug}`
        let same = this.bySlug.get(key)
        if (!same) this.bySlug.set(key, (same = []))
        same.push(doc)
      }
    }
  }

  /** A copy of `node` in which each narrowable `*` is replaced by its candidate documents. */
  narrow(node: ExprNode, params: Record<string, unknown>): ExprNode {
    const walk = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(walk)
      if (value === null || typeof value !== 'object') return value
      const record = value as Record<string, unknown>
      if (record.type === 'Value') return record
      const copy: Record<string, unknown> = {}
      for (const key in record) copy[key] = walk(record[key])
      if (record.type === 'Filter' && (record.base as {type?: string}).type === 'Everything') {
        const candidates = this.candidates(record.expr as ExprNode, params)
        if (candidates) copy.base = {type: 'Value', value: candidates}
      }
      return copy
    }
    return walk(node) as ExprNode
  }

  private candidates(expr: ExprNode, params: Record<string, unknown>): Doc[] | undefined {
    const terms: ExprNode[] = []
    const flatten = (node: ExprNode): void => {
      if (node.type === 'And') {
        flatten(node.left)
        flatten(node.right)
      } else terms.push(node)
    }
    flatten(expr)
    let types: string[] | undefined
    let slug: string | undefined
    let id: string | undefined
    for (const term of terms) {
      if (term.type !== 'OpCall') continue
      const field = attributePath(term.left)
      const operand = constant(term.right, params)
      if (operand === undefined) continue
      if (field === '_type' && term.op === '==' && typeof operand === 'string') types = [operand]
      else if (field === '_type' && term.op === 'in' && Array.isArray(operand) && operand.every((item) => typeof item === 'string')) types = operand as string[]
      else if (field === 'slug.current' && term.op === '==' && typeof operand === 'string') slug = operand
      else if (field === '_id' && term.op === '==' && typeof operand === 'string') id = operand
    }
    if (id !== undefined) {
      const doc = this.byId.get(id)
      return doc ? [doc] : []
    }
    if (!types) return undefined
    if (slug !== undefined) return types.flatMap((type) => this.bySlug.get(`${type}\u0000${slug}`) ?? [])
    return types.flatMap((type) => this.byType.get(type) ?? [])
  }
}

/** `slug.current` for an attribute path on the current document, else undefined. */
function attributePath(node: ExprNode): string | undefined {
  if (node.type !== 'AccessAttribute') return undefined
  if (!node.base) return node.name
  const base = attributePath(node.base)
  return base === undefined ? undefined : `${base}.${node.name}`
}

function constant(node: ExprNode, params: Record<string, unknown>): unknown {
  if (node.type === 'Value') return node.value
  if (node.type === 'Parameter') return params[node.name]
  return undefined
}
