import type {CustomValidator, SlugValue, UrlRule} from 'sanity'

/**
 * Validation shared by several types. The Studio, `content:validate` and (later) the server's
 * strict mode all run these same functions through Sanity's own validator.
 */

/**
 * A web address must be a full address. Whether it is https is the editorial check https-links
 * (editorial/rules), so an editor can see it, and override it, like every other content check.
 */
export function webAddress(rule: UrlRule) {
  return rule.uri({scheme: ['https', 'http', 'mailto', 'tel']}).error('Enter a full web address, starting with https://')
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
