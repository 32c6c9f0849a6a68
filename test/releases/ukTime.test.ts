import {describe, expect, test} from 'vitest'
import {formatUkTime, formatUtc, londonZoneName, parseUkTime} from '../../server/ukTime.js'

describe('UK time for schedules (Europe/London through Intl)', () => {
  test.each([
    ['winter: GMT is UTC', '2026-12-01 09:00', '2026-12-01T09:00:00.000Z', 'Tue, 1 Dec 2026, 09:00 GMT (2026-12-01 09:00 UTC)'],
    ['summer: BST is UTC+1', '2026-07-01 09:00', '2026-07-01T08:00:00.000Z', 'Wed, 1 Jul 2026, 09:00 BST (2026-07-01 08:00 UTC)'],
    ['T as separator, seconds', '2026-07-01T09:00:30', '2026-07-01T08:00:30.000Z', 'Wed, 1 Jul 2026, 09:00 BST (2026-07-01 08:00 UTC)'],
    ['autumn change: a time that happens twice is the first (BST)', '2026-10-25 01:30', '2026-10-25T00:30:00.000Z', 'Sun, 25 Oct 2026, 01:30 BST (2026-10-25 00:30 UTC)'],
    ['after the autumn change', '2026-10-25 02:30', '2026-10-25T02:30:00.000Z', 'Sun, 25 Oct 2026, 02:30 GMT (2026-10-25 02:30 UTC)'],
    ['an explicit Z is taken as given', '2026-07-01T09:00Z', '2026-07-01T09:00:00.000Z', 'Wed, 1 Jul 2026, 10:00 BST (2026-07-01 09:00 UTC)'],
    ['an explicit offset is taken as given', '2026-12-01T09:00:00+01:00', '2026-12-01T08:00:00.000Z', 'Tue, 1 Dec 2026, 08:00 GMT (2026-12-01 08:00 UTC)'],
  ])('%s', (_name, input, iso, shown) => {
    const date = parseUkTime(input)
    expect(date.toISOString()).toBe(iso)
    expect(formatUkTime(date)).toBe(shown)
  })

  test('the spring change skips an hour: those times are refused', () => {
    expect(() => parseUkTime('2026-03-29 01:30')).toThrow('01:30 on 2026-03-29 does not exist in UK time (the clocks go forward an hour): choose another time')
    expect(parseUkTime('2026-03-29 02:00').toISOString()).toBe('2026-03-29T01:00:00.000Z')
  })

  test('not a date and time', () => {
    expect(() => parseUkTime('next Tuesday')).toThrow('use UK time as YYYY-MM-DD HH:MM')
    expect(() => parseUkTime('2026-02-30 09:00')).toThrow('is not a real date and time')
    expect(() => parseUkTime('2026-12-01 24:00')).toThrow('is not a real date and time')
  })

  test('zone names and UTC', () => {
    expect(londonZoneName(new Date('2026-01-15T12:00:00Z'))).toBe('GMT')
    expect(londonZoneName(new Date('2026-06-15T12:00:00Z'))).toBe('BST')
    expect(formatUtc(new Date('2026-06-15T07:05:00Z'))).toBe('2026-06-15 07:05 UTC')
  })
})
