import {connect, type TLSSocket} from 'node:tls'
import {expect} from 'vitest'
import type {TestServer} from '../server/helpers.js'

/**
 * What an attacker on the network sends: raw HTTP/1.1 over TLS, with whatever Host, path and
 * headers it likes, and the server's answer as text. `alive` checks the server still answers.
 */

export interface RawAnswer {
  /** the status line's code, or 0 when the server closed without answering */
  status: number
  text: string
  /** ms until the server closed the connection (undefined if it was still open at `waitMs`) */
  closedAfterMs?: number
}

export function openTls(t: TestServer, servername = 'localhost'): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({host: '127.0.0.1', port: t.server.port, servername, ca: t.server.tls.ca, ALPNProtocols: ['http/1.1']}, () => resolve(socket))
    socket.on('error', reject)
  })
}

/** Sends `request` as is and reads until the server closes the connection or `waitMs` passes. */
export async function rawRequest(t: TestServer, request: string | Buffer, waitMs = 5_000): Promise<RawAnswer> {
  const socket = await openTls(t)
  const started = Date.now()
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let done = false
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
      socket.destroy()
      resolve({status, text, ...(closed ? {closedAfterMs: Date.now() - started} : {})})
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      // one complete answer with a length is enough
      const text = Buffer.concat(chunks).toString('latin1')
      const head = text.indexOf('\r\n\r\n')
      const length = /\r\ncontent-length: (\d+)/i.exec(text)?.[1]
      if (head >= 0 && length !== undefined && text.length >= head + 4 + Number(length)) finish(false)
      if (head >= 0 && /\r\ntransfer-encoding: chunked/i.test(text) && text.endsWith('\r\n0\r\n\r\n')) finish(false)
    })
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    socket.write(request)
  })
}

/** The server is still up and answering. */
export async function expectAlive(t: TestServer): Promise<void> {
  const answer = await t.request('/v2025-02-19/ping')
  expect(answer.status).toBe(200)
}

/** The error body's description, from Sanity's envelope. */
export function description(body: string): string {
  try {
    const parsed = JSON.parse(body) as {error?: {description?: string}}
    return parsed.error?.description ?? ''
  } catch {
    return ''
  }
}
