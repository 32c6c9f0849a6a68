import {shorten} from '../text'
import type {FieldRule, Path, RuleFinding} from '../types'

/**
 * External links use HTTPS, so readers are not sent to a page that can be read or changed on
 * the way (GOV.UK service manual, "Using HTTPS"). Body links may also be `mailto:` and `tel:`.
 */

const HTTPS = /^https:\/\/[^\s/]/i
const BODY_SCHEMES = /^(?:mailto|tel):/i
const SCHEME = /^([a-z][a-z0-9+.-]*:(?:\/\/)?)/i
const LOOKS_LIKE_DOMAIN = /^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/:?#]|$)/i

function problem(address: string): string | undefined {
  const url = address.trim()
  if (HTTPS.test(url)) return undefined
  const scheme = SCHEME.exec(url)
  if (scheme) {
    const start = (scheme[1] ?? '').toLowerCase()
    if (start === 'https://') return 'Use a full web address starting with https://, with the site name after it'
    return `Use a secure address starting with https:// (this one starts with ${start})`
  }
  if (url.startsWith('//')) return 'Use a secure address starting with https:// (this one starts with //)'
  if (LOOKS_LIKE_DOMAIN.test(url)) {
    return `Use a secure address starting with https:// (write "https://${shorten(url, 60)}")`
  }
  if (url.startsWith('/') || url.startsWith('#')) {
    return 'Use a full, secure address starting with https://, or link to the page in this hub instead'
  }
  return `Use a secure address starting with https:// ("${shorten(url, 40)}" is not a web address)`
}

export const httpsLinks: FieldRule = {
  id: 'https-links',
  level: 'error',
  scope: 'field',
  title: 'Links to other websites use secure addresses (https://)',
  source: 'https://www.gov.uk/service-manual/technology/using-https',
  kinds: ['blocks', 'link', 'url'],
  check(content) {
    const findings: RuleFinding[] = []
    const add = (address: string, path: Path): void => {
      const message = problem(address)
      if (message) findings.push({message, path})
    }
    if (content.kind === 'url') {
      if (content.url !== undefined && content.url.trim() !== '') add(content.url, [])
      return findings
    }
    for (const link of content.links) {
      if (link.internal || link.href === undefined || link.href.trim() === '') continue
      if (content.kind === 'blocks' && BODY_SCHEMES.test(link.href.trim())) continue
      add(link.href, link.path)
    }
    return findings
  },
}
