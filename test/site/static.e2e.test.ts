import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {chromium, type Browser} from 'playwright-core'
import sharp from 'sharp'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {CHROMIUM, CHROMIUM_ARGS, chromiumAvailable} from '../e2e/harness'
import {generateDataset, toNdjson} from '../../bench/datasets'
import {runCli} from '../helpers/runCli'
import {axeViolations, headingLevels, headingProblem, serveStatic, type StaticServer} from './helpers'

/**
 * The static build of the seed (plus one fixture case example, as the seed has none), served by a
 * plain static file server with no Content API running: every page answers, passes axe-core's
 * WCAG 2.2 A and AA rules, has its headings in order, and asks nothing of any other origin.
 * Screenshots of each template, desktop and 375 px wide, go to test-output/site/.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SHOTS = join(ROOT, 'test-output', 'site')

describe.skipIf(!chromiumAvailable())('static site in Chromium', () => {
  let work: string
  let site: string
  let server: StaticServer
  let browser: Browser
  let paths: string[]

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ahp-site-e2e-'))
    const input = join(work, 'input.ndjson')
    writeFileSync(input, readFileSync(join(ROOT, 'content', 'dataset.ndjson'), 'utf8') + (await withImage(work)))
    const exported = await runCli('scripts/content-export.ts', ['--source', `file:${input}`, '--out', join(work, 'export')])
    expect(exported.code, exported.stderr).toBe(0)
    site = join(work, 'site')
    const built = await runCli('scripts/site-build.ts', ['--from', join(work, 'export'), '--out', site])
    expect(built.code, built.stderr).toBe(0)
    paths = readPaths(site)
    server = await serveStatic(site)
    browser = await chromium.launch({executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS})
    mkdirSync(SHOTS, {recursive: true})
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (work) rmSync(work, {recursive: true, force: true})
  })

  it('serves every page with no violations of WCAG 2.2 A and AA, headings in order and nothing from elsewhere', async () => {
    expect(paths.length).toBeGreaterThan(50)
    const context = await browser.newContext({viewport: {width: 1280, height: 900}, javaScriptEnabled: true})
    const elsewhere: string[] = []
    context.on('request', (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) elsewhere.push(request.url())
    })
    const page = await context.newPage()
    const problems: string[] = []
    for (const path of paths) {
      const response = await page.goto(`${server.url}${path}`)
      if (response?.status() !== 200) problems.push(`${path}: HTTP ${response?.status()}`)
      const headings = headingProblem(await headingLevels(page))
      if (headings) problems.push(`${path}: ${headings}`)
      const imagesWithoutAlt = await page.$$eval('img:not([alt])', (images) => images.length)
      if (imagesWithoutAlt > 0) problems.push(`${path}: ${imagesWithoutAlt} images without alt`)
      for (const violation of await axeViolations(page)) {
        problems.push(`${path}: ${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
      }
    }
    await context.close()
    expect(problems).toEqual([])
    expect(elsewhere).toEqual([])
  }, 600_000)

  it('reads the same without JavaScript, and takes screenshots of each template', async () => {
    const examples = templateExamples(paths)
    for (const [width, label] of [
      [1280, 'desktop'],
      [375, 'mobile'],
    ] as const) {
      const context = await browser.newContext({viewport: {width, height: 900}, javaScriptEnabled: false})
      const page = await context.newPage()
      for (const [template, path] of examples) {
        await page.goto(`${server.url}${path}`)
        await expect.poll(() => page.locator('h1').first().isVisible()).toBe(true)
        // Nothing wider than the screen: no sideways scrolling on a phone.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
        expect(overflow, `${path} at ${width} px`).toBeLessThanOrEqual(0)
        await page.screenshot({path: join(SHOTS, `${template}-${label}.png`), fullPage: true})
      }
      await context.close()
    }
  }, 300_000)

  it('shows a body image from the build, with its alt text and narrower copies for small screens', async () => {
    const context = await browser.newContext({viewport: {width: 375, height: 800}})
    const page = await context.newPage()
    await page.goto(`${server.url}/case-examples/fixture-falls-prevention-in-care-homes`)
    const image = page.locator('main figure img')
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)
    expect(await image.getAttribute('alt')).toBe('A care home lounge set out for a strength and balance class (fixture image)')
    expect(await image.getAttribute('srcset')).toMatch(/-w320\.png 320w, .*-w640\.png 640w, .*\.png 800w$/)
    // A phone picks a narrower copy than the original.
    expect(await image.evaluate((img: HTMLImageElement) => img.currentSrc)).toMatch(/-w(320|640)\.png$/)
    await context.close()
  })

  it('splits long lists into pages that pass the same checks', async () => {
    // 300 generated documents: some sections have more than one page of 50.
    const input = join(work, 'generated.ndjson')
    writeFileSync(input, toNdjson(generateDataset({documents: 300})))
    expect((await runCli('scripts/content-export.ts', ['--source', `file:${input}`, '--out', join(work, 'generated-export')])).code).toBe(0)
    const built = await runCli('scripts/site-build.ts', ['--from', join(work, 'generated-export'), '--out', join(work, 'generated-site')])
    expect(built.code, built.stderr).toBe(0)
    const generated = await serveStatic(join(work, 'generated-site'))
    const context = await browser.newContext()
    const page = await context.newPage()
    const problems: string[] = []
    try {
      const listPages = readPaths(join(work, 'generated-site')).filter((path) => path.split('/').length === 2 || path.includes('/pages/'))
      expect(listPages.filter((path) => path.includes('/pages/')).length).toBeGreaterThan(0)
      for (const path of listPages) {
        const response = await page.goto(`${generated.url}${path}`)
        if (response?.status() !== 200) problems.push(`${path}: HTTP ${response?.status()}`)
        const headings = headingProblem(await headingLevels(page))
        if (headings) problems.push(`${path}: ${headings}`)
        for (const violation of await axeViolations(page)) problems.push(`${path}: ${violation.id} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
      }
      // From the first page of a list to the second and back.
      await page.goto(`${generated.url}/case-examples`)
      await page.locator('a[rel="next"]').first().click()
      await expect.poll(() => page.url()).toBe(`${generated.url}/case-examples/pages/2`)
      await page.screenshot({path: join(SHOTS, 'list-page-2-desktop.png'), fullPage: true})
    } finally {
      await context.close()
      await generated.close()
    }
    expect(problems).toEqual([])
  }, 300_000)

  it('answers an address with no page with the 404 page', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const response = await page.goto(`${server.url}/professions/no-such-profession`)
    expect(response?.status()).toBe(404)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Page not found')
    await context.close()
  })
})

/**
 * The fixture case example with a photo in its body: an image made here (an 800 x 400 px PNG), its
 * asset document as the Content Lake keeps it, and the file in `assets/` beside the NDJSON, where
 * content:export looks for it.
 */
