import {describe, expect, it} from 'vitest'

import {
  countSyllables,
  countWords,
  forEachLongSentence,
  formatDate,
  isPolysyllable,
  maskUrls,
  matchCase,
  parseIsoDate,
  readabilityCounts,
  smogGrade,
  splitSentences,
  startOf,
  words,
} from '../../editorial/text'

/**
 * `count` texts of 1 to `maxPieces` pieces drawn from `pieces`, the same ones every run (a
 * linear congruential generator from `seed`), so a failure names a text that fails again.
 */
function randomTexts(pieces: readonly string[], count: number, maxPieces: number, seed: number): string[] {
  let state = seed
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
  return Array.from({length: count}, () => {
    let text = ''
    const length = 1 + Math.floor(random() * maxPieces)
    for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)]
    return text
  })
}

describe('splitSentences', () => {
  it.each([
    ['two sentences', 'One thing. Another thing.', ['One thing.', 'Another thing.']],
    ['text without a final full stop', 'No stop here', ['No stop here']],
    ['question and exclamation marks', 'Why? Because! Done', ['Why?', 'Because!', 'Done']],
    ['titles like "Dr."', 'Dr. Smith and Mrs. Jones met. They agreed.', ['Dr. Smith and Mrs. Jones met.', 'They agreed.']],
    ['decimals', 'It takes 1.5 hours. Then 2.25 more.', ['It takes 1.5 hours.', 'Then 2.25 more.']],
    ['"e.g." and "i.e."', 'Roles, e.g. podiatry, i.e. AHPs. Next.', ['Roles, e.g. podiatry, i.e. AHPs.', 'Next.']],
    [
      '"etc." mid-sentence and at the end',
      'Tools etc. are here. Forms etc. Next one.',
      ['Tools etc. are here.', 'Forms etc.', 'Next one.'],
    ],
    ['initials', 'J. R. Smith wrote it. Read it.', ['J. R. Smith wrote it.', 'Read it.']],
    [
      '"No." only before a number',
      'See No. 5 below. The answer is no. Ask again.',
      ['See No. 5 below.', 'The answer is no.', 'Ask again.'],
    ],
    [
      'web addresses',
      'Go to www.nhs.uk. Or https://a.b.example.org/x.y today.',
      ['Go to www.nhs.uk.', 'Or https://a.b.example.org/x.y today.'],
    ],
    ['line breaks', 'First line\nSecond line\n\nThird.', ['First line', 'Second line', 'Third.']],
    ['closing quotes', 'He said "stop." Then left.', ['He said "stop."', 'Then left.']],
    ['empty text', '   ', []],
  ])('%s', (_name, text, sentences) => {
    expect(splitSentences(text)).toEqual(sentences)
  })
})

describe('words', () => {
  it('keeps contractions, hyphenated words and numbers whole, and counts a web address as one word', () => {
    expect(words("Don't self-care 1,000 people at https://x.nhs.uk/a?b=c 1.5 times")).toEqual([
      "Don't",
      'self-care',
      '1,000',
      'people',
      'at',
      'xxxxxxxxxxxxxxxxxxxxxx',
      '1.5',
      'times',
    ])
    expect(countWords('See www.england.nhs.uk/ahp for more.')).toBe(4)
  })

  it('masks web and email addresses without moving the text', () => {
    const text = 'Email ahp@example.nhs.uk or see https://www.nhs.uk/a.'
    const masked = maskUrls(text)
    expect(masked).toHaveLength(text.length)
    expect(masked).toBe('Email xxxxxxxxxxxxxxxxxx or see xxxxxxxxxxxxxxxxxxxx.')
  })
})

