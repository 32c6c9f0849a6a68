/**
 * `npm run bench:server`: the local server against groq-js in-process, measured in one run.
 * - issue 16's query shapes at 10,000 and 100,000 documents (14 professions, case examples
 *   referencing them), p50/p95 over HTTP/2 next to groq-js evaluating the same query in-process
 *   (with a dereference by id, as the server has), and the speed-up as a ratio, by wall time and
 *   by this process's CPU time (steadier on a shared machine);
 * - a type+slug lookup right after a write against one without a write before it;
 * - the server's memory for the documents, views and indexes against the documents' JSON size;
 * - isolation: document lookups idle and while four anonymous runaway queries run over 5,000
 *   documents (AHP_QUERY_TIMEOUT_MS=3000 on that server), each runaway's answer, and how soon an
 *   abandoned one stops after its client disconnects;
 * - single-document transaction throughput and listener latency.
 * Ratios, not assertions. Results as Markdown on stdout; progress on stderr. BENCH_SIZES=10000 limits sizes.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {connect, type ClientHttp2Session} from 'node:http2'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'
import {evaluate, parse} from 'groq-js'
import {startServer, type RunningServer} from '../node-server.js'
import {cooperativeItems} from '../query/budget.js'
import type {SanityDocument} from '../types.js'

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number).filter((n) => n > 0)
const ISOLATION_DOCS = 5_000
const RUNAWAY_TIMEOUT_MS = 3_000
const RUNAWAY = 'count(*[count(*[count(*[true]) > 0]) > 0])'
const log = (text: string) => process.stderr.write(`${text}\n`)

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

const PROFESSIONS = 14
const WORDS = ['stroke', 'falls', 'dementia', 'diabetes', 'frailty', 'cancer', 'respiratory', 'musculoskeletal', 'learning', 'mental', 'paediatric', 'community', 'acute', 'care home']

function makeDocuments(n: number): SanityDocument[] {
  const docs: SanityDocument[] = []
  for (let i = 0; i < PROFESSIONS; i++) {
    docs.push({_id: `profession-${i}`, _type: 'profession', title: `Profession ${i}`, slug: {_type: 'slug', current: `profession-${i}`}})
  }
  for (let i = 0; docs.length < n; i++) {
    docs.push({
      _id: `case-${i}`,
      _type: 'caseExample',
      title: `${WORDS[i % WORDS.length]} and ${WORDS[(i * 7 + 3) % WORDS.length]}: case ${i}`,
      slug: {_type: 'slug', current: `case-${i}`},
      // scattered, so that neither order is the dataset's
      publishedAt: new Date(Date.UTC(2018, 0, 1) + ((i * 7919) % n) * 60_000).toISOString(),
      profession: {_type: 'reference', _ref: `profession-${i % PROFESSIONS}`},
      summary: `Summary of case example ${i}, on ${WORDS[(i * 3) % WORDS.length]} services.`,
    })
  }
  return docs
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

interface Answer {
  status: number
  body: string
}

function request(session: ClientHttp2Session, headers: Record<string, string>, body?: string): {done: Promise<Answer>; abandon(): void} {
  const req = session.request(headers)
  const done = new Promise<Answer>((resolve, reject) => {
    let status = 0
    let text = ''
    req.on('response', (h) => (status = Number(h[':status'])))
    req.setEncoding('utf8')
    req.on('data', (c: string) => (text += c))
    req.on('end', () => resolve({status, body: text}))
    req.on('error', reject)
  })
  req.end(body)
  return {done, abandon: () => req.close()}
}

const auth = (token: string | undefined): Record<string, string> => (token ? {authorization: `Bearer ${token}`} : {})

async function httpQuery(session: ClientHttp2Session, token: string | undefined, dataset: string, query: string, params: Record<string, unknown> = {}): Promise<Answer> {
  const headers = {':method': 'POST', ':path': `/v2025-02-19/data/query/${dataset}`, 'content-type': 'application/json', ...auth(token)}
  return request(session, headers, JSON.stringify({query, params})).done
}

async function resultOf(session: ClientHttp2Session, token: string, dataset: string, query: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const answer = await httpQuery(session, token, dataset, query, params)
  if (answer.status !== 200) throw new Error(`${answer.status} ${answer.body.slice(0, 300)}`)
  return (JSON.parse(answer.body) as {result: unknown}).result
}

function mutate(session: ClientHttp2Session, token: string, dataset: string, mutations: unknown[]): Promise<Answer> {
  const headers = {':method': 'POST', ':path': `/v2025-02-19/data/mutate/${dataset}`, 'content-type': 'application/json', ...auth(token)}
  return request(session, headers, JSON.stringify({mutations})).done
}

async function timed(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    out.push(performance.now() - start)
  }
  return out
}

/**
 * Wall and CPU milliseconds of this process per run (client and server both live here): on a
 * machine shared with other work, wall time measures the neighbours as much as the query.
 */
