import {useEffect, useState} from 'react'
import {type DocumentBadgeComponent, type DocumentBadgeDescription, type DocumentBadgeProps, useDocumentStore} from 'sanity'

import {isExpired, isSuperseded, localIsoDate, REPLACED_BY_QUERY, type FrameworkLifecycle} from './frameworkLifecycle'

/** The version of the document the editor is looking at: the draft if there is one. */
function currentVersion(props: DocumentBadgeProps): FrameworkLifecycle | null {
  return (props.version ?? props.draft ?? props.published) as FrameworkLifecycle | null
}

/** "Expired": the framework no longer applies (status, or its last day has passed). */
export const ExpiredBadge: DocumentBadgeComponent = (props) => {
  const today = localIsoDate()
  if (!isExpired(currentVersion(props), today)) return null
  const expiresAt = currentVersion(props)?.expiresAt
  const description: DocumentBadgeDescription = {
    label: 'Expired',
    title: typeof expiresAt === 'string' ? `This framework stopped applying after ${expiresAt}` : 'This framework no longer applies',
    color: 'danger',
  }
  return description
}

/** How many published frameworks name this one under "Replaces", kept up to date live. */
function useReplacedByCount(publishedId: string): number {
  const documentStore = useDocumentStore()
  const [count, setCount] = useState(0)
  useEffect(() => {
    const subscription = documentStore
      .listenQuery(REPLACED_BY_QUERY, {id: publishedId}, {perspective: 'published', tag: 'badges.superseded'})
      .subscribe({
        next: (result: unknown) => setCount(typeof result === 'number' ? result : 0),
        error: () => setCount(0),
      })
    return () => subscription.unsubscribe()
  }, [documentStore, publishedId])
  return count
}

/** "Superseded": another framework replaces this one (status, or a published `supersedes`). */
export const SupersededBadge: DocumentBadgeComponent = (props) => {
  const replacedBy = useReplacedByCount(props.id)
  if (!isSuperseded(currentVersion(props), replacedBy)) return null
  return {
    label: 'Superseded',
    title: replacedBy > 0 ? 'A newer framework replaces this one' : 'This framework has been replaced',
    color: 'warning',
  }
}

/** Badges for a document type, added after Sanity's own. */
export function badgesFor(schemaType: string): DocumentBadgeComponent[] {
  return schemaType === 'framework' ? [ExpiredBadge, SupersededBadge] : []
}
