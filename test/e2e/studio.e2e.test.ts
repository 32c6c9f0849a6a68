import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {BrowserContext, Page} from 'playwright-core'
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest'
import {createLocalClient} from '../../server/client.js'
import {exportContent} from '../../scripts/lib/export/index.js'
import {resolveSource} from '../../sources/index.js'
import {ACCOUNTS, COLD_LOAD, chromiumAvailable, startStudioEnv, type StudioEnv} from './harness.js'

/**
 * The built Studio in headless Chromium against the real server: what an editor sees and does.
 * One build, one server, one browser for the file; the editor's tests share one tab, the others
 * open their own browser context; each test leaves a screenshot in test-output/e2e/. The tests run in order: the case example created by
 * one is edited, reviewed, unpublished and deleted by the next ones.
 */

const STEP = 30_000
const CASE_TITLE = `Falls prevention in care homes ${Date.now().toString(36)}`
const CASE_SLUG_HINT = 'falls-prevention-in-care-homes'

let env: StudioEnv
let caseId: string | undefined

const run = chromiumAvailable() ? describe : describe.skip

/** The page a test is driving, for a screenshot when it fails. */
let lastPage: Page | undefined

async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage()
  lastPage = page
  page.setDefaultTimeout(STEP)
  await page.goto(`${env.url}${path}`)
  return page
}

/**
 * The editor's tab: one browser context and page for the editor's tests, as an editor keeps the
 * Studio open all day (the Studio's code is downloaded once; each test navigates anew).
 */
let editorPage: Page | undefined
async function asEditor(path: string): Promise<Page> {
  if (!editorPage) {
    const context = await env.signedInContext(ACCOUNTS.editor)
    editorPage = await context.newPage()
    editorPage.setDefaultTimeout(STEP)
  }
  lastPage = editorPage
  await editorPage.goto(`${env.url}${path}`)
  return editorPage
}

/** The document pane's form field input by its field name (Sanity gives inputs the field path as id). */
const field = (page: Page, name: string) => page.locator(`[data-testid="field-${name}"]`)

async function typeInto(page: Page, name: string, text: string) {
  const input = page.locator(`#${name}`)
  await input.click()
  await input.fill(text)
}

