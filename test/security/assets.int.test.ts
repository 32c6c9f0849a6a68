import {afterAll, beforeAll, expect, test} from 'vitest'
import {startTestServer, type TestServer} from '../server/helpers.js'
import {rawRequest} from './helpers.js'

/** Uploaded files never run on the Studio's origin, and their addresses come from configuration, not from a request. */

const V = '/v2025-02-19'
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/auth/fetch?sid="+location.hash)</script></svg>'
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

let t: TestServer
beforeAll(async () => {
  t = await startTestServer({publicUrl: 'https://content.ahp.test'})
  await t.client().datasets.create('test')
})
afterAll(() => t.close())

async function upload(kind: 'images' | 'files', body: string | Buffer, filename: string, headers: Record<string, string> = {}) {
  const answer = await t.request(`${V}/assets/${kind}/test?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: {authorization: `Bearer ${t.adminToken}`, ...headers},
    body,
  })
  expect(answer.status).toBe(200)
  return (answer.json() as {document: {url: string; mimeType: string}}).document
}

test('an uploaded SVG is served as a download in a sandbox, never as a page of the Studio', async () => {
  const doc = await upload('files', SVG, 'logo.svg', {'content-type': 'image/svg+xml'})
  const served = await t.request(new URL(doc.url).pathname)
  expect(served.status).toBe(200)
  expect(served.headers['content-disposition']).toMatch(/^attachment/)
  expect(served.headers['content-security-policy']).toMatch(/sandbox/)
  expect(served.headers['content-security-policy']).toMatch(/default-src 'none'/)
  expect(served.headers['x-content-type-options']).toBe('nosniff')
})

test("an upload's Content-Type header does not decide how it is served", async () => {
  const doc = await upload('files', '<script>alert(1)</script>', 'notes.txt', {'content-type': 'text/html'})
  expect(doc.mimeType).toBe('text/plain; charset=utf-8')
  const served = await t.request(new URL(doc.url).pathname)
  expect(served.headers['content-type']).toBe('text/plain; charset=utf-8')
  expect(served.headers['content-disposition']).toMatch(/^attachment/)
})

test('a raster image is shown inline, still sandboxed', async () => {
  const doc = await upload('images', PNG, 'dot.png')
  const served = await t.request(new URL(doc.url).pathname)
  expect(served.headers['content-type']).toBe('image/png')
  expect(served.headers['content-disposition']).toBeUndefined()
  expect(served.headers['content-security-policy']).toMatch(/sandbox/)
})

test("asset URLs carry the configured public address, whatever Host the uploader sent", async () => {
  const answer = await t.request(`${V}/assets/images/test?filename=a.png`, {
    method: 'POST',
    headers: {authorization: `Bearer ${t.adminToken}`, host: `localhost:${t.server.port}`},
    body: Buffer.concat([PNG]),
  })
  const {document} = answer.json() as {document: {url: string}}
  expect(document.url.startsWith('https://content.ahp.test/images/local/test/')).toBe(true)
})

test('a request whose Host is not one of the server names is refused, so a rebinding domain reads nothing', async () => {
  const foreign = await rawRequest(t, `GET ${V}/data/query/test?query=* HTTP/1.1\r\nHost: attacker.example:${t.server.port}\r\n\r\n`)
  expect(foreign.status).toBe(400)
  const own = await rawRequest(t, `GET ${V}/data/query/test?query=1 HTTP/1.1\r\nHost: content.ahp.test\r\n\r\n`)
  expect(own.status).toBe(200)
})
