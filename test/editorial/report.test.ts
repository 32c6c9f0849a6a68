import {mkdirSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {chromium, type Browser} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import type {DocumentFindings} from '../../editorial/engine'
import {RULES} from '../../editorial/rules'
import {escapeHtml, renderReportHtml} from '../../scripts/lib/report/html'
import {buildReport, describePath, type ReportModel, type ReportRule} from '../../scripts/lib/report/model'
import {CHROMIUM, CHROMIUM_ARGS, chromiumAvailable} from '../e2e/harness'
import {runCli, type CliResult} from '../helpers/runCli'

/**
 * `content:report` on a small invented dataset (test/fixtures/editorial/report-dataset.ndjson):
 * a "here" link (an error), a Latin abbreviation in a draft (a warning), and an "etc" an editor
 * has overridden with a reason. Then the page as a reader sees it, in headless Chromium.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURE = join(ROOT, 'test', 'fixtures', 'editorial', 'report-dataset.ndjson')
const OUTPUT = join(ROOT, 'test-output', 'editorial')
const OUT = join(OUTPUT, 'report')
const OVERRIDE_REASON = "Fixture: the description quotes the template's own wording, which we may not change."

// ---------------------------------------------------------------------------------------------
// The renderer alone, with hand-made findings and rules

const RULE_LIST: ReportRule[] = [
  {id: 'link-text', level: 'error', title: 'Link text says where the link goes', source: 'https://service-manual.nhs.uk/content/formatting#links'},
  {id: 'latin-abbreviations', level: 'warning', title: 'Plain English instead of "eg"', source: 'https://service-manual.nhs.uk/content/a-to-z-of-nhs-health-writing#eg'},
  {id: 'never-found', level: 'warning', title: 'A rule nothing breaks', source: 'javascript:alert(1)'},
]

const HAND_MADE: DocumentFindings[] = [
  {documentId: 'clean', documentType: 'guidance', title: 'Clean', findings: [], overridden: []},
  {
    documentId: 'warned',
    documentType: 'guidance',
    title: 'Only warnings',
    findings: [
      {ruleId: 'latin-abbreviations', level: 'warning', message: 'Write "for example"', path: ['summary']},
      {ruleId: 'latin-abbreviations', level: 'warning', message: 'Write "that is"', path: ['summary']},
    ],
    overridden: [],
  },
  {
    documentId: 'drafts.bad',
    documentType: 'hub',
    title: '<img src=x onerror="alert(1)"> & co',
    findings: [
      {ruleId: 'latin-abbreviations', level: 'warning', message: 'Write <b>"for example"</b>', path: ['summary']},
      {ruleId: 'link-text', level: 'error', message: 'Link text "here" <script>alert(1)</script>', path: ['body', {_key: 'b2'}, 'markDefs', {_key: 'l1'}]},
    ],
    overridden: [{ruleId: 'latin-abbreviations', level: 'warning', message: 'Write "and so on"', path: ['title'], reason: 'Quoted <i>verbatim</i> & kept'}],
  },
]

describe('report renderer', () => {
  const meta = {source: 'file <fixture>.ndjson', generatedAt: new Date('2025-07-01T09:05:00Z'), today: '2025-07-01'}
  const body = [{_key: 'b1', _type: 'block'}, {_key: 'b2', _type: 'block', markDefs: [{_key: 'l1', _type: 'link'}]}]
  const model = buildReport(HAND_MADE, RULE_LIST, meta, new Map([['drafts.bad', {body}]]))
  const html = renderReportHtml(HAND_MADE, RULE_LIST, meta, {documents: new Map([['drafts.bad', {body}]])})

  test('totals count shown findings and overrides; documents with errors come first', () => {
    expect(model.totals).toEqual({documentsChecked: 3, documentsWithFindings: 2, errors: 1, warnings: 3, overridden: 1})
    expect(model.documents.map((document) => document.documentId)).toEqual(['drafts.bad', 'warned'])
    expect(model.documents[0]!.state).toBe('draft')
    // errors before warnings within a document
    expect(model.documents[0]!.findings.map((finding) => finding.level)).toEqual(['error', 'warning'])
  })

  test('every rule has a row, even with no findings', () => {
    expect(model.rules.map((rule) => [rule.id, rule.findings, rule.overridden])).toEqual([
      ['link-text', 1, 0],
      ['latin-abbreviations', 3, 1],
      ['never-found', 0, 0],
    ])
    for (const rule of RULE_LIST) expect(html).toContain(`data-rule="${rule.id}"><th scope="row">`)
    expect(html).toContain(`<tr class="zero" data-rule="never-found">`)
  })

  test('paths read as an editor would find them', () => {
    expect(model.documents[0]!.findings[0]!.location).toBe('body › block 2 › link')
    expect(describePath(['summary'])).toBe('summary')
    expect(describePath([])).toBe('(whole document)')
    expect(describePath(['body', {_key: 'gone'}, 'children', {_key: 's1'}], {body})).toBe('body › [_key=="gone"] › children › [_key=="s1"]')
    expect(describePath(['links', 1, 'url'], {links: [{}, {_type: 'link'}]})).toBe('links › link 2 › url')
  })

  test('every piece of content is escaped, and nothing but http(s) is linked', () => {
    expect(html).not.toMatch(/<script|<img|<b>|<i>|onerror="/i)
    expect(html).toContain(escapeHtml('<img src=x onerror="alert(1)"> & co'))
    expect(html).toContain('Quoted &lt;i&gt;verbatim&lt;/i&gt; &amp; kept')
    expect(html).toContain('file &lt;fixture&gt;.ndjson')
    expect(html).not.toContain('href="javascript:')
    expect(html).toContain('href="https://service-manual.nhs.uk/content/formatting#links"')
  })

  test('a self-contained English page with headings in order', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="en-GB">/)
    expect(html).not.toMatch(/<(?:link|script|img|iframe|object|embed)\b|<[a-z][^>]*\ssrc=|url\(|@import/i)
    expect(headingLevels(html)[0]).toBe(1)
    expectHeadingsInOrder(html)
    expect(html).toContain('1 July 2025 at 10:05 BST')
    expect(html).toMatch(/<th scope="col">Rule<\/th>/)
  })

  test('an empty dataset says so', () => {
    const empty = renderReportHtml([], RULE_LIST, meta)
    expect(empty).toContain('No document has findings.')
    expectHeadingsInOrder(empty)
  })
})

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function headingLevels(html: string): number[] {
  return [...html.matchAll(/<h([1-6])\b/g)].map((match) => Number(match[1]))
}

function expectHeadingsInOrder(html: string): void {
  const levels = headingLevels(html)
  expect(levels.filter((level) => level === 1)).toHaveLength(1)
  levels.forEach((level, index) => {
    if (index > 0) expect(level, `h${level} after h${levels[index - 1]}`).toBeLessThanOrEqual(levels[index - 1]! + 1)
  })
}

// ---------------------------------------------------------------------------------------------
// The command on the fixture dataset

describe('content:report on the fixture dataset', () => {
  let result: CliResult
  let html: string
  let json: ReportModel

  beforeAll(async () => {
    rmSync(OUT, {recursive: true, force: true})
    result = await runCli('scripts/content-report.ts', ['--source', `file:${FIXTURE}`, '--out', OUT, '--today', '2025-03-14'])
    html = readFileSync(join(OUT, 'index.html'), 'utf8')
    json = JSON.parse(readFileSync(join(OUT, 'findings.json'), 'utf8')) as ReportModel
  }, 120_000)

  test('exits 1 for the error and prints a one-line summary matching findings.json', () => {
    expect(result.stderr).toBe('')
    expect(result.code).toBe(1)
    const {documentsWithFindings, errors, warnings, overridden} = json.totals
    expect(result.stdout).toBe(
      `${count(documentsWithFindings, 'document')} with findings: ${count(errors, 'error')}, ${count(warnings, 'warning')}, ${overridden} overridden. Report: ${join(OUT, 'index.html')}\n`,
    )
    expect(json.totals.documentsChecked).toBe(4)
    expect(json.today).toBe('2025-03-14')
    expect(json.source).toBe(`file ${FIXTURE}`)
  })

  test('findings.json has the here-link error, the Latin abbreviation in the draft, and the override with its reason', () => {
    const byId = new Map(json.documents.map((document) => [document.documentId, document]))
    const links = byId.get('guidance-fixture-report-links')!
    expect(links.findings).toContainEqual(expect.objectContaining({ruleId: 'link-text', level: 'error', location: 'body › block 3 › link'}))
    const draft = byId.get('drafts.guidance-fixture-report-draft')!
    expect(draft.state).toBe('draft')
    expect(draft.findings).toContainEqual(expect.objectContaining({ruleId: 'latin-abbreviations', level: 'warning', location: 'summary'}))
    const overridden = byId.get('resource-fixture-report-override')!
    expect(overridden.findings).toEqual([])
    expect(overridden.overridden).toEqual([expect.objectContaining({ruleId: 'latin-abbreviations', level: 'warning', path: ['description'], reason: OVERRIDE_REASON})])
    expect(byId.has('guidance-fixture-report-clean')).toBe(false)
    // documents with errors first
    expect(json.documents[0]!.documentId).toBe('guidance-fixture-report-links')
    // totals are the sums of what is listed
    expect(json.totals.errors).toBe(json.documents.reduce((sum, document) => sum + document.errors, 0))
    expect(json.totals.overridden).toBe(json.documents.reduce((sum, document) => sum + document.overridden.length, 0))
    expect(json.totals.documentsWithFindings).toBe(json.documents.length)
  })

  test('the page lists every rule, escapes titles, and marks the draft', () => {
    for (const rule of RULES) expect(html).toContain(`data-rule="${rule.id}"`)
    expect(html).toContain('Fixture: Speech &amp; language &lt;therapy&gt; plans <span class="tag">Draft</span>')
    expect(html).not.toContain('<therapy>')
    expect(html).toContain(escapeHtml(OVERRIDE_REASON))
    expect(html).toContain('Dates judged against</dt><dd><time datetime="2025-03-14">14 March 2025</time>')
    expectHeadingsInOrder(html)
    // no leftover temporary files
    expect(readdirSync(OUT).sort()).toEqual(['findings.json', 'index.html'])
  })

  const browserTests = chromiumAvailable() ? describe : describe.skip
  browserTests('in Chromium', () => {
    let browser: Browser

    beforeAll(async () => {
      browser = await chromium.launch({executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS})
      mkdirSync(OUTPUT, {recursive: true})
    }, 60_000)
    afterAll(async () => {
      await browser?.close()
    })

    async function open(width: number, height: number) {
      const context = await browser.newContext({viewport: {width, height}, locale: 'en-GB', timezoneId: 'Europe/London'})
      const requests: string[] = []
      context.on('request', (request) => {
        if (!request.url().startsWith('file:')) requests.push(request.url())
      })
      const page = await context.newPage()
      await page.goto(pathToFileURL(join(OUT, 'index.html')).href)
      return {context, page, requests}
    }

    test('at 1280 px: the totals, every document with its title and id, the override reason, no sideways scrolling', async () => {
      const {context, page, requests} = await open(1280, 900)
      try {
        await page.screenshot({path: join(OUTPUT, 'report-1280.png'), fullPage: true})
        const shown = async (key: string) => Number(await page.locator(`[data-total="${key}"] .value`).innerText())
        expect(await shown('documents-checked')).toBe(json.totals.documentsChecked)
        expect(await shown('documents-with-findings')).toBe(json.totals.documentsWithFindings)
        expect(await shown('errors')).toBe(json.totals.errors)
        expect(await shown('warnings')).toBe(json.totals.warnings)
        expect(await shown('overridden')).toBe(json.totals.overridden)

        const articles = page.locator('article.document')
        expect(await articles.count()).toBe(json.documents.length)
        for (const document of json.documents) {
          const article = page.locator(`article[data-document-id="${document.documentId}"]`)
          await expect.poll(() => article.locator('h3').innerText()).toContain(document.title)
          expect(await article.locator('.doc-meta code').innerText()).toBe(document.documentId)
          expect(await article.locator('.findings li').count()).toBe(document.findings.length + document.overridden.length)
        }
        expect(await page.locator('article[data-document-id="drafts.guidance-fixture-report-draft"] h3 .tag').innerText()).toMatch(/draft/i)
        expect(await page.getByText(OVERRIDE_REASON).isVisible()).toBe(true)

        const rows = page.locator('#by-rule ~ .table-wrap tbody tr')
        expect(await rows.count()).toBe(RULES.length)

        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)
        expect(await page.evaluate(() => document.documentElement.lang)).toBe('en-GB')
        // badge colours as specified: error red with white text, warning yellow with dark text
        const colours = await page.evaluate(() => {
          const style = (selector: string) => {
            const element = document.querySelector(selector)!
            const computed = getComputedStyle(element)
            return [computed.backgroundColor, computed.color]
          }
          return {error: style('.findings .badge-error'), warning: style('.findings .badge-warning'), h2: getComputedStyle(document.querySelector('h2')!).color}
        })
        expect(colours.error).toEqual(['rgb(213, 40, 27)', 'rgb(255, 255, 255)'])
        expect(colours.warning).toEqual(['rgb(255, 235, 59)', 'rgb(33, 43, 50)'])
        expect(colours.h2).toBe('rgb(0, 94, 184)')
        expect(requests).toEqual([])
      } finally {
        await context.close()
      }
    })

    test('on a phone (375 px): no sideways scrolling of the page', async () => {
      const {context, page} = await open(375, 812)
      try {
        await page.screenshot({path: join(OUTPUT, 'report-375.png'), fullPage: true})
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
        expect(await page.getByText(OVERRIDE_REASON).isVisible()).toBe(true)
      } finally {
        await context.close()
      }
    })
  })
})
