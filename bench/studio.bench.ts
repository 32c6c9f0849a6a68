import {parseArgs} from 'node:util'
import type {BrowserContext, Page} from 'playwright-core'

import {formatBytes, measureBuild} from '../scripts/studio-build'
import {ACCOUNTS, chromiumAvailable, startStudioEnv} from '../test/e2e/harness'
import {runBench} from './harness'

/**
 * `npm run bench` (after the export bench), or `npx tsx bench/studio.bench.ts [--runs R]`: the
 * time from navigation to the Professions list showing the seed's 14 professions in headless
 * Chromium, cold (a new browser context: empty cache, the whole Studio downloaded) and warm (the
 * same context again), against a baseline measured in the same run: loading a static page of the
 * same server (the sign-in page). Also prints the built Studio's size.
 */
const {values} = parseArgs({options: {runs: {type: 'string', default: '3'}}})
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1) {
  console.error('Usage: npx tsx bench/studio.bench.ts [--runs R]')
  process.exit(2)
}
if (!chromiumAvailable()) {
  console.log('studio bench: skipped (no Chromium at /usr/bin/chromium; apt-get install chromium libnss3-tools)')
  process.exit(0)
}

const env = await startStudioEnv()
try {
  const size = await measureBuild(process.env.AHP_E2E_STUDIO_DIR ?? new URL('../dist-studio', import.meta.url).pathname)
  console.log(`built Studio: ${size.files} files, ${formatBytes(size.bytes)} (${formatBytes(size.gzipBytes)} gzipped)`)

  const professionsUrl = `${env.url}/local/content/profession`
  const waitForProfessions = async (page: Page) => {
    const list = page.getByTestId('document-list-pane')
    await list.getByText('Speech and language therapists').waitFor({timeout: 120_000})
    const count = await list.locator('[data-testid="default-preview__header"]').count()
    if (count !== 14) throw new Error(`expected the 14 seed professions, saw ${count}`)
  }

  const token = await env.sessionToken(ACCOUNTS.editor)
  const warm: BrowserContext = await env.contextWithToken(token)
  const warmPage = await warm.newPage()
  await warmPage.goto(professionsUrl)
  await waitForProfessions(warmPage)

  const baselineContext = await env.browser.newContext()
  const baselinePage = await baselineContext.newPage()
  const staticUrl = `${env.url}/auth/login?origin=${encodeURIComponent(`${env.url}/local`)}&projectId=local`

  await runBench({
    title: 'Studio: navigation to the Professions list showing the 14 seed professions',
    items: 1,
    unit: 'loads',
    runs,
    baseline: {
      name: 'baseline: a static page of the same server (sign-in page)',
      run: async () => {
        await baselinePage.goto(staticUrl, {waitUntil: 'load'})
        await baselinePage.getByRole('button', {name: 'Sign in'}).waitFor()
      },
    },
    cases: [
      {
        name: 'cold: new browser context, empty cache',
        run: async () => {
          const context = await env.contextWithToken(token)
          try {
            const page = await context.newPage()
            await page.goto(professionsUrl)
            await waitForProfessions(page)
          } finally {
            await context.close()
          }
        },
      },
      {
        name: 'warm: the same context again, cached',
        run: async () => {
          await warmPage.goto(professionsUrl)
          await waitForProfessions(warmPage)
        },
      },
    ],
  })
  await warm.close()
  await baselineContext.close()
} finally {
  await env.close()
}
