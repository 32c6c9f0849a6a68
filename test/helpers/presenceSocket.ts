import {createHash, randomBytes} from 'node:crypto'
import {connect} from 'node:tls'

export interface PresenceSocket {
  send(msg: unknown): void
  next(): Promise<Record<string, unknown>>
  close(): void
}

/** A WebSocket to the presence endpoint over TLS (what a Studio tab opens), speaking JSON-RPC. */
export function presenceSocket(options: {port: number; hostName: string; servername?: string; ca: string; path: string}): Promise<PresenceSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({host: '127.0.0.1', port: options.port, servername: options.servername ?? options.hostName, ca: options.ca, ALPNProtocols: ['http/1.1']})
    const key = randomBytes(16).toString('base64')
    let buffer = Buffer.alloc(0)
    let upgraded = false
    const queue: Record<string, unknown>[] = []
    const waiters: ((m: Record<string, unknown>) => void)[] = []
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n')
        if (end === -1) return
        const head = buffer.subarray(0, end).toString()
        buffer = buffer.subarray(end + 4)
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64')
        if (!head.startsWith('HTTP/1.1 101') || !head.includes(accept)) return reject(new Error(`no upgrade: ${head}`))
        upgraded = true
        resolve({
          send(msg) {
            const payload = Buffer.from(JSON.stringify(msg))
            const mask = randomBytes(4)
            const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
            socket.write(Buffer.concat([header, mask, payload.map((b, i) => b ^ (mask[i % 4] as number))]))
          },
          next: () => new Promise((r) => (queue.length ? r(queue.shift() as Record<string, unknown>) : waiters.push(r))),
          close: () => socket.destroy(),
        })
      }
      while (buffer.length >= 2) {
        let len = (buffer[1] as number) & 0x7f
        let off = 2
        if (len === 126) {
          len = buffer.readUInt16BE(2)
          off = 4
        }
        if (buffer.length < off + len) return
        const text = buffer.subarray(off, off + len).toString()
        buffer = buffer.subarray(off + len)
        if (text === '\u2665') continue
        const message = JSON.parse(text) as Record<string, unknown>
        if (waiters.length) waiters.shift()?.(message)
        else queue.push(message)
      }
    })
    socket.on('secureConnect', () => {
      socket.write(`GET ${options.path} HTTP/1.1\r\nHost: ${options.hostName}:${options.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`)
    })
    socket.on('error', reject)
  })
}
