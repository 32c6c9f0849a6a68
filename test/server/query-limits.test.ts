import {expect, test} from 'vitest'
import {ApiError} from '../../server/errors.js'
import {evaluateOver, parseQuery, runQuery, type QueryOptions} from '../../server/query.js'
import {cooperativeItems} from '../../server/query/budget.js'
import type {SanityDocument} from '../../server/types.js'
import {useDataset} from './query-dataset.js'

/** Queries never hold the server: a time limit, the request's abort signal, a bound on the result, and missing parameters refused. */

const RUNAWAY = 'count(*[count(*[count(*[true]) > 0]) > 0])'
const docs: SanityDocument[] = Array.from({length: 2_000}, (_, i) => ({_id: `doc-${i}`, _type: 'thing', title: `Thing ${i}`, n: i}))

const dataset = useDataset(docs)

const options = (extra: Partial<QueryOptions> = {}): QueryOptions => ({perspective: ['raw'], publicOnly: false, hideVersions: false, identity: 'me', params: {}, ...extra})

/** Resolves after `turns` turns of the event loop (each one lets timers, I/O and pending queries run). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise(setImmediate)
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ApiError)
  return err as ApiError
}

test('a runaway query is stopped at its time limit while other queries are answered', async () => {
  let runawayDone = false
  const runaway = runQuery(dataset(), RUNAWAY, options({timeoutMs: 300})).finally(() => (runawayDone = true))
  // a lookup started after the runaway is answered while the runaway is still running
  const lookup = await runQuery(dataset(), '*[_id == "doc-7"][0].title', options())
  expect(lookup.result).toBe('Thing 7')
  expect(runawayDone).toBe(false)
  const err = await refusal(runaway)
  expect(err.status).toBe(408)
  expect(err.type).toBe('queryTimeout')
  expect(err.description).toContain('300 ms')
  expect(err.description).toContain('AHP_QUERY_TIMEOUT_MS')
})

test('an aborted query stops evaluating', async () => {
  const controller = new AbortController()
  const running = runQuery(dataset(), RUNAWAY, options({signal: controller.signal, timeoutMs: 60_000}))
  const started = cooperativeItems()
  while (cooperativeItems() === started) await turns(1)
  controller.abort()
  const err = await refusal(running)
  expect(err.type).toBe('queryAborted')
  // every source ends at its next item: nothing is evaluated any more
  await turns(2)
  const after = cooperativeItems()
  await turns(50)
  expect(cooperativeItems()).toBe(after)
})

test('a query whose signal is already aborted is not evaluated', async () => {
  const before = cooperativeItems()
  const err = await refusal(runQuery(dataset(), '*[_type == "thing"]', options({signal: AbortSignal.abort()})))
  expect(err.type).toBe('queryAborted')
  expect(cooperativeItems()).toBe(before)
})

test('a result over the size bound is refused with advice to narrow or paginate', async () => {
  const err = await refusal(runQuery(dataset(), '*[_type == "thing"]', options({maxResultBytes: 10_000})))
  expect(err.status).toBe(400)
  expect(err.type).toBe('queryResultTooLarge')
  expect(err.description).toMatch(/narrow.*paginate/)
  const page = await runQuery(dataset(), '*[_type == "thing"] | order(n) [0...3]._id', options({maxResultBytes: 10_000}))
  expect(page.result).toEqual(['doc-0', 'doc-1', 'doc-2'])
})

test('a parameter the query references but the caller did not provide is refused as hosted Sanity refuses it', async () => {
  const query = '*[_type == "thing" && date < $today]'
  const err = await refusal(runQuery(dataset(), query, options()))
  expect(err.status).toBe(400)
  expect(err.type).toBe('queryParseError')
  expect(err.description).toBe('param $today referenced, but not provided')
  expect(err.details).toMatchObject({start: query.indexOf('$today'), end: query.indexOf('$today') + '$today'.length, query})
  // provided, the same query runs
  const ok = await runQuery(dataset(), 'count(*[_type == "thing" && n < $max])', options({params: {max: 3}}))
  expect(ok.result).toBe(3)
})

test('filters over explicit documents (listeners, patch and delete by query) have the same time limit', async () => {
  const err = await refusal(evaluateOver(parseQuery(RUNAWAY, {}), docs, {}, {timeoutMs: 200}))
  expect(err.type).toBe('queryTimeout')
  expect(await evaluateOver(parseQuery('*[n < 2]._id', {}), docs, {})).toEqual(['doc-0', 'doc-1'])
})
