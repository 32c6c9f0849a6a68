import type {Locator, Page} from 'playwright-core'
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest'
import {createLocalClient} from '../../server/client.js'
import {ACCOUNTS, COLD_LOAD, chromiumAvailable, startStudioEnv, type StudioEnv} from './harness.js'

/**
 * The Studio shows the editorial findings (editorial/rules, attached as field validation by
 * `withEditorialChecks`) inline, on the fields they concern, as an editor would notice them: the
 * built Studio in headless Chromium against the real server, signed in as an editor. The tests
 * run in order on one tab and one draft guidance page: findings in the body, a warning on the
 * summary that comes and goes as the editor types, then an override that hides it. Each step
 * leaves a screenshot in test-output/e2e/editorial-*.png.
 */

const STEP = 30_000
const SUFFIX = Date.now().toString(36)
const GUIDANCE_ID = `guidance-editorial-e2e-${SUFFIX}`
const TITLE = `Running falls clinics ${SUFFIX}`

const LATIN_RULE_OPTION = 'Plain English instead of "eg", "ie" and "etc" (latin-abbreviations)'
const SUMMARY_OPTION = 'Summary (summary)'
const OVERRIDE_REASON = 'The summary quotes the clinic leaflet word for word.'

/** The warning the Latin abbreviations check gives for "eg", as the Studio shows it. */
const LATIN_EG = /Write "for example".*instead of "eg" \(latin-abbreviations\)/

let env: StudioEnv
let page: Page | undefined

const run = chromiumAvailable() ? describe : describe.skip

/** The document pane's form field by its field name (Sanity gives each field `data-testid="field-<path>"`). */
const field = (p: Page, name: string) => p.locator(`[data-testid="field-${name}"]`)

/** The field's own validation icon (the first one in the field: the one beside its title). */
const icon = (p: Page, name: string, level: 'error' | 'warning') => field(p, name).getByTestId(`input-validation-icon-${level}`).first()

/** Points at something marked (a validation icon, an underlined link, a highlighted paragraph), as an editor does to read its tooltip. */
async function hover(p: Page, target: Locator) {
  // move away first, so a tooltip already open elsewhere closes and this one opens anew
  await p.mouse.move(5, 5)
  await target.hover()
}

function draft() {
  return env.server.store.get('production').docs.get(`drafts.${GUIDANCE_ID}`) as
    | {summary?: string; editorialOverrides?: {rule?: string; field?: string; reason?: string}[]}
    | undefined
}