async function withImage(work: string): Promise<string> {
  const png = await sharp({create: {width: 800, height: 400, channels: 3, background: '#005eb8'}}).png().toBuffer()
  const sha1 = createHash('sha1').update(png).digest('hex')
  const id = `image-${sha1}-800x400-png`
  mkdirSync(join(work, 'assets'), {recursive: true})
  writeFileSync(join(work, 'assets', `${sha1}-800x400.png`), png)
  const asset = {_id: id, _type: 'sanity.imageAsset', url: `https://cdn.sanity.io/images/local/production/${sha1}-800x400.png`, path: `images/local/production/${sha1}-800x400.png`, mimeType: 'image/png', metadata: {dimensions: {width: 800, height: 400}}}
  const example = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'site', 'case-example.ndjson'), 'utf8')) as {body: unknown[]}
  example.body.push({_type: 'image', _key: 'fsimg', asset: {_type: 'reference', _ref: id}, alt: 'A care home lounge set out for a strength and balance class (fixture image)', caption: 'Fixture image, invented for tests.'})
  return `${JSON.stringify(asset)}\n${JSON.stringify(example)}\n`
}

/** Every page of a build: each index.html as its address. */
function readPaths(site: string): string[] {
  const paths: string[] = []
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      if (entry.isDirectory() && entry.name !== 'assets') walk(join(dir, entry.name), `${prefix}/${entry.name}`)
      else if (entry.name === 'index.html') paths.push(prefix === '' ? '/' : prefix)
    }
  }
  walk(site, '')
  return paths.sort()
}

/** One page for each template: home, each section's list, and the first page of each type. */
function templateExamples(paths: string[]): [string, string][] {
  const examples = new Map<string, string>([['home', '/']])
  for (const path of paths) {
    const parts = path.split('/').filter(Boolean)
    if (parts.length === 1 && !examples.has(`${parts[0]}-list`)) examples.set(`${parts[0]}-list`, path)
    if (parts.length === 2 && !examples.has(parts[0]!)) examples.set(parts[0]!, path)
  }
  return [...examples]
}
