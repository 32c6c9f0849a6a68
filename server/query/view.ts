import type {Dataset} from '../store.js'
import type {CommittedTransaction, SanityDocument} from '../types.js'

/**
 * Views: the documents a perspective sees, in dataset order, with their indexes, kept up to date
 * commit by commit. A commit costs work in proportion to what it changed (plus one copy of each
 * list a running query still holds), never a rebuild of the dataset.
 *
 * Order: groq-js returns `*` in dataset order, the insertion order of `Dataset.docs` (a Map: an
 * update keeps its place, a delete and re-create moves to the end). `positions` mirrors it, and
 * every list below is sorted by the position of the document each entry came from.
 */

export type Perspective = string[]

export interface ViewOptions {
  perspective: Perspective
  publicOnly: boolean
  hideVersions: boolean
}

/** Documents sorted by position. A list handed to a query (`snapshot()`) is never changed again: the next change copies it. */
export class OrderedList {
  private docs: SanityDocument[] = []
  private pos: number[] = []
  private shared = false

  get length(): number {
    return this.docs.length
  }

  /** The documents as they are now; later changes leave the returned array alone. */
  snapshot(): SanityDocument[] {
    this.shared = true
    return this.docs
  }

  /** Appends during a build, in ascending positions. */
  push(doc: SanityDocument, position: number): void {
    this.own()
    this.docs.push(doc)
    this.pos.push(position)
  }

  insert(doc: SanityDocument, position: number): void {
    this.own()
    const i = this.lowerBound(position)
    if (this.pos[i] === position) this.docs[i] = doc
    else if (i === this.docs.length) {
      this.docs.push(doc)
      this.pos.push(position)
    } else {
      this.docs.splice(i, 0, doc)
      this.pos.splice(i, 0, position)
    }
  }

  remove(position: number): void {
    const i = this.lowerBound(position)
    if (this.pos[i] !== position) return
    this.own()
    this.docs.splice(i, 1)
    this.pos.splice(i, 1)
  }

  private own(): void {
    if (!this.shared) return
    this.docs = this.docs.slice()
    this.pos = this.pos.slice()
    this.shared = false
  }

  private lowerBound(position: number): number {
    let lo = 0
    let hi = this.pos.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.pos[mid] as number) < position) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/**
 * Documents by every key `keysOf` gives them, each list in dataset order. A key held by one
 * document keeps just that document (most slugs, most words of a title): a list costs ten times more.
 */
export class KeyIndex {
  readonly lists = new Map<string, OrderedList | SanityDocument>()
  constructor(
    readonly keysOf: (doc: SanityDocument) => Iterable<string>,
    private readonly positionOf: (doc: SanityDocument) => number,
  ) {}

  get(key: string): SanityDocument[] | undefined {
    const found = this.lists.get(key)
    return found === undefined ? undefined : found instanceof OrderedList ? found.snapshot() : [found]
  }

  keys(): IterableIterator<string> {
    return this.lists.keys()
  }

  add(doc: SanityDocument, position: number, building = false): void {
    for (const key of this.keysOf(doc)) {
      const found = this.lists.get(key)
      if (found === undefined) this.lists.set(key, doc)
      else if (found instanceof OrderedList) {
        if (building) found.push(doc, position)
        else found.insert(doc, position)
      } else {
        const list = new OrderedList()
        const other = this.positionOf(found)
        if (other < position) {
          list.push(found, other)
          list.push(doc, position)
        } else {
          list.push(doc, position)
          list.push(found, other)
        }
        this.lists.set(key, list)
      }
    }
  }

  delete(doc: SanityDocument, position: number): void {
    for (const key of this.keysOf(doc)) {
      const found = this.lists.get(key)
      if (found === undefined) continue
      if (!(found instanceof OrderedList)) {
        if (found === doc) this.lists.delete(key)
        continue
      }
      found.remove(position)
      if (found.length === 0) this.lists.delete(key)
    }
  }
}

interface Entry {
  doc: SanityDocument
  position: number
}

