import type {FieldContent, FieldKind, HeadingOccurrence, ImageOccurrence, LinkOccurrence, Path, TextSegment} from './types'

/**
 * Flattens a field's value into the text, links, headings and images the rules read, so each
 * rule is written once, whatever kind of field it meets. Never throws: content arrives from
 * imports and API writes as well as from the Studio, so every shape is checked, not assumed.
 */

interface MarkDefLike {
  _key?: unknown
  _type?: unknown
  href?: unknown
}

interface BlockLike {
  _type?: unknown
  _key?: unknown
  style?: unknown
  listItem?: unknown
  children?: unknown
  markDefs?: unknown
  alt?: unknown
  decorative?: unknown
}

const EMPTY = (kind: FieldKind): FieldContent => ({kind, segments: [], links: [], headings: [], images: []})

function keyed(item: {_key?: unknown}, index: number): Path[number] {
  return typeof item._key === 'string' && item._key !== '' ? {_key: item._key} : index
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const HEADING = /^h([1-6])$/

/** The text of a block's spans, and of those carrying `mark` when given: loops, not filter/map/join, as this runs on every block of every document. */
function spanText(children: readonly unknown[], mark?: string): string {
  let text = ''
  for (const child of children) {
    if (!isRecord(child) || child._type !== 'span' || typeof child.text !== 'string') continue
    if (mark !== undefined && !(Array.isArray(child.marks) && child.marks.includes(mark))) continue
    text += child.text
  }
  return text
}

function readBlocks(value: unknown): FieldContent {
  const content = EMPTY('blocks')
  if (!Array.isArray(value)) return content
  for (let index = 0; index < value.length; index++) {
    const raw: unknown = value[index]
    if (!isRecord(raw)) continue
    const block = raw as BlockLike
    const blockPath: Path = [keyed(block, index)]
    if (block._type === 'image') {
      const image: ImageOccurrence = {path: blockPath}
      if (typeof block.alt === 'string') image.alt = block.alt
      if (typeof block.decorative === 'boolean') image.decorative = block.decorative
      content.images.push(image)
      continue
    }
    if (block._type !== 'block') continue
    const children = Array.isArray(block.children) ? (block.children as unknown[]) : []
    const text = spanText(children)
    const style = typeof block.style === 'string' ? block.style : 'normal'
    const segment: TextSegment = {text, path: blockPath, style}
    if (typeof block.listItem === 'string') segment.listItem = block.listItem
    content.segments.push(segment)

    const heading = HEADING.exec(style)
    if (heading) {
      const occurrence: HeadingOccurrence = {level: Number(heading[1]), text, path: blockPath}
      content.headings.push(occurrence)
    }

    if (!Array.isArray(block.markDefs)) continue
    const markDefs = block.markDefs as unknown[]
    for (let defIndex = 0; defIndex < markDefs.length; defIndex++) {
      const def = markDefs[defIndex]
      if (!isRecord(def)) continue
      const {_key: key, _type: type} = def as MarkDefLike
      if (typeof key !== 'string' || (type !== 'link' && type !== 'internalLink')) continue
      const link: LinkOccurrence = {
        text: spanText(children, key),
        internal: type === 'internalLink',
        path: [...blockPath, 'markDefs', keyed({_key: key}, defIndex)],
        context: text,
      }
      const href = (def as MarkDefLike).href
      if (type === 'link' && typeof href === 'string') link.href = href
      content.links.push(link)
    }
  }
  return content
}

function readLink(value: unknown): FieldContent {
  const content = EMPTY('link')
  if (!isRecord(value)) return content
  const label = typeof value.label === 'string' ? value.label : ''
  const internal = isRecord(value.internal) && typeof value.internal._ref === 'string'
  const link: LinkOccurrence = {text: label, internal, path: [], context: label}
  if (typeof value.url === 'string' && value.url !== '') link.href = value.url
  if (label !== '' || link.href !== undefined || internal) content.links.push(link)
  if (label !== '') content.segments.push({text: label, path: ['label']})
  return content
}

function readImage(value: unknown): FieldContent {
  const content = EMPTY('image')
  if (!isRecord(value) || !isRecord(value.asset)) return content
  const image: ImageOccurrence = {path: []}
  if (typeof value.alt === 'string') image.alt = value.alt
  if (typeof value.decorative === 'boolean') image.decorative = value.decorative
  content.images.push(image)
  return content
}

/** The content of one field value of the given kind. */
export function readField(kind: FieldKind, value: unknown): FieldContent {
  switch (kind) {
    case 'plain':
    case 'prose': {
      const content = EMPTY(kind)
      if (typeof value === 'string' && value.trim() !== '') content.segments.push({text: value, path: []})
      return content
    }
    case 'url': {
      const content = EMPTY('url')
      if (typeof value === 'string' && value !== '') content.url = value
      return content
    }
    case 'blocks':
      return readBlocks(value)
    case 'link':
      return readLink(value)
    case 'image':
      return readImage(value)
  }
}
