import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {promisify} from 'node:util'

import sharp from 'sharp'
import ts from 'typescript'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {z} from 'zod'

import {generateDataset, toNdjson} from '../bench/datasets'
import {documentContracts, manifestContract, typeIndexContract} from '../contracts'
import {DOCUMENT_TYPE_NAMES, documentTypes} from '../schemas'
import {contentExport} from '../scripts/content-export'
import type {CliIo} from '../scripts/lib/cli'
import {buildExport, ExportProblems, fetchDocuments, fetchImageAssets, imageAssetIds, portableTextToHtml, ROUTES, routeFor} from '../scripts/lib/export'
import {typeOf, type JsonSchema} from '../scripts/lib/export/jsonSchemaToTs'
import {FileSource} from '../sources'

const FIXTURES = join(import.meta.dirname, 'fixtures', 'export')
const VALID = join(FIXTURES, 'valid.ndjson')

let work: string

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ahp-export-test-'))
})

afterAll(async () => {
  await rm(work, {recursive: true, force: true})
})

interface Run {
  code: number
  stdout: string
  stderr: string
}

let runs = 0

/** Run content:export in-process, capturing what it prints. */
async function exportTo(out: string, ...args: string[]): Promise<Run> {
  const captured = {stdout: '', stderr: ''}
  const io: CliIo = {stdout: (text) => void (captured.stdout += text), stderr: (text) => void (captured.stderr += text), env: {}}
  const code = await contentExport(['--out', out, ...args], io)
  return {code, ...captured}
}

