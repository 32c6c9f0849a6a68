import {createHash} from 'node:crypto'

import type {PortableTextBlock} from '@portabletext/types'

import {documentContracts, manifestContract, typeIndexContract, type ExportedTypeName, type IndexEntry, type Manifest, EXPORT_SCHEMA_VERSION} from '../../../contracts'
import type {StoredDocument} from '../../../sources'
import {sortKeysDeep} from './canonicalJson'
import {IMAGE_ASSET_ID, type ExpandedAsset} from './imageAssets'
import {portableTextToHtml} from './portableText'
import {ROUTES, hasRoute, routeFor, titleFieldOf} from './routes'
import {schemaFiles} from './schemaFiles'

/** A document as exported: references expanded, slug flattened, with its route and HTML. */
export type ExportedRecord = Record<string, unknown> & {_id: string; _type: ExportedTypeName}

export interface ExpandedRef {
  _id: string
  _type: string
  slug: string
  title: string
  /** the frontend route of the document, from the route table */
  route: string
}

export interface BuiltExport {
  /** Every exported document, unless `emit` was given: then they went to it instead. */
  documents: ExportedRecord[]
  indexes: Map<ExportedTypeName, IndexEntry[]>
  /** dataset.ndjson, UTF-8, unless `writeLine` was given: then its lines went to it instead. */
  ndjson: Buffer
  manifest: Manifest
}

export interface BuildOptions {
  perspective: 'published' | 'drafts'
  /** The document types the schema allows. */
  allowedTypes: readonly string[]
  onProgress?: (done: number, total: number) => void
  /**
   * Receives each exported document as soon as it is ready, while no problem has been found, so
   * the caller can write it without holding the whole export in memory. After a problem nothing
   * more is emitted, and the build throws `ExportProblems` at the end.
   */
  emit?: (record: ExportedRecord) => Promise<void> | void
  /** Receives each line of dataset.ndjson, newline included, in order, on the same terms as `emit`. */
  writeLine?: (line: Buffer) => Promise<void> | void
  /**
   * The image assets the documents refer to, by id, from `fetchImageAssets`: `null` for an asset
   * document without a `url`. A reference to an asset not here is a problem of its document.
   */
  imageAssets?: ReadonlyMap<string, ExpandedAsset | null>
}

/** A problem with one document: what `content:export` refuses to export. */
export interface ExportProblem {
  id: string
  path?: string
  message: string
}

export class ExportProblems extends Error {
  constructor(readonly problems: ExportProblem[]) {
    super(problems.map(formatProblem).join('\n'))
    this.name = 'ExportProblems'
  }
}

export function formatProblem(problem: ExportProblem): string {
  return `document "${problem.id}"${problem.path ? `, field ${problem.path}` : ''}: ${problem.message}`
}

/** Ids become file names: Sanity's id characters only, and never `.` or `..`. */
const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/

type Segment = string | number

/** A field path as Sanity writes it: `body[_key=="a1"].markDefs[_key=="m1"].reference`. */
export function formatPath(root: unknown, path: readonly PropertyKey[]): string {
  let out = ''
  let value: unknown = root
  for (const segment of path) {
    if (typeof segment === 'number') {
      const item: unknown = Array.isArray(value) ? value[segment] : undefined
      const key = item !== null && typeof item === 'object' ? (item as {_key?: unknown})._key : undefined
      out += typeof key === 'string' ? `[_key=="${key}"]` : `[${segment}]`
      value = item
    } else {
      const name = String(segment)
      out += out === '' ? name : `.${name}`
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined
    }
  }
  return out
}

function slugOf(doc: StoredDocument): string | undefined {
  const slug = doc.slug as {current?: unknown} | string | undefined
  if (typeof slug === 'string') return slug || undefined
  return typeof slug?.current === 'string' && slug.current !== '' ? slug.current : undefined
}

/**
 * One walk over a stored value that makes two trees with keys sorted at every level: the value as
 * stored (for dataset.ndjson) and the value with every `{_ref}` replaced by its expanded target
 * (for the document file): a document becomes `ExpandedRef`, an image asset `ExpandedAsset`.
 * Subtrees without references are shared by both, so a document is copied about once. The
 * expanded tree of the value just walked is left in `expandedOut`.
 */
class ReferenceExpander {
  expandedOut: unknown
  private readonly path: Segment[] = []

  constructor(
    private readonly targets: Map<string, ExpandedRef>,
    private readonly assets: ReadonlyMap<string, ExpandedAsset | null>,
    private readonly onDangling: (path: Segment[], ref: string) => void,
  ) {}

