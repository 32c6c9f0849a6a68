import {shorten} from '../text'
import type {FieldRule, RuleFinding} from '../types'

/**
 * Headings are nested without skipping a level, and the page title is the only h1
 * (WCAG 2.2 success criterion 1.3.1 Info and relationships; NHS digital service manual,
 * "Structure content with headings": https://service-manual.nhs.uk/content/formatting#headings).
 * Screen reader users move around a page by its headings, and a skipped level reads as missing
 * content.
 */

/** What the Studio calls each heading style (`schemas/objects/blockContentType.ts`). */
const STYLE_NAMES: Record<number, string> = {
  2: 'h2 (Heading)',
  3: 'h3 (Subheading)',
}

function styleName(level: number): string {
  return STYLE_NAMES[level] ?? `h${level}`
}

function headingName(text: string): string {
  const clean = shorten(text, 50)
  return clean === '' ? 'An empty heading' : `Heading "${clean}"`
}

export const headingOrder: FieldRule = {
  id: 'heading-order',
  level: 'error',
  scope: 'field',
  title: 'Headings start at h2 and do not skip a level',
  source: 'https://www.w3.org/WAI/WCAG22/Understanding/info-and-relationships.html',
  kinds: ['blocks'],
  check(content) {
    const findings: RuleFinding[] = []
    // The page title is the h1.
    let previous = 1
    let first = true
    for (const heading of content.headings) {
      const name = headingName(heading.text)
      if (heading.level <= 1) {
        findings.push({
          message: `${name} is an h1, but the page title is already the h1: make it an ${styleName(2)}`,
          path: heading.path,
        })
        previous = 2
      } else if (heading.level > previous + 1) {
        const fix = styleName(previous + 1)
        findings.push({
          message: first
            ? `${name} is the first heading but is an h${heading.level}: make it an ${fix}, because the page title is the h1`
            : `${name} skips from h${previous} to h${heading.level}: make it an ${fix}`,
          path: heading.path,
        })
        previous = heading.level
      } else {
        previous = heading.level
      }
      first = false
    }
    return findings
  },
}
