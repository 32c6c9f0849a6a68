import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {importNdjson} from '../scripts/content-import'
import {exportContent} from '../scripts/lib/export'
import {resolveSource, type ContentSource} from '../sources'
import {validateSource} from '../validation/validateDataset'
import {DOCUMENT_TYPE_NAMES} from '../schemas'
import {createLocalClient} from '../server/client'
import {startServer, type RunningServer} from '../server/node-server'

const ROOT = join(import.meta.dirname, '..')
const SEED = join(ROOT, 'content', 'dataset.ndjson')

function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>()
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, {withFileTypes: true})) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) walk(path)
      else files.set(relative(dir, path), readFileSync(path, 'utf8'))
    }
  }
  walk(dir)
  return files
}

/** The server stamps revisions and times on write; the manifest's hash and time follow from them. */
const STAMPS = new Set(['_rev', '_createdAt', '_updatedAt', 'contentHash', 'generatedAt'])

function withoutStamps(json: string): unknown {
  if (json.trim() === '') return json
  return JSON.parse(json, (key, value: unknown) => (STAMPS.has(key) ? undefined : value))
}

// One rule holds the project together: the same CLI code gives the same answers whether the
// content is the seed file or the local server speaking Sanity's HTTP API.
describe('content:validate and content:export against the local server', () => {
  let server: RunningServer
  let dataDir: string
  let work: string
  let fromServer: ContentSource
  const fromFile = resolveSource({source: `file:${SEED}`})

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ahp-sources-data-'))
    work = mkdtempSync(join(tmpdir(), 'ahp-sources-out-'))
    server = await startServer({port: 0, host: '127.0.0.1', dataDir, projectId: 'local'})
    server.store.create('production')
    const client = createLocalClient({url: server.url, dataset: 'production', token: server.tokens.getAdminToken(), dataDir})
    await importNdjson({client, ndjson: readFileSync(SEED, 'utf8'), mode: 'createOrReplace'})
    fromServer = resolveSource({source: server.url, dataset: 'production', env: {AHP_DATA_DIR: dataDir}})
  })

  afterAll(async () => {
    await server?.close()
    rmSync(dataDir, {recursive: true, force: true})
    rmSync(work, {recursive: true, force: true})
  })

  test('validation finds the same problems in the server as in the file', {timeout: 120_000}, async () => {
    const [file, api] = await Promise.all([validateSource(fromFile), validateSource(fromServer)])
    expect(api.documentCount).toBe(file.documentCount)
    expect(api.problems).toEqual(file.problems)
  })

  test('export writes the same files from the server as from the file, but for the fields the server stamps', {timeout: 120_000}, async () => {
    const options = {perspective: 'published' as const, allowedTypes: DOCUMENT_TYPE_NAMES}
    await exportContent({...options, source: fromFile, out: join(work, 'file')})
    await exportContent({...options, source: fromServer, out: join(work, 'api')})
    const file = readTree(join(work, 'file'))
    const api = readTree(join(work, 'api'))
    expect([...api.keys()].sort()).toEqual([...file.keys()].sort())
    for (const [name, content] of file) {
      if (name.endsWith('.html') || name.endsWith('.d.ts')) expect(api.get(name), name).toBe(content)
      else if (name.endsWith('.ndjson')) expect(api.get(name)!.split('\n').map(withoutStamps), name).toEqual(content.split('\n').map(withoutStamps))
      else expect(withoutStamps(api.get(name)!), name).toEqual(withoutStamps(content))
    }
  })

  test('an unknown dataset is a clear error, not an empty result', async () => {
    const missing = resolveSource({source: server.url, dataset: 'nope', env: {AHP_DATA_DIR: dataDir}})
    await expect(missing.fetch('count(*)')).rejects.toThrow(/nope/)
  })
})
