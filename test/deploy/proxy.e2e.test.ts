import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {chromium, type Browser, type Page} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {startServer, type RunningServer} from '../../server/node-server.js'
import {seedDataset} from '../../server/seed.js'
import {ensureStudioBuilt} from '../../scripts/studio-build.js'
import {CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, COLD_LOAD, OUTPUT_DIR, trustingHome} from '../e2e/harness.js'
import {freePort, NGINX, ROOT, startNginx, throwawayCa, type RunningNginx} from './helpers.js'

/**
 * An editor at the organisation's address: Chromium opens https://content.ahp.test:<port>, served
 * by Debian's nginx with the shipped site and a certificate from the organisation's (throwaway)
 * CA, in front of the server on plain HTTP (AHP_TLS=off). The browser trusts that CA through its
 * own NSS database; certificate errors are never ignored. The editor signs in, edits a document
 * and publishes it; the Studio's listeners and presence socket go through nginx too.
 */

const HOST = 'content.ahp.test'
const ACCOUNT = {email: 'pat.editor@example.nhs.uk', password: 'editor-password-proxy-1', name: 'Pat Editor'}
const TITLE = `NHS England (edited at ${HOST})`

const missing = !NGINX ? 'nginx is not installed (apt-get install -y nginx-light; .ci/run does it)' : !chromiumAvailable() ? `Chromium is not at ${CHROMIUM}` : undefined
if (missing) console.warn(`test/deploy/proxy.e2e.test.ts skipped: ${missing}`)
const run = missing ? describe.skip : describe

run('the Studio at the organisation\'s address, behind nginx', () => {
  let dir: string
  let home: string
  let server: RunningServer
  let nginx: RunningNginx
  let browser: Browser
  let port: number
  let page: Page | undefined

  beforeAll(async () => {
    const build = process.env.AHP_E2E_STUDIO_DIR ? {outDir: process.env.AHP_E2E_STUDIO_DIR} : await ensureStudioBuilt({log: (line) => process.stderr.write(`[e2e] studio: ${line}\n`)})
    dir = mkdtempSync(join(tmpdir(), 'ahp-proxy-e2e-'))
    const ca = await throwawayCa()
    const issued = await ca.issue([HOST, `local.${HOST}`])
    writeFileSync(join(dir, 'ca.pem'), ca.caPem)
    writeFileSync(join(dir, 'cert.pem'), issued.certPem)
    writeFileSync(join(dir, 'key.pem'), issued.keyPem, {mode: 0o600})
    port = await freePort()
    server = await startServer({port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), projectId: 'local', synchronous: 'normal', tls: 'off', trustedProxies: '127.0.0.1', publicUrl: `https://${HOST}:${port}`, studioDir: build.outDir})
    seedDataset(server.store, 'production', readFileSync(join(ROOT, 'content', 'dataset.ndjson'), 'utf8'))
    await server.users.upsert({...ACCOUNT, role: 'editor'})
    nginx = await startNginx({dir: join(dir, 'nginx'), port, upstreamPort: server.port, hostName: HOST, certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), upstream: 'http'})
    home = trustingHome(join(dir, 'ca.pem'))
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${HOST} 127.0.0.1, MAP local.${HOST} 127.0.0.1`],
      env: {...process.env, HOME: home},
    })
  }, 600_000)

  afterAll(async () => {
    if (page && !page.isClosed()) await page.screenshot({path: join(OUTPUT_DIR, 'proxy-last.png')}).catch(() => {})
    await browser?.close().catch(() => {})
    await nginx?.stop()
    await server?.close()
    if (home) rmSync(home, {recursive: true, force: true})
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  test('an editor signs in at https://content.ahp.test, edits a document and publishes it; presence and listeners pass through nginx', async () => {
    const context = await browser.newContext({viewport: {width: 1400, height: 900}, locale: 'en-GB', timezoneId: 'Europe/London'})
    page = await context.newPage()
    page.setDefaultTimeout(30_000)
    await page.goto(`https://${HOST}:${port}/`)
    // the Studio sends the editor to the sign-in page at the public address, and back
    await page.waitForURL(new RegExp(`^https://${HOST.replace(/\./g, '\\.')}:${port}/auth/login\\?`), {timeout: COLD_LOAD})
    await page.getByLabel('Email address').fill(ACCOUNT.email)
    await page.getByLabel('Password').fill(ACCOUNT.password)
    await page.getByRole('button', {name: 'Sign in'}).click()
    await page.waitForURL(new RegExp(`^https://${HOST.replace(/\./g, '\\.')}:${port}/local`))
    await page.getByTestId('pane-item-Professions').waitFor({timeout: COLD_LOAD})

    await page.goto(`https://${HOST}:${port}/local/intent/edit/id=organisation-nhs-england;type=organisation/`)
    const title = page.locator('#title')
    await title.waitFor({timeout: COLD_LOAD})
    await title.click()
    await title.fill(TITLE)
    await expect.poll(() => server.store.get('production').docs.get('drafts.organisation-nhs-england')?.title, {timeout: 30_000}).toBe(TITLE)
    const publish = page.getByTestId('action-publish')
    await expect.poll(() => publish.isDisabled(), {timeout: 30_000}).toBe(false)
    await publish.click()
    await expect.poll(() => server.store.get('production').docs.get('organisation-nhs-england')?.title, {timeout: 30_000}).toBe(TITLE)
    // the Studio learns of the publish through its listener (through nginx): the draft is gone from its form
    await expect.poll(() => server.store.get('production').docs.has('drafts.organisation-nhs-england'), {timeout: 30_000}).toBe(false)
    await page.getByTestId('document-header-Published-chip').waitFor()
    // the Studio holds its presence socket open through nginx
    await expect.poll(async () => Number(/^ahp_presence_sockets (\S+)$/m.exec(await server.metrics.render())?.[1] ?? 0), {timeout: 30_000}).toBeGreaterThanOrEqual(1)
    expect(Number(/^ahp_event_streams (\S+)$/m.exec(await server.metrics.render())?.[1] ?? 0)).toBeGreaterThanOrEqual(1)
    await page.screenshot({path: join(OUTPUT_DIR, 'proxy-published.png')})
    await context.close()
  }, 300_000)
})
