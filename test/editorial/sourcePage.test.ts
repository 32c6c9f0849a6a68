import {readFileSync} from 'node:fs'

import {describe, expect, test} from 'vitest'

import {checkField} from '../../editorial/engine'
import type {Finding} from '../../editorial/types'
import {FileSource} from '../../sources'
import {validateSource} from '../../validation/validateDataset'
import {sharedMaterial} from '../helpers/shared'
import {blocksText, SOURCE_PAGE, sourcePageBlocks, type Block} from '../helpers/sourcePage'

/**
 * The page this hub replaces, imported verbatim as Portable Text, must trip the checks a
 * reviewer would expect: every "here" link, each typo, the regulator's wrong name. The same
 * findings must reach editors through the schema (Sanity's validateDocument, as the Studio runs it).
 */

// the page lives in ../shared: without it these tests skip, saying so (test/helpers/shared.ts)
const SOURCE = sharedMaterial(SOURCE_PAGE, 'The source page')
const blocks = SOURCE.present ? sourcePageBlocks() : []
const document = {_id: 'guidance-source-page', _type: 'guidance', title: 'Fixture: the source page, verbatim', slug: {_type: 'slug', current: 'source-page'}, body: blocks}
const findings = checkField('blocks', blocks, ['body'], document)

function blockOf(finding: Finding): Block {
  const key = (finding.path[1] as {_key: string})._key
  return blocks.find((block) => block._key === key)!
}

// The page has no-break spaces in places: compare them as spaces.
const textOf = (block: Block) => block.children.map((child) => child.text).join('').replace(/\u00a0/g, ' ')
const byRule = (id: string) => findings.filter((finding) => finding.ruleId === id)

describe.skipIf(!SOURCE.present)(`the source page imported verbatim${SOURCE.present ? '' : ` (skipped: ${SOURCE.skipReason})`}`, () => {
  test('keeps every line of the page, word for word', () => {
    const lines = readFileSync(SOURCE_PAGE, 'utf8')
      .split(/\r?\n/)
      .map((line) => line.replace(/^\s*(•|\d+\.)\s*/, '').trimEnd())
      .filter((line) => line.trim() !== '')
    expect(blocksText(blocks).split('\n')).toEqual(lines)
  })

  test('each of the four "here" links is an error on that link, and no other link is', () => {
    const linkText = byRule('link-text')
    expect(linkText).toHaveLength(4)
    for (const finding of linkText) {
      expect(finding.level).toBe('error')
      expect(finding.message).toMatch(/"here" does not make sense on its own/)
      // The path ends at the link itself, so the Studio marks the link, not just the paragraph.
      expect(finding.path[2]).toBe('markDefs')
      expect(textOf(blockOf(finding))).toMatch(/here$/)
    }
    expect(linkText.map((finding) => textOf(blockOf(finding)).slice(0, 30))).toEqual([
      'To find out more about allied ',
      'The medic portal provides reso',
      'Inline with career resources t',
      'To find out more about allied ',
    ])
  })

  test.each([
    ['guidence', 'guidance', 'Further information and guidence'],
    ['Implimenting', 'Implementing', 'Implimenting AHPs into Action is'],
    ['carerr', 'career', 'The medic portal provides'],
    ['NHS Englands', "NHS England's", 'To find out more check out'],
    ['over tim', 'over time', 'Sustainability will remain'],
    ['Inline with', 'In line with', 'Inline with career resources'],
  ])('the typo "%s" is a spelling warning that gives "%s", on its paragraph', (typo, fix, paragraph) => {
    const matches = byRule('spelling').filter((finding) => finding.message.includes(typo))
    expect(matches).toHaveLength(1)
    expect(matches[0]!.level).toBe('warning')
    expect(matches[0]!.message).toContain(fix)
    expect(textOf(blockOf(matches[0]!)).startsWith(paragraph)).toBe(true)
  })

  test("the regulator's wrong name is a warning naming the Health and Care Professions Council", () => {
    const names = byRule('organisation-names')
    expect(names).toHaveLength(1)
    expect(names[0]!.message).toMatch(/Health and Care Professions Council/)
    expect(textOf(blockOf(names[0]!))).toContain('Health Care Professionals council')
  })

  test('long sentences are flagged, and the short ones are not', () => {
    const long = byRule('sentence-length')
    expect(long.length).toBeGreaterThan(0)
    for (const finding of long) {
      const words = Number(/(\d+) words/.exec(finding.message)?.[1])
      expect(words).toBeGreaterThan(25)
    }
    // "Get involved" and the CPD list items are short: nothing on them.
    const flagged = new Set(long.map((finding) => blockOf(finding)._key))
    for (const block of blocks.filter((b) => b.style === 'h2' || textOf(b).split(/\s+/).length <= 25)) expect(flagged.has(block._key)).toBe(false)
  })

  test('the page has no errors but its "here" links: its headings are in order and its links are https', () => {
    expect(findings.filter((finding) => finding.level === 'error' && finding.ruleId !== 'link-text')).toEqual([])
  })

  test("Sanity's own validator (what the Studio runs) reports the same findings on the same paths", async () => {
    const report = await validateSource(FileSource.fromDocuments([document]))
    const editorial = report.problems.filter((problem) => problem.check === 'editorial' && problem.path?.startsWith('body'))
    const fromSanity = editorial.map((problem) => `${problem.level} ${problem.rule} ${problem.path}`).sort()
    const fromEngine = findings.map((finding) => `${finding.level} ${finding.ruleId} ${pathString(finding.path)}`).sort()
    expect(fromSanity).toEqual(fromEngine)
  })
})

function pathString(path: Finding['path']): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : typeof segment === 'string' ? `${index === 0 ? '' : '.'}${segment}` : `[_key=="${segment._key}"]`,
    )
    .join('')
}
