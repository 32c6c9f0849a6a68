import https from 'node:https'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {startTestServer, type TestServer} from '../server/helpers.js'
import {description, expectAlive} from './helpers.js'

/** Bodies are bounded while they stream, and no caller can take more than its share (429 with Retry-After). */

const V = '/v2025-02-19'

/** Streams `total` bytes of one repeated chunk (no Content-Length) and reports the status and how much the server took. */
function streamBody(t: TestServer, path: string, total: number, headers: Record<string, string> = {}): Promise<{status: number; sent: number}> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(256 * 1024, 0x61)
    let sent = 0
    let stopped = false
    const req = https.request(`${t.server.url}${path}`, {method: 'POST', headers: {'transfer-encoding': 'chunked', ...headers}, ca: t.server.tls.ca, agent: false}, (res) => {
      stopped = true
      res.resume()
      res.on('end', () => resolve({status: res.statusCode ?? 0, sent}))
    })
    req.on('error', (err) => (stopped ? undefined : sent > 0 ? resolve({status: 0, sent}) : reject(err)))
    const pump = () => {
      while (!stopped && sent < total) {
        sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      if (!stopped) req.end()
    }
    pump()
  })
}

describe('bodies are refused while they stream', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({maxBodyBytes: 1024 * 1024})
    await t.client().datasets.create('test')
  })
  afterAll(() => t.close())

  test('a 200 MB sign-in form is refused after 64 KiB, without the server holding it', async () => {
    const before = process.memoryUsage().rss
    const answer = await streamBody(t, '/auth/login', 200 * 1024 * 1024, {'content-type': 'application/x-www-form-urlencoded', origin: t.server.url})
    expect([413, 0]).toContain(answer.status)
    // the server stopped reading long before the 200 MB were sent
    expect(answer.sent).toBeLessThan(64 * 1024 * 1024)
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024)
    await expectAlive(t)
  })

  test('a mutation body over the limit with no Content-Length is refused with 413', async () => {
    const answer = await streamBody(t, `${V}/data/mutate/test`, 50 * 1024 * 1024, {authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json'})
    expect([413, 0]).toContain(answer.status)
    expect(answer.sent).toBeLessThan(50 * 1024 * 1024)
    await expectAlive(t)
  })

  test('a declared Content-Length over the limit is refused before any of it is read', async () => {
    const answer = await t.request(`${V}/data/mutate/test`, {
      method: 'POST',
      headers: {authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024)},
      body: Buffer.alloc(2 * 1024 * 1024, 0x20),
    }).catch(() => ({status: 413, body: ''}))
    expect(answer.status).toBe(413)
  })
})

describe('rate limits per address, as hosted Sanity has them', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({requestsPerSecond: 20, mutationsPerSecond: 5})
    await t.client().datasets.create('test')
  })
  afterAll(() => t.close())

  test('past 20 requests a second, 429 with Retry-After; after waiting, answered again', async () => {
    // bursts of 50 until one is refused: a busy machine may spread a single burst over seconds
    const answers: Awaited<ReturnType<TestServer['request']>>[] = []
    for (let burst = 0; burst < 20 && !answers.some((a) => a.status === 429); burst++) {
      answers.push(...(await Promise.all(Array.from({length: 50}, () => t.request(`${V}/data/query/test?query=1`)))))
    }
    const refused = answers.filter((a) => a.status === 429)
    expect(refused.length).toBeGreaterThan(0)
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(20)
    const retryAfter = Number(refused[0]?.headers['retry-after'])
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(description(refused[0]?.body ?? '')).toMatch(/at most 20 a second/)
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000))
    expect((await t.request(`${V}/data/query/test?query=1`)).status).toBe(200)
  })

  test('past 5 mutations a second, mutations get 429 while reads from the same address still pass', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const client = t.client()
    const results = await Promise.allSettled(Array.from({length: 10}, (_, i) => client.createOrReplace({_id: `rl-${i}`, _type: 'note'})))
    const refused = results.filter((r) => r.status === 'rejected' && /Too many mutations/.test(String(r.reason)))
    expect(refused.length).toBeGreaterThan(0)
    expect((await t.request(`${V}/data/query/test?query=1`)).status).toBe(200)
  })
})

describe('caps per caller', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({maxListenersPerCaller: 3, maxQueriesInFlight: 2, queryTimeoutMs: 3000})
    await t.client().datasets.create('test')
    await t.client().mutate(Array.from({length: 400}, (_, i) => ({create: {_id: `d${i}`, _type: 'note', n: i}})))
  })
  afterAll(() => t.close())

  function openListener(headers: Record<string, string> = {}): Promise<{status: number; close: () => void}> {
    return new Promise((resolve, reject) => {
      const req = https.request(`${t.server.url}${V}/data/listen/test?query=*`, {headers: {accept: 'text/event-stream', ...headers}, ca: t.server.tls.ca, agent: false}, (res) => {
        resolve({status: res.statusCode ?? 0, close: () => req.destroy()})
        res.resume()
      })
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)))
      req.end()
    })
  }

  test('a fourth listener from one anonymous address is refused with 429; closing one makes room', async () => {
    const open = [await openListener(), await openListener(), await openListener()]
    expect(open.map((l) => l.status)).toEqual([200, 200, 200])
    const fourth = await openListener()
    expect(fourth.status).toBe(429)
    fourth.close()
    // a signed-in caller counts separately from the anonymous address
    const signedIn = await openListener({authorization: `Bearer ${t.adminToken}`})
    expect(signedIn.status).toBe(200)
    signedIn.close()
    open[0]?.close()
    await expect.poll(async () => {
      const again = await openListener()
      again.close()
      return again.status
    }).toBe(200)
    for (const l of open) l.close()
  })

  test('a third query in flight from one caller is refused with 429 while two runaway queries run', async () => {
    const runaway = encodeURIComponent('count(*[count(*[count(*[n >= 0]) > 0]) > 0])')
    const slow = [t.request(`${V}/data/query/test?query=${runaway}`), t.request(`${V}/data/query/test?query=${runaway}`)]
    await expect.poll(async () => (await t.request(`${V}/data/query/test?query=1`)).status).toBe(429)
    const [a, b] = await Promise.all(slow)
    // each runaway ends with the time-limit error, and then the caller may query again
    expect(a?.status).toBe(408)
    expect(b?.status).toBe(408)
    expect((await t.request(`${V}/data/query/test?query=1`)).status).toBe(200)
  })
})
