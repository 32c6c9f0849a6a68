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
 * What every match of `URL_IN_TEXT` must contain: "://", "www." (any case) or "@". Testing this
 * plain pattern first is far cheaper than `URL_IN_TEXT`, whose e-mail branch is tried at every
 * word, and most texts hold no address at all.
 */
function mayHoldUrl(text: string): boolean {
  if (text.includes('@') || text.includes('://')) return true
  // "www." in any case: look behind each dot (there are few), as indexOf is much faster than a regular expression.
  for (let dot = text.indexOf('.', 3); dot !== -1; dot = text.indexOf('.', dot + 1)) {
    if ((text.charCodeAt(dot - 1) | 32) === 119 && (text.charCodeAt(dot - 2) | 32) === 119 && (text.charCodeAt(dot - 3) | 32) === 119) return true
  }
  return false
}

/**
 * The text with each web or email address replaced by `x` characters of the same length, so
 * rules can search the text without matching inside addresses (the "ie" in a domain, the date in
 * a path) and keep their positions. Addresses are replaced by a single word-like run, so they
 * count as one word.
 */
export function maskUrls(text: string): string {
  if (!mayHoldUrl(text)) return text
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

// A candidate sentence end: one or more of `.`, `!`, `?` or `…`, any closing quotes or brackets,
// then white space: the regular expression `/[.!?…]+["'’”)\]]*(?=\s)/g`. A full stop followed
// directly by a letter or digit ("1.5", "nhs.uk") is not one, because no white space follows it.

function isSentenceStop(code: number): boolean {
  // . ! ? …
  return code === 46 || code === 33 || code === 63 || code === 8230
}

function isClosing(code: number): boolean {
  // " ' ’ ” ) ]
  return code === 34 || code === 39 || code === 8217 || code === 8221 || code === 41 || code === 93
}

/**
 * The next `.`, `!`, `?` or `…` in `line` at or after `from`; -1 if none. Stops are sparse, so
 * each is found with `indexOf` (native, and far faster than reading every character in a loop),
 * and where each next lies is remembered for the line, so the line is searched once per kind.
 */
const STOPS = ['.', '!', '?', '…']
const NEXT_STOP = [-2, -2, -2, -2]
let stopsOf = ''
let stopsFrom = 0
function nextStop(line: string, from: number): number {
  // What is remembered holds for one left-to-right search of one line: a new line, or the same
  // text read again, starts afresh.
  if (line !== stopsOf || from < stopsFrom) {
    stopsOf = line
    NEXT_STOP.fill(-2)
  }
  stopsFrom = from
  let best = -1
  for (let k = 0; k < 4; k++) {
    let at = NEXT_STOP[k]!
    if (at !== -1 && at < from) NEXT_STOP[k] = at = line.indexOf(STOPS[k]!, from)
    if (at !== -1 && (best === -1 || at < best)) best = at
  }
  return best
}

/** Where the sentence end `nextSentenceEnd` found last starts. */
const SENTENCE_END_AT = {start: 0}

/**
 * Where the next candidate sentence end in `line` at or after `from` ends, with its start in
 * `SENTENCE_END_AT.start`; -1 if there is none. The same matches as the expression's `exec`, read
 * off character codes: the expression allocated a match array at every sentence end, and 10,000
 * long documents have hundreds of thousands. A run of stops and closers either ends in white
 * space, and matches from its first stop, or does not, and no part of it can match (the
 * expression's backtracking only ever ends on a stop or closer).
 */
function nextSentenceEnd(line: string, from: number): number {
  const length = line.length
  let i = from
  while ((i = nextStop(line, i)) !== -1) {
    const start = i
    while (i < length && isSentenceStop(line.charCodeAt(i))) i++
    while (i < length && isClosing(line.charCodeAt(i))) i++
    if (i < length && isWhiteSpace(line.charCodeAt(i))) {
      SENTENCE_END_AT.start = start
      return i
    }
  }
  return -1
}

const STARTS_UPPER_OR_DIGIT = /^\s*["'‘“(]?[A-Z0-9]/

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
}

/**
 * The word just before the full stop at `stop` (not looking before `from`): letters, with inner
 * dots for "e.g" and "i.e"; undefined if a letter does not come just before the stop. Scans
 * backwards from the stop: the regular expression it replaces (`/([A-Za-z]+(?:\.[A-Za-z]+)*)\.$/`
 * on the sentence so far) was tried from every position of the sentence, at every full stop.
 */
function wordBeforeStop(line: string, from: number, stop: number): string | undefined {
  let i = stop
  if (i - 1 < from || !isAsciiLetter(line.charCodeAt(i - 1))) return undefined
  for (;;) {
    while (i - 1 >= from && isAsciiLetter(line.charCodeAt(i - 1))) i--
    // An inner dot continues the word only when a letter comes before it.
    if (i - 2 >= from && line.charCodeAt(i - 1) === 46 && isAsciiLetter(line.charCodeAt(i - 2))) i--
    else break
  }
  return line.slice(i, stop)
}

/** Whether the full stop at `stop` (in a sentence begun at `from`) belongs to an abbreviation; `end` is where the white space after it starts. */
function isAbbreviationStop(line: string, from: number, stop: number, end: number): boolean {
  const raw = wordBeforeStop(line, from, stop)
  if (raw === undefined) return false
  const lower = raw.toLowerCase()
  if (NUMBER_ABBREVIATIONS.has(lower)) return STARTS_DIGIT.test(line.slice(end, end + 6))
  // A single capital letter is an initial ("J. Smith"), unless it is the pronoun "I".
  if (raw.length === 1) return raw !== 'I' && raw !== raw.toLowerCase()
  if (lower === 'etc') return !STARTS_UPPER_OR_DIGIT.test(line.slice(end, end + 6))
  return ABBREVIATIONS.has(lower)
}

/** White space as `String.prototype.trim` and `\s` in a regular expression see it. */
export function isWhiteSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13)
  if (code < 160) return false
  return (
    code === 160 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  )
}

