import {maskUrls, matchCase} from '../text'
import type {FieldRule, RuleFinding} from '../types'

/**
 * No negative contractions, and none of "should've", "could've", "would've" or "they've" (NHS
 * digital service manual, "Punctuation", Contractions:
 * https://service-manual.nhs.uk/content/punctuation#contractions: "Do not use negative
 * contractions like can't and don't. When you're telling users not to do something, use "Do not"
 * rather than "Don't"." and "Avoid should've, could've, would've and they've. They can be hard to
 * read."). Contractions like "you'll", "we're" and "what's" are fine. Both straight (') and curly
 * (’) apostrophes are matched.
 */

const FULL_FORMS: Record<string, string> = {
  "can't": 'cannot',
  "won't": 'will not',
  "shan't": 'shall not',
  "ain't": 'is not',
  "don't": 'do not',
  "doesn't": 'does not',
  "didn't": 'did not',
  "isn't": 'is not',
  "aren't": 'are not',
  "wasn't": 'was not',
  "weren't": 'were not',
  "hasn't": 'has not',
  "haven't": 'have not',
  "hadn't": 'had not',
  "shouldn't": 'should not',
  "couldn't": 'could not',
  "wouldn't": 'would not',
  "mustn't": 'must not',
  "needn't": 'need not',
  "mightn't": 'might not',
  "oughtn't": 'ought not',
  "should've": 'should have',
  "could've": 'could have',
  "would've": 'would have',
  "might've": 'might have',
  "must've": 'must have',
  "they've": 'they have',
}

const CONTRACTION = new RegExp(
  `(?<![\\p{L}\\p{N}'’])(${Object.keys(FULL_FORMS)
    .map((form) => form.replace("'", "['’]"))
    .join('|')})(?![\\p{L}\\p{N}])`,
  'giu',
)
const CURLY = /’/g

export const contractions: FieldRule = {
  id: 'contractions',
  level: 'warning',
  scope: 'field',
  title: 'No negative contractions like "can\'t" and "don\'t"',
  source: 'https://service-manual.nhs.uk/content/punctuation#contractions',
  kinds: ['plain', 'prose', 'blocks', 'link'],
  check(content) {
    const findings: RuleFinding[] = []
    for (const segment of content.segments) {
      if (!segment.text.includes("'") && !segment.text.includes('’')) continue
      const text = maskUrls(segment.text)
      let seen: Set<string> | undefined
      CONTRACTION.lastIndex = 0
      let match: RegExpExecArray | null
      while ((match = CONTRACTION.exec(text)) !== null) {
        const found = match[0]
        const key = found.toLowerCase().replace(CURLY, "'")
        const full = FULL_FORMS[key]
        if (full === undefined) continue
        seen ??= new Set()
        if (seen.has(found)) continue
        seen.add(found)
        findings.push({
          message: `Write "${matchCase(found, full)}" rather than "${found}"`,
          path: segment.path,
        })
      }
    }
    return findings
  },
}
