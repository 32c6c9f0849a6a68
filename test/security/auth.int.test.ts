import {mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {TokenStore} from '../../server/auth.js'
import {ManualClock} from '../../server/clock.js'
import {createHandler, type Handler} from '../../server/handler.js'
import {Store} from '../../server/store.js'
import {hashPassword, UserStore} from '../../server/users.js'
import {formOf, httpsRequest, openSignInForm, postSignIn, sessionTokenFor, signInWithPassword} from '../helpers/signin.js'
import {startTestServer, type TestServer} from '../server/helpers.js'
import {expectAlive} from './helpers.js'

/**
 * Sign-in that resists abuse (SECURITY.md, "Sign-in and sessions"): the one-time `#sid=` only
 * reaches the Studio's own pages, the form is refused from other sites, wrong passwords slow
 * further tries without locking the owner out, sessions end, and hashes follow today's cost.
 */

const EDITOR = {email: 'editor@example.nhs.uk', password: 'a long editor password'}
const V = '/v2025-02-19'
/** each wrong password costs a scrypt hash at OWASP's cost (a second or more on a loaded 2-core machine) */
const HASHING_TEST_MS = 180_000

async function addUser(users: UserStore, account: {email: string; password: string}, role: 'editor' | 'viewer' = 'editor') {
  return (await users.upsert({email: account.email, role, password: account.password})).user
}

describe('where a sign-in may send its #sid=', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({publicUrl: 'https://content.example.nhs.uk', corsOrigins: ['http://localhost:3334']})
    await addUser(t.server.users, EDITOR)
  })
  afterAll(() => t?.close())

  const own = () => `https://localhost:${t.server.port}`
  const refused = () => [
    `${own()}/images/local/production/abc-10x10.svg`,
    `${own()}/files/local/production/abc.svg`,
    `${own()}/v2025-02-19/data/doc/production/x`,
    `${own()}/auth/login`,
    `${own()}/static/app.js`,
    `${own()}/localx`,
    `${own()}/local/../files/local/production/abc.svg`,
    `${own()}/local/%2e%2e/files/abc.svg`,
    `${own()}/local%2F..%2Ffiles/abc.svg`,
    `https://evil.example/local`,
    `https://user:pass@localhost:${t.server.port}/local`,
    `javascript:alert(1)//local`,
    `https://content.example.nhs.uk/files/local/production/abc.svg`,
  ]
  const accepted = () => [
    `${own()}/`,
    `${own()}/local`,
    `${own()}/local/content/profession;profession-paramedics?perspective=drafts`,
    `${own()}/hosted`,
    `https://content.example.nhs.uk/local`,
    `http://localhost:3334/local`,
  ]

  test('the form is refused (400) for any page but the Studio\'s workspaces, on the server\'s origins', async () => {
    for (const origin of refused()) {
      const res = await t.request(`/auth/login?${new URLSearchParams({origin})}`)
      expect(res.status, origin).toBe(400)
      expect(res.body).not.toContain('formToken')
    }
    for (const origin of accepted()) expect((await t.request(`/auth/login?${new URLSearchParams({origin})}`)).status, origin).toBe(200)
    await expectAlive(t)
  })

  test('a right password posted with such a page is refused and no #sid= is issued', async () => {
    const form = await openSignInForm(t.server.url, t.server.tls.ca, `${own()}/local`)
    for (const origin of refused()) {
      const res = await postSignIn(t.server.url, t.server.tls.ca, {origin, email: EDITOR.email, password: EDITOR.password}, form)
      expect(res.status, origin).toBe(400)
      expect(res.headers.location).toBeUndefined()
    }
    const good = await signInWithPassword(t.server.url, t.server.tls.ca, EDITOR, `${own()}/local/content`)
    expect(good.status).toBe(303)
    expect(String(good.headers.location)).toMatch(new RegExp(`^${own()}/local/content#sid=[\\w-]{43}$`))
    await expectAlive(t)
  })
})

