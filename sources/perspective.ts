import type {Perspective, StoredDocument} from './types'

const DRAFTS_PREFIX = 'drafts.'
const VERSIONS_PREFIX = 'versions.'

export function isDraftId(id: string): boolean {
  return id.startsWith(DRAFTS_PREFIX)
}

export function isVersionId(id: string): boolean {
  return id.startsWith(VERSIONS_PREFIX)
}

export function publishedIdOf(id: string): string {
  if (isDraftId(id)) return id.slice(DRAFTS_PREFIX.length)
  if (isVersionId(id)) return id.split('.').slice(2).join('.')
  return id
}

/**
 * The documents a query sees under a perspective, as Sanity's Content Lake defines it:
 * `published` hides drafts and release versions; `drafts` overlays each draft on its published
 * document, keeping the published `_id` and recording the draft's in `_originalId`.
 */
export function applyPerspective(documents: readonly StoredDocument[], perspective: Perspective): StoredDocument[] {
  if (perspective === 'raw') return [...documents]
  const published = documents.filter((doc) => !isDraftId(doc._id) && !isVersionId(doc._id))
  if (perspective === 'published') return published

  const byId = new Map<string, StoredDocument>(published.map((doc) => [doc._id, doc]))
  for (const doc of documents) {
    if (!isDraftId(doc._id)) continue
    const id = publishedIdOf(doc._id)
    byId.set(id, {...doc, _id: id, _originalId: doc._id})
  }
  return [...byId.values()]
}
