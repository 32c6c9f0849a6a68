import {existsSync, readFileSync} from 'node:fs'
import {connect, type ClientHttp2Session} from 'node:http2'
import {fileURLToPath} from 'node:url'
import {gunzipSync} from 'node:zlib'
import {evaluate, parse} from 'groq-js'
import {afterAll, beforeAll, expect, test} from 'vitest'
import type {SanityDocument} from '../../server/types.js'
import {startTestServer, type TestServer} from './helpers.js'

/**
 * The official GROQ conformance suite, run through the HTTP query endpoint (indexes on), must
 * return for every test exactly what groq-js returns in-process over the same documents.
 */

// shared/ sits beside the repository (as in CI); AHP_GROQ_SUITE points elsewhere
const SUITE = process.env.AHP_GROQ_SUITE ?? fileURLToPath(new URL('../../../shared/groq-test-suite/suite.ndjson.gz', import.meta.url))
const DEEPLY_NESTED = /^test-filters?-(documents|literals)-nested-([3-9]|\d\d+)$/
const CONCURRENCY = 32
const SUITE_PRESENT = existsSync(SUITE)
const SKIP_REASON = `GROQ conformance suite not found at ${SUITE}: put shared/ beside the repository or set AHP_GROQ_SUITE`
if (!SUITE_PRESENT && process.env.AHP_REQUIRE_SHARED === '1') throw new Error(`${SKIP_REASON} (AHP_REQUIRE_SHARED=1: this run must have it)`)
if (!SUITE_PRESENT) console.warn(`skipped: ${SKIP_REASON}`)

interface SuiteDataset {
  _id: string
  _type: 'dataset'
  documents?: SanityDocument[]
}

interface SuiteTest {
  _id: string
  _type: 'test'
  query: string
  params: Record<string, unknown> | null
  result: unknown
  valid: boolean
  dataset: {_ref: string} | null
}

type Outcome = {ok: true; json: string} | {ok: false; error: string}

let t: TestServer
let session: ClientHttp2Session
const datasets = new Map<string, {name: string; documents: SanityDocument[]}>()
const tests: SuiteTest[] = []
let skipped = 0

beforeAll(async () => {
  if (!SUITE_PRESENT) return
  const lines = gunzipSync(readFileSync(SUITE)).toString('utf8').split('\n').filter(Boolean)
  const remote = new Set<string>()
  for (const line of lines) {
    const entry = JSON.parse(line) as SuiteDataset | SuiteTest
    if (entry._type === 'dataset') {
      if (!entry.documents) remote.add(entry._id)
      else datasets.set(entry._id, {name: `suite-${datasets.size}`, documents: entry.documents})
    } else if (entry.dataset && remote.has(entry.dataset._ref)) skipped++
    else if (DEEPLY_NESTED.test(entry._id)) skipped++
    else tests.push(entry)
  }
  datasets.set('', {name: 'suite-empty', documents: []})
  // thousands of queries from one caller: lift the per-caller cap and the per-address rate limit (0: off);
  // a correctness run on a busy machine: the time limit is not under test here
  t = await startTestServer({maxQueriesInFlight: CONCURRENCY, requestsPerSecond: 0, queryTimeoutMs: 300_000})
  const timestamp = new Date().toISOString()
  for (const {name, documents} of datasets.values()) {
    const dataset = t.server.store.create(name)
    // loaded verbatim (no _rev/_updatedAt stamped) so that the server holds exactly the suite's documents
    dataset.commit({
      id: `load-${name}`,
      timestamp,
      author: 'conformance',
      changes: documents.map((doc) => ({id: doc._id, before: null, after: doc, mutations: [{createOrReplace: doc}]})),
    })
  }
  session = connect(t.server.url, {ca: t.server.tls.ca})
}, 120_000)

afterAll(async () => {
  session?.close()
  await t?.close()
})

const normalise = (value: unknown): string => JSON.stringify(value === undefined ? null : value)

