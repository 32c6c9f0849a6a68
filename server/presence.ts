import {createHash, randomBytes} from 'node:crypto'
import type {IncomingMessage} from 'node:http'
import type {Duplex} from 'node:stream'
import type {TokenStore} from './auth.js'
import type {Caller} from './types.js'

/**
 * The presence socket (`WS /v<date>/socket/<dataset>`): Sanity's "bifur" JSON-RPC 2.0 protocol
 * over a WebSocket. Methods: `authorization`, `presence_subscribe` / `_unsubscribe`,
 * `presence_rollcall`, `presence_announce`, `presence_disconnect`; the server pushes
 * `{method: "presence_subscription", params: {subscription, result: {type, i, m?, session?}}}`
 * to the other sockets of the same dataset.
 *
 * Browsers open WebSockets with an HTTP/1.1 Upgrade: this server does not advertise RFC 8441's
 * extended CONNECT on its HTTP/2 sessions, so Chromium opens a separate HTTP/1.1 connection for
 * the socket (allowHTTP1) and the Node server emits `upgrade`. A minimal RFC 6455 server:
 * text frames, ping/pong and close; frames from the client must be masked.
 */

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const MAX_MESSAGE = 1024 * 1024
const HEARTBEAT = '\u2665'

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/** One WebSocket connection: frames in, frames out. */
class Socket {
  private buffer: Buffer = Buffer.alloc(0)
  private fragments: Buffer[] = []
  private closed = false
  onMessage: (text: string) => void = () => {}
  onClose: () => void = () => {}

  constructor(private readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => this.receive(chunk))
    stream.on('close', () => this.finish())
    stream.on('error', () => this.finish())
  }

  private finish(): void {
    if (this.closed) return
    this.closed = true
    this.onClose()
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    for (;;) {
      if (this.buffer.length < 2) return
      const b0 = this.buffer[0] as number
      const b1 = this.buffer[1] as number
      const fin = (b0 & 0x80) !== 0
      const opcode = b0 & 0x0f
      const masked = (b1 & 0x80) !== 0
      let length = b1 & 0x7f
      let offset = 2
      if (length === 126) {
        if (this.buffer.length < 4) return
        length = this.buffer.readUInt16BE(2)
        offset = 4
      } else if (length === 127) {
        if (this.buffer.length < 10) return
        const big = this.buffer.readBigUInt64BE(2)
        if (big > BigInt(MAX_MESSAGE)) return this.close(1009, 'Message too big')
        length = Number(big)
        offset = 10
      }
      if (!masked) return this.close(1002, 'Client frames must be masked')
      if (length > MAX_MESSAGE) return this.close(1009, 'Message too big')
      if (this.buffer.length < offset + 4 + length) return
      const mask = this.buffer.subarray(offset, offset + 4)
      const payload = Buffer.from(this.buffer.subarray(offset + 4, offset + 4 + length))
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number)
      this.buffer = this.buffer.subarray(offset + 4 + length)
      if (opcode === 0x8) return this.close(1000, '')
      if (opcode === 0x9) {
        this.frame(0xa, payload)
        continue
      }
      if (opcode === 0xa) continue
      if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
        this.fragments.push(payload)
        if (this.fragments.reduce((n, f) => n + f.length, 0) > MAX_MESSAGE) return this.close(1009, 'Message too big')
        if (fin) {
          const message = Buffer.concat(this.fragments).toString('utf8')
          this.fragments = []
          this.onMessage(message)
        }
        continue
      }
      return this.close(1002, 'Unknown opcode')
    }
  }

  private frame(opcode: number, payload: Buffer): void {
    if (this.closed || this.stream.destroyed) return
    const length = payload.length
    const header = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10)
    header[0] = 0x80 | opcode
    if (length < 126) header[1] = length
    else if (length < 65536) {
      header[1] = 126
      header.writeUInt16BE(length, 2)
    } else {
      header[1] = 127
      header.writeBigUInt64BE(BigInt(length), 2)
    }
    this.stream.write(Buffer.concat([header, payload]))
  }

  send(text: string): void {
    this.frame(0x1, Buffer.from(text, 'utf8'))
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason))
    payload.writeUInt16BE(code, 0)
    payload.write(reason, 2)
    this.frame(0x8, payload)
    this.stream.end()
    this.finish()
  }
}

interface Client {
  socket: Socket
  caller: Caller | undefined
  subscriptions: Set<string>
  /** presence sessions announced on this socket, disconnected when it closes */
  sessions: Set<string>
}

export interface PresenceOptions {
  tokens: TokenStore
  /** whether the dataset exists */
  hasDataset: (name: string) => boolean
  /** whether a Host header names this server (the same check as every HTTP request's) */
  isOwnHost?: (hostname: string) => boolean
  /** sockets one address may hold open; default 50 */
  maxSocketsPerAddress?: number
  heartbeatMs?: number
}

