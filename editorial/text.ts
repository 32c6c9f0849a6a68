import type {TextSegment} from './types'

/**
 * Text helpers for the editorial rules: sentences, words, syllables, the SMOG grade, dates and
 * short quotes for messages. No Node or Sanity imports (this runs in the browser Studio on every
 * keystroke), and every regular expression is compiled once, here, at module level.
 */

// ---------------------------------------------------------------------------------------------
// Web addresses
// ---------------------------------------------------------------------------------------------

/** A web or email address inside running text: `https://…`, `www.…`, `name@example.nhs.uk`. */
const URL_IN_TEXT = /\b(?:https?:\/\/|ftp:\/\/|www\.)[^\s<>"]*[^\s<>".,;:!?)\]'’”]|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/gi

/**
 * The text with each web or email address replaced by `x` characters of the same length, so
 * rules can search the text without matching inside addresses (the "ie" in a domain, the date in
 * a path) and keep their positions. Addresses are replaced by a single word-like run, so they
 * count as one word.
 */
export function maskUrls(text: string): string {
  if (!text.includes('.') && !text.includes(':')) return text
  return text.replace(URL_IN_TEXT, (match) => 'x'.repeat(match.length))
}

// ---------------------------------------------------------------------------------------------
// Sentences
// ---------------------------------------------------------------------------------------------

/**
 * Words that end with a full stop without ending a sentence (lower case, without the stop).
 * "etc" is handled apart: it ends a sentence when the next word starts with a capital letter.
 */
const ABBREVIATIONS = new Set([
  'dr',
  'mr',
  'mrs',
  'ms',
  'mx',
  'prof',
  'rev',
  'sr',
  'jr',
  'st',
  'cllr',
  'hon',
  'sgt',
  'capt',
  'e.g',
  'i.e',
  'eg',
  'ie',
  'vs',
  'cf',
  'approx',
  'ca',
  'dept',
  'inc',
  'ltd',
  'corp',
  'al',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sept',
  'oct',
  'nov',
  'dec',
])

/** Abbreviations that only come before a number ("No. 5", "p. 12", "Fig. 3"), so "no." before a word ends a sentence. */
const NUMBER_ABBREVIATIONS = new Set(['no', 'nos', 'p', 'pp', 'para', 'paras', 'fig', 'figs', 'vol', 'ch', 'sec', 'ref', 'v'])
const STARTS_DIGIT = /^\s*\d/

/**
 * A candidate sentence end: one or more of `.`, `!`, `?` or `…`, any closing quotes or brackets,
 * then white space. A full stop followed directly by a letter or digit ("1.5", "nhs.uk") is not
 * matched, because it is not followed by white space.
 */
