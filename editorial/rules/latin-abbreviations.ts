import {isWhiteSpace, lowerAt, maskUrls} from '../text'
import type {FieldRule, RuleFinding} from '../types'

/**
 * No Latin abbreviations (NHS digital service manual, A to Z of NHS health writing, entries
 * "eg", "ie" and "etc": https://service-manual.nhs.uk/content/a-to-z-of-nhs-health-writing#eg).
 * "eg can sometimes be read aloud as "egg" by screen readers. We prefer "for example" or "such
 * as" or "like" or "including""; "We try not to use "ie" (which means "that is" or "that
 * means")"; "Avoid etc.".
 */

// Dotted forms in any case ("e.g.", "E.g", "e. g."); bare "eg"/"ie"/"etc" only in lower case or
// with a capital first letter, so "IE" (Internet Explorer) and "EG" are left alone. Word
// boundaries keep "ie" in "piece" and "eg" in "leg" out.
const LATIN =
  /(?<![\p{L}\p{N}.])(?:(e\.\s?g\.?|E\.\s?g\.?|E\.\s?G\.?|eg\.?|Eg\.?)|(i\.\s?e\.?|I\.\s?e\.?|I\.\s?E\.?|ie\.?|Ie\.?)|(etc\.?|Etc\.?|ETC\.))(?![\p{L}\p{N}])/gu

/**
 * A cheap test every text that `LATIN` can match passes: an "e" or "i" (any case) that does not
 * follow an ASCII letter, digit or dot, followed by "g", "e" or "tc" (with the dots and space
 * `LATIN` allows). `LATIN`'s Unicode lookbehind is tried at every position, so skipping the
 * texts that fail this (nearly all) is most of this rule's time. A loop over character codes,
 * not a case-insensitive expression: it reads each character once and allocates nothing. Run on
 * the text before masking: masking only removes matches.
 */
function isWordCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 46
}

export function mayHoldLatin(text: string): boolean {
  const length = text.length
  for (let i = 0; i < length; i++) {
    const first = lowerAt(text, i)
    if (first !== 101 && first !== 105) continue // e, i
    if (i > 0 && isWordCharacter(text.charCodeAt(i - 1))) continue
    let j = i + 1
    if (text.charCodeAt(j) === 46) j++ // "."
    if (isWhiteSpace(text.charCodeAt(j))) j++
    const next = lowerAt(text, j)
    if (first === 101 && (next === 103 || (next === 116 && j === i + 1 && lowerAt(text, j + 1) === 99))) return true // eg, etc
    if (first === 105 && next === 101) return true // ie
  }
  return false
}

const ADVICE = [
  (found: string) => `Write "for example", "such as" or "including" instead of "${found}"`,
  (found: string) => `Write "that is" or "that means" instead of "${found}", or rewrite the sentence`,
  (found: string) => `Write "and so on" instead of "${found}", or start the list with "such as" or "including"`,
] as const

export const latinAbbreviations: FieldRule = {
  id: 'latin-abbreviations',
  level: 'warning',
  scope: 'field',
  title: 'Plain English instead of "eg", "ie" and "etc"',
  source: 'https://service-manual.nhs.uk/content/a-to-z-of-nhs-health-writing#eg',
  kinds: ['plain', 'prose', 'blocks', 'link'],
  check(content) {
    const findings: RuleFinding[] = []
    for (const segment of content.segments) {
      if (!mayHoldLatin(segment.text)) continue
      const text = maskUrls(segment.text)
      const seen = new Set<string>()
      LATIN.lastIndex = 0
      let match: RegExpExecArray | null
      while ((match = LATIN.exec(text)) !== null) {
        const kind = match[1] !== undefined ? 0 : match[2] !== undefined ? 1 : 2
        const found = match[0]
        const key = found.toLowerCase()
        if (seen.has(key)) continue
        seen.add(key)
        findings.push({message: ADVICE[kind](found), path: segment.path})
      }
    }
    return findings
  },
}
