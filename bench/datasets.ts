import type {StoredDocument} from '../sources'

/**
 * Deterministic generated datasets for benchmarks and large-input tests: the same options always
 * give the same documents. Types appear in roughly the proportions a grown hub would have, every
 * reference resolves, and Portable Text bodies have 10 to 30 blocks with headings, lists,
 * emphasis, internal links and external links.
 */

export interface GenerateOptions {
  documents: number
  seed?: number
}

/** mulberry32: a small, fast, seeded PRNG. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = (
  'allied health professionals deliver care across acute community mental health and primary care services ' +
  'they assess diagnose treat and rehabilitate people of all ages working with patients carers and teams ' +
  'to improve outcomes reduce waiting times and support independence at home in care homes and in hospital'
).split(' ')

/** Type, share of the dataset, id prefix. Organisations and resources first: others refer to them. */
const MIX = [
  ['organisation', 0.03, 'organisation'],
  ['resource', 0.2, 'resource'],
  ['person', 0.02, 'person'],
  ['profession', 0.05, 'profession'],
  ['framework', 0.05, 'framework'],
  ['cpdCategory', 0.03, 'cpd-category'],
  ['hub', 0.02, 'hub'],
  ['guidance', 0.15, 'guidance'],
  ['quickGuide', 0.15, 'quick-guide'],
  ['caseExample', 0.3, 'case-example'],
] as const

type TypeName = (typeof MIX)[number][0]

export function generateDataset({documents: total, seed = 20260101}: GenerateOptions): StoredDocument[] {
  const next = random(seed)
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const words = (min: number, max: number) => Array.from({length: int(min, max)}, () => pick(WORDS)).join(' ')
  const sentence = (min = 6, max = 16) => {
    const text = words(min, max)
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
  }

  const ids = new Map<TypeName, string[]>()
  const plan: {type: TypeName; id: string; n: number}[] = []
  let assigned = 0
  MIX.forEach(([type, share, prefix], position) => {
    const count = position === MIX.length - 1 ? total - assigned : Math.max(1, Math.round(total * share))
    assigned += count
    const list: string[] = []
    for (let n = 0; n < count; n++) {
      const id = `${prefix}-${String(n + 1).padStart(5, '0')}`
      list.push(id)
      plan.push({type, id, n})
    }
    ids.set(type, list)
  })
  const all = plan.map((item) => item.id)
  const ref = (type: TypeName) => ({_type: 'reference', _ref: pick(ids.get(type)!)})
  const refs = (type: TypeName, count: number) => Array.from({length: count}, (_, k) => ({_key: `r${k}`, ...ref(type)}))

  let key = 0
  const k = () => (key++).toString(36)
  const body = () =>
    Array.from({length: int(10, 30)}, () => {
      const roll = next()
      const markDefs: Record<string, unknown>[] = []
      const children: Record<string, unknown>[] = [{_type: 'span', _key: k(), text: `${sentence()} `, marks: []}]
      if (roll < 0.35) {
        const mark = k()
        markDefs.push({_type: 'internalLink', _key: mark, reference: {_type: 'reference', _ref: pick(all)}})
        children.push({_type: 'span', _key: k(), text: words(2, 4), marks: [mark]})
      } else if (roll < 0.55) {
        const mark = k()
        markDefs.push({_type: 'link', _key: mark, href: `https://www.england.nhs.uk/${words(1, 2).replace(/ /g, '-')}/?ref=${int(1, 999)}&src=ahp`})
        children.push({_type: 'span', _key: k(), text: words(2, 4), marks: [mark]})
      }
      if (next() < 0.3) children.push({_type: 'span', _key: k(), text: words(1, 3), marks: [pick(['strong', 'em'])]})
      children.push({_type: 'span', _key: k(), text: ` ${sentence(10, 30)}`, marks: []})
      const block: Record<string, unknown> = {_type: 'block', _key: k(), style: roll > 0.9 ? pick(['h2', 'h3']) : 'normal', markDefs, children}
      if (roll > 0.75 && roll <= 0.9) {
        block.listItem = pick(['bullet', 'number'])
        block.level = 1
      }
      return block
    })

  return plan.map(({type, id, n}) => {
    const day = String(1 + (n % 28)).padStart(2, '0')
    const base: StoredDocument = {
      _id: id,
      _type: type,
      _rev: `rev-${id}`,
      _createdAt: `2025-01-${day}T09:00:00Z`,
      _updatedAt: `2025-06-${day}T09:00:00Z`,
      slug: {_type: 'slug', current: `${id}-${words(1, 3).replace(/ /g, '-')}`},
    }
    const title = sentence(2, 6).slice(0, -1)
    switch (type) {
      case 'organisation':
        return {...base, title, kind: pick(['nhsBody', 'regulator', 'educationBody', 'independent']), url: `https://example.nhs.uk/${id}`}
      case 'resource':
        return {...base, title, kind: 'publication', description: sentence(), url: `https://www.england.nhs.uk/${id}`, publisher: ref('organisation'), publishedYear: int(2010, 2025)}
      case 'person':
        return {...base, name: title, role: 'National lead', organisation: ref('organisation')}
      case 'profession':
        return {...base, title, summary: sentence(), regulator: ref('organisation'), protectedTitles: [words(1, 2)], body: body()}
      case 'framework':
        return {...base, title, summary: sentence(), status: 'current', validFrom: '2024-01-01', expiresAt: '2028-12-31', publisher: ref('organisation'), priorities: [{_type: 'priority', _key: k(), title: sentence()}], body: body()}
      case 'cpdCategory':
        return {...base, title, order: n + 1, examples: [sentence(), sentence()], furtherReading: refs('resource', 2)}
      case 'hub':
        return {...base, title, summary: sentence(), aims: [sentence(), sentence(), sentence()], complements: refs('resource', 2), body: body()}
      case 'guidance':
        return {...base, title, summary: sentence(), publisher: ref('organisation'), supplements: refs('resource', 2), tools: refs('resource', 1), body: body()}
      case 'quickGuide':
        return {...base, title, summary: sentence(), framework: ref('framework'), relatedResources: refs('resource', 2), body: body()}
      case 'caseExample':
        return {...base, title, summary: sentence(), profession: ref('profession'), framework: ref('framework'), setting: 'care homes', outcomes: [sentence()], body: body()}
    }
  })
}

export function toNdjson(documents: readonly StoredDocument[]): string {
  return documents.map((doc) => JSON.stringify(doc)).join('\n') + '\n'
}