/** Adds the range `[start, end)` of `text`, trimmed, to `out` (as start, end pairs) unless it is blank. */
function pushTrimmed(text: string, start: number, end: number, out: number[]): void {
  while (start < end && isWhiteSpace(text.charCodeAt(start))) start++
  while (end > start && isWhiteSpace(text.charCodeAt(end - 1))) end--
  if (end > start) out.push(start, end)
}

/** The sentences of one line (`[lineStart, lineEnd)` of `masked`, no line breaks inside), as ranges. */
function splitLine(masked: string, lineStart: number, lineEnd: number, out: number[]): void {
  // Lines are usually the whole text, and slicing the whole string costs nothing.
  const line = lineStart === 0 && lineEnd === masked.length ? masked : masked.slice(lineStart, lineEnd)
  let start = 0
  for (let end = nextSentenceEnd(line, 0); end !== -1; end = nextSentenceEnd(line, end)) {
    const stop = SENTENCE_END_AT.start
    // A single full stop may belong to an abbreviation; "!", "?", "..." always end a sentence.
    if (line.charCodeAt(stop) === 46 && line.charCodeAt(stop + 1) !== 46) {
      if (isAbbreviationStop(line, start, stop, end)) continue
    }
    pushTrimmed(masked, lineStart + start, lineStart + end, out)
    start = end
  }
  pushTrimmed(masked, lineStart + start, lineEnd, out)
}

/**
 * The sentences of a text as `[start, end, start, end, …]` offsets into it. `masked` is the text
 * with `maskUrls` applied: it is split (so dots in addresses never split), and as masking keeps
 * every position, the offsets hold for the real text too. A run of line breaks ends a line.
 */
function sentenceRanges(masked: string): number[] {
  const out: number[] = []
  let lineStart = 0
  for (;;) {
    const lineEnd = masked.indexOf('\n', lineStart)
    if (lineEnd === -1) break
    splitLine(masked, lineStart, lineEnd, out)
    lineStart = lineEnd + 1
  }
  splitLine(masked, lineStart, masked.length, out)
  return out
}

