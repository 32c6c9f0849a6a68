import type {FieldContent, FieldKind, HeadingOccurrence, ImageOccurrence, LinkOccurrence, Path, TextSegment} from './types'

/**
 * Flattens a field's value into the text, links, headings and images the rules read, so each
 * rule is written once, whatever kind of field it meets. Never throws: content arrives from
 * imports and API writes as well as from the Studio, so every shape is checked, not assumed.
 */

interface SpanLike {
  _type?: string
  _key?: string
  text?: unknown
  marks?: unknown
}

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

function readBlocks(value: unknown): FieldContent {
  const content = EMPTY('blocks')
  if (!Array.isArray(value)) return content
  value.forEach((raw, index) => {
    if (!isRecord(raw)) return
    const block = raw as BlockLike
    const blockPath: Path = [keyed(block, index)]
    if (block._type === 'image') {
      const image: ImageOccurrence = {path: blockPath}
      if (typeof block.alt === 'string') image.alt = block.alt
      if (typeof block.decorative === 'boolean') image.decorative = block.decorative
      content.images.push(image)
      return
    }
    if (block._type !== 'block') return
    const children = (Array.isArray(block.children) ? block.children : []).filter(
      (child): child is SpanLike => isRecord(child) && child._type === 'span',
    )
    const text = children.map((child) => (typeof child.text === 'string' ? child.text : '')).join('')
    const style = typeof block.style === 'string' ? block.style : 'normal'
    const segment: TextSegment = {text, path: blockPath, style}
    if (typeof block.listItem === 'string') segment.listItem = block.listItem
    content.segments.push(segment)

    const heading = HEADING.exec(style)
    if (heading) {
      const occurrence: HeadingOccurrence = {level: Number(heading[1]), text, path: blockPath}
      content.headings.push(occurrence)
    }

    const markDefs = (Array.isArray(block.markDefs) ? block.markDefs : []).filter(isRecord) as MarkDefLike[]
    markDefs.forEach((def, defIndex) => {
      if (typeof def._key !== 'string') return
      const key = def._key
      if (def._type !== 'link' && def._type !== 'internalLink') return
      const linkText = children
        .filter((child) => Array.isArray(child.marks) && child.marks.includes(key))
        .map((child) => (typeof child.text === 'string' ? child.text : ''))
        .join('')
      const link: LinkOccurrence = {
        text: linkText,
        internal: def._type === 'internalLink',
        path: [...blockPath, 'markDefs', keyed({_key: key}, defIndex)],
        context: text,
      }
      if (def._type === 'link' && typeof def.href === 'string') link.href = def.href
      content.links.push(link)
    })
  })
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
