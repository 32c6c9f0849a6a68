import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {createClient, requester as baseRequester, type SanityClient} from '@sanity/client'
import {afterAll, expect, test} from 'vitest'
import {Store} from '../../server/store.js'
import {startTestServer} from './helpers.js'

const SERVE = fileURLToPath(new URL('../../scripts/serve.ts', import.meta.url))
// tsx as an --import hook keeps the server in the spawned process itself (the tsx CLI would fork a
// grandchild that a SIGKILL of the child leaves running)
const TSX_HOOK = ['--import', 'tsx']
const dirs: string[] = []
const children: ChildProcess[] = []

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

/** Starts `scripts/serve.ts` (the real entry point) on a free port and waits for its API URL. */
function serve(dataDir: string): Promise<{child: ChildProcess; url: string}> {
  const child = spawn(process.execPath, [...TSX_HOOK, SERVE], {
    // the API alone: no Studio build before listening
    // the burst writes faster than the per-address mutation limit allows a real client
    env: {...process.env, AHP_DATA_DIR: dataDir, AHP_PORT: '0', AHP_STUDIO: 'off', AHP_RATE_LIMIT_MUTATIONS: '0'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /API: (https:\/\/localhost:\d+)/.exec(out)
      if (match?.[1]) resolve({child, url: match[1]})
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)))
  })
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()))

function clientFor(url: string, dataDir: string): SanityClient {
  const ca = readFileSync(join(dataDir, 'tls', 'ca.pem'), 'utf8')
  return createClient({
    projectId: 'local',
    dataset: 'production',
    apiHost: url,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim(),
    requester: baseRequester.clone().use({finalizeOptions: <T extends object>(o: T): T => ({...o, ca})}),
    maxRetries: 0,
  })
}

test('SIGKILL during a burst of acknowledged writes loses none of them and leaves an intact database', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ahp-durability-'))
  dirs.push(dataDir)
  const first = await serve(dataDir)
  const client = clientFor(first.url, dataDir)
  const acknowledged: string[] = []
  let killed = false
  const writer = async (w: number) => {
    for (let i = 0; !killed; i++) {
      const id = `burst-${w}-${i}`
      try {
        await client.create({_id: id, _type: 'burst', w, i, text: 'x'.repeat(200)})
        if (!killed) acknowledged.push(id)
      } catch {
        return
      }
    }
  }
  const writers = Array.from({length: 6}, (_, w) => writer(w))
  while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 5))
  console.log(`killing after ${acknowledged.length} acknowledged writes`)
  killed = true
  first.child.kill('SIGKILL')
  await exited(first.child)
  await Promise.all(writers)
  expect(first.child.signalCode).toBe('SIGKILL')
  await expect(client.fetch('count(*)')).rejects.toThrow(/ECONNREFUSED|socket hang up|ECONNRESET/)

  const second = await serve(dataDir)
  const after = clientFor(second.url, dataDir)
  const present = new Set(await after.fetch<string[]>('*[_type == "burst"]._id'))
  const lost = acknowledged.filter((id) => !present.has(id))
  expect(lost).toEqual([])
  second.child.kill('SIGTERM')
  await exited(second.child)
  expect(second.child.exitCode).toBe(0)

  const store = new Store(dataDir)
  try {
    const dataset = store.get('production')
    expect(dataset.integrityCheck()).toBe('ok')
    expect([...dataset.docs.keys()].filter((id) => id.startsWith('burst-')).length).toBe(present.size)
  } finally {
    store.close()
  }
}, 60_000)

test('concurrent writers patching one document with ifRevisionID lose no update', async () => {
  const t = await startTestServer()
  try {
    t.server.store.create('test')
    const client = t.client()
    await client.create({_id: 'counter', _type: 'counter', n: 0})
    let conflicts = 0
    const increments = 10
    const worker = async () => {
      for (let done = 0; done < increments; ) {
        const doc = await client.getDocument<{n: number}>('counter')
        if (!doc) throw new Error('counter missing')
        try {
          await client.patch('counter').ifRevisionId(doc._rev).set({n: doc.n + 1}).commit()
          done++
        } catch (err) {
          if ((err as {statusCode?: number}).statusCode !== 409) throw err
          conflicts++
        }
      }
    }
    await Promise.all(Array.from({length: 5}, worker))
    expect((await client.getDocument<{n: number}>('counter'))?.n).toBe(5 * increments)
    expect(conflicts).toBeGreaterThan(0)
  } finally {
    await t.close()
  }
}, 60_000)
