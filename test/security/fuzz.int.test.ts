import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import https from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {connect} from 'node:tls'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, expect, test} from 'vitest'

/**
 * 20,000 requests built from the API's own shapes with random mutations: methods, paths,
 * percent-encodings, headers, bodies, query strings and WebSocket upgrades. The server runs in a
 * process of its own: it must never exit, never answer 500, and stay under RSS_BOUND.
 */

const REQUESTS = 20_000
const CONCURRENCY = 32
/** the server's resident memory may not pass this while it is fuzzed (it starts near 150 MB) */
const RSS_BOUND = 768 * 1024 * 1024
const SEED = Number(process.env.AHP_FUZZ_SEED ?? Date.now() % 1_000_000)

let child: ChildProcess
let dataDir: string
let port = 0
let ca = ''
let adminToken = ''
let peakRss = 0
let exitedWith: string | undefined
let rssTimer: NodeJS.Timeout

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ahp-fuzz-'))
  child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fuzz-server.ts', import.meta.url)), dataDir], {stdio: ['ignore', 'pipe', 'pipe']})
  child.stderr?.resume()
  child.once('exit', (code, signal) => (exitedWith = `code ${code}, signal ${signal}`))
  const info = await new Promise<{port: number; ca: string; token: string}>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) resolve(JSON.parse(line) as {port: number; ca: string; token: string})
    })
    child.once('exit', () => reject(new Error('the fuzz server exited before it listened')))
  })
  ;({port, ca} = info)
  adminToken = info.token
  rssTimer = setInterval(() => {
    if (child.pid && exitedWith === undefined) peakRss = Math.max(peakRss, rssOf(child.pid))
  }, 100)
  // something to find: a dataset with documents, a draft, a reference and a release
  const seed = await send({method: 'PUT', path: '/v2025-02-19/projects/local/datasets/production', headers: {authorization: `Bearer ${adminToken}`}, body: '{}'})
  expect(seed.status).toBe(200)
  const mutations = Array.from({length: 200}, (_, i) => ({create: {_id: `doc-${i}`, _type: i % 2 ? 'profession' : 'framework', title: `Document ${i}`, slug: {current: `doc-${i}`}, ref: {_type: 'reference', _ref: `doc-${(i + 1) % 200}`}}}))
  const created = await send({method: 'POST', path: '/v2025-02-19/data/mutate/production', headers: {authorization: `Bearer ${adminToken}`, 'content-type': 'application/json'}, body: JSON.stringify({mutations})})
  expect(created.status).toBe(200)
}, 120_000)