describe('the sign-in form refuses cross-site posts (CSRF)', () => {
  let t: TestServer
  const page = () => `${t.server.url}/local`
  beforeAll(async () => {
    t = await startTestServer()
    await addUser(t.server.users, EDITOR)
  })
  afterAll(() => t?.close())

  const fields = () => ({origin: page(), email: EDITOR.email, password: EDITOR.password})

  test('a POST from another site, or with neither Origin nor Referer, is refused with 403', async () => {
    const form = await openSignInForm(t.server.url, t.server.tls.ca, page())
    for (const originHeader of ['https://evil.example', 'null', `https://localhost:${t.server.port + 1}`]) {
      const res = await postSignIn(t.server.url, t.server.tls.ca, fields(), form, {originHeader})
      expect(res.status, originHeader).toBe(403)
      expect(res.headers.location).toBeUndefined()
    }
    expect((await postSignIn(t.server.url, t.server.tls.ca, fields(), form, {originHeader: null})).status).toBe(403)
    expect((await postSignIn(t.server.url, t.server.tls.ca, fields(), form, {originHeader: null, headers: {referer: 'https://evil.example/page'}})).status).toBe(403)
    // the same form from the server's own page (a browser that sends only the Referer) signs in
    const ok = await postSignIn(t.server.url, t.server.tls.ca, fields(), form, {originHeader: null, headers: {referer: `${t.server.url}/auth/login?origin=x`}})
    expect(ok.status).toBe(303)
    await expectAlive(t)
  })

  test('the form token is required, works once, only with its browser\'s cookie and only for its page', async () => {
    const form = await openSignInForm(t.server.url, t.server.tls.ca, page())
    expect((await postSignIn(t.server.url, t.server.tls.ca, fields(), undefined, {headers: {cookie: form.cookie}})).status).toBe(403)
    expect((await postSignIn(t.server.url, t.server.tls.ca, fields(), {...form, formToken: `${form.formToken}x`})).status).toBe(403)
    const other = await openSignInForm(t.server.url, t.server.tls.ca, page())
    expect(other.cookie).not.toBe(form.cookie)
    expect((await postSignIn(t.server.url, t.server.tls.ca, fields(), {formToken: form.formToken, cookie: other.cookie})).status).toBe(403)
    const forHosted = await openSignInForm(t.server.url, t.server.tls.ca, `${t.server.url}/hosted`, form.cookie)
    expect((await postSignIn(t.server.url, t.server.tls.ca, fields(), {formToken: forHosted.formToken, cookie: form.cookie})).status).toBe(403)

    const fresh = await openSignInForm(t.server.url, t.server.tls.ca, page(), form.cookie)
    expect((await postSignIn(t.server.url, t.server.tls.ca, fields(), fresh)).status).toBe(303)
    const replayed = await postSignIn(t.server.url, t.server.tls.ca, fields(), fresh)
    expect(replayed.status).toBe(403)
    expect(replayed.body).toContain('The sign-in page had expired')
    // the page refusing it is a new form, whose token works
    expect((await postSignIn(t.server.url, t.server.tls.ca, fields(), formOf(replayed, fresh.cookie))).status).toBe(303)
    await expectAlive(t)
  })

  test('the sign-in cookie is HttpOnly, SameSite=Strict, Secure and scoped to /auth', async () => {
    const res = await httpsRequest(`${t.server.url}/auth/login?${new URLSearchParams({origin: page()})}`, t.server.tls.ca)
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(/^ahp_signin=[\w-]+; Path=\/auth; Max-Age=1800; HttpOnly; SameSite=Strict; Secure$/)
    expect(res.headers['x-frame-options']).toBe('DENY')
    expect(res.headers['referrer-policy']).toBe('same-origin')
  })
})

/**
 * Throttling by address needs many client addresses: these tests call the handler in-process,
 * with the address a socket (or a trusted proxy) would report.
 */
