import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {SanityClient, SanityDocument} from '@sanity/client'
import {ManualClock} from '../../server/clock.js'
import type {ServerConfig} from '../../server/node-server.js'
import {startTestServer, type TestServer} from '../server/helpers.js'

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'releases')

export interface ReleaseFixture {
  create: SanityDocument[]
  change: SanityDocument[]
  unpublish: string[]
}

export function baseDocuments(): SanityDocument[] {
  return readFileSync(join(FIXTURES, 'base.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as SanityDocument)
}

export function releaseFixture(name: 'next-chapter-release' | 'invalid-release'): ReleaseFixture {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as ReleaseFixture
}

/** 2026-11-30 12:00 UTC: the tests' "now" unless they say otherwise */
export const START = new Date('2026-11-30T12:00:00.000Z')

export interface ReleaseServer extends TestServer {
  clock: ManualClock
  sanity: SanityClient
}

/** The real server with a manual clock and no scheduler timer (tests call `scheduler.runDue()`), seeded with the base fixture. */
export async function startReleaseServer(
  options: {clock?: ManualClock; dataDir?: string; seed?: boolean; config?: Partial<ServerConfig>} = {},
): Promise<ReleaseServer> {
  const clock = options.clock ?? new ManualClock(START)
  const server = await startTestServer({clock, schedulerIntervalMs: 0, ...options.config}, options.dataDir)
  const sanity = server.client()
  if (options.seed !== false) {
    server.server.store.create('test')
    const tx = sanity.transaction()
    for (const doc of baseDocuments()) tx.createOrReplace(doc)
    await tx.commit()
  }
  return Object.assign(server, {clock, sanity})
}

/** Adds a fixture's documents to a release through @sanity/client: new documents, changed ones, unpublishes. */
export async function fillRelease(client: SanityClient, releaseId: string, fixture: ReleaseFixture): Promise<void> {
  for (const doc of [...fixture.create, ...fixture.change]) {
    await client.createVersion({document: {...doc, _id: `versions.${releaseId}.${doc._id}`}, publishedId: doc._id, releaseId})
  }
  for (const publishedId of fixture.unpublish) await client.unpublishVersion({releaseId, publishedId})
}