  /** Returns the sorted stored value; the expanded one is in `expandedOut`. */
  walk(value: unknown): unknown {
    if (value === null || typeof value !== 'object') {
      this.expandedOut = value
      return value
    }
    if (Array.isArray(value)) return this.walkArray(value)
    const input = value as Record<string, unknown>
    const keys = Object.keys(input).sort()
    const sorted: Record<string, unknown> = {}
    let expanded: Record<string, unknown> | undefined
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!
      const item = input[key]
      if (item === undefined) continue
      this.path.push(key)
      const stored = this.walk(item)
      this.path.pop()
      sorted[key] = stored
      if (expanded) expanded[key] = this.expandedOut
      else if (this.expandedOut !== stored) {
        expanded = {}
        for (let before = 0; before < index; before++) {
          const name = keys[before]!
          if (name in sorted) expanded[name] = sorted[name]
        }
        expanded[key] = this.expandedOut
      }
    }
    const ref = input._ref
    if (typeof ref === 'string') {
      const target = this.targets.get(ref)
      if (!target) {
        const asset = this.assets.get(ref)
        if (asset) {
          this.expandedOut = asset
          return sorted
        }
        this.onDangling(this.path, ref)
        this.expandedOut = sorted
        return sorted
      }
      const key = input._key
      this.expandedOut =
        typeof key === 'string'
          ? {_id: target._id, _key: key, _type: target._type, route: target.route, slug: target.slug, title: target.title}
          : {_id: target._id, _type: target._type, route: target.route, slug: target.slug, title: target.title}
      return sorted
    }
    this.expandedOut = expanded ?? sorted
    return sorted
  }

  private walkArray(value: readonly unknown[]): unknown[] {
    const sorted = new Array<unknown>(value.length)
    let expanded: unknown[] | undefined
    for (let index = 0; index < value.length; index++) {
      this.path.push(index)
      const stored = this.walk(value[index])
      this.path.pop()
      sorted[index] = stored
      if (expanded) expanded[index] = this.expandedOut
      else if (this.expandedOut !== stored) {
        expanded = sorted.slice(0, index)
        expanded[index] = this.expandedOut
      }
    }
    this.expandedOut = expanded ?? sorted
    return sorted
  }
}

function valueAt(doc: Record<string, unknown>, dottedPath: string): unknown {
  let value: unknown = doc
  for (const name of dottedPath.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined
  }
  return value
}

/** The Portable Text field paths of each type, read from its contract's `html` shape. */
function portableTextPaths(type: ExportedTypeName): string[] {
  return Object.keys(documentContracts[type].shape.html.shape).sort()
}

const PT_PATHS = new Map<ExportedTypeName, string[]>(
  (Object.keys(documentContracts) as ExportedTypeName[]).map((type) => [type, portableTextPaths(type)]),
)


function danglingMessage(ref: string, imageAssets: ReadonlyMap<string, ExpandedAsset | null>): string {
  if (!IMAGE_ASSET_ID.test(ref)) return `refers to "${ref}", which is not in the export: publish it, or remove the reference`
  return imageAssets.has(ref)
    ? `uses image asset "${ref}", whose asset document has no url: upload the image again in the Studio, or remove the image`
    : `uses image asset "${ref}", which is not in the source: upload the image again in the Studio, or remove the image`
}

/**
 * Turn stored documents into the export. Every problem in every document is collected and thrown
 * together as `ExportProblems` at the end.
 */