const SENTENCE_END = /[.!?…]+["'’”)\]]*(?=\s)/g
/** The word just before a full stop: letters, with inner dots for "e.g" and "i.e". */
const WORD_BEFORE_STOP = /([A-Za-z]+(?:\.[A-Za-z]+)*)\.$/
const LINE_BREAKS = /\n+/
const STARTS_UPPER_OR_DIGIT = /^\s*["'‘“(]?[A-Z0-9]/

function isAbbreviationStop(before: string, after: string): boolean {
  const word = WORD_BEFORE_STOP.exec(before)
  if (!word) return false
  const raw = word[1] ?? ''
  const lower = raw.toLowerCase()
  if (NUMBER_ABBREVIATIONS.has(lower)) return STARTS_DIGIT.test(after)
  // A single capital letter is an initial ("J. Smith"), unless it is the pronoun "I".
  if (raw.length === 1) return raw !== 'I' && raw !== raw.toLowerCase()
  if (lower === 'etc') return !STARTS_UPPER_OR_DIGIT.test(after)
  return ABBREVIATIONS.has(lower)
}

function splitLine(line: string, out: string[]): void {
  let start = 0
  SENTENCE_END.lastIndex = 0
  let match: RegExpExecArray | null
  while ((match = SENTENCE_END.exec(line)) !== null) {
    const end = match.index + match[0].length
    // A single full stop may belong to an abbreviation; "!", "?", "..." always end a sentence.
    if (match[0].charAt(0) === '.' && match[0].charAt(1) !== '.') {
      if (isAbbreviationStop(line.slice(start, match.index + 1), line.slice(end, end + 6))) continue
    }
    const sentence = line.slice(start, end).trim()
    if (sentence !== '') out.push(sentence)
    start = end
  }
  const rest = line.slice(start).trim()
  if (rest !== '') out.push(rest)
}

/**
 * Splits text into sentences. A line break always ends a sentence (prose fields use them for
 * lists and paragraphs); text without a final full stop is still a sentence. Abbreviations
 * ("Dr.", "e.g.", "approx."), initials and decimals ("1.5") do not end sentences, and nor do the
 * dots inside web addresses.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = []
  const masked = maskUrls(text)
  // Split the masked text (so dots in addresses never split) but return the real text.
  if (masked === text) {
    for (const line of text.split(LINE_BREAKS)) splitLine(line, out)
    return out
  }
  let offset = 0
  for (const line of masked.split(LINE_BREAKS)) {
    const lineStart = masked.indexOf(line, offset)
    const parts: string[] = []
    splitLine(line, parts)
    let cursor = 0
    for (const part of parts) {
      const at = line.indexOf(part, cursor)
      out.push(text.slice(lineStart + at, lineStart + at + part.length))
      cursor = at + part.length
    }
    offset = lineStart + line.length
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Words and syllables
// ---------------------------------------------------------------------------------------------

/** A word: letters or digits, with inner apostrophes, hyphens, dots or commas ("don't", "self-care", "1.5", "1,000"). */
const WORD = /[\p{L}\p{N}]+(?:['’.,\-][\p{L}\p{N}]+)*/gu

/** The words of a text, with any web address counted as one word. */
export function words(text: string): string[] {
  return maskUrls(text).match(WORD) ?? []
}

/** How many words a text has, with any web address counted as one word. */
export function countWords(text: string): number {
  const masked = maskUrls(text)
  WORD.lastIndex = 0
  let count = 0
  while (WORD.exec(masked) !== null) count++
  return count
}

function isVowel(code: number): boolean {
  // a e i o u y
  return code === 97 || code === 101 || code === 105 || code === 111 || code === 117 || code === 121
}

/** Syllables in one run of lower-case letters (a-z only). */
function syllablesInPart(word: string): number {
  const length = word.length
  if (length === 0) return 0
  if (length <= 3) return 1
  let count = 0
  let previousVowel = false
  for (let i = 0; i < length; i++) {
    const vowel = isVowel(word.charCodeAt(i))
    if (vowel && !previousVowel) count++
    previousVowel = vowel
  }
  // A final silent "e" ("care", "make"), but not "-le" after a consonant ("table", "simple")
  // nor "-ee" ("agree").
  if (word.endsWith('e') && !word.endsWith('ee') && !word.endsWith('ie')) {
    const beforeLe = word.charCodeAt(length - 3)
    if (!(word.endsWith('le') && !isVowel(beforeLe))) count--
  }
  // "-es" and "-ed" are usually silent ("makes", "named"), except after t/d or s/x/z sounds.
  else if (word.endsWith('ed') && length > 4) {
    const c = word[length - 3]
    if (c !== 't' && c !== 'd' && !isVowel(word.charCodeAt(length - 3))) count--
  } else if (word.endsWith('es') && length > 4) {
    const c = word[length - 3]
    if (c !== 's' && c !== 'x' && c !== 'z' && c !== 'h' && c !== 'c' && c !== 'g' && !isVowel(word.charCodeAt(length - 3))) count--
  }
  // Vowel pairs that are usually said as two syllables: "-ia" (media), "-io" (ratio, audio),
  // "-iu" (stadium), "-eo" (video), "-ua" (actual), "-uo" (duo), "-ying" (applying).
  for (let i = 0; i < length - 1; i++) {
    const a = word[i]
    const b = word[i + 1]
    if (
      (a === 'i' &&
        (b === 'a' || b === 'o' || b === 'u') &&
        !(
          b === 'o' &&
          word[i + 2] === 'n' &&
          i > 0 &&
          (word[i - 1] === 't' || word[i - 1] === 's' || word[i - 1] === 'c' || word[i - 1] === 'g')
        )) ||
      (a === 'e' && b === 'o' && i === length - 2) ||
      (a === 'u' && (b === 'a' || b === 'o') && i > 0 && word[i - 1] !== 'q' && word[i - 1] !== 'g') ||
      (a === 'y' && (b === 'i' || b === 'e') && i > 0 && !isVowel(word.charCodeAt(i - 1)))
    ) {
      count++
    }
  }
  // A silent "e" before a suffix: "safely", "statement", "careful", "homeless", "frameworks".
  const silent = SILENT_E_BEFORE_SUFFIX.exec(word)
  if (silent && silent.index > 0) count--
  return count < 1 ? 1 : count
}

/** A vowel, one consonant, then an "e" that is silent because a suffix follows. */
const SILENT_E_BEFORE_SUFFIX = /[aiouy][bcdfgklmnprstvz]e(?:ly|ment|ments|ful|fully|less|ness|work|works)$/

const NON_LETTERS = /[^a-z]+/

/**
 * Estimated syllables in a word, from its vowel groups with the commonest English exceptions
 * (silent final "e", "-ed", "-es", "-le", vowel pairs said apart like "ratio"). Hyphenated
 * words add their parts. Numbers and other words without letters count as 1. Good enough for a
 * readability estimate, which is what it is for; it is not a dictionary.
 */
export function countSyllables(word: string): number {
  const lower = word.toLowerCase()
  const cached = SYLLABLE_CACHE.get(lower)
  if (cached !== undefined) return cached
  let total = 0
  for (const part of lower.split(NON_LETTERS)) total += syllablesInPart(part)
  if (total < 1) total = 1
  // Content reuses a small vocabulary: remember counts, within a bound.
  if (SYLLABLE_CACHE.size >= SYLLABLE_CACHE_LIMIT) SYLLABLE_CACHE.clear()
  SYLLABLE_CACHE.set(lower, total)
  return total
}

const SYLLABLE_CACHE = new Map<string, number>()
const SYLLABLE_CACHE_LIMIT = 50_000

// ---------------------------------------------------------------------------------------------
// SMOG
// ---------------------------------------------------------------------------------------------

/**
 * The SMOG grade: McLaughlin, G. H. (1969) "SMOG grading: a new readability formula", Journal of
 * Reading 12(8), 639–646:
 *
 *     grade = 1.0430 × √(polysyllables × 30 / sentences) + 3.1291
 *
 * where polysyllables are words of 3 or more syllables. The grade is a US school grade (years of
 * education needed to understand the text); 0 when there are no sentences.
 */
export function smogGrade(polysyllables: number, sentences: number): number {
  if (sentences <= 0) return 0
  return 1.043 * Math.sqrt((polysyllables * 30) / sentences) + 3.1291
}

export interface ReadabilityCounts {
  sentences: number
  words: number
  polysyllables: number
}

/** Sentences, words and words of 3 or more syllables in a text (`ignore`: lower-case words to leave out of the polysyllable count). */
export function readabilityCounts(text: string, ignore?: ReadonlySet<string>): ReadabilityCounts {
  const counts: ReadabilityCounts = {
    sentences: 0,
    words: 0,
    polysyllables: 0,
  }
  addReadabilityCounts(text, counts, ignore)
  return counts
}

/** Adds a text's sentences, words and polysyllables to running totals. */
export function addReadabilityCounts(text: string, counts: ReadabilityCounts, ignore?: ReadonlySet<string>): void {
  addSentenceCounts(analyseText(text), counts, ignore)
}

function addSentenceCounts(sentences: readonly Sentence[], counts: ReadabilityCounts, ignore?: ReadonlySet<string>): void {
  for (const sentence of sentences) {
    if (sentence.words.length === 0) continue
    counts.sentences++
    counts.words += sentence.words.length
    for (const word of sentence.words) {
      if (word.length > 3 && isPolysyllable(word) && !(ignore && ignore.has(word.toLowerCase()))) counts.polysyllables++
    }
  }
}

/** Adds a segment's sentences, words and polysyllables to running totals (using the segment's cached sentences). */
export function addSegmentReadabilityCounts(segment: TextSegment, counts: ReadabilityCounts, ignore?: ReadonlySet<string>): void {
  addSentenceCounts(sentencesOf(segment), counts, ignore)
}

const HAS_LETTER = /\p{L}/u
const ALL_X = /^x+$/

/** A word of 3 or more syllables (numbers and masked web addresses never are). */
export function isPolysyllable(word: string): boolean {
  if (!HAS_LETTER.test(word) || ALL_X.test(word)) return false
  return countSyllables(word) >= 3
}

// ---------------------------------------------------------------------------------------------
// Segments
// ---------------------------------------------------------------------------------------------

/** A sentence and its words (web addresses counted as one word). */
export interface Sentence {
  text: string
  words: string[]
}

function analyseText(text: string): Sentence[] {
  return splitSentences(text).map((sentence) => ({
    text: sentence,
    words: words(sentence),
  }))
}

/**
 * Sentences of a segment, worked out once per segment object and shared by the rules that need
 * them (sentence length and reading level both run on every keystroke).
 */
const SENTENCE_CACHE = new WeakMap<TextSegment, {text: string; sentences: Sentence[]}>()

export function sentencesOf(segment: TextSegment): readonly Sentence[] {
  const cached = SENTENCE_CACHE.get(segment)
  if (cached && cached.text === segment.text) return cached.sentences
  const sentences = analyseText(segment.text)
  SENTENCE_CACHE.set(segment, {text: segment.text, sentences})
  return sentences
}

const HEADING_STYLE = /^h[1-6]$/

/** Whether a text segment is a Portable Text heading. */
export function isHeading(segment: TextSegment): boolean {
  return segment.style !== undefined && HEADING_STYLE.test(segment.style)
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** Whether day, month (1–12) and year make a real date. */
export function isValidDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

/** A date as the NHS style guide writes it: "6 August 2018" (month 1–12). */
export function formatDate(year: number, month: number, day: number): string {
  return `${day} ${MONTHS[month - 1] ?? ''} ${year}`
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Parses a `YYYY-MM-DD` date (a Sanity `date` field); undefined if it is not one. */
export function parseIsoDate(value: unknown): {year: number; month: number; day: number} | undefined {
  if (typeof value !== 'string') return undefined
  const match = ISO_DATE.exec(value.trim())
  if (!match) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  return isValidDate(year, month, day) ? {year, month, day} : undefined
}

// ---------------------------------------------------------------------------------------------
// Quoting text in messages
// ---------------------------------------------------------------------------------------------

const SPACES = /\s+/g

/** The first few words of a text, for a message: `The framework was produced using…`. */
export function startOf(text: string, maxWords = 5): string {
  const all = text.trim().replace(SPACES, ' ').split(' ')
  if (all.length <= maxWords) return all.join(' ')
  return `${all.slice(0, maxWords).join(' ').replace(TRAILING_PUNCTUATION, '')}…`
}

const TRAILING_PUNCTUATION = /[\s,;:.!?–—-]+$/

/** A text for quoting in a message: white space collapsed, cut to `max` characters with "…". */
export function shorten(text: string, max = 60): string {
  const clean = text.trim().replace(SPACES, ' ')
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).trimEnd()}…`
}

/** The suggestion with its first letter in capitals when the original's was: "Do not" for "Don't". */
export function matchCase(original: string, suggestion: string): string {
  const first = original.charAt(0)
  if (first !== '' && first === first.toUpperCase() && first !== first.toLowerCase()) {
    return suggestion.charAt(0).toUpperCase() + suggestion.slice(1)
  }
  return suggestion
}