/**
 * Splits text into sentences. A line break always ends a sentence (prose fields use them for
 * lists and paragraphs); text without a final full stop is still a sentence. Abbreviations
 * ("Dr.", "e.g.", "approx."), initials and decimals ("1.5") do not end sentences, and nor do the
 * dots inside web addresses.
 */
export function splitSentences(text: string): string[] {
  const ranges = sentenceRanges(maskUrls(text))
  const out: string[] = []
  for (let i = 0; i < ranges.length; i += 2) out.push(text.slice(ranges[i], ranges[i + 1]))
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
  return analyseText(text).words
}

const ONE_LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u
/** 1 for the ASCII letters and digits, 0 for the rest of ASCII: a table is faster than comparisons in this loop. */
const ASCII_LETTER_OR_DIGIT = Uint8Array.from({length: 128}, (_, code) => (/[A-Za-z0-9]/.test(String.fromCharCode(code)) ? 1 : 0))

/**
 * The length (1, or 2 for a surrogate pair) of the letter or digit (`\p{L}`, `\p{N}`) at `i`
 * before `end`; 0 if there is none. ASCII is decided from the code; anything else, rare in
 * this content, by a regular expression.
 */
function letterOrDigitAt(text: string, i: number, end: number): number {
  const code = text.charCodeAt(i)
  if (code < 128) return ASCII_LETTER_OR_DIGIT[code] ?? 0
  const length = code >= 0xd800 && code <= 0xdbff && i + 1 < end ? 2 : 1
  return ONE_LETTER_OR_DIGIT.test(text.slice(i, i + length)) ? length : 0
}

/** `'`, `’`, `.`, `,` or `-`: joins two runs of letters or digits into one word. */
function isWordJoiner(code: number): boolean {
  return code === 39 || code === 8217 || code === 46 || code === 44 || code === 45
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
  addAnalysisCounts(analyseText(text), counts, ignore)
}

/** Adds a segment's sentences, words and polysyllables to running totals (using the segment's cached sentences). */
export function addSegmentReadabilityCounts(segment: TextSegment, counts: ReadabilityCounts, ignore?: ReadonlySet<string>): void {
  addAnalysisCounts(analysisOf(segment), counts, ignore)
}

function addAnalysisCounts(analysis: TextAnalysis, counts: ReadabilityCounts, ignore?: ReadonlySet<string>): void {
  counts.sentences += analysis.sentencesWithWords
  counts.words += analysis.words
  const found = analysis.polysyllables
  if (!ignore || ignore.size === 0) {
    counts.polysyllables += found.length / 2
    return
  }
  for (let i = 0; i < found.length; i += 2) {
    if (!isIgnored(analysis.masked, found[i] ?? 0, found[i + 1] ?? 0, ignore)) counts.polysyllables++
  }
}

/**
 * Whether the word `[from, to)` of `text`, lower-cased, is in `ignore`: compared in place when
 * it is ASCII, as the page title's few words are checked against every polysyllable of the page.
 */