function freshOut(name = 'out'): string {
  return join(work, `${name}-${++runs}`)
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

/** Every file under `root`, relative path → bytes. */
async function readTree(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  for (const entry of await readdir(root, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    files.set(relative(root, path), await readFile(path))
  }
  return files
}

async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T
}

describe('content:export of a small dataset', () => {
  let out: string
  let result: Run

  beforeAll(async () => {
    out = freshOut()
    result = await exportTo(out, '--source', `file:${VALID}`)
  })

  test('exits 0 and summarises on stdout', () => {
    expect(result.stderr).not.toMatch(/refusing|error/i)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Exported 8 documents/)
    expect(result.stdout).toMatch(/content hash sha256:[0-9a-f]{64}/)
  })

  test('writes the manifest, one file per published document, indexes, NDJSON, JSON Schema and types', async () => {
    const files = [...(await readTree(out)).keys()].sort()
    expect(files).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'dataset.ndjson',
        'types.d.ts',
        'documents/profession/profession-dietitians.json',
        'documents/organisation/organisation-hcpc.json',
        'documents/framework/framework-ahps-into-action.json',
        ...DOCUMENT_TYPE_NAMES.map((type) => `indexes/${type}.json`),
        ...DOCUMENT_TYPE_NAMES.map((type) => `schema/${type}.json`),
        'schema/manifest.json',
        'schema/typeIndex.json',
      ]),
    )
    expect(files.filter((file) => file.startsWith('documents/'))).toHaveLength(8)
    expect(files.some((file) => file.includes('drafts.') || file.includes('quick-guide-cancer'))).toBe(false)
  })

  test('the manifest counts every type and takes its time from the content, not the clock', async () => {
    const manifest = manifestContract.parse(await readJson(join(out, 'manifest.json')))
    expect(manifest.total).toBe(8)
    expect(manifest.counts).toMatchObject({organisation: 2, profession: 1, quickGuide: 0, caseExample: 0})
    expect(Object.keys(manifest.counts).sort()).toEqual([...DOCUMENT_TYPE_NAMES].sort())
    expect(manifest.generatedAt).toBe('2026-03-01T12:00:00Z')
    expect(manifest.perspective).toBe('published')
    expect(manifest.routes.profession).toBe('/professions/{slug}')
    expect(manifest.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  test('references are expanded to {_id, _type, title, slug, route}, in arrays with their _key', async () => {
    const profession = await readJson(join(out, 'documents/profession/profession-dietitians.json'))
    expect(profession.regulator).toEqual({
      _id: 'organisation-hcpc',
      _type: 'organisation',
      title: 'Health and Care Professions Council',
      slug: 'hcpc',
      route: '/organisations/hcpc',
    })
    expect(profession.slug).toBe('dietitians')
    expect(profession.route).toBe('/professions/dietitians')

    const hub = await readJson(join(out, 'documents/hub/hub-greener-ahp.json'))
    expect(hub.complements).toEqual([
      {_key: 'c1', _id: 'resource-long-term-plan', _type: 'resource', title: 'NHS Long Term Plan', slug: 'nhs-long-term-plan', route: '/resources/nhs-long-term-plan'},
    ])
    expect((hub.links as {internal?: {route: string}}[])[0]!.internal!.route).toBe('/professions/dietitians')

    const person = await readJson(join(out, 'documents/person/person-chief-ahp-officer.json'))
    expect(person.organisation).toMatchObject({title: 'NHS England', route: '/organisations/nhs-england'})
    expect(JSON.stringify([profession, hub, person])).not.toContain('_ref')
  })

  test('HTML of Portable Text escapes text, maps internal links to routes and drops unsafe links', async () => {
    const profession = await readJson<{html: {body: string}}>(join(out, 'documents/profession/profession-dietitians.json'))
    const html = profession.html.body
    expect(html).toContain('&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; friends')
    expect(html).not.toContain('<script')
    expect(html).toContain('<a href="/frameworks/ahps-into-action">framework</a>')
    expect(html).toContain('<a href="https://www.hcpc-uk.org/?a=1&amp;b=&quot;2&quot;"><strong>HCPC site</strong></a>')
    expect(html).not.toContain('javascript:')
    expect(html).toContain('<p>Bad link</p>')
    expect(html).toContain('<h2>A heading</h2>')
    expect(html).toContain('<ul><li>First point</li></ul>')

    const framework = await readJson<{html: Record<string, string>}>(join(out, 'documents/framework/framework-ahps-into-action.json'))
    expect(framework.html['getInvolved.steps']).toBe('<ul><li>Share your work with <a href="/professions/dietitians">dietitians</a></li></ul>')
  })

  test('per-type indexes list each document with its route', async () => {
    const index = typeIndexContract.parse(await readJson(join(out, 'indexes/organisation.json')))
    expect(index.map((entry) => entry._id)).toEqual(['organisation-hcpc', 'organisation-nhs-england'])
    expect(index[0]).toMatchObject({title: 'Health and Care Professions Council', route: '/organisations/hcpc'})
    expect(await readJson(join(out, 'indexes/caseExample.json'))).toEqual([])
  })

  test('dataset.ndjson holds the published documents as stored, sorted by _id, ready for sanity dataset import', async () => {
    const lines = (await readFile(join(out, 'dataset.ndjson'), 'utf8')).trimEnd().split('\n')
    const docs = lines.map((line) => JSON.parse(line) as {_id: string; slug: unknown; regulator?: unknown})
    expect(docs.map((doc) => doc._id)).toEqual([...docs.map((doc) => doc._id)].sort())
    expect(docs).toHaveLength(8)
    const profession = docs.find((doc) => doc._id === 'profession-dietitians')!
    expect(profession.slug).toEqual({_type: 'slug', current: 'dietitians'})
    expect(profession.regulator).toEqual({_type: 'reference', _ref: 'organisation-hcpc'})
  })

  test('the JSON Schema files validate every exported document, and reject a changed one', async () => {
    const files = await readTree(out)
    let checked = 0
    for (const [path, bytes] of files) {
      const match = /^documents\/(\w+)\/.+\.json$/.exec(path)
      if (!match) continue
      const jsonSchema = await readJson(join(out, 'schema', `${match[1]}.json`))
      const fromSchema = z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0])
      const doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
      expect(fromSchema.safeParse(doc).success, path).toBe(true)
      expect(fromSchema.safeParse({...doc, colour: 'blue'}).success, `${path} with an unknown field`).toBe(false)
      expect(fromSchema.safeParse({...doc, slug: undefined}).success, `${path} without its slug`).toBe(false)
      checked++
    }
    expect(checked).toBe(8)
  })

  test('types.d.ts is marked generated and type-checks against the exported JSON', async () => {
    const types = await readFile(join(out, 'types.d.ts'), 'utf8')
    expect(types.startsWith('// Generated by content:export, do not edit.')).toBe(true)
    expect(types).toContain('export interface Profession {')
    const consumer = join(out, 'consumer.ts')
    await writeFile(
      consumer,
      [
        "import type {Profession, Manifest, ExportedDocumentByType} from './types'",
        "import profession from './documents/profession/profession-dietitians.json'",
        "import manifest from './manifest.json'",
        'const p: Profession = profession as Profession',
        'const m: Manifest = manifest as Manifest',
        "const route: string | undefined = p.regulator?.route",
        "const html: string | undefined = p.html.body",
        "const kind: ExportedDocumentByType['organisation']['kind'] = 'regulator'",
        "// @ts-expect-error a profession has no such field",
        'p.colour',
        'export {route, html, kind, m}',
      ].join('\n'),
    )
    const program = ts.createProgram([consumer], {strict: true, noEmit: true, resolveJsonModule: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, skipLibCheck: false, types: []})
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    expect(diagnostics).toEqual([])
    await rm(consumer)
  })
})

