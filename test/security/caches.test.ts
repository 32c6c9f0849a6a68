import {expect, test} from 'vitest'
import {parseCacheStats, parseQuery} from '../../server/query.js'

/** Caches are bounded by bytes: many large distinct queries cannot hold the server's memory. */

test('the parse cache stays under 16 MiB however many large distinct queries arrive, and keeps none over 256 KiB', () => {
  const filler = 'x'.repeat(60_000)
  for (let i = 0; i < 200; i++) parseQuery(`*[_type == "${filler}${i}"]`, {})
  const afterMany = parseCacheStats()
  expect(afterMany.bytes).toBeLessThanOrEqual(16 * 1024 * 1024)
  expect(afterMany.entries).toBeGreaterThan(10)
  const huge = parseQuery(`*[title == "${'y'.repeat(1_000_000)}"]`, {})
  expect(huge).toBeDefined()
  expect(parseCacheStats().bytes).toBeLessThanOrEqual(16 * 1024 * 1024)
})

test('a repeated query is answered from the cache with the same tree', () => {
  const first = parseQuery('*[_type == $t]', {t: 'profession'})
  expect(parseQuery('*[_type == $t]', {t: 'profession'})).toBe(first)
  expect(parseQuery('*[_type == $t]', {t: 'framework'})).not.toBe(first)
})
