import {cpSync, mkdtempSync, rmSync} from 'node:fs'
import {createLogger} from '../../server/log.js'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test, vi} from 'vitest'
import {ManualClock} from '../../server/clock.js'
import {parseRoleMap, type OidcSettings} from '../../server/signin/settings.js'
import {HttpBrowser, type Answer} from '../helpers/http-browser.js'
import {CLIENT_ID, CLIENT_SECRET, GROUPS, OIDC_ACCOUNTS, ROLE_MAP, startTestProvider, walkProvider, type TestAccount, type TestProvider} from '../helpers/oidc-provider.js'
import {startTestServer, type TestServer} from '../server/helpers.js'
import {expectAlive} from './helpers.js'

/**
 * Sign-in with the organisation's accounts (issue #12) against a real OpenID provider on loopback
 * (oidc-provider): roles from the groups claim, refusals a person understands, and the flow's
 * checks (state, browser binding, code, nonce) holding against tampering and replay.
 */

let idp: TestProvider
let hub: TestServer
let wrongSecret: TestServer
let wrongIssuer: TestServer
let localOff: TestServer
const clock = new ManualClock()
const logged: string[] = []
// the servers' log lines (pino JSON), where the sign-in's one-line explanations go
const captureLog = createLogger('info', {
  write: (line: string) => {
    const parsed = JSON.parse(line) as {msg?: unknown}
    logged.push(typeof parsed.msg === 'string' ? parsed.msg : line)
  },
})
const dirs: string[] = []

const settings = (overrides: Partial<OidcSettings> = {}): OidcSettings => ({
  issuer: idp.issuer,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  name: 'NHSmail',
  rolesClaim: 'groups',
  roles: parseRoleMap(ROLE_MAP),
  ...overrides,
})

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')))
  idp = await startTestProvider()
  const signIn = {sessionIdleMs: 60 * 60_000, sessionMaxMs: 2 * 60 * 60_000}
  hub = await startTestServer({clock, schedulerIntervalMs: 0, logger: captureLog, signIn: {...signIn, oidc: settings()}})
  // one local CA for every server of the file (this process trusts one CA per host name at a time)
  const sharingCa = (config: Parameters<typeof startTestServer>[0]) => {
    const dir = mkdtempSync(join(tmpdir(), 'ahp-oidc-'))
    dirs.push(dir)
    cpSync(join(hub.dataDir, 'tls'), join(dir, 'tls'), {recursive: true})
    return startTestServer({...config, logger: captureLog}, dir)
  }
  wrongSecret = await sharingCa({signIn: {oidc: settings({clientSecret: 'not-the-secret'})}})
  wrongIssuer = await sharingCa({signIn: {oidc: settings({issuer: 'http://localhost:9'})}})
  localOff = await sharingCa({signIn: {localAccounts: false, oidc: settings()}})
  idp.configure(hub.server.url, wrongSecret.server.url, localOff.server.url)
})

afterAll(async () => {
  await Promise.all([hub, wrongSecret, wrongIssuer, localOff].map((t) => t?.close()))
  await idp?.close()
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
  vi.restoreAllMocks()
})

interface Flow {
  browser: HttpBrowser
  /** the provider's redirect back to the hub, not yet followed */
  callback: string
}

/** Starts a sign-in at `t` and signs in at the provider as `account`; stops before the hub's callback. */
async function throughProvider(t: TestServer, account: TestAccount, options: {browser?: HttpBrowser; tamper?: (authUrl: URL) => void} = {}): Promise<Flow> {
  const browser = options.browser ?? new HttpBrowser(t.server.tls.ca)
  const {authUrl, callback} = await walkProvider(browser, t.server.url, account, options.tamper)
  expect(authUrl.origin).toBe(idp.issuer)
  return {browser, callback}
}

async function signInAs(t: TestServer, account: TestAccount): Promise<{answer: Answer; flow: Flow}> {
  const flow = await throughProvider(t, account)
  return {answer: await flow.browser.request(flow.callback), flow}
}

async function tokenFrom(t: TestServer, answer: Answer): Promise<string> {
  expect(answer.status, answer.body).toBe(303)
  const sid = /#sid=([\w-]{20,})$/.exec(answer.location ?? '')?.[1]
  expect(answer.location?.startsWith(`${t.server.url}/local#sid=`)).toBe(true)
  const exchanged = await t.request(`/v2026-05-04/auth/fetch?sid=${sid}`)
  expect(exchanged.status).toBe(200)
  return (exchanged.json() as {token: string}).token
}