afterAll(async () => {
  clearInterval(rssTimer)
  if (exitedWith === undefined) {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
  rmSync(dataDir, {recursive: true, force: true})
})

// ---- a small seeded random source, so a failing run can be repeated with AHP_FUZZ_SEED ----
let state = SEED
function random(): number {
  state = (state + 0x6d2b79f5) | 0
  let x = Math.imul(state ^ (state >>> 15), 1 | state)
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
const chance = (p: number) => random() < p

const VERSIONS = ['v2025-02-19', 'v2021-06-07', 'v1', 'vX', 'v2022-03-07', 'v9999-99-99', 'v0', 'vx', '']
const SHAPES = [
  'data/query/:ds', 'data/doc/:ds/:ids', 'data/mutate/:ds', 'data/actions/:ds', 'data/listen/:ds', 'data/history/:ds/transactions/:ids',
  'data/history/:ds/documents/:ids', 'data/history/:ds/events/documents/:id', 'data/export/:ds', 'data/ping/:ds', 'ping',
  'assets/images/:ds', 'assets/files/:ds', 'images/local/:ds/:file', 'files/local/:ds/:file', 'datasets', 'datasets/:ds',
  'projects/local', 'projects/local/datasets', 'projects/local/datasets/:ds/acl', 'projects/local/tokens', 'projects/local/tokens/:id',
  'users/me', 'users/me/keyvalue/:keys', 'users/:ids', 'features', 'auth/providers', 'auth/login', 'auth/fetch', 'auth/logout', 'auth/id',
  'socket/:ds', 'journey/scheduled-drafts', 'data/live/events/:ds', 'health', 'metrics',
]
const WEIRD = ['%', '%E0%A4%A', '%00', '..', '%2e%2e', '%2F', 'drafts.doc-1', 'versions.r1.doc-1', '_.releases.r1', '*', 'a'.repeat(300), '🙂', '%F0%9F%99%82', ',,,', ' ', '%20', 'doc-1,doc-2', '\\', '?', '#']
const DATASETS = ['production', 'nope', 'PRODUCTION', '', '_', 'a'.repeat(70)]
const QUERIES = [
  '*', '*[_type == "profession"]', '*[_id == $id][0]', 'count(*)', '*[references($id)]{title, ref->}', '*[_type in ["profession", "framework"]] | order(title desc)[0...5]',
  'count(*[count(*[count(*[true])>0])>0])', '*[title match "doc*"]', '$missing', '*[', 'math::sum(*[]._id)', '*[_id in path("drafts.**")]', '{"a": *[0]}', '1 +', '"' + 'x'.repeat(2000) + '"',
]
const ACTIONS = [
  {actionType: 'sanity.action.document.create', publishedId: 'fz-1', attributes: {_id: 'drafts.fz-1', _type: 'profession', title: 'Fuzz'}, ifExists: 'fail'},
  {actionType: 'sanity.action.document.publish', draftId: 'drafts.fz-1', publishedId: 'fz-1'},
  {actionType: 'sanity.action.document.delete', publishedId: 'doc-3', includeDrafts: ['drafts.doc-3']},
  {actionType: 'sanity.action.release.create', releaseId: 'rfuzz', metadata: {title: 'Fuzz', releaseType: 'asap'}},
  {actionType: 'sanity.action.release.publish', releaseId: 'rfuzz'},
  {actionType: 'sanity.action.unknown'},
  {},
]
const MUTATIONS = [
  {create: {_id: 'drafts.fz-2', _type: 'profession', title: 'x'}},
  {createOrReplace: {_id: 'fz-3', _type: 'framework'}},
  {patch: {id: 'doc-5', set: {title: 'Patched'}, ifRevisionID: 'nope'}},
  {patch: {query: '*[_type == "profession"][0...3]', inc: {n: 1}}},
  {patch: {id: 'doc-6', insert: {after: 'list[-1]', items: [1]}}},
  {delete: {query: '*[_id == "fz-3"]'}},
  {delete: {id: '_.releases.rfuzz'}},
  {create: {_id: 'bad id with spaces', _type: 'x'}},
  {create: {_type: 'no-id'}},
  {nonsense: true},
  null,
  'text',
]

function segment(value: string): string {
  if (chance(0.15)) return pick(WEIRD)
  if (chance(0.1)) return encodeURIComponent(value) + pick(WEIRD)
  return chance(0.3) ? encodeURIComponent(value) : value
}

function body(): string | Buffer | undefined {
  const kind = random()
  if (kind < 0.25) return JSON.stringify({mutations: Array.from({length: 1 + Math.floor(random() * 3)}, () => pick(MUTATIONS))})
  if (kind < 0.45) return JSON.stringify({actions: Array.from({length: 1 + Math.floor(random() * 2)}, () => pick(ACTIONS)), dryRun: chance(0.3)})
  if (kind < 0.55) return JSON.stringify({query: pick(QUERIES), params: {id: 'doc-1', ids: ['doc-1', 'doc-2']}})
  if (kind < 0.62) return `${'['.repeat(1 + Math.floor(random() * 400))}1${']'.repeat(Math.floor(random() * 400))}`
  if (kind < 0.7) return Buffer.from(Array.from({length: Math.floor(random() * 2048)}, () => Math.floor(random() * 256)))
  if (kind < 0.76) return `email=${encodeURIComponent(pick(['a@b.c', '', 'x'.repeat(500)]))}&password=${pick(['x', '', 'y'.repeat(3000)])}&origin=${encodeURIComponent(pick(['https://localhost/local', 'https://evil.example/', '/images/x.svg', 'javascript:alert(1)']))}`
  if (kind < 0.82) return '{"key": "x", "value": ' + JSON.stringify(pick(QUERIES)) + '}'
  if (kind < 0.86) return 'x'.repeat(Math.floor(random() * 200_000))
  return undefined
}

interface Planned {
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Buffer | undefined
  raw?: string
}

function plan(): Planned {
  const version = pick(VERSIONS)
  const shape = pick(SHAPES)
  const parts = shape.split('/').map((part) => {
    if (part === ':ds') return segment(pick(DATASETS))
    if (part === ':ids' || part === ':id') return segment(pick(['doc-1', 'doc-1,doc-2', 'drafts.doc-1', 'nope', '_.releases.rfuzz']))
    if (part === ':file') return segment(pick(['0123456789abcdef0123456789abcdef01234567-1x1.png', '../../admin-token', 'x.svg']))
    if (part === ':keys') return segment(pick(['a', 'a,b', '']))
    return chance(0.03) ? segment(part) : part
  })
  let path = `/${[version, ...parts].filter(Boolean).join('/')}`
  const query: string[] = []
  if (chance(0.6)) query.push(`query=${encodeURIComponent(pick(QUERIES))}`)
  if (chance(0.3)) query.push(`%24id=${encodeURIComponent(pick(['"doc-1"', '{"a":', '1e999', '[' .repeat(50)]))}`)
  if (chance(0.2)) query.push(`perspective=${pick(['drafts', 'raw', 'published', 'rfuzz,drafts', 'raw,drafts', '%%', 'x'.repeat(100)])}`)
  if (chance(0.1)) query.push(`${pick(['limit', 'revision', 'time', 'sid', 'origin', 'filename', 'dryRun', 'returnDocuments', 'includeResult'])}=${segment(pick(['1', '-1', 'true', 'abc', '2025-13-45']))}`)
  if (query.length) path += `?${query.join('&')}`
  const headers: Record<string, string> = {}
  const auth = random()
  if (auth < 0.35) headers.authorization = `Bearer ${adminToken}`
  else if (auth < 0.45) headers.authorization = pick(['Bearer nope', 'Bearer ', 'Basic abc', `Bearer ${'x'.repeat(2000)}`, 'bearer sk_ahp_x'])
  if (chance(0.3)) headers.origin = pick([`https://localhost:${port}`, 'https://evil.example', 'null', 'https://local.localhost:1'])
  if (chance(0.4)) headers['content-type'] = pick(['application/json', 'application/x-www-form-urlencoded', 'image/png', 'text/html', 'multipart/form-data; boundary=x'])
  if (chance(0.05)) headers['x-request-id'] = pick(['abc', 'x'.repeat(500), '../%0a', '"quoted"'])
  const method = chance(0.85) ? pick(['GET', 'GET', 'POST', 'POST', 'PUT']) : pick(['DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE'])
  const planned: Planned = {method, path, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body()}
  if (chance(0.04)) {
    // raw: a WebSocket upgrade, a bad Host, or an absolute request target
    const host = pick(['localhost', `localhost:${port}`, 'evil.example', 'local.localhost/x?y', '[::1', ''])
    const target = chance(0.2) ? `https://evil.example${path}` : chance(0.5) ? `/v2022-06-30/socket/${segment(pick(DATASETS))}` : path
    planned.raw = `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: ${pick(['websocket', 'h2c', ''])}\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${pick(['dGhlIHNhbXBsZSBub25jZQ==', ''])}\r\nSec-WebSocket-Version: 13\r\n\r\n`
  }
  return planned
}

const agent = new https.Agent({keepAlive: true, maxSockets: CONCURRENCY})

function send(request: Planned): Promise<{status: number; body: string}> {
  if (request.raw) return sendRaw(request.raw)
  // Node's client refuses some paths an attacker would send as they are (spaces, raw Unicode)
  if (/[^\u0021-\u00ff]/.test(request.path)) {
    const head = Object.entries(request.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')
    return sendRaw(`${request.method} ${request.path} HTTP/1.1\r\nHost: localhost\r\n${head}Content-Length: 0\r\n\r\n`)
  }
  return new Promise((resolve) => {
    const req = https.request(
      {host: '127.0.0.1', port, servername: 'localhost', path: request.path, method: request.method, headers: {host: `localhost:${port}`, ...request.headers}, ca, agent, timeout: 15_000},
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          // listeners and exports stream: a few KB is enough to judge the answer
          size += chunk.length
          if (size < 64 * 1024) chunks.push(chunk)
          else res.destroy()
        })
        const done = () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')})
        res.on('end', done)
        res.on('close', done)
        res.on('error', done)
        if ((res.headers['content-type'] ?? '').includes('event-stream')) setTimeout(() => res.destroy(), 50)
      },
    )
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve({status: 0, body: ''}))
    if (request.body !== undefined) req.write(request.body)
    req.end()
  })
}

