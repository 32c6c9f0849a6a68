import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Page} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {DOCUMENT_TYPE_NAMES} from '../../schemas/index.js'
import {exportContent} from '../../scripts/lib/export/index.js'
import {resolveSource} from '../../sources/index.js'
import {createLocalClient} from '../../server/client.js'
import {ManualClock} from '../../server/clock.js'
import {ACCOUNTS, COLD_LOAD, chromiumAvailable, startStudioEnv, type StudioEnv} from './harness.js'
import {twoDaysOn as launchTime} from './studioTime.js'

/**
 * The Studio's own Releases tool against the local server: an editor creates the Next Chapter
 * release, adds the framework, sets a time and schedules it. The server's clock is a ManualClock:
 * after it passes the time, the scheduler publishes the release and content:export has the change.
 */

const STEP = 30_000
const NEXT = 'framework-ahps-into-action-next-chapter'
const TITLE = 'AHPs into Action: Next Chapter launch'

const run = chromiumAvailable() ? describe : describe.skip

run('Releases tool in a browser', () => {
  let env: StudioEnv
  const clock = new ManualClock(Date.now())
  const out = mkdtempSync(join(tmpdir(), 'ahp-e2e-releases-'))

  beforeAll(async () => {
    env = await startStudioEnv({clock})
  }, 600_000)

  afterAll(async () => {
    await env?.close()
    rmSync(out, {recursive: true, force: true})
  })

  async function exportedNextChapter(name: string): Promise<{status?: string; validFrom?: string}> {
    const source = resolveSource({source: env.url, dataset: 'production', env: {AHP_DATA_DIR: env.dataDir}})
    const dir = join(out, name)
    await exportContent({source, out: dir, perspective: 'published', allowedTypes: DOCUMENT_TYPE_NAMES})
    const line = readFileSync(join(dir, 'dataset.ndjson'), 'utf8')
      .split('\n')
      .find((l) => l.includes(`"_id":"${NEXT}"`))
    return line ? (JSON.parse(line) as {status?: string; validFrom?: string}) : {}
  }

  test('an editor creates and schedules the Next Chapter release; when the clock passes its time it is published and exported', async () => {
    const client = createLocalClient({url: env.url, dataset: 'production', token: env.server.tokens.getAdminToken(), dataDir: env.dataDir})
    const {typed, at} = launchTime(clock.now())
    const context = await env.signedInContext(ACCOUNTS.editor)
    const page: Page = await context.newPage()
    page.setDefaultTimeout(STEP)
    await page.goto(`${env.url}/local/releases`)

    // create the release
    await page.getByRole('button', {name: 'New release'}).click({timeout: COLD_LOAD})
    await page.getByTestId('release-form-title').fill(TITLE)
    await page.getByTestId('submit-release-button').click()
    await page.waitForURL(/\/local\/releases\/[^/?]+/)
    const releaseId = /\/local\/releases\/([^/?]+)/.exec(page.url())?.[1] ?? ''
    expect(releaseId).not.toBe('')
    await expect.poll(() => client.releases.get({releaseId}).then((r) => r?.metadata.title), {timeout: STEP}).toBe(TITLE)

    // add the framework through the tool's document search
    await page.getByRole('button', {name: 'Add document'}).click()
    await page.keyboard.type('Next Chapter')
    await page.getByRole('option').filter({hasText: 'AHPs into Action: Next Chapter'}).first().click()
    await page.getByTestId('document-table-card').getByText('AHPs into Action: Next Chapter').waitFor()
    const versionId = `versions.${releaseId}.${NEXT}`
    await expect.poll(() => client.getDocument(versionId).then((d) => d?._id), {timeout: STEP}).toBe(versionId)
    // the change the launch makes (edited here through the API: the form is another test's subject)
    const launchDay = at.toISOString().slice(0, 10)
    await client.patch(versionId).set({status: 'current', validFrom: launchDay}).commit()

    // set the time (the tool shows Europe/London) and schedule
    await page.getByTestId('release-type-picker').click()
    await page.getByText('At time', {exact: true}).click()
    const input = page.getByTestId('date-input')
    await input.fill(typed)
    await input.press('Enter')
    await page.mouse.click(700, 750)
    await page.getByRole('button', {name: /Schedule release/}).click()
    await page.getByRole('dialog').getByRole('button', {name: 'Yes, schedule'}).click()
    await expect.poll(() => client.releases.get({releaseId}).then((r) => r?.state), {timeout: STEP}).toBe('scheduled')
    const scheduled = await client.releases.get({releaseId})
    expect(scheduled?.publishAt).toBe(at.toISOString())
    await env.screenshot(page, 'releases-01-scheduled')

    // nothing is published before the time
    expect(await exportedNextChapter('before')).toMatchObject({status: 'inDevelopment'})
    clock.set(at.getTime() - 60_000)
    await env.server.scheduler.runDue()
    expect((await client.releases.get({releaseId}))?.state).toBe('scheduled')

    // the clock passes the time: the scheduler (its timer, or this sweep) publishes the release
    clock.set(at.getTime() + 1000)
    await env.server.scheduler.runDue()
    await expect.poll(() => client.releases.get({releaseId}).then((r) => r?.state), {timeout: STEP}).toBe('published')
    expect(await exportedNextChapter('after')).toMatchObject({status: 'current', validFrom: launchDay})
    // the editor's session ended while the clock jumped two days (AHP_SESSION_IDLE): a new tab
    await context.close()
    const after = await env.signedInContext(ACCOUNTS.editor)
    const afterPage = await after.newPage()
    afterPage.setDefaultTimeout(STEP)
    await afterPage.goto(`${env.url}/local/releases/${releaseId}`)
    await afterPage.getByText(TITLE).first().waitFor({timeout: COLD_LOAD})
    await env.screenshot(afterPage, 'releases-02-published')
    await after.close()
  }, 300_000)

  test('a scheduled release that fails validation publishes nothing, and the editor sees why in the Releases tool', async () => {
    const client = createLocalClient({url: env.url, dataset: 'production', token: env.server.tokens.getAdminToken(), dataDir: env.dataDir})
    const releaseId = 'next-chapter-broken'
    await client.releases.create({releaseId, metadata: {title: 'Next Chapter (status missing)', releaseType: 'scheduled'}})
    await client.createVersion({baseId: NEXT, publishedId: NEXT, releaseId})
    await client.patch(`versions.${releaseId}.${NEXT}`).unset(['status']).commit()
    const at = new Date(clock.now().getTime() + 60 * 60_000)
    await client.releases.schedule({releaseId, publishAt: at.toISOString()})
    const publishedBefore = await client.getDocument(NEXT)

    clock.set(at.getTime() + 1000)
    await env.server.scheduler.runDue()
    await expect.poll(() => client.releases.get({releaseId}).then((r) => r?.state), {timeout: STEP}).toBe('active')
    expect((await client.releases.get({releaseId}))?.error?.message).toContain('Choose a status so readers know whether this framework is in force')
    expect((await client.getDocument(NEXT))?._rev).toBe(publishedBefore?._rev)

    const context = await env.signedInContext(ACCOUNTS.editor)
    const page = await context.newPage()
    page.setDefaultTimeout(STEP)
    await page.goto(`${env.url}/local/releases/${releaseId}`)
    // the tool's error card ("Failed to schedule") with the reason under "Error details"
    await page.getByTestId('release-error-details').getByText('Failed to schedule').waitFor({timeout: COLD_LOAD})
    await page.getByText('Error details').first().click()
    await page.locator('code').filter({hasText: 'Choose a status so readers know whether this framework is in force'}).first().waitFor()
    await env.screenshot(page, 'releases-03-failed')
    await context.close()
  }, 300_000)
})