async function measured(fn: () => Promise<unknown>, runs: number): Promise<{wall: number[]; cpu: number[]}> {
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    const startCpu = process.cpuUsage()
    await fn()
    const used = process.cpuUsage(startCpu)
    wall.push(performance.now() - start)
    cpu.push((used.user + used.system) / 1000)
  }
  return {wall, cpu}
}

const shapes = [
  {name: 'per-profession count (join)', target: 100, query: '*[_type == "profession"]{_id, "caseExamples": count(*[_type == "caseExample" && references(^._id)])}'},
  {
    name: 'per-profession latest 3 (join, order, slice)',
    target: 100,
    query: '*[_type == "profession"]{_id, "latest": *[_type == "caseExample" && references(^._id)] | order(publishedAt desc)[0...3]{_id, title, publishedAt}}',
  },
  {name: 'sorted page with a dereference', target: 20, query: '*[_type == "caseExample"] | order(publishedAt desc)[0...50]{title, "profession": profession->title}'},
  {name: 'text search', target: 20, query: '*[_type == "caseExample" && title match "stroke"] | order(_id)[0...20]'},
]

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2))

async function queryShapes(server: RunningServer, token: string, rows: string[]): Promise<void> {
  // a new connection after each in-process evaluation: a minute of groq-js blocking this process outlives an idle session
  let session = connect(server.url, {ca: server.tls.ca})
  const reconnect = () => {
    session.close()
    session = connect(server.url, {ca: server.tls.ca})
  }
  rows.push('| docs | query | HTTP p50 ms | HTTP p95 ms | groq-js in-process ms | speed-up (wall) | HTTP CPU ms p50 | groq-js CPU ms | speed-up (CPU) | target |')
  rows.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  const memory: string[] = []
  for (const n of SIZES) {
    log(`loading ${n} documents...`)
    const docs = makeDocuments(n)
    const byId = new Map(docs.map((doc) => [doc._id, doc]))
    const jsonBytes = docs.reduce((sum, doc) => sum + Buffer.byteLength(JSON.stringify(doc)), 0)
    const name = `bench-${n}`
    gc()
    const heapBefore = process.memoryUsage()
    // the server gets its own copies, as it would parsing them from SQLite
    const copies = docs.map((doc) => structuredClone(doc))
    server.store.create(name).commit({id: `load-${n}`, timestamp: new Date().toISOString(), author: 'bench', changes: copies.map((doc) => ({id: doc._id, before: null, after: doc, mutations: []}))})
    copies.length = 0
    for (const shape of shapes) {
      const tree = parse(shape.query)
      const inProcess = async () => (await evaluate(tree, {dataset: docs, dereference: ({_ref}) => byId.get(_ref) ?? null})).get()
      log(`  ${shape.name}: groq-js in-process...`)
      const expected = JSON.stringify(await inProcess())
      const local = await measured(inProcess, n >= 100_000 ? 1 : 3)
      reconnect()
      // the first query builds the view's indexes: check the answer, then time warm queries
      const got = JSON.stringify(await resultOf(session, token, name, shape.query))
      if (got !== expected) throw new Error(`${shape.name} at ${n}: HTTP result differs from groq-js in-process`)
      const remote = await measured(() => resultOf(session, token, name, shape.query), 50)
      const remoteCpu = percentile(remote.cpu, 50)
      const p50 = percentile(remote.wall, 50)
      const localMs = percentile(local.wall, 50)
      const cpu = percentile(local.cpu, 50)
      rows.push(
        `| ${n.toLocaleString('en-GB')} | ${shape.name} | ${fmt(p50)} | ${fmt(percentile(remote.wall, 95))} | ${fmt(localMs)} | ${(localMs / p50).toFixed(0)}x | ${fmt(remoteCpu)} | ${fmt(cpu)} | ${(cpu / remoteCpu).toFixed(0)}x | ≥${shape.target}x |`,
      )
      log(rows[rows.length - 1] as string)
    }

    // a type+slug lookup, alone and right after a write to the same dataset
    const lookupQuery = '*[_type == "caseExample" && slug.current == $slug][0]{_id, title}'
    const slug = `case-${Math.floor(n / 2)}`
    await resultOf(session, token, name, lookupQuery, {slug})
    const idle = await timed(() => resultOf(session, token, name, lookupQuery, {slug}), 100)
    const afterWrite: number[] = []
    for (let i = 0; i < 100; i++) {
      const written = await mutate(session, token, name, [{patch: {id: `case-${i}`, set: {summary: `Edited ${i}`}}}])
      if (written.status !== 200) throw new Error(`write failed: ${written.status} ${written.body}`)
      afterWrite.push(...(await timed(() => resultOf(session, token, name, lookupQuery, {slug}), 1)))
    }
    const ratio = percentile(afterWrite, 50) / percentile(idle, 50)
    rows.push(`| ${n.toLocaleString('en-GB')} | type+slug lookup right after a write (p50 ${fmt(percentile(afterWrite, 50))} ms) vs without (p50 ${fmt(percentile(idle, 50))} ms) | ${fmt(percentile(afterWrite, 50))} | ${fmt(percentile(afterWrite, 95))} | | ${ratio.toFixed(2)}x slower | | | | ≤2x |`)
    log(rows[rows.length - 1] as string)

    gc()
    const heapAfter = process.memoryUsage()
    const heap = heapAfter.heapUsed - heapBefore.heapUsed
    const rss = heapAfter.rss - heapBefore.rss
    memory.push(
      `| ${n.toLocaleString('en-GB')} | ${(jsonBytes / 1e6).toFixed(1)} MB | ${(heap / 1e6).toFixed(1)} MB (${(heap / jsonBytes).toFixed(1)}x) | ${(rss / 1e6).toFixed(1)} MB (${(rss / jsonBytes).toFixed(1)}x) | ≤3x |`,
    )
    log(memory[memory.length - 1] as string)
    server.store.delete(name)
  }
  session.close()
  rows.push('')
  rows.push('| docs | documents as JSON | server heap for documents, views and indexes | process RSS growth | target |')
  rows.push('|---:|---:|---:|---:|---:|')
  rows.push(...memory)
}

