import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {SanityDocument} from '@sanity/client'
import {afterAll, beforeAll, expect, test} from 'vitest'
import {runContentReleases} from '../../scripts/content-releases.js'
import {exportContent} from '../../scripts/lib/export/index.js'
import {resolveSource} from '../../sources/index.js'
import {DOCUMENT_TYPE_NAMES} from '../../schemas/index.js'
import {ManualClock} from '../../server/clock.js'
import {startTestServer, type TestServer} from '../server/helpers.js'

/**
 * The Next Chapter launch on the real seed: a release makes the framework current; it is scheduled
 * with the CLI in UK time; content:export shows the change only after the clock passes the time.
 */

const NEXT = 'framework-ahps-into-action-next-chapter'
const SEED = join(import.meta.dirname, '..', '..', 'content', 'dataset.ndjson')

let server: TestServer
let clock: ManualClock
const out = mkdtempSync(join(tmpdir(), 'ahp-release-export-'))

beforeAll(async () => {
  clock = new ManualClock(Math.ceil(Date.now() / 60_000) * 60_000)
  server = await startTestServer({clock, schedulerIntervalMs: 0})
  server.server.store.create('production')
  const client = server.client({dataset: 'production'})
  const tx = client.transaction()
  for (const line of readFileSync(SEED, 'utf8').split('\n').filter(Boolean)) tx.createOrReplace(JSON.parse(line) as SanityDocument)
  await tx.commit()
})
afterAll(async () => {
  await server.close()
  rmSync(out, {recursive: true, force: true})
})

async function exportedNextChapter(name: string): Promise<{status: string; validFrom?: string}> {
  const source = resolveSource({source: server.server.url, dataset: 'production', env: {AHP_DATA_DIR: server.dataDir}})
  const dir = join(out, name)
  await exportContent({source, out: dir, perspective: 'published', allowedTypes: DOCUMENT_TYPE_NAMES})
  const line = readFileSync(join(dir, 'dataset.ndjson'), 'utf8')
    .split('\n')
    .find((l) => l.includes(`"_id":"${NEXT}"`))
  if (!line) throw new Error('the Next Chapter framework is not in the export')
  return JSON.parse(line) as {status: string; validFrom?: string}
}

test('a scheduled Next Chapter launch appears in content:export once its time has passed, not before', async () => {
  const client = server.client({dataset: 'production'})
  const env = {AHP_DATA_DIR: server.dataDir, SANITY_API_TOKEN: '', AHP_TOKEN: '', SANITY_PROJECT_ID: ''}
  const io = {env, stdout: () => {}, stderr: () => {}}
  const connection = ['--source', server.server.url, '--dataset', 'production']
  expect(await runContentReleases(['create', '--id', 'next-chapter-launch', '--title', 'AHPs into Action: Next Chapter launch', ...connection], io)).toBe(0)
  const current = await client.getDocument(NEXT)
  const today = clock.now().toISOString().slice(0, 10)
  await client.createVersion({
    document: {...(current as SanityDocument), _id: `versions.next-chapter-launch.${NEXT}`, status: 'current', validFrom: today},
    publishedId: NEXT,
    releaseId: 'next-chapter-launch',
  })
  const at = new Date(clock.now().getTime() + 24 * 60 * 60_000)
  expect(await runContentReleases(['schedule', 'next-chapter-launch', '--at', at.toISOString(), ...connection], io)).toBe(0)

  expect(await exportedNextChapter('before')).toMatchObject({status: 'inDevelopment'})
  clock.set(at.getTime() + 5_000)
  expect(await exportedNextChapter('due-but-not-swept')).toMatchObject({status: 'inDevelopment'})
  expect(await server.server.scheduler.runDue()).toEqual([expect.objectContaining({releaseId: 'next-chapter-launch', outcome: 'published'})])
  expect(await exportedNextChapter('after')).toMatchObject({status: 'current', validFrom: today})
}, 120_000)
