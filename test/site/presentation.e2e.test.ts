import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {requester as baseRequester} from '@sanity/client'
import type {Page} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createLocalClient} from '../../server/client'
import {startSite, type RunningSite} from '../../site/server'
import {ACCOUNTS, chromiumAvailable, COLD_LOAD, startStudioEnv, type StudioEnv} from '../e2e/harness'
import {runCli} from '../helpers/runCli'

/**
 * An editor previews the site in the Studio's Presentation tool: a change to a profession's
 * summary shows on the page before it is published while the public page keeps the old one;
 * once published, a new static build has it.
 */
const PATH = '/professions/dietitians'
const NEW_SUMMARY = 'Dietitians help people eat well: a summary changed in the Presentation tool.'
const RELEASE_SUMMARY = 'Dietitians, as the site release will describe them.'
const STEP = 30_000

describe.skipIf(!chromiumAvailable())('Presentation tool preview', () => {
  let env: StudioEnv
  let site: RunningSite
  let work: string
  let page: Page | undefined

  beforeAll(async () => {
    env = await startStudioEnv()
    const ca = readFileSync(env.server.tls.caCertPath, 'utf8')
    site = await startSite({
      apiHost: env.url,
      projectId: 'local',
      dataset: 'production',
      previewToken: env.server.tokens.create('viewer').token,
      clientConfig: {requester: baseRequester.clone().use({finalizeOptions: <T extends object>(options: T): T => ({...options, ca})})},
    })
    work = mkdtempSync(join(tmpdir(), 'ahp-presentation-'))
  }, 900_000)

  afterAll(async () => {
    if (page) await env.screenshot(page, 'site-presentation-last').catch(() => {})
    await site?.close()
    await env?.close()
    if (work) rmSync(work, {recursive: true, force: true})
  })

  /** Screenshots are for people reading test-output/: a slow one on a loaded machine is not a failure. */
  const shot = (target: Page, name: string) =>
    env.screenshot(target, name).catch((error: unknown) => process.stderr.write(`[site e2e] no screenshot ${name}: ${(error as Error).message.split('\n')[0]}\n`))

  const publicSummary = async () => {
    const response = await fetch(`${site.url.replace('localhost', '127.0.0.1')}${PATH}`)
    return /<p class="nhsuk-lede-text"[^>]*>([^<]*)<\/p>/.exec(await response.text())?.[1]
  }

  it('shows an unpublished change in the preview only, and in the next static build once published', async () => {
    const before = await publicSummary()
    expect(before).toMatch(/^Dietitians assess/)
    const context = await env.signedInContext(ACCOUNTS.editor)
    await context.addInitScript((url) => window.localStorage.setItem('ahp-site-url', url), site.url)
    page = await context.newPage()
    page.setDefaultTimeout(STEP)
    await page.goto(`${env.url}/local/presentation?preview=${encodeURIComponent(PATH)}`)
    const frame = page.frameLocator('iframe[title], iframe').first()
    await frame.locator('.app-preview-banner').waitFor({timeout: COLD_LOAD})
    await expect.poll(() => frame.locator('h1').textContent()).toBe('Dietitians')
    // The page's own comlink node is connected to Presentation (no "Unable to connect").
    await expect.poll(() => frame.locator('html').getAttribute('data-presentation'), {timeout: STEP}).toBe('connected')
    await shot(page, 'site-presentation-open')

    // The document beside the page: change its summary.
    const summary = page.locator('#summary')
    await summary.waitFor({timeout: COLD_LOAD})
    await summary.click()
    await summary.fill(NEW_SUMMARY)
    await expect.poll(() => frame.locator('.nhsuk-lede-text').first().textContent(), {timeout: STEP}).toBe(NEW_SUMMARY)
    await shot(page, 'site-presentation-draft')
    expect(await publicSummary()).toBe(before)

    await page.getByTestId('action-publish').click()
    await expect.poll(async () => env.server.store.get('production').docs.get('profession-dietitians')?.summary, {timeout: STEP}).toBe(NEW_SUMMARY)
    await expect.poll(publicSummary, {timeout: STEP}).toBe(NEW_SUMMARY)

    const exported = await runCli('scripts/content-export.ts', ['--source', env.url, '--dataset', 'production', '--out', join(work, 'export')], {
      AHP_DATA_DIR: env.dataDir,
      SANITY_API_TOKEN: env.server.tokens.getAdminToken(),
    })
    expect(exported.code, exported.stderr).toBe(0)
    const built = await runCli('scripts/site-build.ts', ['--from', join(work, 'export'), '--out', join(work, 'site')])
    expect(built.code, built.stderr).toBe(0)
    expect(readFileSync(join(work, 'site', 'professions', 'dietitians', 'index.html'), 'utf8')).toContain(NEW_SUMMARY)

    // The Studio's perspective switcher: a release's version of the page, in the same frame.
    const client = createLocalClient({url: env.url, dataset: 'production', token: env.server.tokens.getAdminToken(), dataDir: env.dataDir})
    await client.releases.create({releaseId: 'rsite', metadata: {title: 'Site release'}})
    const published = await client.getDocument('profession-dietitians')
    await client.createVersion({document: {...published!, _id: 'versions.rsite.profession-dietitians', summary: RELEASE_SUMMARY}, publishedId: 'profession-dietitians', releaseId: 'rsite'})
    await page.goto(`${env.url}/local/presentation?preview=${encodeURIComponent(PATH)}&perspective=rsite`)
    await expect.poll(() => frame.locator('.nhsuk-lede-text').first().textContent(), {timeout: COLD_LOAD}).toBe(RELEASE_SUMMARY)
    await shot(page, 'site-presentation-release')
    expect(await publicSummary()).toBe(NEW_SUMMARY)
    await context.close()
  }, 600_000)
})
