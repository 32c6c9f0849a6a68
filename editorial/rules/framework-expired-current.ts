import {formatDate, parseIsoDate} from '../text'
import type {DocumentRule} from '../types'

/**
 * A framework past its expiry date is not current guidance: `expiresAt` is the last day it
 * applies, so from the day after, its status cannot be "Current" (the rule behind the framework
 * schema's status field, `schemas/documents/frameworkType.ts`).
 */

/** Today's date in England, whatever the time zone of the browser or server. */
let LONDON_DAY: Intl.DateTimeFormat | undefined
try {
  LONDON_DAY = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
} catch {
  LONDON_DAY = undefined
}

function isoDay(date: Date): string {
  if (LONDON_DAY) {
    let year = ''
    let month = ''
    let day = ''
    for (const part of LONDON_DAY.formatToParts(date)) {
      if (part.type === 'year') year = part.value
      else if (part.type === 'month') month = part.value
      else if (part.type === 'day') day = part.value
    }
    if (year && month && day) return `${year}-${month}-${day}`
  }
  return date.toISOString().slice(0, 10)
}

export const frameworkExpiredCurrent: DocumentRule = {
  id: 'framework-expired-current',
  level: 'error',
  scope: 'document',
  title: 'A framework past its expiry date is not marked "Current"',
  // The NHS standard for health content: keep content up to date, with a planned review cycle.
  source: 'https://service-manual.nhs.uk/content/standards-for-creating-health-content',
  types: ['framework'],
  field: 'status',
  check(document, context) {
    if (document.status !== 'current') return []
    const expires = parseIsoDate(document.expiresAt)
    if (!expires || Number.isNaN(context.today.getTime())) return []
    const expiresIso = `${expires.year}-${String(expires.month).padStart(2, '0')}-${String(expires.day).padStart(2, '0')}`
    if (expiresIso >= isoDay(context.today)) return []
    return [
      {
        message: `This framework expired on ${formatDate(expires.year, expires.month, expires.day)}: change its status to "Expired" or "Superseded", or move the expiry date`,
        path: [],
      },
    ]
  },
}