export function createPresence(options: PresenceOptions) {
  const rooms = new Map<string, Set<Client>>()
  const heartbeatMs = options.heartbeatMs ?? 30_000
  const maxSocketsPerAddress = options.maxSocketsPerAddress ?? 50
  const perAddress = new Map<string, number>()

  function broadcast(dataset: string, from: Client, result: Json): void {
    for (const client of rooms.get(dataset) ?? []) {
      if (client === from) continue
      for (const subscription of client.subscriptions) {
        client.socket.send(JSON.stringify({jsonrpc: '2.0', method: 'presence_subscription', params: {subscription, result}}))
      }
    }
  }

  function handle(dataset: string, client: Client, text: string): void {
    if (text === HEARTBEAT) return
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch {
      client.socket.send(JSON.stringify({jsonrpc: '2.0', id: null, error: {code: -32700, message: 'Parse error'}}))
      return
    }
    if (!isRecord(message) || typeof message.method !== 'string') {
      client.socket.send(JSON.stringify({jsonrpc: '2.0', id: null, error: {code: -32600, message: 'Invalid request'}}))
      return
    }
    const id = typeof message.id === 'string' || typeof message.id === 'number' ? message.id : null
    const params = isRecord(message.params) ? message.params : {}
    const reply = (result: unknown) => client.socket.send(JSON.stringify({jsonrpc: '2.0', id, result}))
    const fail = (code: number, text: string) => client.socket.send(JSON.stringify({jsonrpc: '2.0', id, error: {code, message: text}}))
    if (message.method === 'authorization') {
      const match = /^Bearer\s+(\S+)$/i.exec(typeof params.authorization === 'string' ? params.authorization : '')
      const caller = match?.[1] ? options.tokens.resolve(match[1]) : undefined
      // a metrics token reads /metrics only
      if (!caller || caller.role === 'metrics') {
        fail(4001, 'Unauthorized')
        client.socket.close(4001, 'Unauthorized')
        return
      }
      client.caller = caller
      return reply(true)
    }
    const caller = client.caller
    if (!caller || caller.role === null) return fail(4001, 'Unauthorized - send "authorization" first')
    switch (message.method) {
      case 'presence_subscribe': {
        const subscription = randomBytes(8).toString('hex')
        client.subscriptions.add(subscription)
        return reply(subscription)
      }
      case 'presence_unsubscribe': {
        if (typeof params.subscriptionId === 'string') client.subscriptions.delete(params.subscriptionId)
        return reply(true)
      }
      case 'presence_rollcall': {
        const session = typeof params.session === 'string' ? params.session : undefined
        broadcast(dataset, client, {type: 'rollCall', i: caller.userId, ...(session ? {session} : {})})
        return reply(true)
      }
      case 'presence_announce': {
        const data = isRecord(params.data) ? params.data : {}
        const sessionId = typeof data.sessionId === 'string' ? data.sessionId : undefined
        if (sessionId) client.sessions.add(sessionId)
        broadcast(dataset, client, {type: 'state', i: caller.userId, m: {sessionId, locations: Array.isArray(data.locations) ? data.locations : []}})
        return reply(true)
      }
      case 'presence_disconnect': {
        const session = typeof params.session === 'string' ? params.session : undefined
        if (session) client.sessions.delete(session)
        broadcast(dataset, client, {type: 'disconnect', i: caller.userId, m: {session}})
        return reply(true)
      }
      default:
        return fail(-32601, `Method "${message.method}" not found`)
    }
  }

  /** Handles an HTTP/1.1 `upgrade` request; answers anything that is not a presence socket with an HTTP error. */
  function upgrade(req: IncomingMessage, stream: Duplex, clientAddress = 'unknown'): void {
    const refuse = (status: string) => {
      stream.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    let hostname: string
    try {
      hostname = new URL(`https://${req.headers.host ?? ''}`).hostname
    } catch {
      return refuse('400 Bad Request')
    }
    if (options.isOwnHost && !options.isOwnHost(hostname)) return refuse('400 Bad Request')
    const url = new URL((req.url ?? '/').startsWith('/') ? (req.url as string) : '/', 'https://localhost')
    const segments = url.pathname.split('/').filter(Boolean)
    if (segments[0] && /^v(\d{4}-\d{2}-\d{2}|\d+|X)$/.test(segments[0])) segments.shift()
    const key = req.headers['sec-websocket-key']
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket' || typeof key !== 'string') return refuse('400 Bad Request')
    if (segments[0] !== 'socket' || segments.length !== 2 || !segments[1]) return refuse('404 Not Found')
    let dataset: string
    try {
      dataset = decodeURIComponent(segments[1])
    } catch {
      return refuse('400 Bad Request')
    }
    if (!options.hasDataset(dataset)) return refuse('404 Not Found')
    const open = perAddress.get(clientAddress) ?? 0
    if (open >= maxSocketsPerAddress) return refuse('429 Too Many Requests')
    perAddress.set(clientAddress, open + 1)
    stream.once('close', () => {
      const left = (perAddress.get(clientAddress) ?? 1) - 1
      if (left <= 0) perAddress.delete(clientAddress)
      else perAddress.set(clientAddress, left)
    })
    const accept = createHash('sha1').update(key + GUID).digest('base64')
    stream.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`)
    const socket = new Socket(stream)
    const client: Client = {socket, caller: undefined, subscriptions: new Set(), sessions: new Set()}
    let room = rooms.get(dataset)
    if (!room) rooms.set(dataset, (room = new Set()))
    room.add(client)
    const heartbeat = setInterval(() => socket.send(HEARTBEAT), heartbeatMs)
    heartbeat.unref()
    socket.onMessage = (text) => handle(dataset, client, text)
    socket.onClose = () => {
      clearInterval(heartbeat)
      room.delete(client)
      if (client.caller) for (const session of client.sessions) broadcast(dataset, client, {type: 'disconnect', i: client.caller.userId, m: {session}})
    }
  }

  function close(): void {
    for (const room of rooms.values()) for (const client of room) client.socket.close(1001, 'Server closing')
    rooms.clear()
  }

  /** open presence sockets (metrics) */
  function count(): number {
    let sum = 0
    for (const room of rooms.values()) sum += room.size
    return sum
  }

  return {upgrade, close, count}
}
