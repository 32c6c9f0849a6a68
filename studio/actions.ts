import type {DocumentActionComponent} from 'sanity'

import {guardedByReferences} from './references'
import {FIXED_DOCUMENTS} from './structure'

const FIXED_IDS = new Set(FIXED_DOCUMENTS.map((doc) => doc.id))

/**
 * Document actions. Sanity's own stay (publish, unpublish, discard changes, delete and the
 * rest). Delete and unpublish explain, instead of failing, when published documents refer to
 * the document (studio/references.tsx). A page that exists once at a fixed id (a hub, the job
 * planning guidance) cannot be duplicated, since a copy would be a second page nobody links to.
 */
export function actionsFor(previous: DocumentActionComponent[], documentId: string | undefined): DocumentActionComponent[] {
  const publishedId = documentId?.replace(/^drafts\./, '')
  const fixed = !!publishedId && FIXED_IDS.has(publishedId)
  return previous
    .filter((action) => !(fixed && action.action === 'duplicate'))
    .map((action) => (action.action === 'delete' || action.action === 'unpublish' ? guardedByReferences(action, action.action) : action))
}