describe('wrong passwords slow further tries without locking the owner out', () => {
  let dir: string
  let store: Store
  let users: UserStore
  let handler: Handler
  const base = 'https://localhost'

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ahp-throttle-'))
    store = new Store(dir)
    users = new UserStore(dir)
    handler = createHandler(store, {tokens: new TokenStore(dir), users, publicUrl: base, validateRelease: null, requestsPerSecond: 0})
    await addUser(users, EDITOR)
  })
  afterAll(() => {
    users.close()
    store.close()
    rmSync(dir, {recursive: true, force: true})
  })

  async function attempt(address: string, email: string, password: string): Promise<Response> {
    const origin = `${base}/local`
    const page = await handler(new Request(`${base}/auth/login?${new URLSearchParams({origin})}`), {clientAddress: address})
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] as string
    const formToken = /name="formToken" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
    const body = new URLSearchParams({origin, email, password, formToken})
    return handler(
      new Request(`${base}/auth/login`, {method: 'POST', body, headers: {origin: base, cookie, 'content-type': 'application/x-www-form-urlencoded'}}),
      {clientAddress: address},
    )
  }

  const ping = async () => expect((await handler(new Request(`${base}${V}/ping`), {clientAddress: '10.9.9.9'})).status).toBe(200)

  test('one address guessing one account is paused after 3 failures (429, Retry-After); the owner, from their usual address, still signs in', async () => {
    const home = '10.0.0.7'
    expect((await attempt(home, EDITOR.email, EDITOR.password)).status).toBe(303)
    const attacker = '10.0.0.66'
    for (let i = 0; i < 3; i++) expect((await attempt(attacker, EDITOR.email, `guess ${i}`)).status).toBe(401)
    const paused = await attempt(attacker, EDITOR.email, EDITOR.password)
    expect(paused.status).toBe(429)
    expect(Number(paused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(await paused.text()).toContain('too many attempts')
    expect((await attempt(home, EDITOR.email, EDITOR.password)).status).toBe(303)
    await ping()
  }, HASHING_TEST_MS)

  test('guesses at one account from many addresses slow new addresses, never the owner\'s usual one', async () => {
    const owner = {email: 'owner@example.nhs.uk', password: 'the owner password'}
    await addUser(users, owner)
    expect((await attempt('10.1.0.1', owner.email, owner.password)).status).toBe(303)
    for (let i = 0; i < 5; i++) expect((await attempt(`10.2.0.${i + 1}`, owner.email, `guess ${i}`)).status).toBe(401)
    // a sixth address, never seen with this account, now waits
    expect((await attempt('10.2.0.99', owner.email, owner.password)).status).toBe(429)
    expect((await attempt('10.1.0.1', owner.email, owner.password)).status).toBe(303)
    await ping()
  }, HASHING_TEST_MS)

  test('password spraying (one wrong password over many accounts from one address) is paused after 10; other addresses are not', async () => {
    const sprayer = '2001:db8:5::1'
    for (let i = 0; i < 10; i++) expect((await attempt(sprayer, `person${i}@example.nhs.uk`, 'Winter2026!')).status).toBe(401)
    expect((await attempt(sprayer, 'person10@example.nhs.uk', 'Winter2026!')).status).toBe(429)
    // the same /64 is the same sprayer
    expect((await attempt('2001:db8:5:0:ffff::2', 'person11@example.nhs.uk', 'Winter2026!')).status).toBe(429)
    expect((await attempt('10.3.0.1', 'person10@example.nhs.uk', 'Winter2026!')).status).toBe(401)
    await ping()
  }, HASHING_TEST_MS)

  test('guesses sent in parallel count before their answers come back', async () => {
    const answers = await Promise.all(Array.from({length: 8}, (_, i) => attempt('10.4.0.1', EDITOR.email, `parallel ${i}`)))
    const statuses = answers.map((a) => a.status)
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5)
    await ping()
  }, HASHING_TEST_MS)
})

