import type {DocumentActionComponent} from 'sanity'

import {FIXED_DOCUMENTS} from './structure'

const FIXED_IDS = new Set(FIXED_DOCUMENTS.map((doc) => doc.id))

/**
 * Document actions. Sanity's own stay (publish, unpublish, discard changes, delete and the
 * rest); a page that exists once at a fixed id (a hub, the job planning guidance) cannot be
 * duplicated, since a copy would be a second page nobody links to.
 */
export function actionsFor(previous: DocumentActionComponent[], documentId: string | undefined): DocumentActionComponent[] {
  const publishedId = documentId?.replace(/^drafts\./, '')
  if (!publishedId || !FIXED_IDS.has(publishedId)) return previous
  return previous.filter((action) => action.action !== 'duplicate')
}