describe('countSyllables', () => {
  it.each([
    ['the', 1],
    ['care', 1],
    ['health', 1],
    ['table', 2],
    ['people', 2],
    ['framework', 2],
    ['frameworks', 2],
    ['statement', 2],
    ['careful', 2],
    ['safely', 2],
    ['makes', 1],
    ['therapy', 3],
    ['video', 3],
    ['ratio', 3],
    ['quality', 3],
    ['different', 3],
    ['develop', 3],
    ['education', 4],
    ['professional', 4],
    ['collaboration', 5],
    ['implementation', 5],
    ['self-care', 2],
    ['2024', 1],
  ])('%s has %i', (word, count) => {
    expect(countSyllables(word)).toBe(count)
  })

  it('knows polysyllables (3 or more), never numbers or masked addresses', () => {
    expect(isPolysyllable('therapy')).toBe(true)
    expect(isPolysyllable('health')).toBe(false)
    expect(isPolysyllable('1,000,000')).toBe(false)
    expect(isPolysyllable('xxxxxxxxxxxx')).toBe(false)
  })
})

describe('smogGrade', () => {
  it('is McLaughlin’s formula: 1.0430 × √(polysyllables × 30 / sentences) + 3.1291', () => {
    expect(smogGrade(30, 30)).toBeCloseTo(1.043 * Math.sqrt(30) + 3.1291, 10)
    expect(smogGrade(0, 10)).toBeCloseTo(3.1291, 10)
    expect(smogGrade(10, 30)).toBeCloseTo(1.043 * Math.sqrt(10) + 3.1291, 10)
    expect(smogGrade(5, 0)).toBe(0)
  })

  it('counts sentences, words and polysyllables of a text', () => {
    expect(readabilityCounts('Occupational therapy helps. You can ask.')).toEqual({sentences: 2, words: 6, polysyllables: 2})
    expect(readabilityCounts('Occupational therapy helps.', new Set(['therapy']))).toEqual({sentences: 1, words: 3, polysyllables: 1})
    // the title's words are left out whatever their case, accents included
    expect(readabilityCounts('OCCUPATIONAL Therapy and Coöperation. Occupations.', new Set(['occupational', 'coöperation', 'therapy']))).toEqual({
      sentences: 2,
      words: 5,
      polysyllables: 1,
    })
  })
})

describe('dates and quoting', () => {
  it('formats dates like "6 August 2018"', () => {
    expect(formatDate(2018, 8, 6)).toBe('6 August 2018')
    expect(formatDate(2021, 12, 31)).toBe('31 December 2021')
  })

  it('parses YYYY-MM-DD dates, and nothing else', () => {
    expect(parseIsoDate('2021-12-31')).toEqual({
      year: 2021,
      month: 12,
      day: 31,
    })
    expect(parseIsoDate('2021-02-30')).toBeUndefined()
    expect(parseIsoDate('31/12/2021')).toBeUndefined()
    expect(parseIsoDate(undefined)).toBeUndefined()
  })

  it('quotes the start of a sentence and keeps capitals', () => {
    expect(startOf('The NHS Long Term Plan, published in 2019, sets out', 5)).toBe('The NHS Long Term Plan…')
    expect(startOf('Short one', 5)).toBe('Short one')
    expect(matchCase("Don't", 'do not')).toBe('Do not')
    expect(matchCase("don't", 'do not')).toBe('do not')
  })
})

