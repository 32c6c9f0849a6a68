import {Box, Card, Stack, Text} from '@sanity/ui'
import {useEffect, useState} from 'react'
import {type DocumentActionComponent, type DocumentActionDescription, useDocumentStore} from 'sanity'

/**
 * The Content Lake refuses to delete or unpublish a document that published documents refer to
 * strongly (409, naming them). Sanity's own delete dialog only warns and offers "Delete anyway";
 * these wrappers say up front that the document cannot be deleted (or unpublished) and name the
 * documents to change first.
 */

export interface Referrer {
  _id: string
  _type: string
  label: string
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Whether `value` holds a reference to `id` without `_weak: true`, at any depth. */
export function refersStrongly(value: unknown, id: string): boolean {
  if (Array.isArray(value)) return value.some((item) => refersStrongly(item, id))
  if (!isRecord(value)) return false
  if (typeof value._ref === 'string') return value._ref === id && value._weak !== true
  return Object.values(value).some((item) => refersStrongly(item, id))
}

/** Published documents that refer to `$id`; drafts and release versions hold weak references that do not count. */
export const REFERRERS_QUERY = {
  fetch: '*[references($id) && !(_id in path("drafts.**")) && !(_id in path("versions.**"))]{_id, _type, "label": coalesce(title, name, _id), "doc": @}',
  listen: '*[references($id)]',
} as const

interface ReferrerRow extends Referrer {
  doc: unknown
}

/** The published documents that refer to `publishedId` strongly, kept up to date live; `undefined` while loading. */
export function useStrongReferrers(publishedId: string, enabled = true): Referrer[] | undefined {
  const documentStore = useDocumentStore()
  const [referrers, setReferrers] = useState<Referrer[] | undefined>(undefined)
  useEffect(() => {
    if (!enabled) return undefined
    const subscription = documentStore.listenQuery(REFERRERS_QUERY, {id: publishedId}, {perspective: 'raw', tag: 'references.strong'}).subscribe({
      next: (rows: unknown) =>
        setReferrers(
          (Array.isArray(rows) ? (rows as ReferrerRow[]) : [])
            .filter((row) => refersStrongly(row.doc, publishedId))
            .map(({_id, _type, label}) => ({_id, _type, label})),
        ),
      error: () => setReferrers([]),
    })
    return () => subscription.unsubscribe()
  }, [documentStore, publishedId, enabled])
  return referrers
}

const VERBS = {delete: 'deleted', unpublish: 'unpublished'} as const

function CannotRemove(props: {verb: 'deleted' | 'unpublished'; referrers: Referrer[]}) {
  const {verb, referrers} = props
  const count = referrers.length
  return (
    <Stack space={4} data-testid="cannot-remove-referenced">
      <Text size={1}>
        {count === 1 ? 'A published document refers' : `${count} published documents refer`} to this document, so it cannot be {verb}: readers
        would meet a broken link. Remove or change the reference in {count === 1 ? 'it' : 'each of them'} first, then try again.
      </Text>
      <Card radius={2} border padding={2}>
        <Stack as="ul" space={2}>
          {referrers.map((referrer) => (
            <Box as="li" key={referrer._id} paddingX={1}>
              <Text size={1}>
                <a href={`intent/edit/id=${encodeURIComponent(referrer._id)};type=${encodeURIComponent(referrer._type)}/`}>{referrer.label}</a>
              </Text>
            </Box>
          ))}
        </Stack>
      </Card>
    </Stack>
  )
}

const wrapped = new WeakMap<DocumentActionComponent, DocumentActionComponent>()

/**
 * Wraps Sanity's delete or unpublish action: while published documents refer to this one strongly,
 * it explains instead. One wrapper per original, so React keeps the action's state between renders.
 */
export function guardedByReferences(original: DocumentActionComponent, kind: 'delete' | 'unpublish'): DocumentActionComponent {
  let guarded = wrapped.get(original)
  if (!guarded) wrapped.set(original, (guarded = makeGuarded(original, kind)))
  return guarded
}

function makeGuarded(original: DocumentActionComponent, kind: 'delete' | 'unpublish'): DocumentActionComponent {
  const Guarded: DocumentActionComponent = (props) => {
    const description = original(props)
    const referrers = useStrongReferrers(props.id, props.published !== null)
    const [open, setOpen] = useState(false)
    if (!description || !props.published || !referrers || referrers.length === 0) return description
    const verb = VERBS[kind]
    const guarded: DocumentActionDescription = {
      ...description,
      onHandle: () => setOpen(true),
      dialog: open
        ? {
            type: 'dialog',
            header: `This document cannot be ${verb}`,
            content: <CannotRemove verb={verb} referrers={referrers} />,
            onClose: () => setOpen(false),
          }
        : null,
    }
    return guarded
  }
  Guarded.action = original.action
  Guarded.displayName = `GuardedByReferences(${original.displayName ?? kind})`
  return Guarded
}