async function isolation(rows: string[]): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ahp-bench-isolation-'))
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    projectId: 'local',
    synchronous: 'normal',
    queryTimeoutMs: RUNAWAY_TIMEOUT_MS,
    logLevel: 'warn',
    requestsPerSecond: 0,
    mutationsPerSecond: 0,
  })
  const session = connect(server.url, {ca: server.tls.ca})
  try {
    const token = server.tokens.getAdminToken()
    const docs = makeDocuments(ISOLATION_DOCS)
    server.store.create('isolation').commit({id: 'load', timestamp: new Date().toISOString(), author: 'bench', changes: docs.map((doc) => ({id: doc._id, before: null, after: doc, mutations: []}))})
    const lookup = (i: number) => request(session, {':path': `/v2025-02-19/data/doc/isolation/case-${i % 1000}`, ...auth(token)}).done
    log('isolation: idle lookups...')
    await timed(() => lookup(0), 50)
    const idle = await timed(() => lookup(1), 300)

    log(`isolation: lookups while four anonymous runaway queries run (time limit ${RUNAWAY_TIMEOUT_MS} ms)...`)
    const started = performance.now()
    const runaways = Array.from({length: 4}, () =>
      httpQuery(session, undefined, 'isolation', RUNAWAY).then((answer) => ({...answer, ms: performance.now() - started})),
    )
    let running = runaways.length
    for (const runaway of runaways) void runaway.then(() => running--)
    const busy: number[] = []
    for (let i = 0; running > 0; i++) busy.push(...(await timed(() => lookup(i), 1)))
    const answers = await Promise.all(runaways)

    log('isolation: an abandoned runaway...')
    const abandoned = request(session, {':method': 'POST', ':path': '/v2025-02-19/data/query/isolation', 'content-type': 'application/json'}, JSON.stringify({query: RUNAWAY}))
    abandoned.done.catch(() => {})
    const before = cooperativeItems()
    while (cooperativeItems() === before) await new Promise((r) => setTimeout(r, 5))
    await new Promise((r) => setTimeout(r, 300))
    const disconnectedAt = performance.now()
    abandoned.abandon()
    // stopped: no cooperative source has yielded for 200 ms
    let last = cooperativeItems()
    let lastChange = performance.now()
    while (performance.now() - lastChange < 200 && performance.now() - disconnectedAt < 10_000) {
      await new Promise((r) => setTimeout(r, 5))
      const now = cooperativeItems()
      if (now !== last) {
        last = now
        lastChange = performance.now()
      }
    }
    const stoppedAfter = lastChange - disconnectedAt

    rows.push('')
    rows.push(`| isolation over ${ISOLATION_DOCS.toLocaleString('en-GB')} documents | p50 ms | p99 ms | lookups | target |`)
    rows.push('|---|---:|---:|---:|---|')
    rows.push(`| document lookup, idle | ${fmt(percentile(idle, 50))} | ${fmt(percentile(idle, 99))} | ${idle.length} | |`)
    rows.push(
      `| document lookup, four anonymous runaway queries running | ${fmt(percentile(busy, 50))} | ${fmt(percentile(busy, 99))} | ${busy.length} | p99 < 50 ms and ≤5x idle (${(percentile(busy, 99) / percentile(idle, 99)).toFixed(1)}x) |`,
    )
    rows.push('')
    rows.push('| runaway query | answer | after | target |')
    rows.push('|---|---|---:|---|')
    for (const [i, answer] of answers.entries()) {
      const type = (JSON.parse(answer.body) as {error?: {type?: string}}).error?.type ?? 'result'
      rows.push(`| anonymous runaway ${i + 1} | ${answer.status} ${type} | ${answer.ms.toFixed(0)} ms | time-limit error within ${RUNAWAY_TIMEOUT_MS + 1000} ms |`)
    }
    rows.push(`| abandoned runaway | evaluation stopped after the disconnect | ${stoppedAfter.toFixed(0)} ms | within 1,000 ms |`)
    for (const row of rows.slice(-9)) log(row)
  } finally {
    session.close()
    await server.close()
    rmSync(dataDir, {recursive: true, force: true})
  }
}