async function inProcess(test: SuiteTest, documents: SanityDocument[], name: string): Promise<Outcome> {
  try {
    const params = test.params ?? {}
    const tree = parse(test.query, {params})
    const value = await evaluate(tree, {dataset: documents, params, identity: 'p-admin', sanity: {projectId: 'local', dataset: name}})
    return {ok: true, json: normalise(await value.get())}
  } catch (err) {
    return {ok: false, error: err instanceof Error ? err.message : String(err)}
  }
}

function overHttp(test: SuiteTest, name: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = session.request({
      ':method': 'POST',
      ':path': `/v2025-02-19/data/query/${name}?perspective=raw`,
      authorization: `Bearer ${t.adminToken}`,
      'content-type': 'application/json',
    })
    let status = 0
    let body = ''
    req.on('response', (headers) => (status = Number(headers[':status'])))
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      const parsed = JSON.parse(body) as {result?: unknown; error?: {description?: string}}
      resolve(status === 200 ? {ok: true, json: normalise(parsed.result)} : {ok: false, error: `${status} ${parsed.error?.description ?? body}`})
    })
    req.on('error', reject)
    req.end(JSON.stringify({query: test.query, params: test.params ?? {}}))
  })
}

/** Hosted Sanity refuses a query that references a parameter not provided; groq-js evaluates it as null. */
const MISSING_PARAM = /^400 param \$\w+ referenced, but not provided$/

const expectedOutcome = (test: SuiteTest, outcome: Outcome): boolean =>
  test.valid ? outcome.ok && outcome.json === normalise(test.result) : !outcome.ok

test.skipIf(!SUITE_PRESENT)(`every GROQ conformance test returns over HTTP what groq-js returns in-process${SUITE_PRESENT ? '' : ` (skipped: ${SKIP_REASON})`}`, async () => {
  const mismatches: string[] = []
  const figures = {tests: tests.length, skipped, inProcessPassed: 0, httpPassed: 0, same: 0, refusedAsHosted: 0}
  let next = 0
  async function worker() {
    while (next < tests.length) {
      const test = tests[next++] as SuiteTest
      const dataset = datasets.get(test.dataset?._ref ?? '') ?? datasets.get('')
      if (!dataset) throw new Error(`no dataset for ${test._id}`)
      const [local, remote] = await Promise.all([inProcess(test, dataset.documents, dataset.name), overHttp(test, dataset.name)])
      if (expectedOutcome(test, local)) figures.inProcessPassed++
      if (expectedOutcome(test, remote)) figures.httpPassed++
      const same = local.ok && remote.ok ? local.json === remote.json : local.ok === remote.ok
      if (same) figures.same++
      // the one intended difference: refused as hosted Sanity refuses it, which the suite expects too
      else if (!test.valid && !remote.ok && MISSING_PARAM.test(remote.error)) figures.refusedAsHosted++
      else mismatches.push(`${test._id}: in-process ${local.ok ? local.json.slice(0, 200) : `error ${local.error}`} / http ${remote.ok ? remote.json.slice(0, 200) : `error ${remote.error}`}`)
    }
  }
  await Promise.all(Array.from({length: CONCURRENCY}, worker))
  console.log(
    `GROQ conformance over HTTP: ${figures.tests} tests run, ${figures.skipped} skipped; ` +
      `in-process ${figures.inProcessPassed} passed / ${figures.tests - figures.inProcessPassed} failed; ` +
      `HTTP ${figures.httpPassed} passed / ${figures.tests - figures.httpPassed} failed; ` +
      `${figures.same} identical to in-process, ${figures.refusedAsHosted} refused for a missing parameter as hosted Sanity does, ${mismatches.length} different`,
  )
  expect(mismatches.slice(0, 25)).toEqual([])
  expect(figures.httpPassed).toBe(figures.inProcessPassed + figures.refusedAsHosted)
}, 600_000)
