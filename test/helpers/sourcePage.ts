import {readFileSync} from 'node:fs'
import {join} from 'node:path'

/**
 * Imports the source page (../shared/source/ahp-nhs-england-page.txt) verbatim as Portable Text:
 * each paragraph, list item and heading becomes a block with exactly the page's words, and the
 * links listed in test/fixtures/editorial/source-page-markup.json become link annotations on
 * exactly those words. Typos, "here" links and all stay as the page has them: the editorial
 * checks are tested against what editors actually published. The page lives outside the
 * repository: its tests ask `sharedMaterial` (test/helpers/shared.ts) first and skip, saying
 * why, on a clone with nothing beside it.
 */

const ROOT = join(import.meta.dirname, '..', '..')
export const SOURCE_PAGE = join(ROOT, '..', 'shared', 'source', 'ahp-nhs-england-page.txt')
const MARKUP = join(ROOT, 'test', 'fixtures', 'editorial', 'source-page-markup.json')

interface Markup {
  headings: string[]
  links: {paragraphStartsWith: string; text: string; href: string}[]
}

export interface Span {
  _type: 'span'
  _key: string
  text: string
  marks: string[]
}

export interface Block {
  _type: 'block'
  _key: string
  style: string
  listItem?: 'bullet' | 'number'
  level?: number
  markDefs: {_type: 'link'; _key: string; href: string}[]
  children: Span[]
}

/** The page uses no-break spaces in places ("this\u00a0NHS website"): match them as spaces, keep them in the text. */
function loose(text: string): string {
  return text.replace(/\u00a0/g, ' ')
}

function linkBlock(block: Block, linkText: string, href: string): boolean {
  // The last occurrence: on the page, "here" links end their sentence.
  for (let index = block.children.length - 1; index >= 0; index--) {
    const span = block.children[index]!
    const at = loose(span.text).lastIndexOf(loose(linkText))
    if (at < 0 || span.marks.length > 0) continue
    const key = `link${block.markDefs.length + 1}`
    block.markDefs.push({_type: 'link', _key: key, href})
    const parts: Span[] = []
    const before = span.text.slice(0, at)
    const after = span.text.slice(at + linkText.length)
    if (before) parts.push({...span, _key: `${span._key}a`, text: before})
    parts.push({_type: 'span', _key: `${span._key}b`, text: span.text.slice(at, at + linkText.length), marks: [key]})
    if (after) parts.push({...span, _key: `${span._key}c`, text: after})
    block.children.splice(index, 1, ...parts)
    return true
  }
  return false
}

/** The page as Portable Text blocks, in page order. Throws when the markup no longer matches the page. */
export function sourcePageBlocks(): Block[] {
  const markup = JSON.parse(readFileSync(MARKUP, 'utf8')) as Markup
  const headings = new Set(markup.headings)
  const lines = readFileSync(SOURCE_PAGE, 'utf8').split(/\r?\n/)
  const blocks: Block[] = []
  for (const raw of lines) {
    if (raw.trim() === '') continue
    const key = `b${blocks.length + 1}`
    const bullet = /^\s*•\s*(.*)$/.exec(raw)
    const numbered = /^\s*\d+\.\s*(.*)$/.exec(raw)
    const text = (bullet?.[1] ?? numbered?.[1] ?? raw).trimEnd()
    const block: Block = {
      _type: 'block',
      _key: key,
      style: headings.has(text.trim()) && !bullet && !numbered ? 'h2' : 'normal',
      markDefs: [],
      children: [{_type: 'span', _key: `${key}s`, text, marks: []}],
    }
    if (bullet) Object.assign(block, {listItem: 'bullet', level: 1})
    if (numbered) Object.assign(block, {listItem: 'number', level: 1})
    blocks.push(block)
  }
  for (const link of markup.links) {
    const block = blocks.find(
      (candidate) =>
        loose(candidate.children.map((child) => child.text).join('')).startsWith(link.paragraphStartsWith) &&
        candidate.children.some((child) => child.marks.length === 0 && loose(child.text).includes(link.text)),
    )
    if (!block || !linkBlock(block, link.text, link.href)) {
      throw new Error(`source-page-markup.json: no paragraph starting "${link.paragraphStartsWith}" has "${link.text}" left to link`)
    }
  }
  const missing = markup.headings.filter((heading) => !blocks.some((block) => block.style === 'h2' && block.children[0]!.text.trim() === heading))
  if (missing.length > 0) throw new Error(`source-page-markup.json: headings not on the page: ${missing.join(', ')}`)
  return blocks
}

/** The blocks' text, joined: to check the import kept every word of the page. */
export function blocksText(blocks: readonly Block[]): string {
  return blocks.map((block) => block.children.map((child) => child.text).join('')).join('\n')
}