export async function buildExport(stored: readonly StoredDocument[], options: BuildOptions): Promise<BuiltExport> {
  const problems: ExportProblem[] = []
  const imageAssets = options.imageAssets ?? new Map<string, ExpandedAsset | null>()
  const allowed = new Set(options.allowedTypes)
  const seen = new Set<string>()
  const targets = new Map<string, ExpandedRef>()
  const accepted: StoredDocument[] = []

  for (const doc of stored) {
    const id = doc._id
    if (seen.has(id)) {
      problems.push({id, message: 'appears more than once: each document id must be unique'})
      continue
    }
    seen.add(id)
    if (!SAFE_ID.test(id)) {
      problems.push({id, path: '_id', message: 'is not a valid document id: use letters, digits, "-" and "_" only'})
      continue
    }
    if (!allowed.has(doc._type) || !hasRoute(doc._type) || !Object.hasOwn(documentContracts, doc._type)) {
      problems.push({id, path: '_type', message: `has unknown type "${doc._type}": allowed types are ${[...allowed].sort().join(', ')}`})
      continue
    }
    const slug = slugOf(doc)
    const titleField = titleFieldOf(doc._type)
    const title = doc[titleField]
    if (slug === undefined) problems.push({id, path: 'slug', message: 'has no slug: generate one in the Studio so the page has an address'})
    if (typeof title !== 'string' || title === '') problems.push({id, path: titleField, message: `has no ${titleField}: add one so links to it have text`})
    if (slug === undefined || typeof title !== 'string' || title === '') continue
    targets.set(id, {_id: id, _type: doc._type, slug, title, route: routeFor(doc._type, slug)})
    accepted.push(doc)
  }

  const documents: ExportedRecord[] = []
  const indexes = new Map<ExportedTypeName, IndexEntry[]>()
  for (const type of Object.keys(documentContracts) as ExportedTypeName[]) indexes.set(type, [])
  const lines: Buffer[] = []
  const hash = createHash('sha256')
  let exported = 0
  let newest: string | null = null

  accepted.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))
  for (let index = 0; index < accepted.length; index++) {
    const doc = accepted[index]!
    const type = doc._type as ExportedTypeName
    const target = targets.get(doc._id)!
    const {_originalId: _origin, ...clean} = doc
    const problemsBefore = problems.length

    const expander = new ReferenceExpander(targets, imageAssets, (path, ref) => {
      problems.push({id: doc._id, path: formatPath(clean, path), message: danglingMessage(ref, imageAssets)})
    })
    const sortedStored = expander.walk(clean)
    // Editorial check overrides are editors' notes on the content, not content: a frontend never
    // shows them, so the exported documents leave them out. The NDJSON keeps them, for re-import.
    const {editorialOverrides: _overrides, ...expanded} = expander.expandedOut as Record<string, unknown>

    const html: Record<string, string> = {}
    for (const path of PT_PATHS.get(type)!) {
      const blocks = valueAt(expanded, path)
      if (Array.isArray(blocks)) html[path] = portableTextToHtml(blocks as PortableTextBlock[])
    }
    const withDerived: Record<string, unknown> = {...expanded, slug: target.slug, route: target.route, html}
    const record = {} as ExportedRecord
    for (const key of Object.keys(withDerived).sort()) (record as Record<string, unknown>)[key] = withDerived[key]

    // A dangling reference already explains what is wrong with this document: skip the contract.
    const checked = problems.length === problemsBefore ? documentContracts[type].safeParse(record) : undefined
    if (checked && !checked.success) {
      for (const issue of checked.error.issues) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : []
        const paths = keys.length > 0 ? keys.map((key) => [...issue.path, key]) : [issue.path]
        for (const path of paths) {
          problems.push({id: doc._id, path: formatPath(record, path) || undefined, message: keys.length > 0 ? 'is not a field of this type in the export contract' : issue.message})
        }
      }
    }

    if (problems.length === 0) {
      if (options.emit) await options.emit(record)
      else documents.push(record)
    }
    const summary = typeof doc.summary === 'string' ? doc.summary : typeof doc.description === 'string' ? doc.description : undefined
    const entry: IndexEntry = {_id: target._id, _type: target._type, slug: target.slug, title: target.title, route: target.route}
    if (summary !== undefined) entry.summary = summary
    if (typeof doc._updatedAt === 'string') entry._updatedAt = doc._updatedAt
    indexes.get(type)!.push(entry)
    const line = Buffer.from(`${JSON.stringify(sortedStored)}\n`)
    hash.update(line)
    exported++
    if (problems.length === 0) {
      if (options.writeLine) await options.writeLine(line)
      else lines.push(line)
    }
    if (typeof doc._updatedAt === 'string' && (newest === null || doc._updatedAt > newest)) newest = doc._updatedAt
    if ((index + 1) % 1000 === 0) options.onProgress?.(index + 1, accepted.length)
  }

  if (problems.length > 0) throw new ExportProblems(problems)

  const ndjson = Buffer.concat(lines)
  const counts: Record<string, number> = {}
  for (const [type, entries] of [...indexes].sort(([a], [b]) => (a < b ? -1 : 1))) counts[type] = entries.length
  const manifest: Manifest = {
    schemaVersion: EXPORT_SCHEMA_VERSION,
    schemaHash: schemaFiles().hash,
    perspective: options.perspective,
    generatedAt: newest,
    contentHash: `sha256:${hash.digest('hex')}`,
    total: exported,
    counts,
    routes: sortKeysDeep(ROUTES) as Record<string, string>,
  }
  // Built here from checked documents, so a mismatch is a bug in this module: throw, don't report.
  manifestContract.parse(manifest)
  for (const entries of indexes.values()) typeIndexContract.parse(entries)
  return {documents, indexes, ndjson, manifest}
}