function isIgnored(text: string, from: number, to: number, ignore: ReadonlySet<string>): boolean {
  // Lower-casing anything else may change its length: the long way.
  for (let i = from; i < to; i++) if (text.charCodeAt(i) >= 128) return ignore.has(text.slice(from, to).toLowerCase())
  for (const word of ignore) {
    if (word.length !== to - from) continue
    let same = true
    for (let k = 0; k < word.length && same; k++) same = lowerAt(text, from + k) === word.charCodeAt(k)
    if (same) return true
  }
  return false
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

/**
 * Sentences of more words than this are kept in a text's analysis for the sentence-length rule;
 * the shorter ones (nearly all) are only counted. 20 is the service manual's own limit ("We use
 * short sentences - up to 20 words"), below the hub's 25, so the rule could be tightened to it.
 */
const KEPT_SENTENCE_WORDS = 20

/** What the sentence rules need to know about a text, worked out in one pass. */
interface TextAnalysis {
  /** The text with web addresses masked (same positions as the text). */
  masked: string
  /**
   * Each sentence of more than `KEPT_SENTENCE_WORDS` words as `start, end, words` (offsets into
   * the text, and its words with a web address counted as one): flat, and only the long ones,
   * so analysing 10,000 documents leaves little for the garbage collector.
   */
  longSentences: number[]
  /** Sentences with at least one word. */
  sentencesWithWords: number
  words: number
  /** The polysyllables (of more than 3 characters) as `start, end` offsets. */
  polysyllables: number[]
}

const NONE: number[] = []
/**
 * The polysyllables of the text being analysed, gathered here and copied out at their exact
 * length: an array grown one push at a time leaves its outgrown copies behind as garbage.
 * Written by index, never emptied by `length = 0`, which would give up the array's storage.
 */
const POLYSYLLABLES: number[] = []
let polysyllablesFound = 0

/**
 * Finds the words of `[start, end)` of `text` exactly as `WORD` does, without a regular
 * expression or an array of words, and looks at each word's syllables in the same loop: counts
 * the words and adds each polysyllable (of more than 3 characters)
 * to `POLYSYLLABLES`, without making a string of a word when it is all ASCII (nearly always). A
 * word with anything else goes the long way (`isPolysyllable`): lower-casing it could make new
 * letters. Reading each character once, not once to find the word and again to bound its
 * syllables, is most of what reading level costs. The equivalence with `words()` and
 * `isPolysyllable()` is pinned by tests on random texts.
 */
function scanWords(text: string, start: number, end: number): number {
  let count = 0
  let i = start
  while (i < end) {
    if (letterOrDigitAt(text, i, end) === 0) {
      i++
      continue
    }
    const from = i
    // An upper bound on the word's syllables, to rule it out cheaply: `syllablesInPart` never
    // counts more than a run of letters' vowel groups plus its vowel pairs said apart (ia io iu
    // eo ua uo yi ye), or 1; its other adjustments only take syllables away. Most words end here.
    // A masked address (all "x") never is one.
    let ascii = true
    let allX = true
    let bound = 0
    let part = 0
    let inPart = false
    let previous = 0
    for (;;) {
      while (i < end) {
        const code = text.charCodeAt(i)
        if (code >= 128) {
          const length = letterOrDigitAt(text, i, end)
          if (length === 0) break
          ascii = false
          i += length
          continue
        }
        if (ASCII_LETTER_OR_DIGIT[code] === 0) break
        i++
        if (code !== 120) allX = false
        const lower = code >= 65 && code <= 90 ? code | 32 : code
        if (lower < 97) {
          // a digit ends a run of letters
          if (inPart) bound += part < 1 ? 1 : part
          part = 0
          inPart = false
          previous = 0
          continue
        }
        inPart = true
        if (isVowel(lower)) {
          if (!isVowel(previous)) part++
          else if (
            (previous === 105 && (lower === 97 || lower === 111 || lower === 117)) ||
            (previous === 101 && lower === 111) ||
            (previous === 117 && (lower === 97 || lower === 111)) ||
            (previous === 121 && (lower === 105 || lower === 101))
          )
            part++
        }
        previous = lower
      }
      const joiner = i + 1 < end ? text.charCodeAt(i) : 0
      if (!isWordJoiner(joiner) || letterOrDigitAt(text, i + 1, end) === 0) break
      // a joiner ends a run of letters, and is never an "x"
      if (joiner >= 128) ascii = false
      allX = false
      if (inPart) bound += part < 1 ? 1 : part
      part = 0
      inPart = false
      previous = 0
      i++
    }
    count++
    if (i - from > 3) {
      if (inPart) bound += part < 1 ? 1 : part
      const polysyllable = !ascii ? isPolysyllable(text.slice(from, i)) : bound >= 3 && !allX && exactlyPolysyllableAt(text, from, i)
      if (polysyllable) {
        POLYSYLLABLES[polysyllablesFound++] = from
        POLYSYLLABLES[polysyllablesFound++] = i
      }
    }
  }
  return count
}

/** The analysis of a text, keeping the sentences of more than `keepOver` words. */
function analyseText(text: string, keepOver = KEPT_SENTENCE_WORDS): TextAnalysis {
  const masked = maskUrls(text)
  const ranges = sentenceRanges(masked)
  let longSentences = NONE
  // Polysyllables are found in the same pass as the words: reading level runs on every field
  // sentence length does, so a second pass over the words would only cost more.
  polysyllablesFound = 0
  let sentencesWithWords = 0
  let total = 0
  for (let i = 0; i < ranges.length; i += 2) {
    const start = ranges[i] ?? 0
    const end = ranges[i + 1] ?? 0
    // Masking a sentence alone masks what masking the whole text did, so counting in the masked
    // text is counting `words(sentence)`.
    const count = scanWords(masked, start, end)
    if (count > keepOver) {
      if (longSentences === NONE) longSentences = []
      longSentences.push(start, end, count)
    }
    if (count > 0) sentencesWithWords++
    total += count
  }
  const polysyllables = polysyllablesFound === 0 ? NONE : POLYSYLLABLES.slice(0, polysyllablesFound)
  return {masked, longSentences, sentencesWithWords, words: total, polysyllables}
}

/** The character code at `i`, with ASCII capitals lowered. */
export function lowerAt(text: string, i: number): number {
  const code = text.charCodeAt(i)
  return code >= 65 && code <= 90 ? code | 32 : code
}

/** Suffixes after which an "e" is silent (`SILENT_E_BEFORE_SUFFIX`), as character codes. */
const SILENT_E_SUFFIXES = ['ly', 'ment', 'ments', 'ful', 'fully', 'less', 'ness', 'work', 'works'].map((suffix) =>
  Array.from(suffix, (letter) => letter.charCodeAt(0)),
)
const SILENT_E_VOWELS = new Set(Array.from('aiouy', (letter) => letter.charCodeAt(0)))
const SILENT_E_CONSONANTS = new Set(Array.from('bcdfgklmnprstvz', (letter) => letter.charCodeAt(0)))

/** A word being counted, as lower-case character codes (reused: no allocation per word). */
const LETTERS = new Uint8Array(64)

function syllablesInRange(text: string, from: number, to: number): number {
  const length = to - from
  if (length === 0) return 0
  if (length <= 3) return 1
  // The word in lower case, then a 0 (where `word[length]` is undefined); every index read below is at least 0.
  if (length >= LETTERS.length) return syllablesInPart(text.slice(from, to).toLowerCase())
  const at = LETTERS
  for (let i = 0; i < length; i++) at[i] = lowerAt(text, from + i)
  at[length] = 0
  let count = 0
  let previousVowel = false
  for (let i = 0; i < length; i++) {
    const vowel = isVowel(at[i]!)
    if (vowel && !previousVowel) count++
    previousVowel = vowel
  }
  const last = at[length - 1]
  const second = at[length - 2]
  const third = at[length - 3]
  // e=101 d=100 s=115 l=108 t=116 x=120 z=122 h=104 c=99 g=103 i=105 a=97 o=111 u=117 y=121 n=110 q=113
  if (last === 101 && second !== 101 && second !== 105) {
    if (!(second === 108 && !isVowel(third!))) count--
  } else if (last === 100 && second === 101 && length > 4) {
    if (third !== 116 && third !== 100 && !isVowel(third!)) count--
  } else if (last === 115 && second === 101 && length > 4) {
    if (third !== 115 && third !== 120 && third !== 122 && third !== 104 && third !== 99 && third !== 103 && !isVowel(third!)) count--
  }
  for (let i = 0; i < length - 1; i++) {
    const a = at[i]
    const b = at[i + 1]
    if (
      (a === 105 &&
        (b === 97 || b === 111 || b === 117) &&
        !(b === 111 && at[i + 2] === 110 && i > 0 && (at[i - 1] === 116 || at[i - 1] === 115 || at[i - 1] === 99 || at[i - 1] === 103))) ||
      (a === 101 && b === 111 && i === length - 2) ||
      (a === 117 && (b === 97 || b === 111) && i > 0 && at[i - 1] !== 113 && at[i - 1] !== 103) ||
      (a === 121 && (b === 105 || b === 101) && i > 0 && !isVowel(at[i - 1]!))
    ) {
      count++
    }
  }
  // At most one suffix can fit (their endings exclude each other), so the first that does is the match.
  // Every suffix ends in y, t, l, s or k: most words are ruled out by their last letter.
  if (last === 121 || last === 116 || last === 108 || last === 115 || last === 107) {
    for (const suffix of SILENT_E_SUFFIXES) {
      const start = length - suffix.length - 3
      if (start < 0) continue
      let fits = true
      for (let k = 0; k < suffix.length && fits; k++) fits = at[start + 3 + k] === suffix[k]
      if (!fits) continue
      if (SILENT_E_VOWELS.has(at[start]!) && SILENT_E_CONSONANTS.has(at[start + 1]!) && at[start + 2] === 101 && start > 0) count--
      break
    }
  }
  return count < 1 ? 1 : count
}

/** The exact syllable count of the ASCII word `[from, to)` of `text`, run of letters by run of letters, is 3 or more. */
function exactlyPolysyllableAt(text: string, from: number, to: number): boolean {
  let total = 0
  let partStart = -1
  for (let i = from; i < to; i++) {
    const lower = lowerAt(text, i)
    if (lower >= 97 && lower <= 122) {
      if (partStart < 0) partStart = i
    } else if (partStart >= 0) {
      total += syllablesInRange(text, partStart, i)
      partStart = -1
    }
  }
  if (partStart >= 0) total += syllablesInRange(text, partStart, to)
  return total >= 3
}

/**
 * The analysis of a segment, worked out once and kept on the segment object itself: sentence
 * length and reading level both run on every keystroke, one after the other on the same field's
 * segments. Kept on the segment, it is garbage as soon as the field's content is: a shared cache
 * (a WeakMap, then a Map of the last 500 segments) kept segments alive across the young
 * generation's collections, and copying them made the garbage collector the biggest cost over
 * 10,000 documents. The text is kept beside it in case a caller reuses the segment for new text.
 */
interface AnalysedSegment extends TextSegment {
  analysed?: {text: string; analysis: TextAnalysis}
}

function analysisOf(segment: TextSegment): TextAnalysis {
  const cached = (segment as AnalysedSegment).analysed
  if (cached !== undefined && cached.text === segment.text) return cached.analysis
  const analysis = analyseText(segment.text)
  ;(segment as AnalysedSegment).analysed = {text: segment.text, analysis}
  return analysis
}

/**
 * Calls `each` with the text and word count of every sentence of the segment that has more than
 * `maxWords` words (web addresses counted as one word).
 */
export function forEachLongSentence(segment: TextSegment, maxWords: number, each: (sentence: string, words: number) => void): void {
  // Shorter than the shared analysis keeps: analyse afresh.
  const sentences = (maxWords < KEPT_SENTENCE_WORDS ? analyseText(segment.text, maxWords) : analysisOf(segment)).longSentences
  for (let i = 0; i < sentences.length; i += 3) {
    const count = sentences[i + 2] ?? 0
    if (count > maxWords) each(segment.text.slice(sentences[i], sentences[i + 1]), count)
  }
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
  if (maxWords >= 1) {
    // The same as below without collapsing and splitting the whole text: only the first
    // maxWords + 1 runs of non-space matter (trim and \s agree on what white space is).
    const first: string[] = []
    NON_SPACE_RUN.lastIndex = 0
    let match: RegExpExecArray | null
    while (first.length <= maxWords && (match = NON_SPACE_RUN.exec(text)) !== null) first.push(match[0])
    if (first.length <= maxWords) return first.join(' ')
    return `${first.slice(0, maxWords).join(' ').replace(TRAILING_PUNCTUATION, '')}…`
  }
  const all = text.trim().replace(SPACES, ' ').split(' ')
  if (all.length <= maxWords) return all.join(' ')
  return `${all.slice(0, maxWords).join(' ').replace(TRAILING_PUNCTUATION, '')}…`
}

const NON_SPACE_RUN = /\S+/g
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
