import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, expect, test} from 'vitest'
import {HttpBrowser} from '../helpers/http-browser.js'
import {CLIENT_ID, CLIENT_SECRET, OIDC_ACCOUNTS, ROLE_MAP, startTestProvider, walkProvider, type TestAccount, type TestProvider} from '../helpers/oidc-provider.js'

/**
 * No secret in the server's log or answers: the real server (`npm start`'s script, in its own
 * process, logging at trace) signs people in through a real OpenID provider; everything it
 * writes to stdout and stderr is searched for the client secret, the codes, states, nonces,
 * sids, session tokens and any JWT.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
let idp: TestProvider
let child: ChildProcess
let output = ''
let hubUrl = ''
let dataDir = ''
const answers: string[] = []

beforeAll(async () => {
  idp = await startTestProvider()
  dataDir = mkdtempSync(join(tmpdir(), 'ahp-oidc-logs-'))
  child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/serve.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      AHP_PORT: '0',
      AHP_DATA_DIR: dataDir,
      AHP_STUDIO: 'off',
      AHP_LOG_LEVEL: 'trace',
      AHP_OIDC_ISSUER: idp.issuer,
      AHP_OIDC_CLIENT_ID: CLIENT_ID,
      AHP_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      AHP_OIDC_NAME: 'NHSmail',
      AHP_OIDC_ROLES: ROLE_MAP,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (c: Buffer) => void (output += c.toString()))
  child.stderr?.on('data', (c: Buffer) => void (output += c.toString()))
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      const url = /AHP Content Hub API: (https:\/\/localhost:\d+)/.exec(output)?.[1]
      if (url) {
        clearInterval(timer)
        hubUrl = url
        resolve()
      }
    }, 100)
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)))
  })
  idp.configure(hubUrl)
}, 120_000)

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  await idp?.close()
  rmSync(dataDir, {recursive: true, force: true})
})

test('a full sign-in, a refused one, a tampered one and a sign-out leave no secret in the log or in any answer', async () => {
  const ca = readFileSync(join(dataDir, 'tls', 'ca.pem'), 'utf8')
  let browser = new HttpBrowser(ca)
  const secrets: string[] = [CLIENT_SECRET]
  /** what no answer may hold (state and nonce travel in the redirect to the provider, sid and token in their own answers) */
  const neverAnswered: string[] = [CLIENT_SECRET]

  /** a new browser (no session at the provider yet) through the provider's sign-in, up to the hub's callback */
  async function toCallback(login: string, tamper?: (url: URL) => void): Promise<string> {
    browser = new HttpBrowser(ca)
    const account = Object.values(OIDC_ACCOUNTS).find((a) => a.login === login) as TestAccount
    const {start, callback} = await walkProvider(browser, hubUrl, account, tamper)
    answers.push(start.body, JSON.stringify(start.headers))
    const sent = new URL(start.location as string)
    secrets.push(sent.searchParams.get('state') as string, sent.searchParams.get('nonce') as string)
    const code = new URL(callback).searchParams.get('code') as string
    secrets.push(code)
    neverAnswered.push(code)
    return callback
  }

  // a full sign-in, its exchange, the Studio's calls and the sign-out
  const signedIn = await toCallback(OIDC_ACCOUNTS.editor.login)
  const done = await browser.request(signedIn)
  answers.push(done.body, JSON.stringify(done.headers))
  expect(done.status).toBe(303)
  const sid = /#sid=([\w-]+)/.exec(done.location ?? '')?.[1] as string
  secrets.push(sid)
  const exchanged = await browser.request(`${hubUrl}/v2026-05-04/auth/fetch?sid=${sid}`)
  const token = (JSON.parse(exchanged.body) as {token: string}).token
  secrets.push(token)
  const me = await browser.request(`${hubUrl}/v2026-05-04/users/me`, {headers: {authorization: `Bearer ${token}`}})
  answers.push(me.body)
  expect(JSON.parse(me.body)).toMatchObject({email: OIDC_ACCOUNTS.editor.email, role: 'editor'})
  await browser.request(`${hubUrl}/v2026-05-04/auth/fetch?sid=${sid}`)
  answers.push((await browser.request(`${hubUrl}/v2026-05-04/auth/logout`, {method: 'POST', headers: {authorization: `Bearer ${token}`}})).body)
  // refused: no mapped group; tampered: another nonce; replayed callback
  const refusedCallback = await toCallback(OIDC_ACCOUNTS.outsider.login)
  const refused = await browser.request(refusedCallback)
  expect(refused.status).toBe(403)
  const tamperedCallback = await toCallback(OIDC_ACCOUNTS.editor.login, (url) => url.searchParams.set('nonce', 'another-nonce'))
  const tampered = await browser.request(tamperedCallback)
  expect(tampered.status).toBe(400)
  const replayed = await browser.request(refusedCallback)
  expect(replayed.status).toBe(400)
  answers.push(refused.body, tampered.body, replayed.body)
  expect((await browser.request(`${hubUrl}/v2025-02-19/ping`)).status).toBe(200)

  // the log has the sign-in's story...
  await expect.poll(() => output).toContain('refused olly.outsider@nhs.net')
  expect(output).toContain('nonce is not this sign-in')
  expect(output).toContain('/auth/oidc/callback')
  // ...and none of its secrets
  expect(secrets.length).toBe(1 + 3 * 3 + 2)
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThanOrEqual(16)
    expect(output.includes(secret), `the log holds ${secret.slice(0, 6)}…`).toBe(false)
  }
  for (const secret of neverAnswered) for (const answer of answers) expect(answer.includes(secret), `an answer holds ${secret.slice(0, 6)}…`).toBe(false)
  expect(output).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/)
  expect(output).not.toMatch(/sk_ahp_/)
}, 120_000)
