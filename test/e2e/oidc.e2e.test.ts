import type {BrowserContext, Page} from 'playwright-core'
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest'
import {ManualClock} from '../../server/clock.js'
import {parseRoleMap} from '../../server/signin/settings.js'
import {httpsRequest} from '../helpers/signin.js'
import {CLIENT_ID, CLIENT_SECRET, OIDC_ACCOUNTS, ROLE_MAP, startTestProvider, type TestAccount, type TestProvider} from '../helpers/oidc-provider.js'
import {COLD_LOAD, chromiumAvailable, startStudioEnv, type StudioEnv} from './harness.js'

/**
 * Signing in to the Studio with the organisation's accounts, in Chromium, through a real OpenID
 * provider on loopback (oidc-provider): an editor edits and publishes, a viewer cannot edit, a
 * person in no mapped group is refused, and a session past its lifetime goes back to sign-in.
 */

const STEP = 30_000
const SESSION_MAX_MS = 4 * 60 * 60_000
const run = chromiumAvailable() ? describe : describe.skip

let env: StudioEnv
let idp: TestProvider
const clock = new ManualClock()
let lastPage: Page | undefined

async function openStudio(context: BrowserContext, path = '/local'): Promise<Page> {
  const page = await context.newPage()
  lastPage = page
  page.setDefaultTimeout(STEP)
  await page.goto(`${env.url}${path}`)
  return page
}

/** From the Studio's sign-in screen, through the provider's form, as `account`. */
async function signInWithProvider(page: Page, account: TestAccount): Promise<void> {
  await page.getByRole('link', {name: /NHSmail/}).first().click({timeout: COLD_LOAD})
  await page.waitForURL((url) => url.origin === idp.issuer)
  await page.locator('input[name="login"]').fill(account.login)
  await page.locator('input[name="password"]').fill('any password')
  await page.getByRole('button', {name: 'Sign-in'}).click()
}

