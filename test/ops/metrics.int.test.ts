import {Writable} from 'node:stream'
import parsePrometheusTextFormat, {type PrometheusFamily} from 'parse-prometheus-text-format'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {createLogger} from '../../server/log.js'
import {runCli} from '../helpers/runCli.js'
import {startTestServer, type TestServer} from '../server/helpers.js'

/** /health, /metrics for a metrics token and nothing else, and one JSON log line per request. */

const V = '/v2025-02-19'
let t: TestServer
let metricsToken: string
const logLines: Record<string, unknown>[] = []

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  t = await startTestServer({logger: createLogger('info', sink), schedulerIntervalMs: 1000})
  t.server.store.create('test')
  // the token as an operator makes it
  const made = await runCli('scripts/token.ts', ['create', '--role', 'metrics', '--label', 'prometheus'], {AHP_DATA_DIR: t.dataDir})
  expect(made.code, made.stderr).toBe(0)
  metricsToken = made.stdout.trim()
}, 60_000)

afterAll(async () => {
  await t?.close()
})

async function scrape(): Promise<PrometheusFamily[]> {
  const res = await t.request('/metrics', {headers: {authorization: `Bearer ${metricsToken}`}})
  expect(res.status).toBe(200)
  expect(String(res.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/)
  return parsePrometheusTextFormat(res.body)
}

function sample(families: PrometheusFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name)
  const found = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
  return found?.value === undefined ? undefined : Number(found.value)
}

describe('/metrics', () => {
  test('without a token: 401; with a content token other than an administrator\'s: 403', async () => {
    expect((await t.request('/metrics')).status).toBe(401)
    const editor = await runCli('scripts/token.ts', ['create', '--role', 'editor'], {AHP_DATA_DIR: t.dataDir})
    expect((await t.request('/metrics', {headers: {authorization: `Bearer ${editor.stdout.trim()}`}})).status).toBe(403)
  })

  test('the request counters move, by route template and status', async () => {
    const before = sample(await scrape(), 'ahp_http_requests_total', {method: 'GET', route: '/data/query/:dataset', status: '200'}) ?? 0
    for (let i = 0; i < 3; i++) expect((await t.request(`${V}/data/query/test?query=${encodeURIComponent('count(*)')}`)).status).toBe(200)
    expect((await t.request(`${V}/data/query/missing-dataset?query=1`)).status).toBe(404)
    const after = await scrape()
    expect(sample(after, 'ahp_http_requests_total', {method: 'GET', route: '/data/query/:dataset', status: '200'})).toBe(before + 3)
    expect(sample(after, 'ahp_http_requests_total', {method: 'GET', route: '/data/query/:dataset', status: '404'})).toBeGreaterThanOrEqual(1)
    const latency = after.find((f) => f.name === 'ahp_http_request_duration_seconds')
    expect(latency?.type).toBe('HISTOGRAM')
    expect(after.find((f) => f.name === 'ahp_query_duration_seconds')?.metrics.length).toBeGreaterThan(0)
    // every family the issue asks for is there
    for (const name of ['ahp_event_streams', 'ahp_presence_sockets', 'ahp_open_connections', 'ahp_dataset_transactions', 'ahp_scheduler_runs_total', 'ahp_database_bytes', 'ahp_backup_age_seconds']) {
      expect(after.some((f) => f.name === name), name).toBe(true)
    }
  })

  test('transactions and open listeners are counted', async () => {
    const client = t.client()
    const before = sample(await scrape(), 'ahp_dataset_transactions', {dataset: 'test'}) ?? 0
    await client.create({_type: 'note', title: 'counted'})
    expect(sample(await scrape(), 'ahp_dataset_transactions', {dataset: 'test'})).toBe(before + 1)
    const events = client.listen('*[_type == "note"]', {}, {events: ['welcome']})
    const welcomed = new Promise<void>((resolve) => {
      const sub = events.subscribe(() => {
        resolve()
        setTimeout(() => sub.unsubscribe(), 2000)
      })
    })
    await welcomed
    expect(sample(await scrape(), 'ahp_event_streams')).toBeGreaterThanOrEqual(1)
  })

  test('a metrics token reads /metrics and nothing else: no content, no Studio, no writes', async () => {
    const auth = {authorization: `Bearer ${metricsToken}`}
    for (const path of [`${V}/data/query/test?query=${encodeURIComponent('*')}`, `${V}/data/doc/test/x`, `${V}/users/me`, `${V}/projects/local/datasets/test/acl`, `${V}/datasets`, `${V}/data/listen/test?query=*`]) {
      expect((await t.request(path, {headers: auth})).status, path).toBe(403)
    }
    const write = await t.request(`${V}/data/mutate/test`, {method: 'POST', headers: {...auth, 'content-type': 'application/json'}, body: JSON.stringify({mutations: [{create: {_type: 'note'}}]})})
    expect(write.status).toBe(403)
    expect((await t.request('/health', {headers: auth})).status).toBe(403)
  })
})

describe('/health', () => {
  test('200 when the store is writable and the scheduler runs; 503 with the reason when it stops', async () => {
    const ok = await t.request('/health')
    expect(ok.status).toBe(200)
    expect(ok.json()).toMatchObject({status: 'ok', checks: {store: 'writable', scheduler: 'running'}})
    t.server.scheduler.stop()
    try {
      const down = await t.request('/health')
      expect(down.status).toBe(503)
      expect(down.json()).toMatchObject({status: 'unavailable', reasons: ['the release scheduler has stopped']})
    } finally {
      await t.server.scheduler.start()
    }
    expect((await t.request('/health')).status).toBe(200)
  })
})

describe('request log', () => {
  test('one JSON line per request with its route template, status, role and user id, never the token', async () => {
    const admin = {authorization: `Bearer ${t.adminToken}`}
    const res = await t.request(`${V}/data/query/test?query=${encodeURIComponent('count(*)')}`, {headers: {...admin, 'x-request-id': 'log-check-1', cookie: 'secret-cookie=1'}})
    expect(res.headers['x-request-id']).toBe('log-check-1')
    const line = logLines.find((l) => l.reqId === 'log-check-1')
    expect(line).toMatchObject({msg: 'request', method: 'GET', route: '/data/query/:dataset', status: 200, role: 'administrator', userId: 'p-admin', client: '127.0.0.1'})
    expect(typeof line?.time).toBe('string')
    expect(typeof line?.durationMs).toBe('number')
    const all = JSON.stringify(logLines)
    expect(all).not.toContain(t.adminToken)
    expect(all).not.toContain(metricsToken)
    expect(all).not.toContain('secret-cookie')
    expect(logLines.some((l) => l.msg === 'server started')).toBe(true)
  })
})