describe('sentence ends', () => {
  // The splitter reads sentence ends off character codes; this pins it to the regular expression
  // it replaced, on texts made only of stops, closers, spaces and words that are never
  // abbreviations (so every candidate end is an end).
  const SENTENCE_END = /[.!?…]+["'’”)\]]*(?=\s)/g
  function byExpression(text: string): string[] {
    const out: string[] = []
    for (const line of text.split('\n')) {
      let start = 0
      for (const match of line.matchAll(SENTENCE_END)) {
        out.push(line.slice(start, match.index + match[0].length).trim())
        start = match.index + match[0].length
      }
      out.push(line.slice(start).trim())
    }
    return out.filter((sentence) => sentence !== '')
  }
  const PIECES = ['xy', '12', ' ', ' ', '.', '.', '!', '?', '…', '"', "'", '’', '”', ')', ']', '\n', '\t', '\u00a0']

  it('splits where the expression does, on 2,000 random texts', () => {
    for (const text of randomTexts(PIECES, 2000, 40, 7)) {
      expect(splitSentences(text), JSON.stringify(text)).toEqual(byExpression(text))
    }
  })
})

describe('the shared sentence analysis', () => {
  // Reading level and sentence length count words and syllables in place, without the arrays of
  // words `words()` makes; these pin that they agree with the word-by-word helpers.
  const texts = [
    'Occupational therapy helps. You can ask.',
    'Dr. Smith e.g. this, i.e. that etc. Next. See No. 5 and no. More\nSecond line',
    'Email ahp@example.nhs.uk or see https://www.nhs.uk/a. Then WWW.X.COM!',
    "Don't self-care 1,000 people: ratio video stadium applying statements carefully homeless frameworks XXXX xxxx",
    'Café naïve résumé coöperate ünïcödé… "Quoted." (Brackets.) Rehabilitate independence professionals',
    // runs of "x" joined into one word are a word of three syllables, not a masked address
    "x-x-x X.x'x xx1xx1xx rhythm-rhythm-rhythm",
  ]

  function wordByWord(text: string) {
    let sentences = 0
    let wordCount = 0
    let polysyllables = 0
    for (const sentence of splitSentences(text)) {
      const found = words(sentence)
      if (found.length === 0) continue
      sentences++
      wordCount += found.length
      polysyllables += found.filter((word) => word.length > 3 && isPolysyllable(word)).length
    }
    return {sentences, words: wordCount, polysyllables}
  }

  it.each(texts)('counts %j like words() and isPolysyllable()', (text) => {
    expect(readabilityCounts(text)).toEqual(wordByWord(text))
    expect(countWords(text)).toBe(words(text).length)
  })

  it('counts 20,000 random short words like words() and isPolysyllable()', () => {
    // A small alphabet, so that every mix of vowels, consonant-only runs, the "x" of masked
    // addresses, digits, joiners and accents turns up many times.
    const letters = ['x', 'X', 'b', 'r', 'a', 'e', 'i', 'o', 'u', 'y', '1', '-', '.', "'", '’', 'é']
    for (const word of randomTexts(letters, 20_000, 10, 5)) {
      expect(readabilityCounts(word), JSON.stringify(word)).toEqual(wordByWord(word))
    }
  })

  it('counts 3,000 random texts like words() and isPolysyllable()', () => {
    // Pieces that reach every branch of the in-place counting: vowel pairs said apart, silent
    // endings, suffixes, capitals, digits, joiners, letters outside ASCII, masked addresses.
    const pieces = ['a', 'e', 'i', 'o', 'u', 'y', 'io', 'ia', 'eo', 'ua', 'yi', 'ye', 'qu', 'gu', 'tion', 'ed', 'es', 'le', 'ment', 'ly', 'ness',
      'ful', 'work', 'b', 'c', 'd', 'l', 'r', 's', 't', 'x', 'X', 'R', 'E', 'é', 'ï', 'ß', '1', '.', ',', '-', "'", '’', ' ', ' ', ' ', '. ', '\n',
      'www.nhs.uk', 'a@b.nhs.uk', 'İ']
    for (const text of randomTexts(pieces, 3000, 30, 11)) {
      expect(readabilityCounts(text), JSON.stringify(text)).toEqual(wordByWord(text))
    }
  })

  it.each([3, 10, 19, 20, 21, 25, 40])('finds the sentences of more than %i words as splitSentences() and words() see them', (maxWords) => {
    const long = Array.from({length: 30}, (_, i) => `word${i}`).join(' ')
    const text = [...texts, `${long}. Short one. ${long.slice(0, 120)}? Read https://www.nhs.uk/a/b.c then ${long}`].join('\n')
    const expected = splitSentences(text)
      .map((sentence) => [sentence, words(sentence).length] as const)
      .filter(([, count]) => count > maxWords)
    const found: (readonly [string, number])[] = []
    forEachLongSentence({text, path: []}, maxWords, (sentence, count) => found.push([sentence, count]))
    expect(found).toEqual(expected)
    if (maxWords <= 20) expect(found.length).toBeGreaterThan(1)
  })

  it('quotes the start of a sentence as before', () => {
    expect(startOf('  One   two three four five six seven', 5)).toBe('One two three four five…')
    expect(startOf('One two three four five,  six', 5)).toBe('One two three four five…')
    expect(startOf('One two three', 5)).toBe('One two three')
    expect(startOf('   ', 5)).toBe('')
  })
})
