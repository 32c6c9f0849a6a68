import type {DocumentRule} from '../types'

/**
 * A resource is a link to something elsewhere: without an address, readers meet a title they
 * cannot follow. A warning, not an error, because a resource may be named before its address is
 * confirmed (the seed has several the source page links to without saying where).
 */
export const resourceAddress: DocumentRule = {
  id: 'resource-address',
  level: 'warning',
  scope: 'document',
  title: 'A resource has a web address readers can follow',
  source: 'https://service-manual.nhs.uk/content/formatting#links',
  types: ['resource'],
  field: 'url',
  check(document) {
    const url = document.url
    if (typeof url === 'string' && url.trim() !== '') return []
    return [{message: 'Add the web address so readers can follow this resource', path: []}]
  },
}
