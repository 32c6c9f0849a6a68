import {randomBytes} from 'node:crypto'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {CliIo} from '../../scripts/lib/cli.js'
import {runCommand} from '../../scripts/lib/cli.js'
import {createUserCommand} from '../../scripts/user.js'
import {presenceSocket} from '../helpers/presenceSocket.js'
import {openSignInForm, postSignIn} from '../helpers/signin.js'
import {startTestServer, type TestServer} from './helpers.js'

/** The Studio's endpoints beyond the content API (server/studio-api.ts) and the sign-in flow of studio/AUTH.md. */

let t: TestServer
const EDITOR = {email: 'editor@example.nhs.uk', password: 'a long editor password'}
const VIEWER = {email: 'viewer@example.nhs.uk', password: 'a long viewer password'}

function io(env: NodeJS.ProcessEnv): CliIo & {out: string; err: string} {
  const result = {
    out: '',
    err: '',
    env,
    stdout: (text: string) => void (result.out += text),
    stderr: (text: string) => void (result.err += text),
  }
  return result
}

async function createUser(email: string, role: string, password: string, name?: string) {
  const cli = io({AHP_DATA_DIR: t.dataDir})
  const code = await runCommand(createUserCommand({readPassword: async () => password}), ['create', '--email', email, '--role', role, ...(name ? ['--name', name] : [])], cli)
  return {code, ...cli}
}

const page = (port: number) => `https://localhost:${port}/local`

async function signIn(account: {email: string; password: string}, origin = page(t.server.port)) {
  const form = await openSignInForm(t.server.url, t.server.tls.ca, page(t.server.port))
  return postSignIn(t.server.url, t.server.tls.ca, {origin, email: account.email, password: account.password}, form)
}

async function tokenFor(account: {email: string; password: string}): Promise<string> {
  const login = await signIn(account)
  const sid = /#sid=([^&]+)$/.exec(String(login.headers.location))?.[1]
  expect(sid).toBeDefined()
  const exchanged = await t.request(`/v2026-05-04/auth/fetch?sid=${sid}`)
  expect(exchanged.status).toBe(200)
  return (exchanged.json() as {token: string}).token
}

beforeAll(async () => {
  const studioDir = join(await import('node:os').then((os) => os.tmpdir()), `ahp-studio-${randomBytes(4).toString('hex')}`)
  mkdirSync(join(studioDir, 'static'), {recursive: true})
  writeFileSync(join(studioDir, 'index.html'), '<!doctype html><title>Studio</title>')
  writeFileSync(join(studioDir, 'static', 'app-abc123.js'), 'console.log(1)')
  t = await startTestServer({studioDir})
  await t.client().request({method: 'PUT', uri: '/datasets/production'})
  expect((await createUser(EDITOR.email, 'editor', EDITOR.password, 'Ed Itor')).code).toBe(0)
  expect((await createUser(VIEWER.email, 'viewer', VIEWER.password)).code).toBe(0)
})

afterAll(async () => {
  await t?.close()
})

describe('user command', () => {
  test('lists accounts and never prints a password or its hash', async () => {
    const cli = io({AHP_DATA_DIR: t.dataDir})
    expect(await runCommand(createUserCommand(), ['list'], cli)).toBe(0)
    expect(cli.out).toContain(`${EDITOR.email}\teditor\tEd Itor`)
    expect(cli.out).toContain(`${VIEWER.email}\tviewer`)
    expect(cli.out).not.toContain('scrypt')
    expect(cli.out).not.toContain(EDITOR.password)
  })

  test('refuses a short password, an unknown role and a missing email (usage errors exit 2)', async () => {
    expect((await createUser('short@example.org', 'editor', 'short')).code).toBe(1)
    expect((await createUser('x@example.org', 'owner', 'long enough password')).code).toBe(2)
    const cli = io({AHP_DATA_DIR: t.dataDir})
    expect(await runCommand(createUserCommand({readPassword: async () => 'long enough password'}), ['create', '--role', 'editor'], cli)).toBe(2)
  })

  test('stores passwords as salted scrypt hashes', async () => {
    const Database = (await import('better-sqlite3')).default
    const db = new Database(join(t.dataDir, 'users.sqlite'), {readonly: true})
    const rows = db.prepare<[], {password: string}>('SELECT password FROM users').all()
    db.close()
    expect(rows.length).toBeGreaterThanOrEqual(2)
    for (const row of rows) expect(row.password).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(new Set(rows.map((r) => r.password.split('$')[4])).size).toBe(rows.length)
  })
})

