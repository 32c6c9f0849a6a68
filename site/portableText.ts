import {escapeHTML, toHTML, type PortableTextHtmlComponents} from '@portabletext/to-html'
import type {PortableTextBlock} from '@portabletext/types'

import type {SiteMap} from './pages'

/** An `<img>`'s sources for an image asset: `src`, and `srcset` with `sizes` when resized copies exist. */
export interface ImageSources {
  src: string
  srcset?: string
  sizes?: string
  width?: number
  height?: number
}

/** How the site gets an image's address: from the API's image service, or from an export's files. */
export type ImageUrls = (image: {asset?: {_ref?: string}}) => ImageSources | undefined

function attribute(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

const SAFE_EXTERNAL = /^(https?:|mailto:)/i

/**
 * Portable Text as HTML in the design system's classes: paragraphs `nhsuk-body`, lists
 * `nhsuk-list`, images as the `nhsuk-image` figure with `srcset`. Internal links go to the linked
 * document's page through the site map (a link to a document with no page keeps its text only).
 * Text is escaped by the library; unknown types render nothing.
 */
export function renderPortableText(blocks: unknown, context: {siteMap: SiteMap; images: ImageUrls}): string {
  if (!Array.isArray(blocks) || blocks.length === 0) return ''
  const components: Partial<PortableTextHtmlComponents> = {
    block: {
      normal: ({children}) => `<p class="nhsuk-body">${children}</p>`,
      h2: ({children}) => `<h2 class="nhsuk-heading-l">${children}</h2>`,
      h3: ({children}) => `<h3 class="nhsuk-heading-m">${children}</h3>`,
      h4: ({children}) => `<h4 class="nhsuk-heading-s">${children}</h4>`,
      blockquote: ({children}) => `<blockquote class="nhsuk-inset-text"><p class="nhsuk-body">${children}</p></blockquote>`,
    },
    list: {
      bullet: ({children}) => `<ul class="nhsuk-list nhsuk-list--bullet">${children}</ul>`,
      number: ({children}) => `<ol class="nhsuk-list nhsuk-list--number">${children}</ol>`,
    },
    types: {
      image: ({value}) => {
        const image = (value ?? {}) as {asset?: {_ref?: string}; alt?: unknown; decorative?: unknown; caption?: unknown}
        const sources = context.images(image)
        if (!sources) return ''
        const alt = image.decorative === true || typeof image.alt !== 'string' ? '' : image.alt.trim()
        const caption = typeof image.caption === 'string' ? image.caption.trim() : ''
        const size = sources.width && sources.height ? ` width="${sources.width}" height="${sources.height}"` : ''
        const srcset = sources.srcset ? ` srcset="${attribute(sources.srcset)}" sizes="${attribute(sources.sizes ?? '100vw')}"` : ''
        return `<figure class="nhsuk-image"><img class="nhsuk-image__img" src="${attribute(sources.src)}"${srcset} alt="${attribute(alt)}"${size} loading="lazy">${caption ? `<figcaption class="nhsuk-image__caption">${escapeHTML(caption)}</figcaption>` : ''}</figure>`
      },
    },
    marks: {
      internalLink: ({children, value}) => {
        const ref = (value as {reference?: {_ref?: string}} | undefined)?.reference?._ref
        const target = ref ? context.siteMap.byId.get(ref) : undefined
        return target ? `<a href="${attribute(target.url)}">${children}</a>` : children
      },
      link: ({children, value}) => {
        const href = (value as {href?: unknown} | undefined)?.href
        if (typeof href !== 'string' || !SAFE_EXTERNAL.test(href.trim())) return children
        return `<a href="${attribute(href.trim())}">${children}</a>`
      },
    },
    unknownType: () => '',
    unknownMark: ({children}) => children,
  }
  return toHTML(blocks as PortableTextBlock[], {components, onMissingComponent: false})
}