describe('content:export is deterministic', () => {
  test('a second run gives byte-identical files, and so does the same content in another line and key order', async () => {
    const first = freshOut()
    const second = freshOut()
    const shuffled = freshOut()
    expect((await exportTo(first, '--source', `file:${VALID}`)).code).toBe(0)
    expect((await exportTo(second, '--source', `file:${VALID}`)).code).toBe(0)

    const reordered = join(work, 'reordered.ndjson')
    const reverseKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverseKeys)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reverseKeys(item)]))
          : value
    const lines = (await readFile(VALID, 'utf8')).trimEnd().split('\n').reverse()
    await writeFile(reordered, lines.map((line) => JSON.stringify(reverseKeys(JSON.parse(line)))).join('\n'))
    expect((await exportTo(shuffled, '--source', `file:${reordered}`)).code).toBe(0)

    const a = await readTree(first)
    for (const other of [await readTree(second), await readTree(shuffled)]) {
      expect([...other.keys()].sort()).toEqual([...a.keys()].sort())
      for (const [path, bytes] of a) expect(other.get(path)!.equals(bytes), path).toBe(true)
    }
  })

  test('re-exporting into an earlier export replaces it whole', async () => {
    const out = freshOut()
    expect((await exportTo(out, '--source', `file:${VALID}`)).code).toBe(0)
    await writeFile(join(out, 'documents', 'stale.json'), '{}')
    expect((await exportTo(out, '--source', `file:${VALID}`)).code).toBe(0)
    expect(await exists(join(out, 'documents', 'stale.json'))).toBe(false)
    expect(await exists(join(out, 'manifest.json'))).toBe(true)
  })
})

describe('--perspective drafts', () => {
  test('overlays drafts on published documents and includes draft-only documents under their published id', async () => {
    const out = freshOut()
    expect((await exportTo(out, '--source', `file:${VALID}`, '--perspective', 'drafts')).code).toBe(0)
    const profession = await readJson(join(out, 'documents/profession/profession-dietitians.json'))
    expect(profession.title).toBe('Dietitians (draft title)')
    expect(profession).not.toHaveProperty('_originalId')
    const guide = await readJson(join(out, 'documents/quickGuide/quick-guide-cancer.json'))
    expect(guide.framework).toMatchObject({route: '/frameworks/ahps-into-action'})
    const manifest = await readJson(join(out, 'manifest.json'))
    expect(manifest).toMatchObject({perspective: 'drafts', total: 9})
    expect(await readFile(join(out, 'dataset.ndjson'), 'utf8')).not.toContain('drafts.')
  })
})