async function writesAndListener(server: RunningServer, session: ClientHttp2Session, token: string, rows: string[]): Promise<void> {
  log('transactions and listener...')
  const dataset = server.store.create('bench-writes')
  const writes = 300
  let commitAt = 0
  dataset.events.on('transaction', () => (commitAt = performance.now()))
  const latencies: number[] = []
  const listener = session.request({':path': `/v2025-02-19/data/listen/bench-writes?query=${encodeURIComponent('*[_type == "counter"]')}`, ...auth(token)})
  listener.setEncoding('utf8')
  let welcomed: () => void = () => {}
  const welcome = new Promise<void>((r) => (welcomed = r))
  let onEvent: () => void = () => {}
  listener.on('data', (chunk: string) => {
    if (chunk.includes('event: welcome')) welcomed()
    if (chunk.includes('event: mutation')) {
      latencies.push(performance.now() - commitAt)
      onEvent()
    }
  })
  await welcome
  const started = performance.now()
  for (let i = 0; i < writes; i++) {
    const event = new Promise<void>((r) => (onEvent = r))
    await mutate(session, token, 'bench-writes', [{createOrReplace: {_id: 'counter', _type: 'counter', n: i}}])
    await event
  }
  const seconds = (performance.now() - started) / 1000
  listener.close()
  rows.push('')
  rows.push('| measure | value |')
  rows.push('|---|---:|')
  rows.push(`| single-document transactions (sequential, fsync on commit) | ${(writes / seconds).toFixed(0)} tx/s |`)
  rows.push(`| listener latency commit → event, p50 | ${percentile(latencies, 50).toFixed(2)} ms |`)
  rows.push(`| listener latency commit → event, p95 | ${percentile(latencies, 95).toFixed(2)} ms |`)
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ahp-bench-'))
  let server: RunningServer | undefined
  let session: ClientHttp2Session | undefined
  const rows: string[] = []
  // isolation first, while the heap is small: garbage from 100,000-document runs would add collector pauses
  const isolationRows: string[] = []
  await isolation(isolationRows)
  try {
    // one caller sends every request: the per-address rate limits would measure themselves
    server = await startServer({port: 0, host: '127.0.0.1', dataDir, projectId: 'local', synchronous: 'full', requestsPerSecond: 0, mutationsPerSecond: 0, logLevel: 'warn'})
    const token = server.tokens.getAdminToken()
    await queryShapes(server, token, rows)
    session = connect(server.url, {ca: server.tls.ca})
    await writesAndListener(server, session, token, rows)
  } finally {
    session?.close()
    await server?.close()
    rmSync(dataDir, {recursive: true, force: true})
  }
  rows.push(...isolationRows)
  process.stdout.write(`${rows.join('\n')}\n`)
}

await main()
