import {randomUUID} from 'node:crypto'
import {Mutation} from '@sanity/mutator'
import {ApiError, badRequest, mutationError} from './errors.js'
import {evaluateOver, parseQuery} from './query.js'
import {assertNoBrokenReferences} from './references.js'
import type {Dataset} from './store.js'
import type {DocumentChange, MutationJson, SanityDocument} from './types.js'

const DOCUMENT_ID = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/

export function isValidDocumentId(id: unknown): id is string {
  return typeof id === 'string' && DOCUMENT_ID.test(id) && !id.includes('..') && !id.endsWith('.')
}

export function assertDocumentId(id: unknown, index = 0): asserts id is string {
  if (!isValidDocumentId(id)) {
    throw new ApiError(400, 'mutationError', `Document ID "${String(id)}" is not valid`, {
      items: [{index, error: {type: 'invalidDocumentIdError', description: `Malformed document ID: "${String(id)}"`}}],
    })
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export type Operation = 'create' | 'update' | 'delete' | 'none'

export interface MutationResult {
  id: string
  operation: Operation
  document?: SanityDocument | null
}

/** One error class for conflicts found while applying mutations (409 in the mutationError envelope). */
function conflict(index: number, type: string, id: string, description: string): ApiError {
  return mutationError(409, [{index, error: {type, id, description}}])
}

/**
 * Applies mutations to a working copy of a dataset; nothing is written until `finish()` hands the
 * changes to `Dataset.commit`. Runs synchronously between awaits of queries, so one request's
 * reads and writes see one consistent state (requests are serialised by the commit lock).
 */
export class TransactionBuilder {
  private readonly working = new Map<string, SanityDocument | null>()
  private readonly touched = new Map<string, {before: SanityDocument | null; mutations: MutationJson[]}>()
  /** the index of the mutation or action that deleted each document, for reference errors */
  private readonly deletedAt = new Map<string, number>()
  readonly results: MutationResult[] = []

  constructor(
    readonly dataset: Dataset,
    readonly transactionId: string,
    readonly timestamp: string,
  ) {}

  get(id: string): SanityDocument | null {
    return this.working.has(id) ? (this.working.get(id) ?? null) : (this.dataset.docs.get(id) ?? null)
  }

  /** All documents as this transaction sees them, in dataset order. */
  allDocuments(): SanityDocument[] {
    const out: SanityDocument[] = []
    for (const [id, doc] of this.dataset.docs) {
      const current = this.working.has(id) ? this.working.get(id) : doc
      if (current) out.push(current)
    }
    for (const [id, doc] of this.working) if (doc && !this.dataset.docs.has(id)) out.push(doc)
    return out
  }

  put(id: string, doc: SanityDocument | null, mutation: MutationJson): void {
    if (!this.touched.has(id)) this.touched.set(id, {before: this.dataset.docs.get(id) ?? null, mutations: []})
    this.touched.get(id)?.mutations.push(mutation)
    this.working.set(id, doc)
  }

  /** Stamps system fields on a document written by this transaction. */
  stamp(doc: SanityDocument, previous: SanityDocument | null): SanityDocument {
    return {
      ...doc,
      _createdAt: (typeof doc._createdAt === 'string' && doc._createdAt) || previous?._createdAt || this.timestamp,
      _updatedAt: this.timestamp,
      _rev: this.transactionId,
    }
  }

  /**
   * What this transaction changes, ready for `Dataset.commit`. Every write path (mutations,
   * actions, release publishing, the scheduler) passes here, so this is where the Content Lake's
   * reference rule holds: a delete or unpublish that would break a published document's strong
   * reference refuses the whole transaction (409, see server/references.ts).
   */
  changes(): DocumentChange[] {
    const out = this.pendingChanges()
    assertNoBrokenReferences(this.dataset, out, (id) => this.deletedAt.get(id) ?? 0)
    return out
  }

  /** What this transaction changes so far, unchecked. */
  pendingChanges(): DocumentChange[] {
    const out: DocumentChange[] = []
    for (const [id, {before, mutations}] of this.touched) {
      const after = this.working.get(id) ?? null
      if (before === null && after === null) continue
      out.push({id, before, after, mutations})
    }
    return out
  }

  // ---- document operations shared by mutations and actions ----

  create(doc: unknown, index: number, mode: 'create' | 'createIfNotExists' | 'createOrReplace'): MutationResult {
    if (!isRecord(doc)) throw badRequest(`Mutation ${index}: ${mode} needs a document object`)
    let id = doc._id
    if (id === undefined || id === null || id === '') {
      if (mode !== 'create') throw conflict(index, 'invalidDocumentIdError', '', `${mode} requires a document _id`)
      id = randomUUID()
    } else if (typeof id === 'string' && id.endsWith('.')) {
      id = `${id}${randomUUID()}`
    }
    assertDocumentId(id, index)
    if (typeof doc._type !== 'string' || doc._type === '') {
      throw mutationError(400, [{index, error: {type: 'validationError', id, description: `Document "${id}" has no _type`}}])
    }
    const existing = this.get(id)
    if (existing && mode === 'create') {
      throw conflict(index, 'documentAlreadyExistsError', id, `Document by ID "${id}" already exists`)
    }
    if (existing && mode === 'createIfNotExists') return {id, operation: 'none', document: existing}
    const written = this.stamp({...doc, _id: id, _type: doc._type}, existing)
    this.put(id, written, {[mode]: {...doc, _id: id}})
    return {id, operation: existing ? 'update' : 'create', document: written}
  }

  delete(id: string, index: number): MutationResult {
    assertDocumentId(id, index)
    const existing = this.get(id)
    if (existing) {
      this.put(id, null, {delete: {id}})
      this.deletedAt.set(id, index)
    }
    return {id, operation: 'delete', document: existing}
  }

  patch(id: string, patch: Record<string, unknown>, index: number): MutationResult {
    assertDocumentId(id, index)
    const existing = this.get(id)
    if (!existing) throw conflict(index, 'documentNotFoundError', id, `Document "${id}" not found`)
    const ifRevisionID = patch.ifRevisionID
    if (ifRevisionID !== undefined && ifRevisionID !== existing._rev) {
      throw conflict(
        index,
        'conflict',
        id,
        `Document "${id}" has unexpected revision ID ("${String(existing._rev)}"), expected "${String(ifRevisionID)}"`,
      )
    }
    const {query: _query, params: _params, ...byId} = patch
    const operation = {...byId, id}
    let patched: SanityDocument | null
    try {
      patched = new Mutation({mutations: [{patch: operation}]}).apply(structuredClone(existing)) as SanityDocument | null
    } catch (err) {
      throw mutationError(400, [
        {index, error: {type: 'patchError', id, description: err instanceof Error ? err.message : String(err)}},
      ])
    }
    if (!patched) throw conflict(index, 'documentNotFoundError', id, `Document "${id}" not found`)
    const written = this.stamp({...patched, _id: id, _type: typeof patched._type === 'string' ? patched._type : existing._type}, existing)
    this.put(id, written, {patch: operation})
    return {id, operation: 'update', document: written}
  }

  async idsByQuery(query: unknown, params: unknown, index: number): Promise<string[]> {
    if (typeof query !== 'string') throw badRequest(`Mutation ${index}: query must be a string`)
    const queryParams = isRecord(params) ? params : {}
    const tree = parseQuery(query, queryParams)
    const result = await evaluateOver(tree, this.allDocuments(), queryParams)
    const list = Array.isArray(result) ? result : result === null || result === undefined ? [] : [result]
    return list.flatMap((item) => (isRecord(item) && typeof item._id === 'string' ? [item._id] : typeof item === 'string' ? [item] : []))
  }

  /** Applies one mutation of the HTTP API (`{create}`, `{patch}`, ...). */
  async apply(mutation: unknown, index: number): Promise<MutationResult[]> {
    if (!isRecord(mutation)) throw badRequest(`Mutation ${index} is not an object`)
    const kinds = Object.keys(mutation)
    if (kinds.length !== 1) throw badRequest(`Mutation ${index} must have exactly one of create, createOrReplace, createIfNotExists, delete, patch`)
    const kind = kinds[0]
    const body = mutation[kind as string]
    switch (kind) {
      case 'create':
      case 'createIfNotExists':
      case 'createOrReplace':
        return [this.create(body, index, kind)]
      case 'delete': {
        if (!isRecord(body)) throw badRequest(`Mutation ${index}: delete needs {id} or {query}`)
        const ids = body.query !== undefined ? await this.idsByQuery(body.query, body.params, index) : [body.id]
        return ids.map((id) => this.delete(id as string, index))
      }
      case 'patch': {
        if (!isRecord(body)) throw badRequest(`Mutation ${index}: patch needs an object`)
        const ids = body.query !== undefined ? await this.idsByQuery(body.query, body.params, index) : [body.id]
        return ids.map((id) => this.patch(id as string, body, index))
      }
      default:
        throw badRequest(`Mutation ${index}: unknown mutation type "${String(kind)}"`)
    }
  }
}
