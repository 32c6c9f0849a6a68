import {toHTML, type PortableTextHtmlComponents} from '@portabletext/to-html'
import type {PortableTextBlock} from '@portabletext/types'

/** Escape a string for an HTML attribute value in double quotes. */
export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&${ATTRIBUTE_ENTITIES[char as keyof typeof ATTRIBUTE_ENTITIES]};`)
}

const ATTRIBUTE_ENTITIES = {'&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39'} as const

const SAFE_EXTERNAL = /^(https?:|mailto:)/i

interface InternalLinkValue {
  reference?: {url?: unknown}
}

interface ExternalLinkValue {
  href?: unknown
}

/**
 * Components for `@portabletext/to-html`. Text is escaped by the library; these add internal
 * links (the expanded reference's route), external links (href escaped, only https, http and
 * mailto) and render nothing for unknown types, so no raw HTML passes through.
 */
const components: Partial<PortableTextHtmlComponents> = {
  marks: {
    internalLink: ({children, value}) => {
      const url = (value as InternalLinkValue | undefined)?.reference?.url
      return typeof url === 'string' ? `<a href="${escapeAttribute(url)}">${children}</a>` : children
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