/** Splits `drafts.x` / `versions.r.x` into its layer prefix and its published id. */
export function splitId(id: string): {layer: string; baseId: string} {
  if (id.startsWith('drafts.')) return {layer: 'drafts.', baseId: id.slice('drafts.'.length)}
  if (id.startsWith('versions.')) {
    const dot = id.indexOf('.', 'versions.'.length)
    if (dot > 0) return {layer: id.slice(0, dot + 1), baseId: id.slice(dot + 1)}
  }
  return {layer: '', baseId: id}
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

function typeKeys(doc: SanityDocument): string[] {
  return typeof doc._type === 'string' ? [doc._type] : []
}

export class View {
  /** by the view's `_id` (the published id once overlaid) */
  private readonly entries = new Map<string, Entry>()
  private readonly all = new OrderedList()
  readonly byType = new KeyIndex(typeKeys, (doc) => this.positionOf(doc))
  /** answers of index plans, for this state of the view only (cleared by any change) */
  private readonly memo = new Map<string, unknown>()
  private memoWeight = 0
  /** built on first use, then kept up to date */
  private readonly lazy = new Map<string, KeyIndex>()
  private readonly raw: boolean
  private readonly layers: string[]

  constructor(
    private readonly dataset: Dataset,
    private readonly positions: Map<string, number>,
    private readonly options: ViewOptions,
  ) {
    this.raw = options.perspective[0] === 'raw'
    this.layers = layersOf(options.perspective)
    const keys = new Set<string>()
    for (const id of dataset.docs.keys()) keys.add(this.keyOf(id))
    const built: Entry[] = []
    for (const key of keys) {
      const entry = this.resolve(key)
      if (entry) built.push(entry)
    }
    // overlays sit at the position of the layer they came from
    if (!this.raw) built.sort((a, b) => a.position - b.position)
    for (const entry of built) {
      this.entries.set(entry.doc._id, entry)
      this.all.push(entry.doc, entry.position)
      this.byType.add(entry.doc, entry.position, true)
    }
  }

  docs(): SanityDocument[] {
    return this.all.snapshot()
  }

  get size(): number {
    return this.all.length
  }

  get(id: string): SanityDocument | undefined {
    return this.entries.get(id)?.doc
  }

  /** The position of a document of this view, for restoring dataset order after a merge. */
  positionOf(doc: SanityDocument): number {
    return this.entries.get(doc._id)?.position ?? 0
  }

  /** An index by `name`, built over the view on first use with `keysOf`, kept up to date after. */
  index(name: string, keysOf: (doc: SanityDocument) => Iterable<string>): KeyIndex {
    let index = this.lazy.get(name)
    if (!index) {
      index = new KeyIndex(keysOf, (doc) => this.positionOf(doc))
      for (const doc of this.all.snapshot()) index.add(doc, this.positionOf(doc), true)
      this.lazy.set(name, index)
    }
    return index
  }

  /** `compute()` once per state of the view: repeated queries reuse their index plans' answers until the next change. */
  remember<T>(signature: string, compute: () => T, weigh: (value: T) => number = (v) => (Array.isArray(v) ? v.length : 1)): T {
    if (this.memo.has(signature)) return this.memo.get(signature) as T
    const value = compute()
    // bounded by entries and by the documents the remembered lists hold
    const weight = weigh(value)
    if (this.memo.size >= MEMO_SIZE || this.memoWeight + weight > MEMO_WEIGHT) {
      this.memo.clear()
    this.memoWeight = 0
      this.memoWeight = 0
    }
    this.memo.set(signature, value)
    this.memoWeight += weight
    return value
  }

  /** The key a dataset id belongs to: itself in `raw`, else its published id. */
  keyOf(id: string): string {
    return this.raw ? id : splitId(id).baseId
  }

  /** Re-reads one key from the dataset and moves it in every list and index. */
  refresh(key: string): void {
    const before = this.entries.get(key)
    const after = this.resolve(key)
    if (before && after && before.doc === after.doc && before.position === after.position) return
    this.memo.clear()
    if (before) {
      this.entries.delete(key)
      this.all.remove(before.position)
      this.byType.delete(before.doc, before.position)
      for (const index of this.lazy.values()) index.delete(before.doc, before.position)
    }
    if (after) {
      this.entries.set(key, after)
      this.all.insert(after.doc, after.position)
      this.byType.add(after.doc, after.position)
      for (const index of this.lazy.values()) index.add(after.doc, after.position)
    }
  }

  /** What this view shows for a key, from the dataset as it is now. */
  private resolve(key: string): Entry | undefined {
    const {publicOnly, hideVersions} = this.options
    if (this.raw) {
      const doc = this.dataset.docs.get(key)
      if (!doc || (publicOnly && key.includes('.')) || (hideVersions && key.startsWith('versions.'))) return undefined
      return {doc, position: this.positions.get(key) ?? 0}
    }
    for (const layer of this.layers) {
      const id = layer + key
      const doc = this.dataset.docs.get(id)
      if (!doc) continue
      // the best layer present decides; a hidden best layer hides the document
      if (splitId(id).layer !== layer) return undefined
      const position = this.positions.get(id) ?? 0
      if (layer === '') return publicOnly && id.includes('.') ? undefined : {doc, position}
      if (publicOnly) return undefined
      // a release version marked to unpublish (`_system.delete`) hides the document in that perspective
      if (layer.startsWith('versions.') && (doc._system as {delete?: unknown} | undefined)?.delete === true) return undefined
      return {doc: {...doc, _id: key, _originalId: id}, position}
    }
    return undefined
  }
}

const VIEW_CACHE_SIZE = 8
const MEMO_SIZE = 512
const MEMO_WEIGHT = 1_000_000

interface DatasetViews {
  /** the dataset version these views reflect */
  version: number
  positions: Map<string, number>
  nextPosition: number
  views: Map<string, View>
}

const states = new WeakMap<Dataset, DatasetViews>()

function start(dataset: Dataset): DatasetViews {
  const positions = new Map<string, number>()
  let next = 0
  for (const id of dataset.docs.keys()) positions.set(id, next++)
  const state: DatasetViews = {version: dataset.version, positions, nextPosition: next, views: new Map()}
  states.set(dataset, state)
  const onTransaction = (tx: CommittedTransaction) => {
    if (states.get(dataset) !== state) return void dataset.events.off('transaction', onTransaction)
    // a commit this state did not see (none expected): start over on next use
    if (dataset.version !== state.version + 1) return void states.delete(dataset)
    state.version = dataset.version
    for (const change of tx.changes) {
      if (!dataset.docs.has(change.id)) state.positions.delete(change.id)
      else if (!state.positions.has(change.id)) state.positions.set(change.id, state.nextPosition++)
    }
    for (const view of state.views.values()) {
      const keys = new Set(tx.changes.map((change) => view.keyOf(change.id)))
      for (const key of keys) view.refresh(key)
    }
  }
  dataset.events.on('transaction', onTransaction)
  return state
}

/** The perspective's view of the dataset as it is now. */
export function viewFor(dataset: Dataset, options: ViewOptions): View {
  let state = states.get(dataset)
  if (!state || state.version !== dataset.version) state = start(dataset)
  const key = JSON.stringify([options.perspective, options.publicOnly, options.hideVersions])
  let view = state.views.get(key)
  if (!view) {
    view = new View(dataset, state.positions, options)
    if (state.views.size >= VIEW_CACHE_SIZE) state.views.delete(state.views.keys().next().value as string)
    state.views.set(key, view)
  }
  return view
}