describe('content:export refuses bad input and writes nothing', () => {
  const cases = [
    {name: 'an unreadable file', source: 'does-not-exist.ndjson', expected: /cannot read .*does-not-exist\.ndjson: no such file/},
    {name: 'a malformed NDJSON line', source: 'invalid-line-malformed.ndjson', expected: /line 4 is not valid JSON/},
    {name: 'an unknown _type', source: 'invalid-type-unknown.ndjson', expected: /document "widget-one", field _type: has unknown type "widget"/},
    {
      name: 'a dangling reference',
      source: 'invalid-reference-dangling.ndjson',
      expected: /document "hub-greener-ahp", field complements\[_key=="c1"\]: refers to "resource-long-term-plan", which is not in the export/,
    },
    {
      name: 'an image whose asset is not in the source',
      source: 'invalid-image-asset-missing.ndjson',
      expected:
        /document "case-example-ward-team", field body\[_key=="i1"\]\.asset: uses image asset "image-1{40}-800x600-jpg", which is not in the source: upload the image again in the Studio, or remove the image/,
    },
  ]
  for (const example of cases) {
    test(`${example.name}: exit 1, message names it, output folder absent`, async () => {
      const out = freshOut('refused')
      const result = await exportTo(out, '--source', `file:${join(FIXTURES, example.source)}`)
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(example.expected)
      expect(result.stdout).toBe('')
      expect(await exists(out)).toBe(false)
      expect((await readdir(work)).filter((name) => name.includes('.tmp-'))).toEqual([])
    })
  }

  test('a field the contract does not know, and a document without a slug, are named with their document', async () => {
    const docs = (await readFile(VALID, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    const broken = docs.map((doc) =>
      doc._id === 'profession-dietitians' ? {...doc, colour: 'blue'} : doc._id === 'resource-long-term-plan' ? {...doc, slug: undefined} : doc,
    )
    const input = join(work, 'broken.ndjson')
    await writeFile(input, broken.map((doc) => JSON.stringify(doc)).join('\n'))
    const out = freshOut('refused')
    const result = await exportTo(out, '--source', `file:${input}`)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('document "profession-dietitians", field colour: is not a field of this type')
    expect(result.stderr).toContain('document "resource-long-term-plan", field slug: has no slug')
    expect(await exists(out)).toBe(false)
  })

  test('a failed export leaves an earlier export as it was', async () => {
    const out = freshOut()
    expect((await exportTo(out, '--source', `file:${VALID}`)).code).toBe(0)
    const before = await readTree(out)
    expect((await exportTo(out, '--source', `file:${join(FIXTURES, 'invalid-type-unknown.ndjson')}`)).code).toBe(1)
    const after = await readTree(out)
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort())
    for (const [path, bytes] of before) expect(after.get(path)!.equals(bytes), path).toBe(true)
  })
})

describe('Portable Text images and h4', () => {
  // The fixture's asset ids name made-up hashes: the test makes real images and names them by theirs.
  const FIXTURE_PHOTO = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567'
  const FIXTURE_PATTERN = 'fedcba9876543210fedcba9876543210fedcba98'
  let IMAGES: string
  let PHOTO: string
  let PATTERN: string
  let PHOTO_FILE: string
  let PATTERN_FILE: string
  let photoBytes: Buffer
  let out: string
  let result: Run
  type Item = Record<string, unknown> & {_key: string; _type: string}
  let doc: {body: Item[]; html: {body: string}}

  beforeAll(async () => {
    photoBytes = await sharp({create: {width: 1200, height: 800, channels: 3, background: '#005eb8'}}).jpeg().toBuffer()
    const pattern = await sharp({create: {width: 640, height: 40, channels: 4, background: {r: 0, g: 150, b: 57, alpha: 0.5}}}).png().toBuffer()
    const photoHash = createHash('sha1').update(photoBytes).digest('hex')
    const patternHash = createHash('sha1').update(pattern).digest('hex')
    PHOTO = `image-${photoHash}-1200x800-jpg`
    PATTERN = `image-${patternHash}-640x40-png`
    PHOTO_FILE = `${photoHash}-1200x800.jpg`
    PATTERN_FILE = `${patternHash}-640x40.png`
    const dir = join(work, 'images-source')
    await mkdir(join(dir, 'assets'), {recursive: true})
    IMAGES = join(dir, 'dataset.ndjson')
    const text = await readFile(join(FIXTURES, 'valid-images.ndjson'), 'utf8')
    await writeFile(IMAGES, text.replaceAll(FIXTURE_PHOTO, photoHash).replaceAll(FIXTURE_PATTERN, patternHash))
    await writeFile(join(dir, 'assets', PHOTO_FILE), photoBytes)
    await writeFile(join(dir, 'assets', PATTERN_FILE), pattern)
    out = freshOut('images')
    result = await exportTo(out, '--source', `file:${IMAGES}`)
    doc = await readJson(join(out, 'documents/caseExample/case-example-ward-team.json'))
  })

  test('exports the document and not the asset documents', async () => {
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/Exported 1 documents/)
    const files = [...(await readTree(out)).keys()].filter((file) => file.startsWith('documents/'))
    expect(files).toEqual(['documents/caseExample/case-example-ward-team.json'])
    const lines = (await readFile(join(out, 'dataset.ndjson'), 'utf8')).trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    // dataset.ndjson keeps the image as stored: a reference to the asset, for re-import.
    expect((JSON.parse(lines[0]!) as {body: Item[]}).body[2]!.asset).toEqual({_type: 'reference', _ref: PHOTO})
  })

  test('the image files are copied into assets/, byte for byte', async () => {
    expect(result.stdout).toMatch(/\(\d+ files\)/)
    expect((await readFile(join(out, 'assets', PHOTO_FILE))).equals(photoBytes)).toBe(true)
    expect((await readdir(join(out, 'assets'))).sort()).toEqual([PHOTO_FILE, PATTERN_FILE].sort())
  })

  test('an image file the source cannot give: exit 1, the asset and the document named, nothing written', async () => {
    const dir = join(work, 'images-missing-file')
    await mkdir(dir, {recursive: true})
    await writeFile(join(dir, 'dataset.ndjson'), await readFile(IMAGES, 'utf8'))
    const target = freshOut('images-missing-file')
    const failed = await exportTo(target, '--source', `file:${join(dir, 'dataset.ndjson')}`)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain(`image asset "${PHOTO}" (used by "case-example-ward-team"): cannot download https://localhost:3333/images/ahp/production/${PHOTO_FILE}`)
    expect(failed.stderr).toContain(`or put the file in ${join(dir, 'assets', PHOTO_FILE)}`)
    expect(failed.stderr).not.toMatch(/\n\s+at /)
    await expect(stat(target)).rejects.toThrow()
  })

  test('an image asset reference is expanded to its copy, dimensions and MIME type; alt, caption, crop and hotspot are kept', () => {
    const PHOTO_URL = `assets/${PHOTO_FILE}`
    const PATTERN_URL = `assets/${PATTERN_FILE}`
    expect(doc.body.map((item) => [item._key, item._type, item.style])).toEqual([
      ['b1', 'block', 'h2'],
      ['b2', 'block', 'h4'],
      ['i1', 'image', undefined],
      ['b3', 'block', 'normal'],
      ['i2', 'image', undefined],
    ])
    expect(doc.body[2]).toEqual({
      _key: 'i1',
      _type: 'image',
      asset: {_id: PHOTO, url: PHOTO_URL, width: 1200, height: 800, mimeType: 'image/jpeg'},
      alt: 'Physiotherapist & patient "walking" <outside>',
      caption: 'Rehab <b>before</b> discharge',
      decorative: false,
      crop: {_type: 'sanity.imageCrop', top: 0, bottom: 0.1, left: 0, right: 0},
      hotspot: {_type: 'sanity.imageHotspot', x: 0.5, y: 0.4, width: 0.6, height: 0.5},
    })
    expect(doc.body[4]).toEqual({_key: 'i2', _type: 'image', asset: {_id: PATTERN, url: PATTERN_URL, width: 640, height: 40, mimeType: 'image/png'}, decorative: true})
    expect(JSON.stringify(doc)).not.toContain('_ref')
  })

  test('HTML: <h4>, a figure with escaped alt text and caption, and alt="" for a decorative image', () => {
    const PHOTO_URL = `/assets/${PHOTO_FILE}`
    const PATTERN_URL = `/assets/${PATTERN_FILE}`
    const html = doc.html.body
    expect(html).toContain('<h4>Before the round</h4>')
    expect(html).toContain(
      `<figure><img src="${PHOTO_URL}" alt="Physiotherapist &amp; patient &quot;walking&quot; &lt;outside&gt;" width="1200" height="800" loading="lazy">` +
        '<figcaption>Rehab &lt;b&gt;before&lt;/b&gt; discharge</figcaption></figure>',
    )
    expect(html).toContain(`<figure><img src="${PATTERN_URL}" alt="" width="640" height="40" loading="lazy"></figure>`)
    expect(html).not.toContain('<b>')
    expect(html).not.toContain('role=')
  })

  test('the JSON Schema and the contract accept the document, and refuse an image without an asset or with an unknown field', async () => {
    const jsonSchema = await readJson(join(out, 'schema', 'caseExample.json'))
    const fromSchema = z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0])
    expect(fromSchema.safeParse(doc).success).toBe(true)
    expect(documentContracts.caseExample.safeParse(doc).success).toBe(true)
    const withBody = (body: unknown[]) => ({...doc, body})
    const {asset: _asset, ...noAsset} = doc.body[2]!
    for (const schema of [fromSchema, documentContracts.caseExample]) {
      expect(schema.safeParse(withBody([noAsset])).success).toBe(false)
      expect(schema.safeParse(withBody([{...doc.body[2], width: 3}])).success).toBe(false)
      expect(schema.safeParse(withBody([{...doc.body[1], style: 'h5'}])).success).toBe(false)
    }
  })

  test('types.d.ts names the image and types Portable Text as blocks or images', async () => {
    const types = await readFile(join(out, 'types.d.ts'), 'utf8')
    expect(types).toContain('export type BlockContent = (PortableTextBlock | PortableTextImage)[]')
    expect(types).toContain('export interface PortableTextImage {')
    expect(types).toContain('asset: ImageAsset')
    expect(types).toMatch(/style\?: "normal" \| "h2" \| "h3" \| "h4" \| "blockquote"/)
  })

  test('image asset ids are collected from every document and fetched through GROQ', async () => {
    const source = new FileSource(IMAGES)
    const stored = await fetchDocuments(source, 'published')
    expect(stored.map((item) => item._id)).toEqual(['case-example-ward-team'])
    const ids = imageAssetIds(stored)
    expect(ids).toEqual([PHOTO, PATTERN].sort())
    const assets = await fetchImageAssets(source, [...ids, 'image-2222222222-10x10-png'], 'published')
    expect([...assets.expanded.keys()].sort()).toEqual([PHOTO, PATTERN].sort())
    expect(assets.expanded.get(PATTERN)).toEqual({_id: PATTERN, height: 40, mimeType: 'image/png', url: `assets/${PATTERN_FILE}`, width: 640})
    expect(assets.files.map((file) => file.id)).toEqual([PHOTO, PATTERN].sort())
  })

  test('an asset document without a url is refused, naming the document and the image', async () => {
    const source = new FileSource(IMAGES)
    const stored = await fetchDocuments(source, 'published')
    const assets = await fetchImageAssets(source, imageAssetIds(stored), 'published')
    const error = await buildExport(stored, {perspective: 'published', allowedTypes: DOCUMENT_TYPE_NAMES, imageAssets: new Map([...assets.expanded, [PATTERN, null]])}).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ExportProblems)
    expect((error as ExportProblems).problems).toEqual([
      {id: 'case-example-ward-team', path: 'body[_key=="i2"].asset', message: `uses image asset "${PATTERN}", whose asset document has no url: upload the image again in the Studio, or remove the image`},
    ])
  })

  test('the HTML renderer: no alt text and not decorative gives alt="", an unsafe or missing URL renders nothing', () => {
    const image = (asset: unknown, extra: Record<string, unknown> = {}) => ({_type: 'image', _key: 'k', asset, ...extra})
    expect(portableTextToHtml([image({url: '/images/a.png'}, {caption: 'A chart'})] as never)).toBe('<figure><img src="/images/a.png" alt="" loading="lazy"><figcaption>A chart</figcaption></figure>')
    expect(portableTextToHtml([image({url: 'https://x.test/a.png', width: 10, height: 5}, {alt: 'Chart', decorative: true})] as never)).toBe(
      '<figure><img src="https://x.test/a.png" alt="" width="10" height="5" loading="lazy"></figure>',
    )
    expect(portableTextToHtml([image({url: 'javascript:alert(1)'}, {alt: 'x'})] as never)).toBe('')
    expect(portableTextToHtml([image({url: '//evil.test/a.png'})] as never)).toBe('')
    // an asset copied into the export is served from the site's root
    expect(portableTextToHtml([image({url: 'assets/a.png'})] as never)).toBe('<figure><img src="/assets/a.png" alt="" loading="lazy"></figure>')
    expect(portableTextToHtml([image(undefined, {alt: 'x'})] as never)).toBe('')
  })
})

