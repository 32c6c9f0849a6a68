import {readFileSync} from 'node:fs'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {extname, join, normalize} from 'node:path'

import type {SanityClient} from '@sanity/client'
import sharp from 'sharp'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {contentExport} from '../../scripts/content-export'
import {contentValidate} from '../../scripts/content-validate'
import {runCommand, type CliIo} from '../../scripts/lib/cli'
import {importNdjson} from '../../scripts/content-import'
import {startTestServer, type TestServer} from '../server/helpers'

/**
 * An image in a body, end to end against the real server: a release that adds it publishes,
 * content:validate passes, and the export copies the file so the exported HTML's <img src> is
 * served by a plain static file server while the API server is stopped.
 */

const SEED = join(import.meta.dirname, '..', '..', 'content', 'dataset.ndjson')

let t: TestServer
let client: SanityClient
let work: string
let photo: Buffer
let assetId: string
let apiStopped = false

function io(): CliIo & {out: string; err: string} {
  const captured = {out: '', err: ''}
  return Object.assign(captured, {
    stdout: (text: string) => void (captured.out += text),
    stderr: (text: string) => void (captured.err += text),
    env: {AHP_DATA_DIR: t.dataDir, SANITY_API_TOKEN: t.adminToken},
  })
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ahp-export-assets-'))
  t = await startTestServer({schedulerIntervalMs: 0})
  t.server.store.create('test')
  client = t.client()
  await importNdjson({client, ndjson: readFileSync(SEED, 'utf8'), mode: 'createOrReplace'})
  photo = await sharp({create: {width: 800, height: 600, channels: 3, background: '#005eb8'}}).jpeg().toBuffer()
  assetId = (await client.assets.upload('image', photo, {filename: 'walk.jpg'}))._id
}, 120_000)

afterAll(async () => {
  if (!apiStopped) await t.close()
  await rm(work, {recursive: true, force: true})
})

describe('an image in a body', () => {
  test('a release that adds it publishes (the asset is a valid reference target)', async () => {
    const hub = await client.getDocument('hub-greener-ahp')
    const body = [...((hub?.body as unknown[]) ?? []), {_type: 'image', _key: 'img1', asset: {_type: 'reference', _ref: assetId}, alt: 'A physiotherapist walking beside a patient on a ward'}]
    await client.action([
      {actionType: 'sanity.action.release.create', releaseId: 'with-image', metadata: {title: 'With an image', releaseType: 'asap'}},
      {actionType: 'sanity.action.document.version.create', publishedId: 'hub-greener-ahp', document: {...hub, _id: 'versions.with-image.hub-greener-ahp', _type: 'hub', body}},
    ] as never)
    await client.action({actionType: 'sanity.action.release.publish', releaseId: 'with-image'} as never)
    const published = await client.getDocument('hub-greener-ahp')
    expect((published?.body as {asset?: {_ref: string}}[]).at(-1)?.asset?._ref).toBe(assetId)
  }, 60_000)

  test('content:validate against the server reports no problem with it', async () => {
    const run = io()
    const code = await runCommand(contentValidate, ['--source', t.server.url, '--dataset', 'test', '--format', 'json'], run)
    expect(run.err + run.out).not.toContain(assetId)
    expect(code, run.err).toBe(0)
  }, 120_000)

  test('the export copies the file, and its HTML opens from a static file server with the API stopped', async () => {
    const out = join(work, 'site')
    const run = io()
    const code = await contentExport(['--source', t.server.url, '--dataset', 'test', '--out', out], run)
    expect(code, run.err).toBe(0)
    await t.close()
    apiStopped = true

    const hub = JSON.parse(await readFile(join(out, 'documents', 'hub', 'hub-greener-ahp.json'), 'utf8')) as {html: {body: string}}
    const sources = [...hub.html.body.matchAll(/<img src="([^"]+)"/g)].map((match) => match[1]!)
    expect(sources).toHaveLength(1)
    expect(sources[0]).toMatch(/^\/assets\/[0-9a-f]{40}-800x600\.jpg$/)

    const files = await serveFolder(out)
    try {
      for (const src of sources) {
        const response = await fetch(new URL(src, files.url))
        expect(response.status, src).toBe(200)
        expect(Buffer.from(await response.arrayBuffer()).equals(photo)).toBe(true)
      }
    } finally {
      await files.close()
    }
  }, 120_000)
})

/** A tiny static file server: what any host of an exported site does. */
async function serveFolder(root: string): Promise<{url: string; close(): Promise<void>}> {
  const types: Record<string, string> = {'.jpg': 'image/jpeg', '.png': 'image/png', '.json': 'application/json'}
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(root, path)
    stat(file)
      .then(async (info) => {
        if (!info.isFile()) throw new Error('not a file')
        res.writeHead(200, {'content-type': types[extname(file)] ?? 'application/octet-stream'})
        res.end(await readFile(file))
      })
      .catch(() => {
        res.writeHead(404)
        res.end()
      })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve()))}
}
