import {connect} from 'node:net'
import {afterAll, beforeAll, expect, test} from 'vitest'
import {startTestServer, type TestServer} from '../server/helpers.js'
import {expectAlive, openTls, rawRequest} from './helpers.js'

/** Slow and idle connections are closed, so a few hundred of them cannot hold the server's sockets. */

let t: TestServer
beforeAll(async () => {
  t = await startTestServer({handshakeTimeoutMs: 1_000, idleTimeoutMs: 2_000})
})
afterAll(() => t.close())

function closedAfter(open: () => Promise<{once: (event: 'close', fn: () => void) => void}>, limitMs: number): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const timer = setTimeout(() => resolve('open'), limitMs)
    open()
      .then((socket) => socket.once('close', () => (clearTimeout(timer), resolve(Date.now() - started))))
      .catch(reject)
  })
}

test('a connection that never starts its TLS handshake is closed', async () => {
  const after = await closedAfter(
    () =>
      new Promise((resolve, reject) => {
        const socket = connect({host: '127.0.0.1', port: t.server.port}, () => resolve(socket))
        socket.on('error', reject)
      }),
    15_000,
  )
  expect(after).not.toBe('open')
  await expectAlive(t)
})

test('a TLS connection that sends nothing is closed', async () => {
  const after = await closedAfter(() => openTls(t), 15_000)
  expect(after).not.toBe('open')
})

test('request headers that never finish are answered 408 and the connection closed', async () => {
  // Node checks HTTP/1.1 header deadlines every 30 s
  const answer = await rawRequest(t, 'GET /v2025-02-19/ping HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 45_000)
  expect(answer.closedAfterMs).toBeDefined()
  expect([408, 0]).toContain(answer.status)
  await expectAlive(t)
}, 60_000)
