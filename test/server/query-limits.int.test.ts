import https from 'node:https'
import {afterAll, beforeAll, expect, onTestFinished, test} from 'vitest'
import {cooperativeItems} from '../../server/query/budget.js'
import {startTestServer, type TestServer} from './helpers.js'

/** Over HTTP: a runaway query answers the time-limit error in Sanity's envelope, lookups stay answered, a disconnect stops it. */

const RUNAWAY = 'count(*[count(*[count(*[true]) > 0]) > 0])'
let t: TestServer

beforeAll(async () => {
  t = await startTestServer({queryTimeoutMs: 1_000})
  t.server.store.create('test')
  const transaction = t.client().transaction()
  for (let i = 0; i < 1_000; i++) transaction.create({_id: `thing-${i}`, _type: 'thing', title: `Thing ${i}`})
  await transaction.commit()
}, 60_000)

afterAll(async () => {
  await t?.close()
})

const queryPath = (query: string) => `/v2025-02-19/data/query/test?query=${encodeURIComponent(query)}`
const auth = () => ({authorization: `Bearer ${t.adminToken}`})

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise(setImmediate)
}

test('a runaway query gets 408 queryTimeout while document lookups and queries on the same server are answered', async () => {
  let runawayAnswered = false
  const runaway = t.request(queryPath(RUNAWAY), {headers: auth()}).finally(() => (runawayAnswered = true))
  const started = cooperativeItems()
  while (cooperativeItems() === started) await turns(1)
  const doc = await t.client().getDocument('thing-5')
  expect(doc?.title).toBe('Thing 5')
  expect(await t.client().fetch('*[_id == $id][0].title', {id: 'thing-6'})).toBe('Thing 6')
  expect(runawayAnswered).toBe(false)
  const res = await runaway
  expect(res.status).toBe(408)
  expect(res.json()).toMatchObject({error: {type: 'queryTimeout'}, statusCode: 408})
})

test('a query whose client disconnects stops evaluating', async () => {
  // a time limit far beyond the test's own: only the disconnect can stop this query
  const patient = await startTestServer({queryTimeoutMs: 600_000})
  onTestFinished(() => patient.close())
  const things = Array.from({length: 1_000}, (_, i) => ({_id: `thing-${i}`, _type: 'thing'}))
  patient.server.store.create('test').commit({id: 'load', timestamp: new Date().toISOString(), author: 'test', changes: things.map((doc) => ({id: doc._id, before: null, after: doc, mutations: []}))})
  let answered = false
  const req = https.request(`${patient.server.url}${queryPath(RUNAWAY)}`, {headers: {authorization: `Bearer ${patient.adminToken}`}, ca: patient.server.tls.ca})
  req.on('error', () => {})
  req.on('response', () => (answered = true))
  req.end()
  const started = cooperativeItems()
  while (cooperativeItems() === started) await turns(1)
  req.destroy()
  // wait until no source yields any more: the server stopped evaluating (the test's timeout bounds the wait)
  let last = -1
  while (cooperativeItems() !== last) {
    last = cooperativeItems()
    await turns(50)
  }
  expect(cooperativeItems()).toBe(last)
  expect(answered).toBe(false)
}, 10_000)

test('a query referencing a parameter that was not provided is refused in the queryParseError envelope', async () => {
  const err = await t
    .client()
    .fetch('*[_type == "thing" && publishedAt < $today]')
    .then(
      () => undefined,
      (e: unknown) => e as {statusCode?: number; message?: string; response?: {body?: unknown}},
    )
  expect(err?.statusCode).toBe(400)
  expect(err?.response?.body).toMatchObject({error: {type: 'queryParseError', description: 'param $today referenced, but not provided'}})
})
