import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {connect, type ClientHttp2Session} from 'node:http2'
import {connect as netConnect} from 'node:net'
import {connect as tlsConnect} from 'node:tls'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Writable} from 'node:stream'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {createLogger} from '../../server/log.js'
import {startServer, type RunningServer} from '../../server/node-server.js'
import {presenceSocket} from '../helpers/presenceSocket.js'
import {freePort, NGINX, startNginx, throwawayCa, type Ca, type RunningNginx} from './helpers.js'

/**
 * The shipped nginx site (deploy/nginx/ahp-content-hub.conf) in front of the server, as an
 * organisation runs it: Debian's nginx on a loopback port with a certificate for content.ahp.test
 * from a CA made here, once with the server on plain HTTP behind it (AHP_TLS=off) and once with
 * the server on its own certificate. Through it: HTTP/2, the real client's address in the log,
 * asset URLs on the public address, sign-in on the public address, a listener's events as they
 * happen, and the presence socket.
 */

const HOST = 'content.ahp.test'
const STUDIO_HOST = `local.${HOST}`
const V = '/v2025-02-19'
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

const run = NGINX ? describe : describe.skip
if (!NGINX) console.warn('test/deploy/nginx.int.test.ts skipped: nginx is not installed (apt-get install -y nginx-light; .ci/run does it)')

interface Reply {
  status: number
  headers: Record<string, unknown>
  body: string
}

