import {mutationError, type MutationErrorItem} from './errors.js'
import type {Dataset} from './store.js'
import type {DocumentChange, SanityDocument} from './types.js'

/**
 * References as the Content Lake keeps them. A strong reference (a `_ref` without `_weak: true`)
 * held by a published document blocks deleting or unpublishing the document it points to: the
 * whole transaction is refused with 409 `documentHasExistingReferencesError` naming the referrers,
 * as hosted Sanity answers. Drafts and release versions do not block (the Studio writes their
 * references weak, with `_strengthenOnPublish`); publishing strengthens them.
 *
 * The check needs the documents that refer to a deleted one: a reverse index per dataset, built
 * once from the in-memory view and kept up to date from its transactions, so a delete costs a map
 * lookup whatever the dataset's size.
 */

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Documents whose strong references count: published ones (and system documents), not drafts or release versions. */
export const holdsStrongReferences = (id: string) => !id.startsWith('drafts.') && !id.startsWith('versions.')

/** Every id this value refers to strongly, at any depth (a reference is not descended into). */
export function strongReferencesOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) strongReferencesOf(item, out)
  } else if (isRecord(value)) {
    if (typeof value._ref === 'string' && value._ref) {
      if (value._weak !== true) out.add(value._ref)
    } else {
      for (const key in value) strongReferencesOf(value[key], out)
    }
  }
  return out
}

/**
 * The document as publishing leaves it: each reference the Studio marked `_strengthenOnPublish`
 * becomes strong (or stays weak when the schema's reference is weak, `_strengthenOnPublish.weak`),
 * provided its target exists after the publish; a reference to a document that still does not
 * exist stays weak and marked, so it is strengthened by a later publish.
 */
export function strengthenOnPublish<T>(value: T, exists: (id: string) => boolean): T {
  if (Array.isArray(value)) return value.map((item: unknown) => strengthenOnPublish(item, exists)) as T
  if (!isRecord(value)) return value
  if (typeof value._ref === 'string') {
    const marker = value._strengthenOnPublish
    if (marker === undefined || !exists(value._ref)) return value
    const {_strengthenOnPublish: _s, _weak: _w, ...rest} = value
    return (isRecord(marker) && marker.weak === true ? {...rest, _weak: true} : rest) as T
  }
  const out: Record<string, unknown> = {}
  for (const key in value) out[key] = strengthenOnPublish(value[key], exists)
  return out as T
}

/** Referrer ids by target id, for the published documents of one dataset. */
class ReferenceIndex {
  private readonly referrers = new Map<string, Set<string>>()
  private readonly targets = new Map<string, Set<string>>()

  constructor(dataset: Dataset) {
    for (const [id, doc] of dataset.docs) this.set(id, doc)
    dataset.events.on('transaction', (tx: {changes: DocumentChange[]}) => {
      for (const change of tx.changes) this.set(change.id, change.after)
    })
  }

  private set(id: string, doc: SanityDocument | null): void {
    for (const target of this.targets.get(id) ?? []) {
      const set = this.referrers.get(target)
      set?.delete(id)
      if (set?.size === 0) this.referrers.delete(target)
    }
    this.targets.delete(id)
    if (!doc || !holdsStrongReferences(id)) return
    const targets = strongReferencesOf(doc)
    targets.delete(id)
    if (targets.size === 0) return
    this.targets.set(id, targets)
    for (const target of targets) {
      let set = this.referrers.get(target)
      if (!set) this.referrers.set(target, (set = new Set()))
      set.add(id)
    }
  }

  referrersOf(target: string): ReadonlySet<string> {
    return this.referrers.get(target) ?? new Set()
  }
}

const indexes = new WeakMap<Dataset, ReferenceIndex>()

function indexOf(dataset: Dataset): ReferenceIndex {
  let index = indexes.get(dataset)
  if (!index) indexes.set(dataset, (index = new ReferenceIndex(dataset)))
  return index
}

/** The published documents that would still refer strongly to `target` once `changes` are committed. */
export function referrersAfter(dataset: Dataset, target: string, changes: DocumentChange[]): string[] {
  const changed = new Map(changes.map((change) => [change.id, change.after]))
  const out = new Set<string>()
  for (const id of indexOf(dataset).referrersOf(target)) if (!changed.has(id)) out.add(id)
  for (const [id, after] of changed) {
    if (after && id !== target && holdsStrongReferences(id) && strongReferencesOf(after).has(target)) out.add(id)
  }
  return [...out].sort()
}

const quoteList = (ids: string[], max = 10) => {
  const shown = ids.slice(0, max).map((id) => `"${id}"`)
  if (ids.length > max) shown.push(`${ids.length - max} more`)
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : (shown[0] ?? '')
}

/**
 * Refuses (409, nothing written) a transaction that deletes a document published documents still
 * refer to strongly, as the Content Lake does. `deletedAt` gives the index of the mutation or
 * action that removed each document, for the error's items.
 */
export function assertNoBrokenReferences(dataset: Dataset, changes: DocumentChange[], deletedAt: (id: string) => number = () => 0): void {
  const items: MutationErrorItem[] = []
  for (const change of changes) {
    if (!change.before || change.after) continue
    const referencingIDs = referrersAfter(dataset, change.id, changes)
    if (referencingIDs.length === 0) continue
    const error = {
      type: 'documentHasExistingReferencesError',
      id: change.id,
      description: `Document "${change.id}" cannot be deleted as there are references to it from ${quoteList(referencingIDs)}`,
      referencingIDs,
    }
    items.push({index: deletedAt(change.id), error})
  }
  if (items.length > 0) throw mutationError(409, items)
}
