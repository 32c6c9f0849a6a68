import {formatDate, isValidDate, maskUrls, MONTHS} from '../text'
import type {FieldRule, RuleFinding} from '../types'

/**
 * Dates written like "6 August 2018" (NHS digital service manual, "Numbers, measurements, dates
 * and time": https://service-manual.nhs.uk/content/numbers-measurements-dates-time#dates: "We
 * use this format: 6 August 2018." and "As far as possible, spell out months in full. Screen
 * readers read out shortened months (Jan, Feb and so on) in inconsistent and sometimes confusing
 * ways."). Also from that page: no ordinals in dates' style ("6th") and no leading zeros.
 *
 * Numeric dates are read in UK order (day/month/year), unless only the US order makes a date.
 */

const MONTH_NUMBER: Record<string, number> = {}
MONTHS.forEach((name, index) => {
  const lower = name.toLowerCase()
  MONTH_NUMBER[lower] = index + 1
  MONTH_NUMBER[lower.slice(0, 3)] = index + 1
})
MONTH_NUMBER.sept = 9

/** Month names are matched with their capital letter only, so "step 2 may take" is not a date. */
const MONTH =
  '(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\.?'
const OF = /\sof\s/i
const FULL_MONTH = /^(?:January|February|March|April|May|June|July|August|September|October|November|December)$/

interface DatePattern {
  pattern: RegExp
  /** Day, month (1–12) and year from the match; year undefined when the text has none. */
  read: (match: RegExpExecArray) => {day: number; month: number; year?: number} | undefined
}

function fullYear(text: string): number {
  const year = Number(text)
  if (text.length === 4) return year
  return year < 50 ? 2000 + year : 1900 + year
}

function monthOf(name: string | undefined): number {
  return MONTH_NUMBER[(name ?? '').toLowerCase().replace('.', '')] ?? 0
}

const PATTERNS: DatePattern[] = [
  // 2018-08-06 (ISO)
  {
    pattern: /(?<![\d/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/-]|\.\d)/g,
    read: (m) => ({
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
    }),
  },
  // 06/08/2018, 6/8/18; 06.08.2018 and 06-08-2018 with a 4-digit year only (not version numbers)
  {
    pattern: /(?<![\d/.-])(\d{1,2})(?:\/(\d{1,2})\/(\d{4}|\d{2})|([.-])(\d{1,2})\4(\d{4}))(?![\d/-]|\.\d)/g,
    read: (m) => {
      const first = Number(m[1])
      const second = Number(m[2] ?? m[5])
      const year = fullYear(m[3] ?? m[6] ?? '')
      // UK order, unless only the US order makes a date.
      if (second > 12 && first <= 12) return {day: second, month: first, year}
      return {day: first, month: second, year}
    },
  },
  // 6th August 2018, 6th of August, 06 Aug 2018, 6 Aug. 2018, 06 August 2018
  {
    pattern: new RegExp(`(?<![\\d\\p{L}])(\\d{1,2})(st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}(?:,?\\s+(\\d{4}))?(?![\\p{L}\\d])`, 'gu'),
    read: (m) => {
      const day = Number(m[1])
      const month = monthOf(m[3])
      const year = m[4] === undefined ? undefined : Number(m[4])
      const padded = (m[1] ?? '').length === 2 && (m[1] ?? '').startsWith('0')
      const wellFormed = m[2] === undefined && !padded && FULL_MONTH.test(m[3] ?? '') && !(m[0] ?? '').includes(',') && !OF.test(m[0] ?? '')
      if (wellFormed) return undefined
      return {day, month, ...(year === undefined ? {} : {year})}
    },
  },
  // August 6, 2018; Aug 6th 2018; August 6 2018 (a year is needed: "March 3 people" is not a date)
  {
    pattern: new RegExp(`(?<![\\p{L}\\d])${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?![\\p{L}\\d])`, 'gu'),
    read: (m) => ({
      month: monthOf(m[1]),
      day: Number(m[2]),
      year: Number(m[3]),
    }),
  },
]

const HAS_DIGIT = /\d/

export const dateFormat: FieldRule = {
  id: 'date-format',
  level: 'warning',
  scope: 'field',
  title: 'Dates are written like "6 August 2018"',
  source: 'https://service-manual.nhs.uk/content/numbers-measurements-dates-time#dates',
  kinds: ['plain', 'prose', 'blocks', 'link'],
  check(content) {
    const findings: RuleFinding[] = []
    for (const segment of content.segments) {
      if (!HAS_DIGIT.test(segment.text)) continue
      const text = maskUrls(segment.text)
      // Character ranges already reported, so "6th Aug 2018" is reported once.
      const taken: [number, number][] = []
      const seen = new Set<string>()
      for (const {pattern, read} of PATTERNS) {
        pattern.lastIndex = 0
        let match: RegExpExecArray | null
        while ((match = pattern.exec(text)) !== null) {
          const start = match.index
          const end = start + match[0].length
          if (taken.some(([from, to]) => start < to && end > from)) continue
          const date = read(match)
          if (!date) continue
          const found = match[0].trim()
          const checkYear = date.year ?? 2000
          if (!isValidDate(checkYear, date.month, date.day)) continue
          taken.push([start, end])
          if (seen.has(found)) continue
          seen.add(found)
          const right =
            date.year === undefined ? `${date.day} ${MONTHS[date.month - 1] ?? ''}` : formatDate(date.year, date.month, date.day)
          findings.push({
            message: `Write the date as "${right}", not "${found}"`,
            path: segment.path,
          })
        }
      }
    }
    return findings
  },
}
