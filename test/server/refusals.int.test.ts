import {connect} from 'node:http2'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {startTestServer, type TestServer} from './helpers.js'

let t: TestServer
const V = '/v2025-02-19'

beforeAll(async () => {
  t = await startTestServer({maxBodyBytes: 64 * 1024, maxAssetBytes: 128 * 1024})
  t.server.store.create('test')
  await t.client().createOrReplace({_id: 'pub-1', _type: 'note', title: 'public'})
  await t.client().createOrReplace({_id: 'drafts.pub-1', _type: 'note', title: 'secret draft'})
})

afterAll(async () => {
  await t.close()
})

const admin = () => ({authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json'})
const mutateBody = (id: string) => JSON.stringify({mutations: [{create: {_id: id, _type: 'note'}}]})

async function stillServing(): Promise<void> {
  const res = await t.request(`${V}/ping`)
  expect(res.status).toBe(200)
}

describe('auth and roles', () => {
  test('anonymous callers read published documents only, whatever the perspective', async () => {
    const anon = t.client({token: undefined})
    expect(await anon.fetch('*[_type == "note"].title', {}, {perspective: 'raw'})).toEqual(['public'])
    expect(await anon.fetch('*[_type == "note"].title', {}, {perspective: 'drafts'})).toEqual(['public'])
    expect(await anon.getDocument('drafts.pub-1')).toBeUndefined()
  })

  test('anonymous writes get 401, unknown tokens 401, viewers writing 403, editors can write', async () => {
    const anon = await t.request(`${V}/data/mutate/test`, {method: 'POST', headers: {'content-type': 'application/json'}, body: mutateBody('x-1')})
    expect(anon.status).toBe(401)
    const bad = await t.request(`${V}/data/mutate/test`, {method: 'POST', headers: {authorization: 'Bearer nope', 'content-type': 'application/json'}, body: mutateBody('x-1')})
    expect(bad.status).toBe(401)
    const viewer = t.server.tokens.create('viewer').token
    await expect(t.client({token: viewer}).create({_id: 'x-1', _type: 'note'})).rejects.toMatchObject({statusCode: 403})
    expect(await t.client({token: viewer}).fetch('count(*[_id == "drafts.pub-1"])', {}, {perspective: 'raw'})).toBe(1)
    const editor = t.server.tokens.create('editor').token
    await t.client({token: editor}).create({_id: 'x-2', _type: 'note'})
    const tokenList = await t.request(`${V}/projects/local/tokens`, {headers: {authorization: `Bearer ${editor}`}})
    expect(tokenList.status).toBe(403)
    await stillServing()
  })
})

describe('anonymous listeners', () => {
  test('see published documents change, never drafts', async () => {
    const anon = t.client({token: undefined})
    const seen: string[] = []
    await new Promise<void>((resolve) => {
      const sub = anon.listen('*[_type == "watch"]', {}, {events: ['welcome', 'mutation']}).subscribe((event) => {
        if (event.type === 'welcome') resolve()
        if (event.type === 'mutation') seen.push(event.documentId)
      })
      stops.push(() => sub.unsubscribe())
    })
    await t.client().create({_id: 'drafts.watch-1', _type: 'watch'})
    await t.client().create({_id: 'watch-1', _type: 'watch'})
    const started = Date.now()
    while (seen.length < 1 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 100))
    expect(seen).toEqual(['watch-1'])
  })
})

const stops: (() => void)[] = []
afterAll(() => stops.forEach((stop) => stop()))

describe('CORS', () => {
  test('an allowed origin is echoed with credentials; OPTIONS answers 204', async () => {
    const origin = t.server.url
    const res = await t.request(`${V}/ping`, {headers: {origin}})
    expect(res.headers['access-control-allow-origin']).toBe(origin)
    expect(res.headers['access-control-allow-credentials']).toBe('true')
    const pre = await t.request(`${V}/data/query/test`, {
      method: 'OPTIONS',
      headers: {origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-sanity-app'},
    })
    expect(pre.status).toBe(204)
    expect(pre.headers['access-control-allow-headers']).toBe('authorization,x-sanity-app')
  })

  test('a disallowed origin gets no CORS headers', async () => {
    const res = await t.request(`${V}/ping`, {headers: {origin: 'https://evil.example'}})
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    const pre = await t.request(`${V}/ping`, {method: 'OPTIONS', headers: {origin: 'https://evil.example'}})
    expect(pre.status).toBe(204)
    expect(pre.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('bad input', () => {
  test('malformed JSON: 400', async () => {
    const res = await t.request(`${V}/data/mutate/test`, {method: 'POST', headers: admin(), body: '{"mutations": ['})
    expect(res.status).toBe(400)
    await stillServing()
  })

  test('a body over the limit: 413 (JSON and assets)', async () => {
    const big = JSON.stringify({mutations: [{create: {_id: 'big', _type: 'note', text: 'x'.repeat(100 * 1024)}}]})
    const res = await t.request(`${V}/data/mutate/test`, {method: 'POST', headers: admin(), body: big})
    expect(res.status).toBe(413)
    const asset = await t.request(`${V}/assets/files/test?filename=a.bin`, {method: 'POST', headers: {authorization: `Bearer ${t.adminToken}`}, body: new Uint8Array(200 * 1024)})
    expect(asset.status).toBe(413)
    await stillServing()
  })

  test('bad GROQ: 400 queryParseError with its position', async () => {
    const res = await t.request(`${V}/data/query/test?query=${encodeURIComponent('*[_type == ]')}`)
    expect(res.status).toBe(400)
    expect(res.json()).toMatchObject({error: {type: 'queryParseError', start: expect.any(Number), end: expect.any(Number), query: '*[_type == ]'}})
    await expect(t.client().fetch('*[')).rejects.toThrow(/GROQ query parse error/)
    await stillServing()
  })

  test('unknown dataset: 404', async () => {
    expect((await t.request(`${V}/data/query/nope?query=*`)).status).toBe(404)
    expect((await t.request(`${V}/data/mutate/nope`, {method: 'POST', headers: admin(), body: mutateBody('a')})).status).toBe(404)
    await stillServing()
  })

  test('an illegal document id: 400', async () => {
    const res = await t.request(`${V}/data/mutate/test`, {method: 'POST', headers: admin(), body: mutateBody('bad id!')})
    expect(res.status).toBe(400)
    expect(res.json()).toMatchObject({error: {type: 'mutationError'}})
    await stillServing()
  })

  test('a path-traversal asset name: 400', async () => {
    for (const name of ['..%2F..%2Fdataset.sqlite', '..%2Fadmin-token', 'abc.png']) {
      const res = await t.request(`/images/local/test/${name}`)
      expect(res.status).toBe(400)
    }
    await stillServing()
  })

  test('unknown routes: 404 in the error envelope', async () => {
    const res = await t.request(`${V}/no-such-endpoint/here`)
    expect(res.status).toBe(404)
    expect(res.json()).toMatchObject({error: {type: 'httpNotFound'}})
  })
})

describe('HTTP/2', () => {
  test('queries and the listener stream over HTTP/2', async () => {
    const session = connect(t.server.url, {ca: t.server.tls.ca})
    try {
      const get = (path: string) =>
        new Promise<{status: number; body: string}>((resolve, reject) => {
          const req = session.request({':path': path, authorization: `Bearer ${t.adminToken}`})
          let status = 0
          let body = ''
          req.on('response', (headers) => (status = Number(headers[':status'])))
          req.setEncoding('utf8')
          req.on('data', (chunk: string) => (body += chunk))
          req.on('end', () => resolve({status, body}))
          req.on('error', reject)
        })
      const q = await get(`${V}/data/query/test?query=${encodeURIComponent('*[_id == "pub-1"][0].title')}`)
      expect(q.status).toBe(200)
      expect(JSON.parse(q.body)).toMatchObject({result: 'public'})

      const stream = session.request({':path': `${V}/data/listen/test?query=${encodeURIComponent('*[_id == "h2-1"]')}`, authorization: `Bearer ${t.adminToken}`})
      stream.setEncoding('utf8')
      let received = ''
      const gotEvent = new Promise<void>((resolve) => {
        stream.on('data', (chunk: string) => {
          received += chunk
          if (received.includes('event: welcome') && !received.includes('h2-1')) {
            void t.client().create({_id: 'h2-1', _type: 'note'})
          }
          if (received.includes('event: mutation')) resolve()
        })
      })
      await gotEvent
      stream.close()
      expect(received).toMatch(/event: mutation\nid: [^\n]+#h2-1\ndata: \{/)
    } finally {
      session.close()
    }
  })
})
