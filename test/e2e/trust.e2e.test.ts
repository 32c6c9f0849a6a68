import type {Page} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {createLocalClient} from '../../server/client.js'
import {ManualClock} from '../../server/clock.js'
import {ACCOUNTS, COLD_LOAD, chromiumAvailable, startStudioEnv, type StudioEnv} from './harness.js'
import {twoDaysOn} from './studioTime.js'

/**
 * What editors can trust (issue #13), in the built Studio in headless Chromium against the real
 * server, signed in as an editor. The server's clock is a ManualClock, so scheduled publishing
 * happens when the test moves time and sweeps (`scheduler.runDue()`). Every page is watched for
 * console errors and 404s; each test leaves a screenshot in test-output/e2e/trust-*.png.
 */

const STEP = 30_000
const HCPC = 'organisation-hcpc'
const DIETITIANS = 'profession-dietitians'
const AHPS_INTO_ACTION = 'framework-ahps-into-action'

const run = chromiumAvailable() ? describe : describe.skip

interface Watched {
  page: Page
  /** console errors and uncaught exceptions, as the editor's browser logged them */
  errors: string[]
  /** requests answered 404, `METHOD /path` */
  notFound: string[]
}

run('What editors can trust, in the Studio', () => {
  let env: StudioEnv
  const clock = new ManualClock(Date.now())
  const client = () =>
    createLocalClient({
      url: env.url,
      dataset: 'production',
      token: env.server.tokens.getAdminToken(),
      dataDir: env.dataDir,
    })
  const published = (id: string) => env.server.store.get('production').docs.get(id) as Record<string, unknown> | undefined

  beforeAll(async () => {
    env = await startStudioEnv({clock})
  }, 600_000)

  afterAll(async () => {
    await env?.close()
  })

  /** A signed-in editor's tab at `path`, watched from its first request. */
  async function open(path: string): Promise<Watched> {
    const context = await env.signedInContext(ACCOUNTS.editor)
    const page = await context.newPage()
    page.setDefaultTimeout(STEP)
    const watched: Watched = {page, errors: [], notFound: []}
    page.on('console', (message) => {
      if (message.type() === 'error') watched.errors.push(message.text())
    })
    page.on('pageerror', (error) => watched.errors.push(error.message))
    page.on('response', (response) => {
      if (response.status() === 404) watched.notFound.push(`${response.request().method()} ${new URL(response.url()).pathname}`)
    })
    await page.goto(`${env.url}${path}`)
    return watched
  }

  /** The published documents that refer to `id` with a strong reference (what the server's 409 names). */
  function strongReferrers(id: string): Record<string, unknown>[] {
    const refersTo = (value: unknown): boolean =>
      Array.isArray(value)
        ? value.some(refersTo)
        : typeof value === 'object' && value !== null
          ? '_ref' in value
            ? (value as {_ref: unknown})._ref === id && (value as {_weak?: unknown})._weak !== true
            : Object.values(value).some(refersTo)
          : false
    return [...env.server.store.get('production').docs.values()].filter((doc) => !doc._id.includes('.') && refersTo(doc))
  }

  test('the delete dialog for the HCPC says it cannot be deleted and names the professions that refer to it', async () => {
    const referrers = strongReferrers(HCPC)
    expect(referrers.length).toBeGreaterThan(1)
    const {page, errors, notFound} = await open(`/local/intent/edit/id=${HCPC};type=organisation/`)
    await page.getByTestId('pane-footer').getByTestId('action-menu-button').click({timeout: COLD_LOAD})
    await page.getByTestId('action-Delete').click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('This document cannot be deleted').waitFor()
    const explanation = page.getByTestId('cannot-remove-referenced')
    await explanation.getByText(String(referrers[0]?.title)).waitFor()
    expect(await explanation.innerText()).toContain(`${referrers.length} published documents refer to this document, so it cannot be deleted`)
    await env.screenshot(page, 'trust-01-delete-referenced')
    // and nothing offers to delete it anyway
    expect(await dialog.getByRole('button', {name: /Delete/}).count()).toBe(0)
    expect(published(HCPC)).toBeDefined()
    expect({errors, notFound}).toEqual({errors: [], notFound: []})
    await page.context().close()
  }, 300_000)

  test('"Schedule publish" in a profession\'s menu publishes its draft at the time the editor sets', async () => {
    const title = 'Dietitians (scheduled wording)'
    const {typed, at} = twoDaysOn(clock.now())
    const {page, errors, notFound} = await open(`/local/intent/edit/id=${DIETITIANS};type=profession/`)
    const input = page.locator('#title')
    await input.waitFor({timeout: COLD_LOAD})
    await input.fill(title)
    await expect.poll(() => env.server.store.get('production').docs.get(`drafts.${DIETITIANS}`)?.title, {timeout: STEP}).toBe(title)

    await page.getByTestId('pane-footer').getByTestId('action-menu-button').click()
    await page.getByRole('menuitem', {name: 'Schedule publish'}).click()
    const dialog = page.getByRole('dialog').filter({hasText: 'Schedule draft for publishing'})
    const date = dialog.getByTestId('date-input')
    await date.fill(typed)
    await date.press('Enter')
    await dialog.getByTestId('confirm-button').click()

    // a release of one document, scheduled for that time
    const scheduled = () =>
      [...env.server.store.get('production').docs.values()].find(
        (doc) => doc._type === 'system.release' && doc.state === 'scheduled' && (doc.metadata as {cardinality?: string} | undefined)?.cardinality === 'one',
      )
    await expect.poll(() => scheduled()?.publishAt, {timeout: STEP}).toBe(at.toISOString())
    const release = scheduled()
    expect(release?.metadata).toMatchObject({
      releaseType: 'scheduled',
      cardinality: 'one',
    })
    await env.screenshot(page, 'trust-02-schedule-publish')
    expect(published(DIETITIANS)?.title).not.toBe(title)
    expect({errors, notFound}).toEqual({errors: [], notFound: []})
    // the session would end while the clock jumps two days (AHP_SESSION_IDLE): a new tab afterwards
    await page.context().close()

    // a minute early: nothing; at the time: published
    clock.set(at.getTime() - 60_000)
    await env.server.scheduler.runDue()
    expect(published(DIETITIANS)?.title).not.toBe(title)
    clock.set(at.getTime() + 1000)
    await env.server.scheduler.runDue()
    await expect.poll(() => published(DIETITIANS)?.title, {timeout: STEP}).toBe(title)
    expect(scheduled()).toBeUndefined()
    const after = await open(`/local/intent/edit/id=${DIETITIANS};type=profession/`)
    await after.page.locator('#title').waitFor({timeout: COLD_LOAD})
    await expect.poll(() => after.page.locator('#title').inputValue()).toBe(title)
    await env.screenshot(after.page, 'trust-03-scheduled-draft-published')
    expect({errors: after.errors, notFound: after.notFound}).toEqual({
      errors: [],
      notFound: [],
    })
    await after.page.context().close()
  }, 300_000)

  test('a release the scheduler published shows its title, with no error', async () => {
    const releaseId = 'cpd-refresh'
    const sanity = client()
    await sanity.releases.create({
      releaseId,
      metadata: {title: 'CPD guidance refresh', releaseType: 'scheduled'},
    })
    await sanity.createVersion({
      baseId: DIETITIANS,
      publishedId: DIETITIANS,
      releaseId,
    })
    await sanity.patch(`versions.${releaseId}.${DIETITIANS}`).set({title: 'Dietitians'}).commit()
    const at = new Date(clock.now().getTime() + 60 * 60_000)
    await sanity.releases.schedule({releaseId, publishAt: at.toISOString()})
    const {page, errors, notFound} = await open(`/local/releases/${releaseId}`)
    await page.getByText('CPD guidance refresh').first().waitFor({timeout: COLD_LOAD})

    clock.set(at.getTime() + 1000)
    await env.server.scheduler.runDue()
    await expect.poll(() => published(DIETITIANS)?.title, {timeout: STEP}).toBe('Dietitians')
    await page.getByText('Published', {exact: true}).first().waitFor()
    await page.getByText('CPD guidance refresh').first().waitFor()
    expect(await page.getByText(releaseId, {exact: true}).count()).toBe(0)
    await env.screenshot(page, 'trust-04-release-published-title')
    expect({errors, notFound}).toEqual({errors: [], notFound: []})
    await page.context().close()
  }, 300_000)

  test("a framework's Expired and Superseded badges explain themselves, on hover and in the document", async () => {
    const {page, errors, notFound} = await open(`/local/intent/edit/id=${AHPS_INTO_ACTION};type=framework/`)
    const expired = page.getByTestId('framework-expired-notice')
    await expired.waitFor({timeout: COLD_LOAD})
    expect(await expired.innerText()).toContain('Its status is Expired, and its last day was 31 December 2021.')
    const superseded = page.getByTestId('framework-superseded-notice')
    await superseded.getByText('Replaced by “AHPs into Action: Next Chapter”').waitFor()
    // the badge's own tooltip says the same
    await page.mouse.move(5, 5)
    await page.getByText('Expired', {exact: true}).first().hover()
    await page.getByText('Expired: Its status is Expired, and its last day was 31 December 2021.').waitFor()
    await env.screenshot(page, 'trust-05-expired-badge')
    expect({errors, notFound}).toEqual({errors: [], notFound: []})
    await page.context().close()
  }, 300_000)

  test('the Editorial checks tab lists the findings, names the paragraph, and goes to the field', async () => {
    const id = `guidance-trust-e2e-${Date.now().toString(36)}`
    await client().create({
      _id: `drafts.${id}`,
      _type: 'guidance',
      title: 'Running falls clinics',
      summary: 'Plan clinics with staff, eg physiotherapists and occupational therapists.',
      body: [
        {
          _type: 'block',
          _key: 'p1',
          style: 'normal',
          markDefs: [],
          children: [
            {
              _type: 'span',
              _key: 's1',
              marks: [],
              text: 'Falls clinics need guidence from every profession in the team.',
            },
          ],
        },
      ],
    })
    const {page, errors, notFound} = await open(`/local/intent/edit/id=${id};type=guidance/`)
    await page.getByRole('tab', {name: 'Editorial checks'}).click({timeout: COLD_LOAD})
    const findings = page.getByTestId('editorial-findings')
    await findings.getByText(/instead of "eg" \(latin-abbreviations\)/).waitFor()
    await findings.getByText(/In the paragraph “Falls clinics need guidence from every…”: .*\(spelling\)/).waitFor()
    await env.screenshot(page, 'trust-06-editorial-findings')
    // "Go to field" opens the summary where the finding is
    await findings.locator('li').filter({hasText: 'latin-abbreviations'}).getByRole('button', {name: 'Go to field'}).click()
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('summary')
    expect({errors, notFound}).toEqual({errors: [], notFound: []})
    await page.context().close()
  }, 300_000)

  test('a framework still marked Current after its last day: the status field shows the error, and the chosen option stays visible', async () => {
    const id = `framework-trust-e2e-${Date.now().toString(36)}`
    await client().create({_id: `drafts.${id}`, _type: 'framework', title: 'Old AHP workforce plan', status: 'current', validFrom: '2015-01-01', expiresAt: '2019-12-31'})
    const {page, errors, notFound} = await open(`/local/intent/edit/id=${id};type=framework/`)
    await page.getByRole('tab', {name: /Status and dates/}).click({timeout: COLD_LOAD})
    const status = page.getByTestId('field-status')
    await status.getByTestId('input-validation-icon-error').first().waitFor()
    const chosen = status.locator('label').filter({has: page.locator('input[type="radio"]:checked')})
    expect(await chosen.innerText()).toMatch(/^Current/)
    // the radios are not painted as errors (which hides which one is chosen); the field says what is wrong
    expect(await status.locator('input[type="radio"][data-error]').count()).toBe(0)
    await status.scrollIntoViewIfNeeded()
    await env.screenshot(page, 'trust-09-radio-in-error')
    expect({errors, notFound}).toEqual({errors: [], notFound: []})
    await page.context().close()
  }, 300_000)

  test('both link buttons show in the body toolbar at 1280 px', async () => {
    const context = await env.browser.newContext({viewport: {width: 1280, height: 900}, locale: 'en-GB', timezoneId: 'Europe/London'})
    const token = await env.sessionToken(ACCOUNTS.editor)
    await context.addInitScript(([key, value]) => window.localStorage.setItem(key, value), ['__studio_auth_token_local', JSON.stringify({token})] as const)
    const page = await context.newPage()
    page.setDefaultTimeout(STEP)
    await page.goto(`${env.url}/local/intent/edit/id=guidance-job-planning;type=guidance/`)
    const body = page.getByTestId('field-body')
    await body.waitFor({timeout: COLD_LOAD})
    await body.locator('[data-testid="action-button-internalLink"]:visible').first().waitFor()
    await body.scrollIntoViewIfNeeded()
    // the toolbar keeps hidden copies of its buttons to measure them: count the ones on screen
    const onScreen = (name: string) =>
      body.locator(`[data-testid="${name}"]:visible`).evaluateAll(
        (buttons) =>
          buttons.filter((b) => {
            const box = b.getBoundingClientRect()
            return getComputedStyle(b).visibility !== 'hidden' && box.width > 0 && box.left >= 0 && box.right <= window.innerWidth && box.top >= 0 && box.bottom <= window.innerHeight
          }).length,
      )
    await expect.poll(() => onScreen('action-button-internalLink')).toBe(1)
    expect(await onScreen('action-button-link')).toBe(1)
    // and nothing is left in an overflow menu
    expect(await onScreen('action-menu-button')).toBe(0)
    await env.screenshot(page, 'trust-08-toolbar-1280')
    await context.close()
  }, 300_000)

  test('a load of the Studio and a minute of editing log no console error and get no 404', async () => {
    const {page, errors, notFound} = await open('/local')
    await page.getByTestId('pane-item-Professions').click({timeout: COLD_LOAD})
    await page.getByTestId('document-list-pane').getByText('Physiotherapists').first().click()
    const summary = page.locator('#summary')
    await summary.waitFor()
    const started = Date.now()
    let round = 0
    // type, wait for the server to have it, look at history, move on: for at least a minute
    while (Date.now() - started < 60_000) {
      round++
      await summary.fill(`Physiotherapists help people move, round ${round}.`)
      await expect
        .poll(() => env.server.store.get('production').docs.get('drafts.profession-physiotherapists')?.summary, {timeout: STEP})
        .toBe(`Physiotherapists help people move, round ${round}.`)
      await page.getByTestId('pane-footer-document-status').click()
      await page.locator('[data-testid="review-changes-pane"]:visible').first().waitFor()
      await page.getByRole('button', {name: 'Close history'}).click()
      await page.locator('[data-testid="review-changes-pane"]:visible').waitFor({state: 'detached'})
    }
    await env.screenshot(page, 'trust-07-minute-of-editing')
    expect(round).toBeGreaterThan(2)
    expect({errors, notFound}).toEqual({errors: [], notFound: []})
    await page.context().close()
  }, 300_000)
})