describe('usage', () => {
  test('--help prints usage and exits 0', async () => {
    const result = await exportTo(freshOut(), '--help')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage: npm run content:export/)
  })

  const usageErrors = [
    {name: 'an unknown option', args: ['--bogus'], expected: /Unknown option '--bogus'/},
    {name: 'a bad perspective', args: ['--perspective', 'raw'], expected: /--perspective must be "published" or "drafts"/},
    {name: 'an http:// source', args: ['--source', 'http://localhost:3333'], expected: /must use https/},
    {name: 'a stray argument', args: ['extra'], expected: /unexpected argument "extra"/},
  ]
  for (const example of usageErrors) {
    test(`${example.name}: exit 2`, async () => {
      const out = freshOut('usage')
      const result = await exportTo(out, '--source', `file:${VALID}`, ...example.args)
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(example.expected)
      expect(await exists(out)).toBe(false)
    })
  }

  test('an --out folder that holds something other than an export is refused, untouched', async () => {
    const out = freshOut('precious')
    await mkdir(out)
    await writeFile(join(out, 'notes.txt'), 'keep me')
    const result = await exportTo(out, '--source', `file:${VALID}`)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/holds something other than an earlier export/)
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('keep me')
  })
})

describe('large datasets', () => {
  test('report progress on stderr every 1,000 documents and export every document', async () => {
    const input = join(work, 'large.ndjson')
    await writeFile(input, toNdjson(generateDataset({documents: 2500, seed: 7})))
    const out = freshOut('large')
    const result = await exportTo(out, '--source', `file:${input}`)
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/prepared 1000\/2500 documents/)
    expect(result.stderr).toMatch(/prepared 2000\/2500 documents/)
    expect(result.stderr).toMatch(/wrote 1000 files/)
    expect(result.stdout).toMatch(/Exported 2500 documents/)
    const manifest = await readJson<{total: number}>(join(out, 'manifest.json'))
    expect(manifest.total).toBe(2500)
  })

  test('the generator is deterministic', () => {
    expect(toNdjson(generateDataset({documents: 300, seed: 3}))).toBe(toNdjson(generateDataset({documents: 300, seed: 3})))
  })
})

