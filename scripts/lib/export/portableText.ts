import {escapeHTML, toHTML, type PortableTextHtmlComponents} from '@portabletext/to-html'
import type {PortableTextBlock} from '@portabletext/types'

/** Escape a string for an HTML attribute value in double quotes. */
export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&${ATTRIBUTE_ENTITIES[char as keyof typeof ATTRIBUTE_ENTITIES]};`)
}

const ATTRIBUTE_ENTITIES = {'&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39'} as const

const SAFE_EXTERNAL = /^(https?:|mailto:)/i

interface InternalLinkValue {
  reference?: {route?: unknown}
}

interface ExternalLinkValue {
  href?: unknown
}

interface ImageValue {
  asset?: {url?: unknown; width?: unknown; height?: unknown}
  alt?: unknown
  decorative?: unknown
  caption?: unknown
}

/** Image sources rendered: web addresses and site-relative paths, never `javascript:` or `data:`. */
const SAFE_IMAGE_SOURCE = /^(https?:\/\/|\/(?!\/))/i

/** An asset copied into the export (`assets/<name>`) is served from the site's root, beside the routes. */
const EXPORTED_ASSET = /^assets\/[\w.-]+$/

function dimension(name: string, value: unknown): string {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? ` ${name}="${value}"` : ''
}

/**
 * An image as `<figure><img …><figcaption>…</figcaption></figure>`, with the asset already
 * expanded to `{url, width, height}` by the export. Width and height let the browser reserve the
 * space before the file loads; `loading="lazy"` because body images are rarely above the fold.
 * Alt text: the editor's text; `alt=""` for a decorative image, so screen readers skip it. No
 * `role="presentation"` as well: an `<img>` with `alt=""` already has that role (HTML-AAM), and
 * ARIA that repeats the native semantics only adds noise. An image that is not marked decorative
 * but has no alt text also gets `alt=""` (valid HTML, and nothing better to say): the editorial
 * check, not the export, is where an editor is asked for alt text, and the JSON leaves `alt` out
 * so a frontend can tell the two apart. Every value is escaped.
 */
function renderImage(value: ImageValue): string {
  const given = value.asset?.url
  const url = typeof given === 'string' && EXPORTED_ASSET.test(given) ? `/${given}` : given
  if (typeof url !== 'string' || !SAFE_IMAGE_SOURCE.test(url)) return ''
  const alt = value.decorative === true || typeof value.alt !== 'string' ? '' : value.alt.trim()
  const caption = typeof value.caption === 'string' ? value.caption.trim() : ''
  const img = `<img src="${escapeAttribute(url)}" alt="${escapeAttribute(alt)}"${dimension('width', value.asset?.width)}${dimension('height', value.asset?.height)} loading="lazy">`
  return `<figure>${img}${caption ? `<figcaption>${escapeHTML(caption)}</figcaption>` : ''}</figure>`
}

/**
 * Components for `@portabletext/to-html`. Text is escaped by the library; these add internal
 * links (the expanded reference's route), external links (href escaped, only https, http and
 * mailto), images, and render nothing for unknown types, so no raw HTML passes through. Block
 * styles (normal, h2, h3, h4, blockquote) are the library's defaults.
 */
const components: Partial<PortableTextHtmlComponents> = {
  types: {
    image: ({value}) => renderImage((value ?? {}) as ImageValue),
  },
  marks: {
    internalLink: ({children, value}) => {
      const route = (value as InternalLinkValue | undefined)?.reference?.route
      return typeof route === 'string' ? `<a href="${escapeAttribute(route)}">${children}</a>` : children
    },
    link: ({children, value}) => {
      const href = (value as ExternalLinkValue | undefined)?.href
      if (typeof href !== 'string' || !SAFE_EXTERNAL.test(href.trim())) return children
      return `<a href="${escapeAttribute(href.trim())}">${children}</a>`
    },
  },
  unknownType: () => '',
  unknownMark: ({children}) => children,
}

/** HTML of a Portable Text value whose references are already expanded. */
export function portableTextToHtml(blocks: readonly PortableTextBlock[]): string {
  return toHTML(blocks as PortableTextBlock[], {components, onMissingComponent: false})
}