describe('sign-in flow', () => {
  test('/users/me answers 401 without a token, so the Studio shows its sign-in', async () => {
    expect((await t.request('/v2026-05-04/users/me')).status).toBe(401)
    expect((await t.request('/v2026-05-04/users/me', {headers: {authorization: 'Bearer nope'}})).status).toBe(401)
  })

  test('/auth/providers names the sign-in page by an absolute URL without a query string', async () => {
    const res = await t.request('/v2026-05-04/auth/providers')
    expect(res.status).toBe(200)
    const {providers} = res.json() as {providers: {name: string; title: string; url: string}[]}
    expect(providers).toEqual([{name: 'local', title: 'Sign in with your AHP Content Hub account', url: `https://localhost:${t.server.port}/auth/login`}])
  })

  test('the sign-in page is a plain form with labelled fields and no external assets', async () => {
    const res = await t.request(`/auth/login?origin=${encodeURIComponent(page(t.server.port))}&projectId=local&withSid=true`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toContain('<label for="email">Email address</label>')
    expect(res.body).toContain('<label for="password">Password</label>')
    expect(res.body).toMatch(/name="formToken" value="[\w.-]{40,}"/)
    expect(res.body).not.toMatch(/(src|href)="https?:/)
  })

  test('refuses to send a session to an origin that is not the server\'s own', async () => {
    const res = await t.request(`/auth/login?origin=${encodeURIComponent('https://evil.example/local')}`)
    expect(res.status).toBe(400)
    const post = await signIn(EDITOR, 'https://evil.example/local')
    expect(post.status).toBe(400)
    expect(post.headers.location).toBeUndefined()
  })

  test('a wrong password shows the form again with a message, and no session', async () => {
    const res = await signIn({email: EDITOR.email, password: 'not the password'})
    expect(res.status).toBe(401)
    expect(res.body).toContain('role="alert"')
    expect(res.body).toContain('The email address or password is not right')
    expect(res.headers.location).toBeUndefined()
  })

  // throttling in detail: test/security/auth.int.test.ts

  test('a good sign-in redirects to the page with a single-use #sid=, exchanged for a token that stands for the user', async () => {
    const login = await signIn({email: EDITOR.email.toUpperCase(), password: EDITOR.password})
    expect(login.status).toBe(303)
    const location = String(login.headers.location)
    expect(location.startsWith(`${page(t.server.port)}#sid=`)).toBe(true)
    const sid = /#sid=([^&]{20,})$/.exec(location)?.[1] as string
    expect(sid).toBeDefined()
    const exchanged = await t.request(`/v2026-05-04/auth/fetch?sid=${sid}`, {headers: {origin: `https://localhost:${t.server.port}`}})
    expect(exchanged.status).toBe(200)
    expect(exchanged.headers['access-control-allow-credentials']).toBe('true')
    const {token} = exchanged.json() as {token: string}
    expect((await t.request(`/v2026-05-04/auth/fetch?sid=${sid}`)).status).toBe(401)

    const me = await t.request('/v2026-05-04/users/me', {headers: {authorization: `Bearer ${token}`}})
    expect(me.status).toBe(200)
    const user = me.json() as {id: string; name: string; email: string; role: string; roles: {name: string; title: string}[]}
    expect(user).toMatchObject({name: 'Ed Itor', email: EDITOR.email, role: 'editor'})
    expect(user.roles).toEqual([expect.objectContaining({name: 'editor', title: 'Editor'})])
    const id = await t.request('/v2026-05-04/auth/id', {headers: {authorization: `Bearer ${token}`}})
    expect(id.json()).toEqual({id: user.id})

    // sign-out: the Studio posts twice, with and without the token; both 2xx, and the token is gone
    const out1 = await t.request('/v2026-05-04/auth/logout', {method: 'POST', headers: {authorization: `Bearer ${token}`}})
    const out2 = await t.request('/v2026-05-04/auth/logout', {method: 'POST'})
    expect([out1.status, out2.status]).toEqual([200, 200])
    expect((await t.request('/v2026-05-04/users/me', {headers: {authorization: `Bearer ${token}`}})).status).toBe(401)
  })
})

describe('roles decide what the Studio lets a user do', () => {
  test('acl grants follow the role; a viewer\'s writes are refused with 403', async () => {
    const editor = await tokenFor(EDITOR)
    const viewer = await tokenFor(VIEWER)
    const acl = async (token: string) =>
      (await t.request('/v2021-06-07/projects/local/datasets/production/acl', {headers: {authorization: `Bearer ${token}`}})).json() as {permissions: string[]}[]
    expect((await acl(viewer))[0]?.permissions.sort()).toEqual(['history', 'read'])
    expect((await acl(editor))[0]?.permissions).toEqual(expect.arrayContaining(['read', 'create', 'update', 'history']))
    expect((await acl(t.adminToken))[0]?.permissions).toContain('manage')

    const action = JSON.stringify({actions: [{actionType: 'sanity.action.document.create', publishedId: 'x1', attributes: {_type: 'profession', title: 'X'}, ifExists: 'fail'}]})
    const write = (token: string) =>
      t.request('/v2025-02-19/data/actions/production', {method: 'POST', body: action, headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'}})
    expect((await write(viewer)).status).toBe(403)
    expect((await write(editor)).status).toBe(200)
  })

  test('project, datasets, features, user applications and the release limits', async () => {
    const auth = {authorization: `Bearer ${await tokenFor(EDITOR)}`}
    expect((await t.request('/v2021-12-15/projects/local', {headers: auth})).json()).toMatchObject({id: 'local', members: [expect.objectContaining({isCurrentUser: true, role: 'editor'})]})
    expect((await t.request('/v2025-02-19/projects/local/datasets', {headers: auth})).json()).toEqual([expect.objectContaining({name: 'production'})])
    expect((await t.request('/v2025-02-19/features', {headers: auth})).json()).toContain('contentReleases')
    expect((await t.request('/v2025-02-19/projects/local/user-applications', {headers: auth})).json()).toEqual([])
    expect((await t.request('/vX/projects/local/new-content-release-allowed', {headers: auth})).json()).toMatchObject({data: {datasetReleaseLimit: expect.any(Number)}})
    // Sanity-cloud-only endpoints answer "feature absent" (server/routes/cloud.ts), never 404
    const absent: [string, unknown][] = [
      ['/v2024-09-19/journey/announcements', null],
      ['/v1/help', {}],
      ['/v2025-02-19/journey/trial', null],
      ['/v2025-02-19/schedules/local/production', {schedules: []}],
      ['/v2023-12-18/intake/telemetry-status', {status: 'denied'}],
      ['/v2025-02-19/subscriptions/project/local', expect.objectContaining({plan: expect.objectContaining({name: 'Local server'})})],
    ]
    for (const [path, body] of absent) {
      const res = await t.request(path, {headers: auth})
      expect([res.status, res.json()], path).toEqual([200, body])
    }
  })

  test('per-user settings are kept per user', async () => {
    const a = {authorization: `Bearer ${await tokenFor(EDITOR)}`, 'content-type': 'application/json'}
    const b = {authorization: `Bearer ${await tokenFor(VIEWER)}`, 'content-type': 'application/json'}
    const key = 'studio.structure-tool.layout.profession'
    const put = await t.request('/v2025-02-19/users/me/keyvalue', {method: 'PUT', headers: a, body: JSON.stringify([{key, value: {layout: 'detail'}}])})
    expect(put.json()).toEqual([{key, value: {layout: 'detail'}}])
    expect((await t.request(`/v2025-02-19/users/me/keyvalue/${key},studio.announcement.seen`, {headers: a})).json()).toEqual([
      {key, value: {layout: 'detail'}},
      {key: 'studio.announcement.seen', value: null},
    ])
    expect((await t.request(`/v2025-02-19/users/me/keyvalue/${key}`, {headers: b})).json()).toEqual([{key, value: null}])
    expect((await t.request(`/v2025-02-19/users/me/keyvalue/${key}`)).status).toBe(401)
  })
})

describe('History timeline events', () => {
  test('create, edit, publish, unpublish and delete of a document group, newest first', async () => {
    const client = t.client({dataset: 'production'})
    const act = (actions: unknown[]) => client.request({method: 'POST', uri: '/data/actions/production', body: {actions}})
    await act([{actionType: 'sanity.action.document.create', publishedId: 'ev1', attributes: {_id: 'drafts.ev1', _type: 'profession', title: 'A'}, ifExists: 'fail'}])
    await act([{actionType: 'sanity.action.document.edit', draftId: 'drafts.ev1', publishedId: 'ev1', patch: {set: {title: 'B'}}}])
    await act([{actionType: 'sanity.action.document.publish', draftId: 'drafts.ev1', publishedId: 'ev1'}])
    await act([{actionType: 'sanity.action.document.unpublish', draftId: 'drafts.ev1', publishedId: 'ev1'}])
    await act([{actionType: 'sanity.action.document.delete', publishedId: 'ev1', includeDrafts: ['drafts.ev1']}])
    const res = await t.request('/v2025-02-19/data/history/production/events/documents/drafts.ev1?limit=100', {headers: {authorization: `Bearer ${t.adminToken}`}})
    expect(res.status).toBe(200)
    const body = res.json() as {events: Record<string, {type: string; versionId?: string; revisionId?: string}[]>; nextCursor: string}
    expect(body.nextCursor).toBe('')
    expect(body.events['drafts.ev1']?.map((e) => e.type)).toEqual(['deleteDocumentVersion', 'unpublishDocument', 'publishDocumentVersion', 'createDocumentVersion'])
    const publish = body.events['drafts.ev1']?.[2]
    expect(publish).toMatchObject({versionId: 'drafts.ev1', documentId: 'ev1', publishCause: 'document.publish'})
  })
})

describe('serving the built Studio', () => {
  test('index.html for page paths (history routing), never cached; hashed files cached for a year; API paths stay the API', async () => {
    const deep = await t.request('/local/content/profession;abc')
    expect(deep.status).toBe(200)
    expect(deep.body).toContain('<title>Studio</title>')
    expect(deep.headers['cache-control']).toBe('no-cache')
    const asset = await t.request('/static/app-abc123.js')
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(asset.headers['content-type']).toMatch(/javascript/)
    expect((await t.request('/static/missing-123.js')).status).toBe(404)
    expect((await t.request('/../../etc/passwd')).body).not.toContain('root:')
    expect((await t.request('/v2025-02-19/ping')).body).toBe('"PONG"')
  })
})

describe('presence socket', () => {
  const openSocket = () =>
    presenceSocket({port: t.server.port, hostName: 'local.localhost', servername: 'localhost', ca: t.server.tls.ca, path: '/v2022-06-30/socket/production?tag=sanity.studio'})

  test('JSON-RPC: authorization, subscribe, announce and disconnect reach the other sockets of the dataset', async () => {
    const a = await openSocket()
    const b = await openSocket()
    const editor = await tokenFor(EDITOR)
    a.send({jsonrpc: '2.0', method: 'authorization', params: {authorization: `Bearer ${editor}`, apiVersion: 'v1'}, id: 'a1'})
    expect(await a.next()).toMatchObject({id: 'a1', result: true})
    b.send({jsonrpc: '2.0', method: 'authorization', params: {authorization: `Bearer ${t.adminToken}`, apiVersion: 'v1'}, id: 'b1'})
    expect(await b.next()).toMatchObject({id: 'b1', result: true})
    b.send({jsonrpc: '2.0', method: 'presence_subscribe', params: {apiVersion: 'v1'}, id: 'b2'})
    const subscription = (await b.next()).result
    expect(typeof subscription).toBe('string')
    const locations = [{type: 'document', documentId: 'x', path: ['title'], lastActiveAt: new Date().toISOString()}]
    a.send({jsonrpc: '2.0', method: 'presence_announce', params: {data: {locations, sessionId: 'sessA'}, apiVersion: 'v1'}, id: 'a2'})
    expect(await a.next()).toMatchObject({id: 'a2'})
    const pushed = await b.next()
    expect(pushed).toMatchObject({method: 'presence_subscription', params: {subscription, result: {type: 'state', m: {sessionId: 'sessA', locations}}}})
    a.close()
    expect(await b.next()).toMatchObject({params: {result: {type: 'disconnect', m: {session: 'sessA'}}}})
    b.close()
  })

  test('an unknown token is refused', async () => {
    const a = await openSocket()
    a.send({jsonrpc: '2.0', method: 'authorization', params: {authorization: 'Bearer nope'}, id: 'x'})
    expect(await a.next()).toMatchObject({id: 'x', error: {code: 4001}})
    a.close()
  })
})