run('Editorial checks in the Studio', () => {
  beforeAll(async () => {
    env = await startStudioEnv()
    // A draft guidance page with two problems in its body: a paragraph ending in a link whose
    // text is "here", and a paragraph with a typo.
    const client = createLocalClient({url: env.url, dataset: 'production', token: env.server.tokens.getAdminToken(), dataDir: env.dataDir})
    await client.create({
      _id: `drafts.${GUIDANCE_ID}`,
      _type: 'guidance',
      title: TITLE,
      slug: {_type: 'slug', current: `running-falls-clinics-${SUFFIX}`},
      summary: 'Occupational therapists run falls clinics every week.',
      body: [
        {
          _type: 'block',
          _key: 'intro',
          style: 'normal',
          markDefs: [{_type: 'link', _key: 'ahplink', href: 'https://www.england.nhs.uk/ahp/'}],
          children: [
            {_type: 'span', _key: 'intro0', text: 'Read about allied health professions at NHS England ', marks: []},
            {_type: 'span', _key: 'intro1', text: 'here', marks: ['ahplink']},
            {_type: 'span', _key: 'intro2', text: '.', marks: []},
          ],
        },
        {
          _type: 'block',
          _key: 'typo',
          style: 'normal',
          markDefs: [],
          children: [{_type: 'span', _key: 'typo0', text: 'Follow the local guidence on falls.', marks: []}],
        },
      ],
    })
    const context = await env.signedInContext(ACCOUNTS.editor)
    page = await context.newPage()
    page.setDefaultTimeout(STEP)
  }, 600_000)

  afterEach(async ({task}) => {
    if (task.result?.state === 'fail' && page && !page.isClosed()) {
      await env.screenshot(page, `editorial-failed-${task.name.slice(0, 50).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {})
    }
  })

  afterAll(async () => {
    await env?.close()
  })

  test('the body shows the link text error and the spelling warning where they are', async () => {
    const p = page!
    await p.goto(`${env.url}/local/intent/edit/id=${GUIDANCE_ID};type=guidance/`)
    await p.locator('#title').waitFor({timeout: COLD_LOAD})
    await expect.poll(() => p.locator('#title').inputValue()).toBe(TITLE)
    // The body marks its findings inline: the link is underlined as an error and the paragraph
    // with the typo as a warning; pointing at either shows its message.
    const body = field(p, 'body')
    const link = body.locator('[data-link][data-error]').filter({hasText: 'here'})
    await link.waitFor()
    await hover(p, link)
    await p.getByText(/Link text "here" does not make sense on its own: describe where the link goes.*\(link-text\)/).first().waitFor()
    await env.screenshot(p, 'editorial-01-body-link-text')
    const typoParagraph = body.locator('[data-testid="text-block__text"][data-warning]').filter({hasText: 'Follow the local guidence on falls.'})
    await typoParagraph.waitFor()
    await hover(p, typoParagraph.getByText('guidence'))
    await p.getByText(/Write "guidance", not "guidence" \(spelling\)/).first().waitFor()
    await env.screenshot(p, 'editorial-01-body-spelling')

    // the document's Validation panel lists both, under Body
    await p.mouse.move(5, 5)
    await p.getByRole('button', {name: 'Validation', exact: true}).click()
    // (each finding is a card, a button that takes the editor to it, headed by where it is)
    const card = (message: RegExp) => p.getByRole('button').filter({hasText: message}).filter({hasText: /^Body/})
    await card(/Link text "here" does not make sense on its own.*\(link-text\)/).waitFor()
    await card(/Write "guidance", not "guidence" \(spelling\)/).waitFor()
    await env.screenshot(p, 'editorial-01-validation-panel')
    await p.getByRole('button', {name: 'Validation', exact: true}).click()
    await card(/\(link-text\)/).waitFor({state: 'hidden'})
    // the summary has nothing to say yet
    await expect(icon(p, 'summary', 'warning').count()).resolves.toBe(0)
  }, 240_000)

  test('a Latin abbreviation in the summary is flagged as the editor types, and the warning goes when it is rewritten', async () => {
    const p = page!
    const summary = p.locator('#summary')
    await summary.click()
    await summary.fill('Occupational therapists run falls clinics, eg weekly.')
    await icon(p, 'summary', 'warning').waitFor()
    await hover(p, icon(p, 'summary', 'warning'))
    const warning = p.getByText(LATIN_EG).first()
    await warning.waitFor()
    expect(await warning.innerText()).toContain('for example')
    await env.screenshot(p, 'editorial-02-summary-warning')

    await summary.click()
    await summary.fill('Occupational therapists run falls clinics, for example weekly.')
    await p.mouse.move(5, 5)
    await icon(p, 'summary', 'warning').waitFor({state: 'detached'})
    await expect(p.getByText(LATIN_EG).count()).resolves.toBe(0)
    await expect.poll(() => draft()?.summary, {timeout: STEP}).toBe('Occupational therapists run falls clinics, for example weekly.')
    await env.screenshot(p, 'editorial-03-summary-rewritten')
  }, 120_000)

  test('an override with a reason, added in the Editorial checks tab, hides the summary warning', async () => {
    const p = page!
    await p.getByTestId('group-tab-editorial').click()
    const overrides = field(p, 'editorialOverrides')
    await overrides.waitFor()
    await overrides.getByRole('button', {name: /Add item/}).click()
    // the new override opens for editing: choose the check and the field, and say why
    const rule = p.locator('[data-testid^="field-editorialOverrides"][data-testid$=".rule"] select')
    await rule.waitFor()
    await rule.selectOption({label: LATIN_RULE_OPTION})
    await p.locator('[data-testid^="field-editorialOverrides"][data-testid$=".field"] select').selectOption({label: SUMMARY_OPTION})
    const reason = p.locator('[data-testid^="field-editorialOverrides"][data-testid$=".reason"] textarea')
    await reason.click()
    await reason.fill(OVERRIDE_REASON)
    await expect
      .poll(() => draft()?.editorialOverrides?.[0], {timeout: STEP})
      .toMatchObject({rule: 'latin-abbreviations', field: 'summary', reason: OVERRIDE_REASON})
    await env.screenshot(p, 'editorial-04-override-form')
    await p.keyboard.press('Escape')
    // the list shows the override by its check and field, with the reason under it
    await overrides.getByText('Plain English instead of "eg", "ie" and "etc" · summary').first().waitFor()
    await overrides.getByText(OVERRIDE_REASON).first().waitFor()
    await env.screenshot(p, 'editorial-04-override-list')

    // back in Content, "eg" goes back into the summary, with a typo beside it: the spelling
    // warning shows the checks have run on the new text, and the Latin one stays away
    await p.getByTestId('group-tab-content').click()
    const summary = p.locator('#summary')
    await summary.click()
    await summary.fill('Occupational therapists run falls clinics, eg weekly, as local guidence says.')
    await icon(p, 'summary', 'warning').waitFor()
    await hover(p, icon(p, 'summary', 'warning'))
    await p.getByText(/Write "guidance", not "guidence" \(spelling\)/).first().waitFor()
    await expect(p.getByText(LATIN_EG).count()).resolves.toBe(0)
    await expect.poll(() => draft()?.summary, {timeout: STEP}).toContain('eg weekly')
    await env.screenshot(p, 'editorial-05-override-hides-warning')
  }, 120_000)
})
