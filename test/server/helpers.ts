import {mkdtempSync, rmSync} from 'node:fs'
import https from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createClient, requester as baseRequester, type ClientConfig, type SanityClient} from '@sanity/client'
import {startServer, type RunningServer, type ServerConfig} from '../../server/node-server.js'

export interface TestServer {
  server: RunningServer
  dataDir: string
  adminToken: string
  client(config?: Partial<ClientConfig>): SanityClient
  /** a raw HTTPS request trusting the local CA (for status codes and headers the client hides) */
  request(path: string, init?: RawInit): Promise<RawResponse>
  close(): Promise<void>
}

export interface RawInit {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  json(): unknown
}

/** Starts the real server on a free port over a fresh data folder, and trusts its CA in this process. */
export async function startTestServer(config: Partial<ServerConfig> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'ahp-server-test-'))
  // tests write faster than one client would: rate limits are off unless a test sets them (test/security/)
  const server = await startServer({port: 0, host: '127.0.0.1', dataDir: dir, projectId: 'local', synchronous: 'normal', requestsPerSecond: 0, mutationsPerSecond: 0, ...config})
  // @sanity/client (get-it) and its EventSource use node:https with the global agent
  https.globalAgent.options.ca = server.tls.ca
  const adminToken = server.tokens.getAdminToken()
  // get-it uses its own keep-alive agent: hand it the CA on every request
  const ca = server.tls.ca
  const requester = baseRequester.clone().use({finalizeOptions: <T extends object>(options: T): T => ({...options, ca})})
  const client = (overrides: Partial<ClientConfig> = {}) =>
    createClient({
      projectId: 'local',
      dataset: 'test',
      apiHost: server.url,
      useProjectHostname: false,
      apiVersion: '2025-02-19',
      useCdn: false,
      token: adminToken,
      requester,
      ...overrides,
    })
  const request = (path: string, init: RawInit = {}) =>
    new Promise<RawResponse>((resolve, reject) => {
      const req = https.request(
        `${server.url}${path}`,
        {method: init.method ?? 'GET', headers: init.headers ?? {}, ca: server.tls.ca},
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8')
            resolve({status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as unknown})
          })
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      if (init.body !== undefined) req.write(init.body)
      req.end()
    })
  return {
    server,
    dataDir: dir,
    adminToken,
    client,
    request,
    async close() {
      await server.close()
      if (!dataDir) rmSync(dir, {recursive: true, force: true})
    },
  }
}