run('Studio in a browser', () => {
  beforeAll(async () => {
    env = await startStudioEnv()
  }, 600_000)

  afterEach(async ({task}) => {
    if (task.result?.state === 'fail' && lastPage && !lastPage.isClosed()) {
      await env.screenshot(lastPage, `failed-${task.name.slice(0, 60).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {})
    }
  })

  afterAll(async () => {
    await env?.close()
  })

  test('an editor signs in through the sign-in form and sees the sections', async () => {
    const context = await env.browser.newContext({viewport: {width: 1400, height: 900}})
    const page = await open(context, '/')
    await page.waitForURL(/\/auth\/login\?/)
    await expect(page.getByRole('heading', {name: 'Sign in'}).isVisible()).resolves.toBe(true)
    await page.getByLabel('Email address').fill(ACCOUNTS.editor.email)
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', {name: 'Sign in'}).click()
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').innerText()).toContain('The email address or password is not right')
    await page.getByLabel('Password').fill(ACCOUNTS.editor.password)
    await page.getByRole('button', {name: 'Sign in'}).click()
    await page.waitForURL(/\/local(\/|$)/)
    await page.getByTestId('pane-item-Professions').waitFor({timeout: COLD_LOAD})
    for (const section of ['Strategy and frameworks', 'Quick guides', 'Case examples', 'CPD', 'Hubs and guidance', 'Resources and organisations', 'People']) {
      await expect(page.getByTestId(`pane-item-${section}`).isVisible(), section).resolves.toBe(true)
    }
    // the user menu knows who signed in
    expect(await page.evaluate(() => window.localStorage.getItem('__studio_auth_token_local'))).toMatch(/"token":"sk_ahp_/)
    await env.screenshot(page, '01-signed-in')
    await context.close()
  }, 120_000)

  test('Professions lists the 14 professions A to Z with their regulator', async () => {
    const page = await asEditor('/local/content/profession')
    const list = page.getByTestId('document-list-pane')
    // the editor's tab loads the Studio here for the first time
    await list.getByText('Speech and language therapists').waitFor({timeout: COLD_LOAD})
    const titles = await list.locator('[data-testid="default-preview__header"]').allInnerTexts()
    const names = titles.map((t) => t.split('\n')[0]?.trim() ?? '')
    expect(names).toHaveLength(14)
    expect(names[0]).toBe('Art therapists')
    expect(names).toContain('Osteopaths')
    expect([...names].sort((a, b) => a.localeCompare(b))).toEqual(names)
    await expect(list.getByText('Regulated by GOsC').count()).resolves.toBe(1)
    await env.screenshot(page, '02-professions')
  }, 120_000)

  test('an editor creates a case example for a profession: validation first, then publish; GROQ and content:export see it', async () => {
    const page = await asEditor('/local/content/case-examples;case-examples-by-profession;profession-physiotherapists')
    await page.getByRole('link', {name: 'Case example for this profession'}).click()
    await page.locator('#title').waitFor()
    await typeInto(page, 'title', CASE_TITLE)
    // the draft exists now; required fields left empty are reported where they are, and Publish stays disabled
    // (an icon beside the field; its message shows when the editor points at it)
    await field(page, 'setting').getByTestId('input-validation-icon-error').hover()
    await page.getByText('Say where this practice happens, such as "care homes"').first().waitFor()
    const publish = page.getByTestId('action-publish')
    await expect(publish.isDisabled()).resolves.toBe(true)
    await env.screenshot(page, '03-case-example-invalid')

    await field(page, 'slug').getByRole('button', {name: 'Generate'}).click()
    await expect.poll(() => page.locator('#slug').inputValue()).toContain(CASE_SLUG_HINT)
    await page.locator('#summary').fill('Physiotherapists cut falls in three care homes by working with staff on every shift.')
    await typeInto(page, 'setting', 'care homes')
    await field(page, 'outcomes').getByRole('button', {name: /Add item/}).click()
    await page.locator('[data-testid="field-outcomes"] input').first().fill('Fewer falls')
    await expect.poll(() => publish.isDisabled(), {timeout: STEP}).toBe(false)
    await publish.click()
    await page.getByTestId('document-header-Published-chip').waitFor()
    await expect.poll(async () => (await env.server.store.get('production').docs.get(caseIdFromUrl(page.url()) ?? '')) !== undefined, {timeout: STEP}).toBe(true)
    caseId = caseIdFromUrl(page.url())
    await env.screenshot(page, '04-case-example-published')

    // read back as a developer would
    const client = createLocalClient({url: env.url, dataset: 'production', dataDir: env.dataDir, token: await env.sessionToken(ACCOUNTS.viewer)})
    const found = await client.fetch<{_id: string; title: string; profession: {title: string}; outcomes: string[]} | null>(
      '*[_type == "caseExample" && title == $title][0]{_id, title, "profession": profession->{title}, outcomes}',
      {title: CASE_TITLE},
      {perspective: 'published'},
    )
    expect(found).toMatchObject({_id: caseId, title: CASE_TITLE, profession: {title: 'Physiotherapists'}, outcomes: ['Fewer falls']})

    const out = mkdtempSync(join(tmpdir(), 'ahp-e2e-export-'))
    try {
      const {DOCUMENT_TYPE_NAMES} = await import('../../schemas/index.js')
      const source = resolveSource({source: env.url, dataset: 'production', env: {AHP_DATA_DIR: env.dataDir}})
      const summary = await exportContent({source, out: join(out, 'dist'), perspective: 'published', allowedTypes: DOCUMENT_TYPE_NAMES})
      expect(summary.counts.caseExample).toBeGreaterThanOrEqual(1)
      expect(readFileSync(join(out, 'dist', 'dataset.ndjson'), 'utf8')).toContain(CASE_TITLE)
    } finally {
      rmSync(out, {recursive: true, force: true})
    }
  }, 180_000)

  test('an editor edits the published case example; Review changes shows the change; History lists the publish', async () => {
    expect(caseId, 'the case example of the previous test').toBeDefined()
    const page = await asEditor(`/local/intent/edit/id=${caseId};type=caseExample/`)
    // The field sits below the fold, under the body; on a slow machine the Studio renders it only
    // once scrolled to, so bring it into view before waiting for its input.
    const setting = field(page, 'setting')
    await setting.waitFor({state: 'attached'})
    await setting.scrollIntoViewIfNeeded()
    await page.locator('#setting').waitFor()
    await typeInto(page, 'setting', 'care homes and day centres')
    await expect.poll(() => env.server.store.get('production').docs.get(`drafts.${caseId}`)?.setting, {timeout: STEP}).toBe('care homes and day centres')
    await page.getByTestId('pane-footer-document-status').click()
    const review = page.getByTestId('review-changes-pane')
    await review.getByText('and day centres').first().waitFor()
    expect(await review.filter({hasText: 'and day centres'}).first().innerText()).toContain('Setting')
    await env.screenshot(page, '05-review-changes')

    await page.getByRole('tab', {name: 'History'}).click()
    const history = page.getByLabel('History').getByTestId('review-changes-pane')
    await history.getByText('Published', {exact: true}).waitFor()
    await history.getByText('Draft created', {exact: true}).first().waitFor()
    expect(await history.innerText()).toMatch(/Edited[\s\S]*Published[\s\S]*Draft created/)
    await env.screenshot(page, '06-history')
  }, 120_000)

  test('an editor unpublishes, then deletes the case example', async () => {
    expect(caseId, 'the case example of the first test').toBeDefined()
    const id = caseId as string
    const dataset = env.server.store.get('production')
    const page = await asEditor(`/local/intent/edit/id=${id};type=caseExample/`)
    await page.locator('#title').waitFor()
    // Unpublish is offered on the published version (the Published chip), as in any Sanity 5 Studio
    await page.getByTestId('document-header-Published-chip').click()
    await page.getByTestId('action-unpublish').click()
    await page.getByRole('dialog').getByRole('button', {name: /Unpublish/}).click()
    await expect.poll(() => dataset.docs.has(id), {timeout: STEP}).toBe(false)
    expect(dataset.docs.has(`drafts.${id}`)).toBe(true)
    await env.screenshot(page, '07-unpublished')

    await page.getByTestId('document-header-Draft-chip').click()
    // The document's actions menu, in the pane footer: the body's toolbar has a menu button of its own.
    await page.getByTestId('pane-footer').getByTestId('action-menu-button').click()
    await page.getByTestId('action-Delete').click()
    await page.getByRole('dialog').getByRole('button', {name: /Delete/}).click()
    await expect.poll(() => dataset.docs.has(`drafts.${id}`), {timeout: STEP}).toBe(false)
    await page.getByTestId('document-list-pane').getByText('No documents of this type').or(page.getByText(/No (documents|results)/)).first().waitFor()
    await env.screenshot(page, '08-deleted')
  }, 120_000)

  test('a viewer signs in and cannot edit', async () => {
    const context = await env.signedInContext(ACCOUNTS.viewer)
    const page = await open(context, '/local/content/profession;profession-paramedics')
    const title = page.locator('#title')
    await title.waitFor({timeout: COLD_LOAD})
    await expect.poll(() => title.inputValue()).toBe('Paramedics')
    expect(await title.getAttribute('readonly')).not.toBeNull()
    const publish = page.getByTestId('action-publish')
    if ((await publish.count()) > 0) expect(await publish.isDisabled()).toBe(true)
    // typing changes nothing on the server
    await title.press('End').catch(() => {})
    await page.keyboard.type(' (changed)')
    await page.waitForTimeout(1000)
    expect(env.server.store.get('production').docs.has('drafts.profession-paramedics')).toBe(false)
    await env.screenshot(page, '09-viewer-read-only')
    await context.close()
  }, 240_000)

  test('two editors on the same draft see each other\'s changes without reloading', async () => {
    const first = await env.signedInContext(ACCOUNTS.editor)
    const second = await env.signedInContext(ACCOUNTS.editor2)
    const path = '/local/content/profession;profession-orthoptists'
    // one after the other: two cold Studio loads at once double the wait on a small machine
    const a = await open(first, path)
    await a.locator('#title').waitFor({timeout: COLD_LOAD})
    const b = await open(second, path)
    await b.locator('#title').waitFor({timeout: COLD_LOAD})
    await typeInto(a, 'title', 'Orthoptists (edited by Alex)')
    await expect.poll(() => b.locator('#title').inputValue(), {timeout: STEP}).toBe('Orthoptists (edited by Alex)')
    await typeInto(b, 'title', 'Orthoptists (edited by Sam)')
    await expect.poll(() => a.locator('#title').inputValue(), {timeout: STEP}).toBe('Orthoptists (edited by Sam)')
    expect(env.server.store.get('production').docs.get('drafts.profession-orthoptists')?.title).toBe('Orthoptists (edited by Sam)')
    // presence: each sees the other's avatar (initials) where they are working
    await a.getByText('SE', {exact: true}).first().waitFor()
    await b.getByText('AE', {exact: true}).first().waitFor()
    await env.screenshot(a, '10-two-editors-first')
    await env.screenshot(b, '10-two-editors-second')
    await first.close()
    await second.close()
  }, 360_000)
})

function caseIdFromUrl(url: string): string | undefined {
  const match = /;([0-9a-f-]{36})(?:[;%?]|$)/.exec(url) ?? /;([0-9a-f-]{36})/.exec(decodeURIComponent(url))
  return match?.[1]
}