const me = (t: TestServer, token: string) => t.request('/v2026-05-04/users/me', {headers: {authorization: `Bearer ${token}`}})

describe('the Studio offers the organisation\'s sign-in', () => {
  test('/auth/providers names it with AHP_OIDC_NAME beside local accounts; with AHP_LOCAL_ACCOUNTS=off alone', async () => {
    const both = (await hub.request('/v2026-05-04/auth/providers')).json() as {providers: {name: string; title: string; url: string}[]}
    expect(both.providers).toEqual([
      {name: 'oidc', title: 'NHSmail', url: `${hub.server.url}/auth/oidc/start`},
      {name: 'local', title: 'AHP Content Hub account', url: `${hub.server.url}/auth/login`},
    ])
    expect((await hub.request(`/auth/login?${new URLSearchParams({origin: `${hub.server.url}/local`})}`)).body).toContain('sign in with NHSmail</a>')
    const only = (await localOff.request('/v2026-05-04/auth/providers')).json() as {providers: {name: string}[]}
    expect(only.providers.map((p) => p.name)).toEqual(['oidc'])
  })

  test('with AHP_LOCAL_ACCOUNTS=off the password form is gone and the password endpoints answer 404', async () => {
    expect((await localOff.request(`/auth/login?${new URLSearchParams({origin: `${localOff.server.url}/local`})}`)).status).toBe(404)
    const post = await localOff.request('/auth/login', {method: 'POST', body: 'email=a%40b.c&password=xxxxxxxx', headers: {'content-type': 'application/x-www-form-urlencoded', origin: localOff.server.url}})
    expect(post.status).toBe(404)
    const {answer} = await signInAs(localOff, OIDC_ACCOUNTS.editor)
    expect((await me(localOff, await tokenFrom(localOff, answer))).status).toBe(200)
    await expectAlive(localOff)
  })
})

