import {forEachLongSentence, isHeading, startOf} from '../text'
import type {FieldRule, RuleFinding} from '../types'

/**
 * Short sentences. The NHS digital service manual, "How we write"
 * (https://service-manual.nhs.uk/content/how-we-write), says "We use short sentences - up to 20
 * words". This hub warns above 25 words, so editors see the sentences that most need splitting
 * first. Headings are skipped; list items are checked like sentences. A web address counts as
 * one word.
 */
export const MAX_SENTENCE_WORDS = 25

export const sentenceLength: FieldRule = {
  id: 'sentence-length',
  level: 'warning',
  scope: 'field',
  title: `Sentences have ${MAX_SENTENCE_WORDS} words or fewer`,
  source: 'https://service-manual.nhs.uk/content/how-we-write',
  kinds: ['prose', 'blocks'],
  check(content) {
    const findings: RuleFinding[] = []
    for (const segment of content.segments) {
      if (isHeading(segment)) continue
      // Quick exit: a text with few spaces cannot hold a long sentence.
      if (segment.text.length < MAX_SENTENCE_WORDS * 2) continue
      forEachLongSentence(segment, MAX_SENTENCE_WORDS, (sentence, count) => {
        findings.push({
          message: `This sentence has ${count} words: split it so each sentence has ${MAX_SENTENCE_WORDS} or fewer ("${startOf(sentence, 5)}")`,
          path: segment.path,
        })
      })
    }
    return findings
  },
}
