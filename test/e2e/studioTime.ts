import {parseUkTime} from '../../server/ukTime.js'

/**
 * Two days from `now`, 09:00 UK time: as the Studio's date inputs take it (`PP HH:mm`,
 * "Dec 2, 2026 09:00", in the Europe/London zone the tests' browser uses), and as an instant.
 */
export function twoDaysOn(now: Date): {typed: string; at: Date} {
  const day = new Date(now.getTime() + 2 * 24 * 60 * 60_000)
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit'}).formatToParts(day).map((p) => [p.type, p.value]),
  )
  const month = new Intl.DateTimeFormat('en-US', {timeZone: 'Europe/London', month: 'short'}).format(day)
  return {typed: `${month} ${Number(parts.day)}, ${parts.year} 09:00`, at: parseUkTime(`${parts.year}-${parts.month}-${parts.day} 09:00`)}
}