describe('roles follow the organisation\'s groups', () => {
  test('an editor signs in: the Studio gets their name, email and picture, and the editor role', async () => {
    const {answer} = await signInAs(hub, OIDC_ACCOUNTS.editor)
    const token = await tokenFrom(hub, answer)
    const user = (await me(hub, token)).json() as {id: string; name: string; email: string; profileImage: string; role: string; roles: {name: string}[]; provider: string}
    expect(user).toMatchObject({name: 'Edna Editor', email: 'edna.editor@nhs.net', profileImage: idp.pictureUrl(OIDC_ACCOUNTS.editor), role: 'editor', provider: 'oidc'})
    expect(user.roles.map((r) => r.name)).toEqual(['editor'])
    // history and presence name the person
    const named = await hub.request(`/v2025-02-19/users/${user.id}`, {headers: {authorization: `Bearer ${hub.adminToken}`}})
    expect(named.json()).toEqual({id: user.id, displayName: 'Edna Editor', imageUrl: idp.pictureUrl(OIDC_ACCOUNTS.editor)})
    // the same person keeps the same id at the next sign-in
    const again = await tokenFrom(hub, (await signInAs(hub, OIDC_ACCOUNTS.editor)).answer)
    expect(((await me(hub, again)).json() as {id: string}).id).toBe(user.id)
    await expectAlive(hub)
  })

  test('a viewer signs in and cannot write', async () => {
    const token = await tokenFrom(hub, (await signInAs(hub, OIDC_ACCOUNTS.viewer)).answer)
    expect(((await me(hub, token)).json() as {role: string}).role).toBe('viewer')
    await hub.client().request({method: 'PUT', uri: '/datasets/production'}).catch(() => {})
    const action = JSON.stringify({actions: [{actionType: 'sanity.action.document.create', publishedId: 'oidc-x', attributes: {_type: 'profession', title: 'X'}, ifExists: 'fail'}]})
    const write = await hub.request('/v2025-02-19/data/actions/production', {method: 'POST', body: action, headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'}})
    expect(write.status).toBe(403)
  })

  test('a person in no mapped group is refused with a page that says why and whom to ask; no session', async () => {
    const {answer} = await signInAs(hub, OIDC_ACCOUNTS.outsider)
    expect(answer.status).toBe(403)
    expect(answer.location).toBeUndefined()
    expect(answer.body).toContain('You do not have access to the AHP Content Hub')
    expect(answer.body).toContain('olly.outsider@nhs.net')
    expect(answer.body).toContain('Ask the person who looks after the AHP Content Hub to add you')
    expect(answer.body).toContain('href="/auth/oidc/logout"')
    expect(logged.some((l) => l.includes('refused olly.outsider@nhs.net: none of their 1 "groups" values is in AHP_OIDC_ROLES'))).toBe(true)
    const none = await signInAs(hub, OIDC_ACCOUNTS.noGroups)
    expect(none.answer.status).toBe(403)
    expect(none.answer.body).toContain('could not tell which groups you are in')
    expect(logged.some((l) => l.includes('has no "groups" claim'))).toBe(true)
    await expectAlive(hub)
  })

  test('the role is taken at each sign-in: moved to the viewers\' group, the next sign-in is a viewer\'s', async () => {
    const account = {...OIDC_ACCOUNTS.editor}
    const before = await tokenFrom(hub, (await signInAs(hub, account)).answer)
    const groups = OIDC_ACCOUNTS.editor.groups
    OIDC_ACCOUNTS.editor.groups = [GROUPS.viewers]
    try {
      const after = await tokenFrom(hub, (await signInAs(hub, account)).answer)
      expect(((await me(hub, after)).json() as {role: string}).role).toBe('viewer')
      // the earlier session keeps its role until it ends (AHP_SESSION_MAX, here 2 h)
      expect(((await me(hub, before)).json() as {role: string}).role).toBe('editor')
      clock.advance(2 * 60 * 60_000 + 1)
      expect((await me(hub, before)).status).toBe(401)
    } finally {
      OIDC_ACCOUNTS.editor.groups = groups
    }
  })
})

describe('the flow refuses tampering and replay', () => {
  test('a tampered state is refused (400)', async () => {
    const flow = await throughProvider(hub, OIDC_ACCOUNTS.editor)
    const url = new URL(flow.callback)
    url.searchParams.set('state', `${url.searchParams.get('state')}x`)
    const answer = await flow.browser.request(url.href)
    expect(answer.status).toBe(400)
    expect(answer.location).toBeUndefined()
    expect(answer.body).toContain('This sign-in link has expired')
  })

  test('a callback opened in another browser (without the cookie that started it) is refused', async () => {
    const flow = await throughProvider(hub, OIDC_ACCOUNTS.editor)
    const elsewhere = new HttpBrowser(hub.server.tls.ca)
    const answer = await elsewhere.request(flow.callback)
    expect(answer.status).toBe(400)
    expect(answer.body).toContain('started in another browser')
  })

  test('a replayed code is refused: the callback works once, and the code under a new sign-in\'s state is refused by the provider', async () => {
    const flow = await throughProvider(hub, OIDC_ACCOUNTS.editor)
    expect((await flow.browser.request(flow.callback)).status).toBe(303)
    const replay = await flow.browser.request(flow.callback)
    expect(replay.status).toBe(400)
    expect(replay.location).toBeUndefined()
    // a fresh sign-in's state with the old code
    const start = await flow.browser.request(`${hub.server.url}/auth/oidc/start?${new URLSearchParams({origin: `${hub.server.url}/local`})}`)
    const freshState = new URL(start.location as string).searchParams.get('state') as string
    const reused = new URL(flow.callback)
    reused.searchParams.set('state', freshState)
    const answer = await flow.browser.request(reused.href)
    expect(answer.status).toBe(400)
    expect(answer.location).toBeUndefined()
    expect(logged.some((l) => l.includes('the provider refused the sign-in code (invalid_grant'))).toBe(true)
    await expectAlive(hub)
  })

  test('an ID token with another sign-in\'s nonce is refused', async () => {
    const flow = await throughProvider(hub, OIDC_ACCOUNTS.editor, {tamper: (url) => url.searchParams.set('nonce', 'a-nonce-this-sign-in-never-made')})
    const answer = await flow.browser.request(flow.callback)
    expect(answer.location).toBeUndefined()
    expect(answer.body).toContain('Sign-in refused')
    expect(answer.status).toBe(400)
    expect(logged.some((l) => l.includes('nonce is not this sign-in'))).toBe(true)
  })
})

describe('errors an operator can act on', () => {
  test('a wrong client secret: one line naming the settings to check, a plain page for the person', async () => {
    const {answer} = await signInAs(wrongSecret, OIDC_ACCOUNTS.editor)
    expect(answer.status).toBe(502)
    expect(answer.body).toContain('Sign-in with NHSmail is not working')
    expect(answer.body).not.toMatch(/at .+\.(ts|js):\d+/)
    expect(logged.some((l) => l.includes('(invalid_client') && l.includes('check AHP_OIDC_CLIENT_ID and AHP_OIDC_CLIENT_SECRET'))).toBe(true)
    await expectAlive(wrongSecret)
  })

  test('a wrong issuer: one line naming AHP_OIDC_ISSUER, a plain page for the person', async () => {
    const browser = new HttpBrowser(wrongIssuer.server.tls.ca)
    const answer = await browser.request(`${wrongIssuer.server.url}/auth/oidc/start?${new URLSearchParams({origin: `${wrongIssuer.server.url}/local`})}`)
    expect(answer.status).toBe(502)
    expect(answer.body).toContain('Sign-in with NHSmail is not working')
    expect(logged.some((l) => l.includes('AHP_OIDC_ISSUER (http://localhost:9) could not be reached'))).toBe(true)
    await expectAlive(wrongIssuer)
  })

  test('the start refuses a return page that is not the Studio\'s', async () => {
    const answer = await hub.request(`/auth/oidc/start?${new URLSearchParams({origin: `${hub.server.url}/files/local/production/x.svg`})}`)
    expect(answer.status).toBe(400)
  })

  test('sign-out of the provider: /auth/oidc/logout sends the browser to its end_session_endpoint, which returns to /auth/oidc/signed-out', async () => {
    const answer = await hub.request('/auth/oidc/logout')
    expect(answer.status).toBe(303)
    const target = new URL(String(answer.headers.location))
    expect(target.origin).toBe(idp.issuer)
    expect(target.searchParams.get('client_id')).toBe(CLIENT_ID)
    expect(target.searchParams.get('post_logout_redirect_uri')).toBe(`${hub.server.url}/auth/oidc/signed-out`)
    expect(target.searchParams.get('id_token_hint')).toBeNull()
    expect((await hub.request('/auth/oidc/signed-out')).body).toContain('You have signed out')
  })

  test('RP-initiated logout ends the provider\'s session: the next sign-in asks for the password again', async () => {
    const flow = await throughProvider(hub, OIDC_ACCOUNTS.editor)
    expect((await flow.browser.request(flow.callback)).status).toBe(303)
    // signed in at the provider: a second sign-in in this browser skips its form
    const again = await flow.browser.request(`${hub.server.url}/auth/oidc/start?${new URLSearchParams({origin: `${hub.server.url}/local`})}`)
    const silent = await flow.browser.follow(again.location as string, (url) => url.startsWith(hub.server.url))
    expect(silent.location).toMatch(/\/auth\/oidc\/callback\?/)
    // sign out at the provider through the hub
    const logout = await flow.browser.request(`${hub.server.url}/auth/oidc/logout`)
    const confirm = await flow.browser.follow(logout.location as string)
    const form = /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"[\s\S]*?<\/form>/.exec(confirm.body)
    expect(form, confirm.body).not.toBeNull()
    const fields = new URLSearchParams([...(form?.[0] ?? '').matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]))
    fields.set('logout', 'yes')
    const posted = await flow.browser.request(new URL(form?.[1] as string, confirm.url).href, {method: 'POST', body: fields.toString(), headers: {'content-type': 'application/x-www-form-urlencoded'}})
    const back = await flow.browser.follow(posted.location as string)
    expect(back.url).toBe(`${hub.server.url}/auth/oidc/signed-out`)
    expect(back.body).toContain('You have signed out of the AHP Content Hub and of NHSmail')
    // the provider asks for the password again
    const next = await flow.browser.request(`${hub.server.url}/auth/oidc/start?${new URLSearchParams({origin: `${hub.server.url}/local`})}`)
    const form2 = await flow.browser.follow(next.location as string, (url) => url.startsWith(hub.server.url))
    expect(form2.location).toBeUndefined()
    expect(form2.body).toContain('name="password"')
  })
})