function sendRaw(text: string): Promise<{status: number; body: string}> {
  return new Promise((resolve) => {
    let out = ''
    const socket = connect({host: '127.0.0.1', port, servername: 'localhost', ca, ALPNProtocols: ['http/1.1']}, () => socket.write(text))
    const finish = () => {
      socket.destroy()
      resolve({status: Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0), body: out})
    }
    socket.setTimeout(3_000, finish)
    socket.on('data', (chunk: Buffer) => {
      out += chunk.toString('latin1')
      if (out.includes('\r\n\r\n')) finish()
    })
    socket.on('close', finish)
    socket.on('error', finish)
  })
}

test(`${REQUESTS} mutated requests: the server never exits, never answers 500, and stays under ${RSS_BOUND / 1024 / 1024} MB`, async () => {
  const statuses = new Map<number, number>()
  const failures: string[] = []
  let next = 0
  const deadline = Date.now() + 8 * 60_000
  async function worker(): Promise<void> {
    while (next < REQUESTS && Date.now() < deadline && exitedWith === undefined) {
      next++
      const request = plan()
      const answer = await send(request)
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
      if (answer.status >= 500 && failures.length < 10) failures.push(`${answer.status} ${request.method} ${request.path} ${request.raw ? '(raw)' : ''}: ${answer.body.slice(0, 200)}`)
    }
  }
  await Promise.all(Array.from({length: CONCURRENCY}, worker))
  agent.destroy()
  const summary = `seed ${SEED}; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; peak RSS ${Math.round(peakRss / 1024 / 1024)} MB`
  console.log(`fuzz: ${next} requests; ${summary}`)
  expect(exitedWith, summary).toBeUndefined()
  expect(next, 'every planned request was sent within the time bound').toBe(REQUESTS)
  expect(failures, summary).toEqual([])
  expect(peakRss, summary).toBeLessThan(RSS_BOUND)
  // and it still answers
  const ping = await send({method: 'GET', path: '/v2025-02-19/ping', headers: {}})
  expect(ping.status).toBe(200)
}, 10 * 60_000)
