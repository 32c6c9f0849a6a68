import type {CustomValidator, PortableTextBlock, SlugValue, UrlRule} from 'sanity'

import {checkContentStyle} from './contentStyle'

/**
 * Validation shared by several types. The Studio, `content:validate` and (later) the server's
 * strict mode all run these same functions through Sanity's own validator.
 */

/** External links must be https: NHS pages are served over TLS and mixed content is blocked. */
export function httpsUrl(rule: UrlRule, what = 'link') {
  return rule
    .uri({scheme: ['https']})
    .error(`Use a secure address starting with https:// for this ${what}`)
}

function parseDate(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const time = Date.parse(value)
  return Number.isNaN(time) ? undefined : time
}

/**
 * Slugs are unique within a document type. The same check as Sanity's built-in one, but an error
 * rather than a warning: two pages at one address would hide one of them. It queries through the
 * validation client, which the CLI answers from the dataset it is checking.
 */
export const uniqueSlugInType: CustomValidator<SlugValue | undefined> = async (slug, context) => {
  const current = slug?.current
  const document = context.document
  if (!current || !document) return true
  const publishedId = document._id.replace(/^drafts\./, '').replace(/^versions\.[^.]+\./, '')
  const client = context.getClient({apiVersion: '2025-02-19'})
  const taken = await client.fetch<string | null>(
    '*[_type == $type && !sanity::versionOf($published) && slug.current == $slug][0]._id',
    {type: document._type, published: publishedId, slug: current},
    {perspective: 'raw', tag: 'validation.slug-is-unique'},
  )
  return taken ? `The web address "${current}" is already used by ${taken}: choose another` : true
}

/**
 * The Studio only offers regulators as a profession's regulator (`options.filter`), but an
 * import or an API write can set any organisation: check the one referenced is a regulator.
 */
export const referencesRegulator: CustomValidator<{_ref?: string} | undefined> = async (reference, context) => {
  if (!reference?._ref) return true
  const client = context.getClient({apiVersion: '2025-02-19'})
  const organisation = await client.fetch<{title?: string; kind?: string} | null>(
    '*[_id in [$id, "drafts." + $id]][0]{title, kind}',
    {id: reference._ref},
    {perspective: 'raw', tag: 'validation.regulator-kind'},
  )
  if (!organisation || organisation.kind === 'regulator') return true
  return `${organisation.title ?? reference._ref} is not a regulator: choose the organisation that keeps this profession's register`
}

/** `expiresAt` must come after `validFrom` when both are set. */
export const expiresAfterValidFrom: CustomValidator<string | undefined> = (expiresAt, context) => {
  const from = parseDate((context.document as {validFrom?: unknown} | undefined)?.validFrom)
  const to = parseDate(expiresAt)
  if (from === undefined || to === undefined) return true
  return to > from || 'The expiry date must be after the "Valid from" date'
}

/**
 * A framework whose expiry date has passed cannot be shown as current guidance.
 * `today` is injectable so tests and scheduled releases can check against another day.
 */
export function notCurrentOnceExpired(today: () => Date = () => new Date()): CustomValidator<string | undefined> {
  return (status, context) => {
    if (status !== 'current') return true
    const expires = parseDate((context.document as {expiresAt?: unknown} | undefined)?.expiresAt)
    if (expires === undefined || expires > today().getTime()) return true
    return 'This framework has expired: change its status to "Expired" or "Superseded", or move the expiry date'
  }
}

/** Warn about NHS content style problems in plain text fields. */
export const contentStyle: CustomValidator<string | undefined> = (value) => {
  if (typeof value !== 'string') return true
  const findings = checkContentStyle(value)
  if (findings.length === 0) return true
  return findings.map((f) => `"${f.match}": ${f.advice}`).join('; ')
}

interface SpanLike {
  _type?: string
  text?: string
  marks?: string[]
}

/** Every link or internal reference in Portable Text needs visible text, or screen readers announce nothing. */
export const linksHaveText: CustomValidator<PortableTextBlock[] | undefined> = (blocks) => {
  if (!Array.isArray(blocks)) return true
  const problems: {message: string; path: (string | {_key: string})[]}[] = []
  for (const block of blocks) {
    const markDefs = (block as {markDefs?: {_key: string; _type: string}[]}).markDefs ?? []
    const children = ((block as {children?: SpanLike[]}).children ?? []).filter((c) => c._type === 'span')
    for (const def of markDefs) {
      const text = children
        .filter((child) => child.marks?.includes(def._key))
        .map((child) => child.text ?? '')
        .join('')
      if (text.trim() === '') {
        problems.push({
          message: `A ${def._type === 'internalLink' ? 'link to another page' : 'link'} has no text: select words to link, or remove the link`,
          path: [{_key: block._key}, 'markDefs', {_key: def._key}],
        })
      }
    }
  }
  return problems.length === 0 ? true : problems
}

/** Style warnings inside Portable Text span text. */
export const blocksContentStyle: CustomValidator<PortableTextBlock[] | undefined> = (blocks) => {
  if (!Array.isArray(blocks)) return true
  for (const block of blocks) {
    for (const child of (block as {children?: SpanLike[]}).children ?? []) {
      if (typeof child.text !== 'string') continue
      const findings = checkContentStyle(child.text)
      if (findings.length > 0) return findings.map((f) => `"${f.match}": ${f.advice}`).join('; ')
    }
  }
  return true
}