for (const upstream of ['http', 'https'] as const) {
  run(`behind nginx, the server ${upstream === 'http' ? 'on plain HTTP (AHP_TLS=off)' : 'on its own certificate (AHP_TLS_CERT)'}`, () => {
    let dir: string
    let ca: Ca
    let server: RunningServer
    let nginx: RunningNginx
    let port: number
    let session: ClientHttp2Session
    const lines: Record<string, unknown>[] = []

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ahp-nginx-'))
      ca = await throwawayCa()
      const issued = await ca.issue([HOST, STUDIO_HOST])
      writeFileSync(join(dir, 'ca.pem'), ca.caPem)
      writeFileSync(join(dir, 'cert.pem'), issued.certPem)
      writeFileSync(join(dir, 'key.pem'), issued.keyPem, {mode: 0o600})
      port = await freePort()
      const sink = new Writable({
        write(chunk: Buffer, _e, done) {
          for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>)
          done()
        },
      })
      server = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir: join(dir, 'data'),
        projectId: 'local',
        synchronous: 'normal',
        publicUrl: `https://${HOST}:${port}`,
        trustedProxies: '127.0.0.1',
        logger: createLogger('info', sink),
        requestsPerSecond: 0,
        mutationsPerSecond: 0,
        ...(upstream === 'http' ? {tls: 'off' as const} : {tls: 'files' as const, tlsCertPath: join(dir, 'cert.pem'), tlsKeyPath: join(dir, 'key.pem')}),
      })
      server.store.create('production')
      nginx = await startNginx({dir: join(dir, 'nginx'), port, upstreamPort: server.port, hostName: HOST, certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), upstream, upstreamCaFile: join(dir, 'ca.pem')})
      // a client on another loopback address than nginx's, so its address can be told apart
      session = connect(`https://${HOST}:${port}`, {createConnection: () => tlsConnect({socket: netConnect({host: '127.0.0.1', port, localAddress: '127.0.0.2'}), servername: HOST, ca: ca.caPem, ALPNProtocols: ['h2']})})
    }, 60_000)

    afterAll(async () => {
      session?.close()
      await nginx?.stop()
      await server?.close()
      rmSync(dir, {recursive: true, force: true})
    })

    function request(path: string, init: {method?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string} = {}): Promise<Reply> {
      return new Promise((resolve, reject) => {
        const stream = session.request({':method': init.method ?? 'GET', ':path': path, ':authority': `${init.host ?? HOST}:${port}`, ...init.headers})
        const chunks: Buffer[] = []
        let headers: Record<string, unknown> = {}
        stream.on('response', (h) => (headers = h))
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => resolve({status: Number(headers[':status']), headers, body: Buffer.concat(chunks).toString('utf8')}))
        stream.on('error', reject)
        stream.end(init.body)
      })
    }
    const admin = () => ({authorization: `Bearer ${server.tokens.getAdminToken()}`})

    test('browsers get HTTP/2 from nginx; /health answers through it', async () => {
      const res = await request('/health')
      expect(session.alpnProtocol).toBe('h2')
      expect(res.status, nginx.log()).toBe(200)
      expect(JSON.parse(res.body)).toMatchObject({status: 'ok'})
    })

    test('the log and the rate limits see the real client\'s address, not nginx\'s, and not one the client made up', async () => {
      await request(`${V}/ping`, {headers: {'x-request-id': `addr-${upstream}`, 'x-forwarded-for': '6.6.6.6'}})
      const line = lines.find((l) => l.reqId === `addr-${upstream}`)
      expect(line).toMatchObject({route: '/ping', status: 200, client: '127.0.0.2'})
    })

    test('asset URLs carry the public address, and the file is served through nginx', async () => {
      const upload = await request(`${V}/assets/images/production?filename=dot.png`, {method: 'POST', headers: {...admin(), 'content-type': 'image/png'}, body: PNG})
      expect(upload.status, upload.body).toBe(200)
      const url = (JSON.parse(upload.body) as {document: {url: string}}).document.url
      expect(url.startsWith(`https://${HOST}:${port}/images/local/production/`)).toBe(true)
      const file = await new Promise<Buffer>((resolve, reject) => {
        const stream = session.request({':path': new URL(url).pathname, ':authority': `${HOST}:${port}`})
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => resolve(Buffer.concat(chunks)))
        stream.on('error', reject)
        stream.end()
      })
      expect(file.subarray(0, 8)).toEqual(PNG.subarray(0, 8))
    })

    test('sign-in sends the browser to the public address', async () => {
      const res = await request(`/v2026-05-04/auth/providers`, {host: STUDIO_HOST})
      expect(res.status).toBe(200)
      const providers = (JSON.parse(res.body) as {providers: {url: string}[]}).providers
      expect(providers.map((p) => p.url)).toContain(`https://${HOST}:${port}/auth/login`)
    })

    test('a listener gets each mutation as it happens (nginx does not buffer the stream)', async () => {
      const events: string[] = []
      const stream = session.request({':path': `${V}/data/listen/production?query=${encodeURIComponent('*[_type == "note"]')}`, ':authority': `${STUDIO_HOST}:${port}`, ...admin(), accept: 'text/event-stream'})
      let text = ''
      const waitFor = (pattern: RegExp) =>
        new Promise<void>((resolve, reject) => {
          const check = () => {
            if (pattern.test(text)) {
              stream.off('data', onData)
              resolve()
            }
          }
          const onData = (c: Buffer) => {
            text += c.toString()
            check()
          }
          stream.on('data', onData)
          stream.once('error', reject)
          check()
        })
      await waitFor(/event: welcome/)
      const created = await request(`${V}/data/mutate/production`, {method: 'POST', headers: {...admin(), 'content-type': 'application/json'}, body: JSON.stringify({mutations: [{create: {_id: `note-${upstream}`, _type: 'note', title: 'through nginx'}}]})})
      expect(created.status, created.body).toBe(200)
      // the event arrives while the stream stays open: nothing waits for a buffer to fill
      await waitFor(/event: mutation[\s\S]*note-/)
      events.push(text)
      stream.close()
      expect(events[0]).toContain(`"documentId":"note-${upstream}"`)
    })

    test('the presence socket opens through nginx and answers JSON-RPC', async () => {
      const socket = await presenceSocket({port, hostName: STUDIO_HOST, ca: ca.caPem, path: '/v2022-06-30/socket/production?tag=sanity.studio'})
      try {
        socket.send({jsonrpc: '2.0', method: 'authorization', params: {authorization: `Bearer ${server.tokens.getAdminToken()}`}, id: 1})
        expect(await socket.next()).toMatchObject({id: 1, result: true})
        socket.send({jsonrpc: '2.0', method: 'presence_subscribe', params: {}, id: 2})
        expect(await socket.next()).toMatchObject({id: 2, result: expect.any(String)})
      } finally {
        socket.close()
      }
    })

    test('nginx takes uploads as large as the server does (AHP_MAX_ASSET_BYTES, 100 MiB)', () => {
      const site = readFileSync(join(dir, 'nginx', 'site.conf'), 'utf8')
      expect(/client_max_body_size (\d+)m;/.exec(site)?.[1]).toBe(String(100))
    })
  })
}
