import type {FieldRule, RuleFinding} from '../types'

/**
 * Links to PDFs say so, with the file size (NHS digital service manual, "Links":
 * https://service-manual.nhs.uk/content/formatting#links: "If we need to link to a PDF, we …
 * add "PDF only, [file size in MB or KB]" in brackets to the end of the link text, for example:
 * "weight loss progress chart (PDF only, 545KB)""). This hub accepts "(PDF, 1.2MB)" and
 * "(PDF only, 545KB)", in the link text or straight after it.
 */

/** An address whose path ends in `.pdf`, ignoring any query or fragment. */
const PDF_HREF = /\.pdf(?:[?#].*)?$/i
/** "(PDF, 2.5MB)", "(PDF only, 545KB)", "(pdf 1 MB)". */
const SIZE_NOTE = /\(\s*PDF(?:\s+only)?\s*[,:–-]?\s*\d+(?:[.,]\d+)?\s*(?:KB|MB|GB|kB|Kb|Mb|bytes)\s*\)/i
/** The note at the start of the text straight after the link. */
const SIZE_NOTE_AFTER = /^\s*\(\s*PDF(?:\s+only)?\s*[,:–-]?\s*\d+(?:[.,]\d+)?\s*(?:KB|MB|GB|kB|Kb|Mb|bytes)\s*\)/i

function hasSizeNote(text: string, context: string): boolean {
  if (SIZE_NOTE.test(text)) return true
  if (text === '' || context === text) return false
  let from = context.indexOf(text)
  while (from !== -1) {
    if (SIZE_NOTE_AFTER.test(context.slice(from + text.length, from + text.length + 40))) return true
    from = context.indexOf(text, from + 1)
  }
  return false
}

export const pdfLinkSize: FieldRule = {
  id: 'pdf-link-size',
  level: 'warning',
  scope: 'field',
  title: 'Links to PDFs say they are PDFs and how big they are',
  source: 'https://service-manual.nhs.uk/content/formatting#links',
  kinds: ['blocks', 'link'],
  check(content) {
    const findings: RuleFinding[] = []
    for (const link of content.links) {
      if (link.internal || link.href === undefined || !PDF_HREF.test(link.href.trim())) continue
      if (hasSizeNote(link.text, link.context)) continue
      findings.push({
        message: 'Say this link opens a PDF and how big it is, for example "(PDF, 1.2MB)" at the end of the link text',
        path: link.path,
      })
    }
    return findings
  },
}
