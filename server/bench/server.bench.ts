/**
 * `npm run bench:server`: the local server against groq-js in-process, measured in one run.
 * - p50/p95 over HTTP/2 of four query shapes at 1,000, 10,000 and 100,000 documents, each next to
 *   groq-js evaluating the same query over all documents in-process;
 * - single-document transaction throughput (sequential acknowledged writes);
 * - listener latency from commit to event on loopback.
 * Results as a Markdown table on stdout; progress on stderr. BENCH_SIZES=1000,10000 limits sizes.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {connect, type ClientHttp2Session} from 'node:http2'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {evaluate, parse} from 'groq-js'
import {startServer, type RunningServer} from '../node-server.js'
import type {SanityDocument} from '../types.js'

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number)
const log = (text: string) => process.stderr.write(`${text}\n`)

function makeDocuments(n: number): SanityDocument[] {
  const people = Math.max(10, Math.round(n / 100))
  const docs: SanityDocument[] = []
  for (let i = 0; i < people; i++) {
    docs.push({_id: `person-${i}`, _type: 'person', name: `Person ${i}`, slug: {_type: 'slug', current: `person-${i}`}})
  }
  const types = ['article', 'guide', 'caseExample', 'resource']
  for (let i = 0; docs.length < n; i++) {
    docs.push({
      _id: `doc-${i}`,
      _type: types[i % types.length] as string,
      title: `Document ${i}`,
      slug: {_type: 'slug', current: `doc-${i}`},
      publishedAt: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
      author: {_type: 'reference', _ref: `person-${i % people}`},
      body: [{_type: 'block', _key: 'k', children: [{_type: 'span', _key: 's', text: `Body text of document ${i}`}]}],
    })
  }
  return docs
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

function httpQuery(session: ClientHttp2Session, token: string, dataset: string, query: string, params: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = session.request({':method': 'POST', ':path': `/v2025-02-19/data/query/${dataset}`, authorization: `Bearer ${token}`, 'content-type': 'application/json'})
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => resolve((JSON.parse(body) as {result: unknown}).result))
    req.on('error', reject)
    req.end(JSON.stringify({query, params}))
  })
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

const shapes = (n: number) => {
  const people = Math.max(10, Math.round(n / 100))
  return [
    {name: 'by type and slug', query: '*[_type == "article" && slug.current == $slug][0]{_id, title}', params: {slug: `doc-${Math.floor(n / 2) - ((Math.floor(n / 2)) % 4)}`}, selective: true},
    {name: 'references, order, slice', query: '*[references($id)] | order(publishedAt desc) [0...10]{_id, title}', params: {id: `person-${Math.floor(people / 2)}`}, selective: true},
    {name: 'count by type', query: 'count(*[_type == "guide"])', params: {}, selective: false},
    {name: 'projection + correlated subquery', query: '*[_type == "person"] | order(_id) [0...5]{name, "articles": count(*[_type == "article" && references(^._id)])}', params: {}, selective: false},
  ]
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ahp-bench-'))
  let server: RunningServer | undefined
  try {
    server = await startServer({port: 0, host: '127.0.0.1', dataDir, projectId: 'local', synchronous: 'full'})
    const token = server.tokens.getAdminToken()
    const session = connect(server.url, {ca: server.tls.ca})
    const rows: string[] = []
    rows.push('| docs | query | HTTP p50 ms | HTTP p95 ms | groq-js in-process p50 ms | speed-up (in-process p50 / HTTP p50) |')
    rows.push('|---:|---|---:|---:|---:|---:|')
    for (const n of SIZES) {
      log(`loading ${n} documents...`)
      const docs = makeDocuments(n)
      const name = `bench-${n}`
      server.store.create(name).commit({id: `load-${n}`, timestamp: new Date().toISOString(), author: 'bench', changes: docs.map((doc) => ({id: doc._id, before: null, after: doc, mutations: []}))})
      for (const shape of shapes(n)) {
        const tree = parse(shape.query, {params: shape.params})
        const inProcessRuns = n >= 100_000 ? 3 : n >= 10_000 ? 5 : 20
        const local = await timed(async () => (await evaluate(tree, {dataset: docs, params: shape.params})).get(), inProcessRuns)
        // warm the server's per-dataset view and indexes, and check both give the same answer
        const expected = JSON.stringify(await (await evaluate(tree, {dataset: docs, params: shape.params})).get())
        const got = JSON.stringify(await httpQuery(session, token, name, shape.query, shape.params))
        if (got !== expected) throw new Error(`${shape.name} at ${n}: HTTP result differs from in-process`)
        const httpRuns = shape.selective ? 200 : n >= 100_000 ? 5 : 20
        const remote = await timed(() => httpQuery(session, token, name, shape.query, shape.params), httpRuns)
        const p50 = percentile(remote, 50)
        const localP50 = percentile(local, 50)
        rows.push(`| ${n.toLocaleString('en-GB')} | ${shape.name} | ${p50.toFixed(2)} | ${percentile(remote, 95).toFixed(2)} | ${localP50.toFixed(2)} | ${(localP50 / p50).toFixed(1)}x |`)
        log(rows[rows.length - 1] as string)
      }
    }

    log('transactions and listener...')
    const dataset = server.store.create('bench-writes')
    const writes = 300
    let commitAt = 0
    dataset.events.on('transaction', () => (commitAt = performance.now()))
    const latencies: number[] = []
    const listener = session.request({':path': `/v2025-02-19/data/listen/bench-writes?query=${encodeURIComponent('*[_type == "counter"]')}`, authorization: `Bearer ${token}`})
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
    const mutate = (i: number) =>
      new Promise<void>((resolve, reject) => {
        const req = session.request({':method': 'POST', ':path': '/v2025-02-19/data/mutate/bench-writes', authorization: `Bearer ${token}`, 'content-type': 'application/json'})
        req.on('data', () => {})
        req.on('end', () => resolve())
        req.on('error', reject)
        req.end(JSON.stringify({mutations: [{createOrReplace: {_id: 'counter', _type: 'counter', n: i}}]}))
      })
    const started = performance.now()
    for (let i = 0; i < writes; i++) {
      const event = new Promise<void>((r) => (onEvent = r))
      await mutate(i)
      await event
    }
    const seconds = (performance.now() - started) / 1000
    listener.close()
    session.close()
    rows.push('')
    rows.push('| measure | value |')
    rows.push('|---|---:|')
    rows.push(`| single-document transactions (sequential, fsync on commit) | ${(writes / seconds).toFixed(0)} tx/s |`)
    rows.push(`| listener latency commit → event, p50 | ${percentile(latencies, 50).toFixed(2)} ms |`)
    rows.push(`| listener latency commit → event, p95 | ${percentile(latencies, 95).toFixed(2)} ms |`)
    process.stdout.write(`${rows.join('\n')}\n`)
  } finally {
    await server?.close()
    rmSync(dataDir, {recursive: true, force: true})
  }
}

await main()
