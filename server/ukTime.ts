/**
 * Schedules are entered and shown in UK time (Europe/London: GMT in winter, BST in summer) with
 * the UTC equivalent. Intl knows the rules; no time zone library is needed.
 */

export const UK_TIME_ZONE = 'Europe/London'

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

const displayFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME_ZONE,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

const zoneNameFormat = new Intl.DateTimeFormat('en-GB', {timeZone: UK_TIME_ZONE, timeZoneName: 'short'})

/** London wall-clock fields of an instant. */
function londonFields(instant: number): {year: number; month: number; day: number; hour: number; minute: number; second: number} {
  const fields: Record<string, number> = {}
  for (const part of partsFormat.formatToParts(new Date(instant))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  return {
    year: fields.year ?? 0,
    month: fields.month ?? 0,
    day: fields.day ?? 0,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
  }
}

/** Minutes London is ahead of UTC at an instant (0 for GMT, 60 for BST). */
export function londonOffsetMinutes(instant: number): number {
  const f = londonFields(instant)
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second)
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000)
}

/** "GMT" or "BST". */
export function londonZoneName(date: Date): string {
  const name = zoneNameFormat.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? ''
  return name === 'GMT+1' ? 'BST' : name || 'GMT'
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `2026-12-01 09:00 UTC` */
export function formatUtc(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`
}

/** `Tue 1 Dec 2026, 09:00 GMT (2026-12-01 09:00 UTC)` */
export function formatUkTime(date: Date): string {
  return `${displayFormat.format(date)} ${londonZoneName(date)} (${formatUtc(date)})`
}

export class UkTimeError extends Error {
  override name = 'UkTimeError'
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i

/**
 * Reads a schedule: `YYYY-MM-DD HH:MM` (or with `T`) is UK wall-clock time; a time with `Z` or an
 * offset is taken as given. A time the clocks skip (the spring change) is refused; a time that
 * happens twice (the autumn change) is the first of the two (BST).
 */
export function parseUkTime(input: string): Date {
  const text = input.trim()
  if (WITH_ZONE.test(text)) {
    const date = new Date(text.replace(' ', 'T'))
    if (Number.isNaN(date.getTime())) throw new UkTimeError(`"${input}" is not a valid date and time`)
    return date
  }
  const match = LOCAL_TIME.exec(text)
  if (!match) {
    throw new UkTimeError(`"${input}" is not a date and time: use UK time as YYYY-MM-DD HH:MM, for example 2026-12-01 09:00`)
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number]
  const wall = Date.UTC(year, month - 1, day, hour, minute, second)
  const check = new Date(wall)
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new UkTimeError(`"${input}" is not a real date and time`)
  }
  // candidates: the wall time read as BST (UTC+1) and as GMT (UTC+0); keep those London agrees with
  const candidates = [wall - 60 * 60_000, wall].filter((instant) => wall - instant === londonOffsetMinutes(instant) * 60_000)
  const first = candidates[0]
  if (first === undefined) {
    throw new UkTimeError(`${text.slice(11, 16)} on ${text.slice(0, 10)} does not exist in UK time (the clocks go forward an hour): choose another time`)
  }
  return new Date(first)
}
