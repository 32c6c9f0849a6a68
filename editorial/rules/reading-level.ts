import {addSegmentReadabilityCounts, countSyllables, isPolysyllable, smogGrade, words, type ReadabilityCounts} from '../text'
import type {FieldRule, RuleFinding} from '../types'

/**
 * Readability: the SMOG grade of the whole field (McLaughlin 1969, see `smogGrade` in
 * `editorial/text.ts`).
 *
 * Threshold: the NHS digital service manual page "Use a readability tool to prioritise content"
 * (https://service-manual.nhs.uk/content/health-literacy/use-a-readability-tool-to-prioritise-content)
 * says "We use a tool called the SMOG calculator to measure readability", and under "Prioritise
 * content with a score over 14": "A score higher than 14 means most users might struggle with the
 * language in your content." Its table puts a SMOG score of 14 to 16 within reach of 22% of UK
 * adults. That score is the SMOG grade itself, not a reading age, so no conversion is needed and
 * the rule warns above 14. (Had it been a reading age, grade ≈ reading age − 5: the "How we
 * write" page's aim of a reading age of 9 to 11, or 11 to 14 for some medical information, would
 * be a grade of about 4 to 9, far below what professional AHP guidance can reach.)
 *
 * As the page advises before using the calculator, headings and list items count as sentences
 * (as if each ended with a full stop), and words of 3 or more syllables in the page title are
 * left out. SMOG needs a sample to mean anything, so short fields (under 3 sentences and under 60
 * words) are not scored.
 */
export const MAX_SMOG_GRADE = 14
const MIN_SENTENCES = 3
const MIN_WORDS = 60

const NON_LETTER = /[^\p{L}]+/u

function titleWords(document: {[field: string]: unknown} | undefined): Set<string> | undefined {
  const title = document?.title
  if (typeof title !== 'string' || title === '') return undefined
  const set = new Set<string>()
  for (const word of words(title)) if (isPolysyllable(word)) set.add(word.toLowerCase())
  return set.size > 0 ? set : undefined
}

/** The longest words of the text, most used first: examples for the message. */
function hardestWords(texts: string[], ignore: Set<string> | undefined, limit: number): string[] {
  const counts = new Map<string, number>()
  for (const text of texts) {
    for (const word of words(text)) {
      if (word.length < 7 || NON_LETTER.test(word)) continue
      const lower = word.toLowerCase()
      if (ignore?.has(lower) || countSyllables(lower) < 4) continue
      counts.set(lower, (counts.get(lower) ?? 0) + 1)
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)
    .slice(0, limit)
    .map(([word]) => word)
}

export const readingLevel: FieldRule = {
  id: 'reading-level',
  level: 'warning',
  scope: 'field',
  title: `Reading level (SMOG) is ${MAX_SMOG_GRADE} or lower`,
  source: 'https://service-manual.nhs.uk/content/health-literacy/use-a-readability-tool-to-prioritise-content',
  kinds: ['prose', 'blocks'],
  check(content, context) {
    if (content.segments.length === 0) return []
    const ignore = titleWords(context.document)
    const counts: ReadabilityCounts = {
      sentences: 0,
      words: 0,
      polysyllables: 0,
    }
    for (const segment of content.segments) addSegmentReadabilityCounts(segment, counts, ignore)
    if (counts.sentences < MIN_SENTENCES && counts.words < MIN_WORDS) return []
    const grade = smogGrade(counts.polysyllables, counts.sentences)
    if (grade <= MAX_SMOG_GRADE) return []
    const examples = hardestWords(
      content.segments.map((segment) => segment.text),
      ignore,
      3,
    )
    const such = examples.length > 0 ? `, such as ${examples.map((word) => `"${word}"`).join(', ')}` : ''
    const finding: RuleFinding = {
      message: `This text is hard to read: its SMOG readability score is ${grade.toFixed(1)}, and the NHS aims for ${MAX_SMOG_GRADE} or lower. Use shorter sentences and fewer long words of 3 or more syllables${such}`,
      path: [],
    }
    return [finding]
  },
}
