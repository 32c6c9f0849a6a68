import type {MendozaPatch} from './mendoza.js'

/** A stored document: any JSON object with an `_id` and a `_type`. */
export interface SanityDocument {
  _id: string
  _type: string
  _rev?: string
  _createdAt?: string
  _updatedAt?: string
  [key: string]: unknown
}

/** One mutation as the HTTP API accepts it (`{create}`, `{patch}`, ...), kept as JSON. */
export type MutationJson = Record<string, unknown>

export interface DocumentChange {
  id: string
  before: SanityDocument | null
  after: SanityDocument | null
  /** the mutations applied to this document, with ids resolved (patch by query becomes patch by id) */
  mutations: MutationJson[]
}

export interface CommittedChange extends DocumentChange {
  effects: {apply: MendozaPatch; revert: MendozaPatch}
}

export interface CommittedTransaction {
  id: string
  seq: number
  timestamp: string
  author: string
  changes: CommittedChange[]
}

/** Roles of accounts and of content tokens. */
export type ContentRole = 'administrator' | 'editor' | 'viewer'

/** Every token role: a `metrics` token reads `/metrics` and nothing else (no content, no sign-in). */
export type Role = ContentRole | 'metrics'

/** Who is calling: `null` role means anonymous. */
export interface Caller {
  role: Role | null
  userId: string
}
