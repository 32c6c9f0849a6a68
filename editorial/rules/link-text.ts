import {shorten} from '../text'
import type {FieldRule, RuleFinding} from '../types'

/**
 * Link text makes sense on its own (WCAG 2.2 success criterion 2.4.4 Link purpose (in context);
 * NHS digital service manual, "Links": https://service-manual.nhs.uk/content/formatting#links:
 * "We do not use link text such as "click here" or anything that does not make sense when read
 * out of context. Screen readers can move between links without reading the surrounding content.").
 */

/** Link text that says nothing about where the link goes (lower case, after trimming punctuation). */
const VAGUE = new Set([
  'here',
  'click here',
  'click',
  'this link',
  'link',
  'find out more',
  'more information',
  'more info',
  'read more',
  'more',
  'this page',
  'this website',
  'website',
])

/** A file note or new-tab warning at the end of link text, which is fine but says nothing about the destination. */
const TRAILING_NOTE = /\s*\((?:pdf|opens in (?:a )?new (?:tab|window))[^)]*\)\s*$/i
const EDGE_PUNCTUATION = /^[\s.,;:!?"'“”‘’()[\]…–—-]+|[\s.,;:!?"'“”‘’()[\]…–—-]+$/g
const SPACES = /\s+/g
/** A web address, or a bare domain like `example.nhs.uk` or `nhs.uk/conditions`. */
const ADDRESS = /^(?:(?:https?|ftp):\/\/\S+|www\.\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:[a-z]{2,24})(?:[/?#]\S*)?)$/i

export const linkText: FieldRule = {
  id: 'link-text',
  level: 'error',
  scope: 'field',
  title: 'Link text says where the link goes',
  source: 'https://service-manual.nhs.uk/content/formatting#links',
  kinds: ['blocks', 'link'],
  check(content) {
    const findings: RuleFinding[] = []
    for (const link of content.links) {
      const text = link.text.trim()
      if (text === '') {
        findings.push({
          message:
            content.kind === 'link'
              ? 'A link has no text: add a label that says where the link goes, or remove the link'
              : 'A link has no text: select words to link, or remove the link',
          path: link.path,
        })
        continue
      }
      const core = text.replace(TRAILING_NOTE, '').replace(EDGE_PUNCTUATION, '').replace(SPACES, ' ').toLowerCase()
      if (core === '' || VAGUE.has(core)) {
        findings.push({
          message: `Link text "${shorten(text, 40)}" does not make sense on its own: describe where the link goes, for example with the title of the page`,
          path: link.path,
        })
      } else if (ADDRESS.test(core)) {
        findings.push({
          message: `Link text "${shorten(text, 60)}" is a web address: use words that say where the link goes, for example the title of the page`,
          path: link.path,
        })
      }
    }
    return findings
  },
}
