import {readFileSync} from 'node:fs'

import {evaluate, parse} from 'groq-js'
import {describe, expect, test} from 'vitest'

import {badgesFor, ExpiredBadge, SupersededBadge} from '../../studio/badges'
import {
  expiredReason,
  formatNhsDate,
  isExpired,
  isSuperseded,
  localIsoDate,
  REPLACED_BY_QUERY,
  REPLACED_BY_TITLES_QUERY,
  supersededReason,
  type FrameworkLifecycle,
} from '../../studio/badges/frameworkLifecycle'

const TODAY = '2026-11-26'

const expiredCases: {name: string; framework: FrameworkLifecycle | null; expired: boolean}[] = [
  {name: 'status expired, no dates', framework: {status: 'expired'}, expired: true},
  {name: 'current, expires in the future', framework: {status: 'current', expiresAt: '2030-03-31'}, expired: false},
  {name: 'current, last day is today', framework: {status: 'current', expiresAt: TODAY}, expired: false},
  {name: 'current, last day was yesterday', framework: {status: 'current', expiresAt: '2026-11-25'}, expired: true},
  {name: 'in development, no dates', framework: {status: 'inDevelopment'}, expired: false},
  {name: 'no status, expired date', framework: {expiresAt: '2021-12-31'}, expired: true},
  {name: 'a date that is not a date is ignored', framework: {status: 'current', expiresAt: 'soon'}, expired: false},
  {name: 'a number is ignored', framework: {status: 'current', expiresAt: 20211231}, expired: false},
  {name: 'no document', framework: null, expired: false},
]

describe('Expired rule', () => {
  for (const example of expiredCases) {
    test(example.name, () => {
      const before = structuredClone(example.framework)
      expect(isExpired(example.framework, TODAY)).toBe(example.expired)
      expect(example.framework).toEqual(before)
    })
  }

  test('today is the editor\'s local date, in the form a date field stores', () => {
    expect(localIsoDate(new Date(2027, 0, 5, 23, 59))).toBe('2027-01-05')
    expect(localIsoDate(new Date(2026, 11, 31, 0, 0))).toBe('2026-12-31')
  })
})

describe('Superseded rule', () => {
  const cases: {name: string; framework: FrameworkLifecycle | null; replacedBy: number; superseded: boolean}[] = [
    {name: 'status superseded, nothing replaces it', framework: {status: 'superseded'}, replacedBy: 0, superseded: true},
    {name: 'current, a published framework replaces it', framework: {status: 'current'}, replacedBy: 1, superseded: true},
    {name: 'current, nothing replaces it', framework: {status: 'current'}, replacedBy: 0, superseded: false},
    {name: 'no document, nothing replaces it', framework: null, replacedBy: 0, superseded: false},
  ]
  for (const example of cases) {
    test(example.name, () => expect(isSuperseded(example.framework, example.replacedBy)).toBe(example.superseded))
  }

  test('the query counts the frameworks that name it under "Replaces", on the seed', async () => {
    const dataset = readFileSync(new URL('../../content/dataset.ndjson', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as unknown)
    const count = async (id: string) => (await evaluate(parse(REPLACED_BY_QUERY.fetch), {dataset, params: {id}})).get()
    // AHPs into Action: Next Chapter replaces AHPs into Action.
    expect(await count('framework-ahps-into-action')).toBe(1)
    expect(await count('framework-ahps-into-action-next-chapter')).toBe(0)
    expect(await count('framework-digital-framework-for-ahps')).toBe(0)
  })

  test('the listener half is a plain filter, as the listen endpoint requires', () => {
    expect(REPLACED_BY_QUERY.listen).toMatch(/^\*\[[^\]]+\]$/)
    expect(REPLACED_BY_QUERY.fetch).toContain(REPLACED_BY_QUERY.listen)
  })
})

describe('badges', () => {
  test('frameworks get Expired and Superseded; other types none', () => {
    expect(badgesFor('framework')).toEqual([ExpiredBadge, SupersededBadge])
    expect(badgesFor('profession')).toEqual([])
    expect(badgesFor('caseExample')).toEqual([])
  })

  test('Expired reads the draft before the published version', () => {
    const base = {id: 'framework-x', type: 'framework', liveEdit: false, liveEditSchemaType: false, ready: true, transactionSyncLock: null, version: null, release: undefined}
    const expiredPublishedOnly = {...base, draft: null, published: {_id: 'framework-x', _type: 'framework', _rev: '1', _createdAt: '', _updatedAt: '', status: 'expired'}}
    expect(ExpiredBadge(expiredPublishedOnly as never)).toMatchObject({label: 'Expired', color: 'danger'})
    const reopenedInDraft = {...expiredPublishedOnly, draft: {_id: 'drafts.framework-x', _type: 'framework', _rev: '2', _createdAt: '', _updatedAt: '', status: 'current', expiresAt: '2999-01-01'}}
    expect(ExpiredBadge(reopenedInDraft as never)).toBeNull()
  })
})

describe('badges explain themselves', () => {
  test('Expired says which date passed, or that the status says so, and what to do', () => {
    expect(formatNhsDate('2021-12-31')).toBe('31 December 2021')
    expect(expiredReason({status: 'current', expiresAt: '2021-12-31'}, TODAY)).toBe(
      'Its last day was 31 December 2021 (“Expires on”), so it no longer applies. Set its status to Expired or Superseded, or correct the date.',
    )
    expect(expiredReason({status: 'expired', expiresAt: '2021-12-31'}, TODAY)).toBe('Its status is Expired, and its last day was 31 December 2021.')
    expect(expiredReason({status: 'expired'}, TODAY)).toBe('Its status is Expired.')
    expect(expiredReason({status: 'current', expiresAt: '2030-01-01'}, TODAY)).toBeUndefined()
  })

  test('Superseded names the framework that replaces it', async () => {
    expect(supersededReason({status: 'current'}, ['AHPs into Action: Next Chapter'])).toBe(
      'Replaced by “AHPs into Action: Next Chapter”, which names it under “Replaces”.',
    )
    expect(supersededReason({status: 'superseded'}, [])).toBe('Its status is Superseded.')
    expect(supersededReason({status: 'current'}, [])).toBeUndefined()
    const dataset = readFileSync(new URL('../../content/dataset.ndjson', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as unknown)
    const titles = await (await evaluate(parse(REPLACED_BY_TITLES_QUERY.fetch), {dataset, params: {id: 'framework-ahps-into-action'}})).get()
    expect(titles).toEqual(['AHPs into Action: Next Chapter'])
  })

  test('the hover text of a badge carries the reason', () => {
    const props = {id: 'framework-x', type: 'framework', draft: null, version: null, published: {_id: 'framework-x', _type: 'framework', status: 'current', expiresAt: '2021-12-31'}}
    expect(ExpiredBadge(props as never)).toMatchObject({label: 'Expired', title: expect.stringContaining('Its last day was 31 December 2021')})
  })
})
