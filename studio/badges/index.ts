import {useEffect, useState} from 'react'
import {type DocumentBadgeComponent, type DocumentBadgeDescription, type DocumentBadgeProps, useDocumentStore} from 'sanity'

import {expiredReason, localIsoDate, REPLACED_BY_TITLES_QUERY, supersededReason, type FrameworkLifecycle} from './frameworkLifecycle'

/** The version of the document the editor is looking at: the draft if there is one. */
function currentVersion(props: DocumentBadgeProps): FrameworkLifecycle | null {
  return (props.version ?? props.draft ?? props.published) as FrameworkLifecycle | null
}

/** "Expired": the framework no longer applies (status, or its last day has passed). Hover says why. */
export const ExpiredBadge: DocumentBadgeComponent = (props) => {
  const reason = expiredReason(currentVersion(props), localIsoDate())
  if (!reason) return null
  const description: DocumentBadgeDescription = {label: 'Expired', title: `Expired: ${reason}`, color: 'danger'}
  return description
}

/** The titles of the published frameworks that name this one under "Replaces", kept up to date live. */
export function useReplacedBy(publishedId: string): string[] {
  const documentStore = useDocumentStore()
  const [titles, setTitles] = useState<string[]>([])
  useEffect(() => {
    const subscription = documentStore
      .listenQuery(REPLACED_BY_TITLES_QUERY, {id: publishedId}, {perspective: 'published', tag: 'badges.superseded'})
      .subscribe({
        next: (result: unknown) => setTitles(Array.isArray(result) ? result.filter((t): t is string => typeof t === 'string') : []),
        error: () => setTitles([]),
      })
    return () => subscription.unsubscribe()
  }, [documentStore, publishedId])
  return titles
}

/** "Superseded": another framework replaces this one (status, or a published `supersedes`). Hover names it. */
export const SupersededBadge: DocumentBadgeComponent = (props) => {
  const replacedBy = useReplacedBy(props.id)
  const reason = supersededReason(currentVersion(props), replacedBy)
  if (!reason) return null
  return {label: 'Superseded', title: `Superseded: ${reason}`, color: 'warning'}
}

/** Badges for a document type, added after Sanity's own. */
export function badgesFor(schemaType: string): DocumentBadgeComponent[] {
  return schemaType === 'framework' ? [ExpiredBadge, SupersededBadge] : []
}