describe('reading through GROQ', () => {
  test('pages through the source by _id, each document once, leaving out system documents', async () => {
    const docs = (await readFile(VALID, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as {_id: string; _type: string})
    const source = FileSource.fromDocuments([
      ...docs,
      {_id: 'image-abc-100x100-png', _type: 'sanity.imageAsset'},
      {_id: '_.releases.spring', _type: 'system.release'},
      {_id: 'versions.spring.profession-dietitians', _type: 'profession'},
    ])
    const queries: number[] = []
    const published = await fetchDocuments(source, 'published', (fetched) => queries.push(fetched), 3)
    const expected = docs.map((doc) => doc._id).filter((id) => !id.startsWith('drafts.')).sort()
    expect(published.map((doc) => doc._id)).toEqual(expected)
    expect(queries).toEqual([3, 6, 8])
  })
})

describe('the seed content', () => {
  test('exports cleanly, and GROQ over the export finds what the source page says', async () => {
    const out = freshOut('seed')
    const result = await exportTo(out, '--source', `file:${join(import.meta.dirname, '..', 'content', 'dataset.ndjson')}`)
    expect(result.code, result.stderr).toBe(0)
    const exported = new FileSource(join(out, 'dataset.ndjson'))
    const facts = await exported.fetch<{professions: number; hcpc: number; gosc: number; cpd: number; ahpsIntoAction: {expiresAt: string; status: string}}>(
      `{
        "professions": count(*[_type == "profession"]),
        "hcpc": count(*[_type == "profession" && regulator->shortName == "HCPC"]),
        "gosc": count(*[_type == "profession" && regulator->shortName == "GOsC"]),
        "cpd": count(*[_type == "cpdCategory"]),
        "ahpsIntoAction": *[_type == "framework" && slug.current == "ahps-into-action"][0]{expiresAt, status}
      }`,
    )
    expect(facts).toMatchObject({professions: 14, hcpc: 13, gosc: 1, cpd: 4})
    expect(facts.ahpsIntoAction.expiresAt).toBe('2021-12-31')
    expect(facts.ahpsIntoAction.status).not.toBe('current')

    const index = typeIndexContract.parse(await readJson(join(out, 'indexes/profession.json')))
    expect(index).toHaveLength(14)
    for (const entry of index) {
      const doc = documentContracts.profession.parse(await readJson(join(out, 'documents/profession', `${entry._id}.json`)))
      expect(doc.route).toBe(entry.route)
      expect(doc.regulator?.route).toMatch(/^\/organisations\//)
    }
  })
})

describe('the TypeScript generator', () => {
  const examples: {name: string; schema: JsonSchema; type: string}[] = [
    {name: 'enum', schema: {type: 'string', enum: ['a', 'b']}, type: '"a" | "b"'},
    {name: 'const', schema: {type: 'string', const: 'x'}, type: '"x"'},
    {name: 'nullable', schema: {anyOf: [{type: 'string'}, {type: 'null'}]}, type: 'string | null'},
    {name: 'array of a union', schema: {type: 'array', items: {anyOf: [{$ref: '#/$defs/A'}, {$ref: '#/$defs/B'}]}}, type: '(A | B)[]'},
    {name: 'record', schema: {type: 'object', propertyNames: {type: 'string'}, additionalProperties: {type: 'integer'}}, type: '{\n  [key: string]: number\n}'},
    {name: 'closed object', schema: {type: 'object', properties: {'a.b': {type: 'boolean'}}, required: [], additionalProperties: false}, type: '{\n  "a.b"?: boolean\n}'},
  ]
  for (const example of examples) test(example.name, () => expect(typeOf(example.schema)).toBe(example.type))

  test('refuses what it does not know rather than emit unknown', () => {
    expect(() => typeOf({type: 'tuple'})).toThrow(/unsupported schema/)
    expect(() => typeOf({$ref: 'other.json#/x'})).toThrow(/unsupported \$ref/)
  })
})

describe('the route table and contracts cover the schema', () => {
  test('every document type has a route and a contract, and nothing else does', () => {
    expect(Object.keys(ROUTES).sort()).toEqual([...DOCUMENT_TYPE_NAMES].sort())
    expect(Object.keys(documentContracts).sort()).toEqual([...DOCUMENT_TYPE_NAMES].sort())
  })

  test('each contract has exactly the fields of its schema type, plus the system and derived ones', () => {
    const added = ['_id', '_type', '_rev', '_createdAt', '_updatedAt', 'route', 'html']
    for (const type of documentTypes) {
      const fields = (type as {fields?: {name: string}[]}).fields?.map((field) => field.name) ?? []
      const contract = Object.keys(documentContracts[type.name as keyof typeof documentContracts].shape).filter((key) => !added.includes(key))
      expect(contract.sort(), type.name).toEqual(fields.sort())
    }
  })

  test('routes encode slugs', () => {
    expect(routeFor('profession', 'speech-and-language-therapists')).toBe('/professions/speech-and-language-therapists')
    expect(routeFor('resource', 'a b/c')).toBe('/resources/a%20b%2Fc')
  })
})

describe('as a subprocess', () => {
  const exec = promisify(execFile)
  const run = async (...args: string[]) => {
    try {
      const {stdout, stderr} = await exec('npx', ['tsx', 'scripts/content-export.ts', ...args], {cwd: join(import.meta.dirname, '..')})
      return {code: 0, stdout, stderr}
    } catch (error) {
      const failed = error as {code: number; stdout: string; stderr: string}
      return {code: failed.code, stdout: failed.stdout, stderr: failed.stderr}
    }
  }

  test('exits 0 on success, 1 on bad content, 2 on a usage error', async () => {
    const ok = freshOut('sub')
    const badOut = freshOut('sub')
    const [good, bad, usage] = await Promise.all([
      run('--out', ok, '--source', `file:${VALID}`),
      run('--out', badOut, '--source', `file:${join(FIXTURES, 'invalid-reference-dangling.ndjson')}`),
      run('--perspective', 'everything'),
    ])
    expect(good.code, good.stderr).toBe(0)
    expect(good.stdout).toMatch(/Exported 8 documents/)
    expect(await exists(join(ok, 'manifest.json'))).toBe(true)

    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/refusing to export/)
    expect(await exists(badOut)).toBe(false)

    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/--perspective must be/)
  }, 240_000)
})
