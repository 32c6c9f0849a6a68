import {execFile} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, beforeAll, expect, test} from 'vitest'
import {importNdjson} from '../../scripts/content-import.js'
import {startTestServer, type TestServer} from './helpers.js'

const run = promisify(execFile)
const SEED = fileURLToPath(new URL('../../content/dataset.ndjson', import.meta.url))
const CHILD = fileURLToPath(new URL('./fixtures/export-import.ts', import.meta.url))
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url))

const FALLBACK_SEED = [
  {_id: 'profession-physiotherapists', _type: 'profession', title: 'Physiotherapists', slug: {_type: 'slug', current: 'physiotherapists'}},
  {_id: 'organisation-hcpc', _type: 'organisation', title: 'Health and Care Professions Council'},
  {_id: 'drafts.profession-physiotherapists', _type: 'profession', title: 'Physiotherapists (draft)'},
  {_id: 'case-1', _type: 'caseExample', profession: {_type: 'reference', _ref: 'profession-physiotherapists'}},
]
  .map((doc) => JSON.stringify(doc))
  .join('\n')

let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
  t.server.store.create('production')
  t.server.store.create('restored')
  const client = t.client({dataset: 'production'})
  await importNdjson({client, ndjson: existsSync(SEED) ? readFileSync(SEED, 'utf8') : FALLBACK_SEED, mode: 'create'})
  // an image asset and a document that uses it, so the archive carries a file too
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
  const asset = await client.assets.upload('image', png, {filename: 'dot.png'})
  await client.create({_id: 'with-image', _type: 'resource', image: {_type: 'image', asset: {_type: 'reference', _ref: asset._id}}})
})

afterAll(async () => {
  await t.close()
})

const comparable = (doc: Record<string, unknown>) => {
  const {_rev, _updatedAt, ...rest} = doc
  return rest
}

test('@sanity/export then @sanity/import round-trip the seed content unchanged', async () => {
  const archive = join(t.dataDir, 'export.tar.gz')
  const {stdout} = await run(process.execPath, [TSX, CHILD, t.server.url, t.adminToken, 'production', 'restored', archive], {
    env: {...process.env, NODE_EXTRA_CA_CERTS: t.server.tls.caCertPath},
    timeout: 60_000,
  })
  const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {imported: number}
  const source = t.client({dataset: 'production'})
  const restored = t.client({dataset: 'restored'})
  const all = '*[!(_type match "sanity.*")] | order(_id)'
  const before = (await source.fetch<Record<string, unknown>[]>(all, {}, {perspective: 'raw'})).map(comparable)
  const after = (await restored.fetch<Record<string, unknown>[]>(all, {}, {perspective: 'raw'})).map(comparable)
  expect(after).toEqual(before)
  expect(before.length).toBeGreaterThan(3)
  const assetIds = async (c: typeof source) => c.fetch<string[]>('*[_type == "sanity.imageAsset"]._id | order(@)', {}, {perspective: 'raw'})
  expect(await assetIds(restored)).toEqual(await assetIds(source))
  const imageUrl = await restored.fetch<string>('*[_id == "with-image"][0].image.asset->url')
  const res = await t.request(new URL(imageUrl).pathname)
  expect(res.status).toBe(200)
  expect(summary.imported).toBeGreaterThan(3)
}, 90_000)