run('Studio sign-in with the organisation\'s accounts (OpenID Connect)', () => {
  beforeAll(async () => {
    idp = await startTestProvider()
    env = await startStudioEnv({
      clock,
      schedulerIntervalMs: 0,
      signIn: {
        sessionIdleMs: SESSION_MAX_MS,
        sessionMaxMs: SESSION_MAX_MS,
        oidc: {issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, name: 'NHSmail', rolesClaim: 'groups', roles: parseRoleMap(ROLE_MAP)},
      },
    })
    idp.configure(env.url)
  }, 600_000)

  afterEach(async ({task}) => {
    if (task.result?.state === 'fail' && lastPage && !lastPage.isClosed()) {
      await env.screenshot(lastPage, `oidc-failed-${task.name.slice(0, 50).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {})
    }
  })

  afterAll(async () => {
    await env?.close()
    await idp?.close()
  })

  test('an editor signs in with NHSmail, sees their name, edits and publishes; a session past its lifetime goes back to sign-in', async () => {
    const context = await env.browser.newContext({viewport: {width: 1400, height: 900}, locale: 'en-GB'})
    const page = await openStudio(context)
    // the Studio's sign-in offers the organisation's button beside local accounts
    await page.getByRole('link', {name: /NHSmail/}).first().waitFor({timeout: COLD_LOAD})
    await expect(page.getByRole('link', {name: /AHP Content Hub account/}).first().isVisible()).resolves.toBe(true)
    await env.screenshot(page, 'oidc-01-choose-provider')
    await signInWithProvider(page, OIDC_ACCOUNTS.editor)
    await page.waitForURL((url) => url.origin === env.url && url.pathname.startsWith('/local'))
    await page.getByTestId('pane-item-Professions').waitFor({timeout: COLD_LOAD})

    // who is signed in: the ID token's name, email and picture
    const token = await page.evaluate(() => (JSON.parse(window.localStorage.getItem('__studio_auth_token_local') ?? '{}') as {token?: string}).token)
    expect(token).toMatch(/^sk_ahp_/)
    const me = await page.evaluate(
      async ([url, bearer]) => (await fetch(url, {headers: {authorization: `Bearer ${bearer}`}})).json() as Promise<Record<string, unknown>>,
      [`${env.url}/v2026-05-04/users/me`, token ?? ''] as const,
    )
    expect(me).toMatchObject({name: 'Edna Editor', email: 'edna.editor@nhs.net', profileImage: idp.pictureUrl(OIDC_ACCOUNTS.editor), role: 'editor'})
    // the avatar in the top bar is the picture (an SVG image)
    await page.locator(`image[href="${idp.pictureUrl(OIDC_ACCOUNTS.editor)}"]`).first().waitFor({state: 'attached'})

    // edits and publishes
    await page.goto(`${env.url}/local/content/profession;profession-orthoptists`)
    const title = page.locator('#title')
    await title.waitFor({timeout: COLD_LOAD})
    await title.click()
    await title.fill('Orthoptists (checked by Edna)')
    const dataset = env.server.store.get('production')
    await expect.poll(() => dataset.docs.get('drafts.profession-orthoptists')?.title, {timeout: STEP}).toBe('Orthoptists (checked by Edna)')
    const publish = page.getByTestId('action-publish')
    await expect.poll(() => publish.isDisabled(), {timeout: STEP}).toBe(false)
    await publish.click()
    await expect.poll(() => dataset.docs.get('profession-orthoptists')?.title, {timeout: STEP}).toBe('Orthoptists (checked by Edna)')
    await env.screenshot(page, 'oidc-02-editor-published')

    // History names who published: the organisation account, as /users/<id> describes it
    const admin = {authorization: `Bearer ${env.server.tokens.getAdminToken()}`}
    const history = await httpsRequest(`${env.url}/v2025-02-19/data/history/production/events/documents/profession-orthoptists?limit=10`, env.server.tls.ca, {headers: admin})
    const events = (JSON.parse(history.body) as {events: Record<string, {type: string; author: string}[]>}).events['profession-orthoptists'] ?? []
    const published = events.find((e) => e.type === 'publishDocumentVersion')
    expect(published?.author).toBe(me.id)
    const author = await httpsRequest(`${env.url}/v2025-02-19/users/${me.id as string}`, env.server.tls.ca, {headers: admin})
    expect(JSON.parse(author.body)).toMatchObject({displayName: 'Edna Editor', imageUrl: idp.pictureUrl(OIDC_ACCOUNTS.editor)})

    // past AHP_SESSION_MAX the session is over: the Studio shows its sign-in again
    clock.advance(SESSION_MAX_MS + 60_000)
    await page.reload()
    await page.getByRole('link', {name: /NHSmail/}).first().waitFor({timeout: COLD_LOAD})
    await env.screenshot(page, 'oidc-03-session-ended')
    await context.close()
  }, 360_000)

  test('a viewer signs in with NHSmail and cannot edit', async () => {
    const context = await env.browser.newContext({viewport: {width: 1400, height: 900}, locale: 'en-GB'})
    const page = await openStudio(context)
    await signInWithProvider(page, OIDC_ACCOUNTS.viewer)
    await page.waitForURL((url) => url.origin === env.url && url.pathname.startsWith('/local'))
    await page.getByTestId('pane-item-Professions').waitFor({timeout: COLD_LOAD})
    await page.goto(`${env.url}/local/content/profession;profession-paramedics`)
    const title = page.locator('#title')
    await title.waitFor({timeout: COLD_LOAD})
    await expect.poll(() => title.inputValue()).toBe('Paramedics')
    expect(await title.getAttribute('readonly')).not.toBeNull()
    const publish = page.getByTestId('action-publish')
    if ((await publish.count()) > 0) expect(await publish.isDisabled()).toBe(true)
    expect(env.server.store.get('production').docs.has('drafts.profession-paramedics')).toBe(false)
    await env.screenshot(page, 'oidc-04-viewer-read-only')
    await context.close()
  }, 240_000)

  test('a person in no mapped group is refused with a page that says why and whom to ask', async () => {
    const context = await env.browser.newContext({viewport: {width: 1400, height: 900}, locale: 'en-GB'})
    const page = await openStudio(context)
    await signInWithProvider(page, OIDC_ACCOUNTS.outsider)
    await page.getByRole('heading', {name: 'You do not have access to the AHP Content Hub'}).waitFor()
    expect(await page.locator('main').innerText()).toContain('Ask the person who looks after the AHP Content Hub to add you')
    expect(page.url()).toMatch(/\/auth\/oidc\/callback/)
    await env.screenshot(page, 'oidc-05-refused')
    await context.close()
  }, 240_000)
})