describe('sessions end when idle or old', () => {
  let t: TestServer
  const clock = new ManualClock('2026-06-01T09:00:00Z')
  beforeAll(async () => {
    t = await startTestServer({clock, schedulerIntervalMs: 0, signIn: {sessionIdleMs: 60 * 60_000, sessionMaxMs: 4 * 60 * 60_000}})
    await addUser(t.server.users, EDITOR)
  })
  afterAll(() => t?.close())

  const me = (token: string) => t.request('/v2026-05-04/users/me', {headers: {authorization: `Bearer ${token}`}})

  test('a session unused for longer than AHP_SESSION_IDLE answers 401, so the Studio shows its sign-in', async () => {
    const token = await sessionTokenFor(t.server.url, t.server.tls.ca, EDITOR)
    expect((await me(token)).status).toBe(200)
    clock.advance(59 * 60_000)
    expect((await me(token)).status).toBe(200)
    clock.advance(61 * 60_000)
    expect((await me(token)).status).toBe(401)
    await expectAlive(t)
  })

  test('a session in use ends AHP_SESSION_MAX after sign-in', async () => {
    const token = await sessionTokenFor(t.server.url, t.server.tls.ca, EDITOR)
    for (let i = 0; i < 7; i++) {
      clock.advance(30 * 60_000)
      expect((await me(token)).status, `after ${(i + 1) * 30} minutes`).toBe(200)
    }
    clock.advance(31 * 60_000)
    expect((await me(token)).status).toBe(401)
    await expectAlive(t)
  })

  test('use is written to tokens.json coarsely, not on every request', async () => {
    const token = await sessionTokenFor(t.server.url, t.server.tls.ca, EDITOR)
    const file = join(t.dataDir, 'tokens.json')
    const before = statSync(file)
    for (let i = 0; i < 20; i++) expect((await me(token)).status).toBe(200)
    const after = statSync(file)
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs])
    // a new server (a restart) still knows the session was used recently
    clock.advance(50 * 60_000)
    expect((await me(token)).status).toBe(200)
    expect(statSync(file).mtimeMs).not.toBe(before.mtimeMs)
    const restarted = new TokenStore(t.dataDir, undefined, {now: () => clock.now().getTime()})
    clock.advance(50 * 60_000)
    expect(restarted.resolve(token)).toMatchObject({role: 'editor'})
  })

  test('sign-out ends only the session it was called with', async () => {
    const first = await sessionTokenFor(t.server.url, t.server.tls.ca, EDITOR)
    const second = await sessionTokenFor(t.server.url, t.server.tls.ca, EDITOR)
    const out = await t.request('/v2026-05-04/auth/logout', {method: 'POST', headers: {authorization: `Bearer ${first}`}})
    expect(out.status).toBe(200)
    expect((await me(first)).status).toBe(401)
    expect((await me(second)).status).toBe(200)
    // an API token is never ended by a sign-out
    const api = t.server.tokens.create('viewer').token
    expect((await t.request('/v2026-05-04/auth/logout', {method: 'POST', headers: {authorization: `Bearer ${api}`}})).status).toBe(200)
    expect((await me(api)).status).toBe(200)
    await expectAlive(t)
  })
})

describe('password hashes', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(() => t?.close())

  const stored = (email: string) => {
    const db = new Database(join(t.dataDir, 'users.sqlite'), {readonly: true})
    try {
      return db.prepare<[string], {password: string}>('SELECT password FROM users WHERE email = ?').get(email)?.password ?? ''
    } finally {
      db.close()
    }
  }

  test('are scrypt at OWASP\'s cost (N=2^17, r=8, p=1)', async () => {
    await addUser(t.server.users, EDITOR)
    expect(stored(EDITOR.email)).toMatch(/^scrypt\$131072\$8\$1\$/)
  })

  test('a hash made at the old cost is made again at today\'s on the next good sign-in (not on a wrong one)', async () => {
    const old = {email: 'old@example.nhs.uk', password: 'an older password'}
    await addUser(t.server.users, old)
    const db = new Database(join(t.dataDir, 'users.sqlite'))
    db.prepare('UPDATE users SET password = ? WHERE email = ?').run(await hashPassword(old.password, {N: 16384, r: 8, p: 1}), old.email)
    db.close()
    expect(stored(old.email)).toMatch(/^scrypt\$16384\$/)
    expect((await signInWithPassword(t.server.url, t.server.tls.ca, {email: old.email, password: 'wrong password'})).status).toBe(401)
    expect(stored(old.email)).toMatch(/^scrypt\$16384\$/)
    expect((await signInWithPassword(t.server.url, t.server.tls.ca, old)).status).toBe(303)
    expect(stored(old.email)).toMatch(/^scrypt\$131072\$8\$1\$/)
    expect((await signInWithPassword(t.server.url, t.server.tls.ca, old)).status).toBe(303)
    await expectAlive(t)
  })
})
