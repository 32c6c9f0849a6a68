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
 * A cheap test every text that `LATIN` can match passes: `LATIN`'s Unicode lookbehind is tried
 * at every position, so skipping the texts that fail this (nearly all) is most of this rule's
 * time. Every match starts with an "e" or "i" that does not follow an ASCII letter, digit or dot,
 * and holds one of "eg", "Eg", "ie", "Ie", "tc", "TC" (of "etc"), or a full stop after its first
 * letter ("e.g", "I. E"). Those are found with `indexOf`, which is native and far faster than
 * reading every character in a loop, and only where one is found is the letter before looked
 * at. Run on the text before masking: masking only removes matches.
 */
function isWordCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 46
}

function startsWord(text: string, at: number): boolean {
  return at === 0 || !isWordCharacter(text.charCodeAt(at - 1))
}

const BARE = ['eg', 'Eg', 'ie', 'Ie'] as const
const ETC = ['tc', 'TC'] as const

export function mayHoldLatin(text: string): boolean {
  for (const needle of BARE) {
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) if (startsWord(text, at)) return true
  }
  for (const needle of ETC) {
    for (let at = text.indexOf(needle, 1); at !== -1; at = text.indexOf(needle, at + 1)) {
      if (lowerAt(text, at - 1) === 101 && startsWord(text, at - 1)) return true // e
    }
  }
  for (let dot = text.indexOf('.', 1); dot !== -1; dot = text.indexOf('.', dot + 1)) {
    const first = lowerAt(text, dot - 1)
    if ((first !== 101 && first !== 105) || !startsWord(text, dot - 1)) continue // e, i
    const next = lowerAt(text, isWhiteSpace(text.charCodeAt(dot + 1)) ? dot + 2 : dot + 1)
    if ((first === 101 && next === 103) || (first === 105 && next === 101)) return true // e.g, i.e
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
      for (const message of latinAdviceFor(segment.text)) findings.push({message, path: segment.path})
    }
    return findings
  },
}

/** The advice for each different Latin abbreviation in a text, without the prefilter (which tests hold it to). */
export function latinAdviceFor(raw: string): string[] {
  const text = maskUrls(raw)
  const advice: string[] = []
  const seen = new Set<string>()
  LATIN.lastIndex = 0
  let match: RegExpExecArray | null
  while ((match = LATIN.exec(text)) !== null) {
    const kind = match[1] !== undefined ? 0 : match[2] !== undefined ? 1 : 2
    const found = match[0]
    const key = found.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    advice.push(ADVICE[kind](found))
  }
  return advice
}
