import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {startTestServer, type TestServer} from '../server/helpers.js'
import {description, expectAlive, rawRequest} from './helpers.js'

/** Requests that once ended the process or answered 500 with a stack: each is refused plainly and the server stays up. */

let t: TestServer
const V = '/v2025-02-19'

beforeAll(async () => {
  t = await startTestServer()
  await t.client().datasets.create('test')
})
afterAll(() => t.close())

const upgrade = (path: string, host = 'localhost') =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`

describe('the presence socket upgrade', () => {
  test.each([
    ['a dataset name that is not valid percent-encoding', '/v2022-06-30/socket/%E0%A4%A', 400],
    ['a lone percent sign', '/v2022-06-30/socket/%', 400],
    ['an unknown dataset', '/v2022-06-30/socket/nope', 404],
    ['a path that is no socket', '/v2022-06-30/data/query/test', 404],
    ['an absolute URL as the target', 'https://evil.example/v2022-06-30/socket/test', 404],
  ])('%s is refused and the server stays up', async (_name, path, status) => {
    const answer = await rawRequest(t, upgrade(path))
    expect(answer.status).toBe(status)
    await expectAlive(t)
  })

  test('an upgrade with a Host that is not the server is refused (DNS rebinding)', async () => {
    const answer = await rawRequest(t, upgrade('/v2022-06-30/socket/test', 'attacker.example'))
    expect(answer.status).toBe(400)
    await expectAlive(t)
  })
})

describe('malformed requests', () => {
  test.each([
    ['a Host with a path and query', `GET ${V}/ping HTTP/1.1\r\nHost: localhost/data/export/test?x=1\r\n\r\n`],
    ['a Host of brackets', `GET ${V}/ping HTTP/1.1\r\nHost: [[[\r\n\r\n`],
    ['a Host with a user', `GET ${V}/ping HTTP/1.1\r\nHost: admin@localhost\r\n\r\n`],
    ['no Host at all', `GET ${V}/ping HTTP/1.1\r\n\r\n`],
  ])('%s: 400 without a stack', async (_name, request) => {
    const answer = await rawRequest(t, request)
    expect(answer.status).toBe(400)
    expect(answer.text).not.toMatch(/\n\s+at /)
    await expectAlive(t)
  })

  test.each(['TRACE', 'PROPFIND', 'BREW'])('method %s: 405, never a 500', async (method) => {
    const answer = await rawRequest(t, `${method} ${V}/ping HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n`)
    expect([405, 400]).toContain(answer.status)
    await expectAlive(t)
  })

  test('CONNECT (a proxy request) gets no tunnel: the connection is closed and the server stays up', async () => {
    const answer = await rawRequest(t, 'CONNECT internal.example:22 HTTP/1.1\r\nHost: internal.example:22\r\n\r\n')
    expect(answer.closedAfterMs).toBeDefined()
    expect(answer.status === 0 || answer.status >= 400).toBe(true)
    await expectAlive(t)
  })

  test('an absolute URL as the request target is answered for its path on this host, never for the URL it names', async () => {
    const answer = await rawRequest(t, `GET https://evil.example${V}/data/export/test HTTP/1.1\r\nHost: localhost\r\n\r\n`)
    expect(answer.status).toBe(404)
    await expectAlive(t)
  })

  test('a path that is not valid percent-encoding is a 400 naming it', async () => {
    const answer = await t.request(`${V}/data/doc/test/%E0%A4%A`)
    expect(answer.status).toBe(400)
    expect(description(answer.body)).toMatch(/percent-encoding/)
  })

  test('JSON nested 100,000 deep is a 400, not a stack overflow', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const answer = await t.request(`${V}/data/mutate/test`, {
      method: 'POST',
      headers: {authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json'},
      body: `{"mutations": ${deep}}`,
    })
    expect(answer.status).toBe(400)
    expect(description(answer.body)).toMatch(/deeper than 200 levels/)
    const param = await t.request(`${V}/data/query/test`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: `{"query": "$x", "params": {"x": ${deep}}}`,
    })
    expect(param.status).toBe(400)
    await expectAlive(t)
  })

  test.each([
    ['v9999-99-99', 'not a date'],
    ['v2999-01-01', 'a date in the future'],
    ['v2', 'unknown version'],
  ])('API version %s is refused: %s', async (version, why) => {
    const answer = await t.request(`/${version}/data/query/test?query=*`)
    expect(answer.status).toBe(400)
    expect(description(answer.body)).toContain(why)
  })

  test('tomorrow (UTC) is still a valid version, as hosted Sanity allows it', async () => {
    const now = new Date()
    const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString().slice(0, 10)
    const answer = await t.request(`/v${tomorrow}/data/query/test?query=1`)
    expect(answer.status).toBe(200)
  })
})
