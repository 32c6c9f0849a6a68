import type {Dataset} from './store.js'

/**
 * `GET /data/history/<ds>/events/documents/<id>`: the document group's lifecycle events for the
 * Studio's History timeline (sanity 5 `beta.eventsAPI.documents`, on by default), worked out from
 * the transaction log: a draft created, published, unpublished, discarded, the group deleted. A
 * document written straight to its published id (an import) shows as published by that write.
 * Edits between them are not events: the Studio reads them from `/history/.../transactions`.
 * Newest first, as the Studio shows them.
 */

export type DocumentEvent =
  | {type: 'createDocumentVersion'; documentId: string; versionId: string; versionRevisionId: string; revisionId?: string; timestamp: string; author: string}
  | {
      type: 'publishDocumentVersion'
      documentId: string
      versionId: string
      revisionId: string
      versionRevisionId?: string
      publishCause: 'document.publish'
      timestamp: string
      author: string
    }
  | {type: 'unpublishDocument'; documentId: string; versionId: string; versionRevisionId: string; timestamp: string; author: string}
  | {type: 'deleteDocumentVersion'; documentId: string; versionId: string; versionRevisionId: string; timestamp: string; author: string}
  | {type: 'deleteDocumentGroup'; documentId: string; timestamp: string; author: string}

/** The published id of any id of a group: `drafts.x` and `versions.<release>.x` are versions of `x`. */
export function publishedIdOf(id: string): string {
  if (id.startsWith('drafts.')) return id.slice('drafts.'.length)
  const version = /^versions\.[^.]+\.(.+)$/.exec(id)
  return version?.[1] ?? id
}

type Effect = {apply: unknown; revert: unknown}

const isNullValue = (patch: unknown) => Array.isArray(patch) && patch.length === 2 && patch[0] === 0 && patch[1] === null

/** Whether the document existed before and after a transaction, from its mendoza effects. */
function existence(effect: Effect | undefined): {before: boolean; after: boolean} | undefined {
  if (!effect) return undefined
  return {before: !isNullValue(effect.revert), after: !isNullValue(effect.apply)}
}

export function documentEvents(dataset: Dataset, id: string, limit = 100): DocumentEvent[] {
  const publishedId = publishedIdOf(id)
  const draftId = `drafts.${publishedId}`
  const events: DocumentEvent[] = []
  let draftRev: string | undefined
  for (const tx of dataset.transactions([publishedId, draftId])) {
    const published = existence(tx.effects[publishedId] as Effect | undefined)
    const draft = existence(tx.effects[draftId] as Effect | undefined)
    const base = {documentId: publishedId, timestamp: tx.timestamp, author: tx.author}
    const draftGone = draft !== undefined && draft.before && !draft.after
    if (published?.after && draftGone) {
      events.push({...base, type: 'publishDocumentVersion', versionId: draftId, revisionId: tx.id, ...(draftRev ? {versionRevisionId: draftRev} : {}), publishCause: 'document.publish'})
    } else if (published && published.before && !published.after) {
      if (draft?.after || (draft === undefined && draftRev !== undefined)) {
        events.push({...base, type: 'unpublishDocument', versionId: draftId, versionRevisionId: tx.id})
      } else {
        events.push({...base, type: 'deleteDocumentGroup'})
      }
    } else if (published && !published.before && published.after) {
      // written straight to the published id (content:import, the seed, an API client): it was
      // published by that transaction, not a draft someone created
      events.push({...base, type: 'publishDocumentVersion', versionId: publishedId, revisionId: tx.id, versionRevisionId: tx.id, publishCause: 'document.publish'})
    } else if (draft && !draft.before && draft.after) {
      events.push({...base, type: 'createDocumentVersion', versionId: draftId, versionRevisionId: tx.id})
    } else if (draftGone) {
      events.push({...base, type: 'deleteDocumentVersion', versionId: draftId, versionRevisionId: draftRev ?? tx.id})
    }
    if (draft) draftRev = draft.after ? tx.id : undefined
  }
  return events.reverse().slice(0, limit)
}
