import type {SanityDocument} from '@sanity/client'
import {afterEach, describe, expect, test} from 'vitest'
import {ManualClock} from '../../server/clock.js'
import {fillRelease, releaseFixture, START, startReleaseServer, type ReleaseServer} from './helpers.js'

const HOUR = 60 * 60 * 1000
const NEXT = 'framework-ahps-into-action-next-chapter'
const ENGAGEMENT = 'framework-ahps-into-action-next-chapter-engagement'
const CANCER = 'quick-guide-ahps-into-action-on-cancer'

/** What the published perspective shows of the three documents the release touches. */
const PUBLISHED_STATE = `{
  "next": *[_id == "${NEXT}"][0]{_id, title, status},
  "engagement": defined(*[_id == "${ENGAGEMENT}"][0]),
  "cancerFramework": *[_id == "${CANCER}"][0].framework._ref,
  "versions": count(*[_id in path("versions.**")])
}`

interface PublishedState {
  next: {_id: string; title: string; status: string} | null
  engagement: boolean
  cancerFramework: string
  versions: number
}

const BEFORE: PublishedState = {next: null, engagement: true, cancerFramework: 'framework-ahps-into-action', versions: 0}
const AFTER: PublishedState = {
  next: {_id: NEXT, title: 'AHPs into Action: Next Chapter', status: 'inDevelopment'},
  engagement: false,
  cancerFramework: NEXT,
  versions: 0,
}

let running: ReleaseServer[] = []
async function start(...args: Parameters<typeof startReleaseServer>): Promise<ReleaseServer> {
  const server = await startReleaseServer(...args)
  running.push(server)
  return server
}
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()))
  running = []
})

async function nextChapterRelease(server: ReleaseServer, releaseId = 'next-chapter'): Promise<string> {
  await server.sanity.releases.create({
    releaseId,
    metadata: {title: 'AHPs into Action: Next Chapter', description: 'The new strategy goes live', releaseType: 'scheduled'},
  })
  await fillRelease(server.sanity, releaseId, releaseFixture('next-chapter-release'))
  return releaseId
}

describe('Content Releases on the local server', () => {
  test('a scheduled release of three documents publishes all of them at once when the clock passes its time, and not before', async () => {
    const server = await start()
    const {sanity, clock} = server
    const releaseId = await nextChapterRelease(server)
    const publishAt = new Date(START.getTime() + 2 * HOUR)
    await sanity.releases.schedule({releaseId, publishAt: publishAt.toISOString()})

    const scheduled = await sanity.releases.get({releaseId})
    expect(scheduled).toMatchObject({_id: `_.releases.${releaseId}`, _type: 'system.release', name: releaseId, state: 'scheduled', publishAt: publishAt.toISOString()})
    expect(scheduled?.metadata).toMatchObject({title: 'AHPs into Action: Next Chapter', releaseType: 'scheduled'})

    // the release perspective previews the outcome; the published perspective is untouched
    expect(await sanity.fetch(PUBLISHED_STATE, {}, {perspective: [releaseId]})).toMatchObject({next: AFTER.next, engagement: false, cancerFramework: NEXT})
    expect(await sanity.fetch(PUBLISHED_STATE, {}, {perspective: 'published'})).toEqual(BEFORE)

    // one minute early: nothing happens
    clock.set(publishAt.getTime() - 60_000)
    expect(await server.server.scheduler.runDue()).toEqual([])
    expect(await sanity.fetch(PUBLISHED_STATE, {}, {perspective: 'published'})).toEqual(BEFORE)

    // watch the published documents: all three changes arrive in one transaction
    const events: {transactionId: string; documentId: string; transition: string}[] = []
    const subscription = sanity
      .listen('*[_id in $ids]', {ids: [NEXT, ENGAGEMENT, CANCER]}, {events: ['mutation'], includeResult: false})
      .subscribe((event) => {
        if (event.type === 'mutation') events.push({transactionId: event.transactionId, documentId: event.documentId, transition: event.transition})
      })
    await new Promise((resolve) => setTimeout(resolve, 300))

    clock.set(publishAt.getTime() + 1000)
    expect(await sanity.fetch(PUBLISHED_STATE, {}, {perspective: 'published'})).toEqual(BEFORE) // right before the sweep
    const outcomes = await server.server.scheduler.runDue()
    expect(outcomes).toEqual([expect.objectContaining({dataset: 'test', releaseId, outcome: 'published'})])
    expect(await sanity.fetch(PUBLISHED_STATE, {}, {perspective: 'published'})).toEqual(AFTER) // right after

    await expect.poll(() => events.length).toBe(3)
    subscription.unsubscribe()
    expect(new Set(events.map((e) => e.transactionId)).size).toBe(1)
    expect(Object.fromEntries(events.map((e) => [e.documentId, e.transition]))).toEqual({[NEXT]: 'appear', [CANCER]: 'update', [ENGAGEMENT]: 'disappear'})

    const published = await sanity.releases.get({releaseId})
    expect(published).toMatchObject({state: 'published', publishedAt: new Date(publishAt.getTime() + 1000).toISOString()})
    expect(published?.finalDocumentStates?.map((d) => d.id).sort()).toEqual(
      [`versions.${releaseId}.${ENGAGEMENT}`, `versions.${releaseId}.${NEXT}`, `versions.${releaseId}.${CANCER}`].sort(),
    )
    expect(published?.error).toBeUndefined()
    // the Studio reads a published release's documents from history: the last revision of each version
    const history = (await server.request(`/v2025-02-19/data/history/test/documents/versions.${releaseId}.${NEXT}?lastRevision=true`, {
      headers: {authorization: `Bearer ${server.adminToken}`},
    }).then((r) => r.json())) as {documents: SanityDocument[]}
    expect(history.documents[0]).toMatchObject({_id: `versions.${releaseId}.${NEXT}`, title: 'AHPs into Action: Next Chapter'})

    // a second sweep publishes nothing
    expect(await server.server.scheduler.runDue()).toEqual([])
  })

  test('a release with an invalid document fails with the reason, publishes nothing, and shows the reason where the Studio reads it', async () => {
    const server = await start()
    const {sanity, clock} = server
    const releaseId = 'next-chapter-broken'
    await sanity.releases.create({releaseId, metadata: {title: 'Next Chapter (missing status)', releaseType: 'scheduled'}})
    await fillRelease(sanity, releaseId, releaseFixture('invalid-release'))
    const publishAt = new Date(START.getTime() + HOUR)
    await sanity.releases.schedule({releaseId, publishAt: publishAt.toISOString()})

    clock.set(publishAt.getTime() + 1)
    const [outcome] = await server.server.scheduler.runDue()
    expect(outcome).toMatchObject({releaseId, outcome: 'failed'})
    expect(outcome?.message).toContain('Choose a status so readers know whether this framework is in force')

    expect(await sanity.fetch(PUBLISHED_STATE, {}, {perspective: 'published'})).toEqual({...BEFORE, versions: 0})
    const failed = await sanity.releases.get({releaseId})
    // Studio: an active release with `error.message` shows the error (releaseStoreErrorCount, ReleaseDashboardDetails)
    expect(failed).toMatchObject({state: 'active', metadata: {intendedPublishAt: publishAt.toISOString()}})
    expect(failed?.publishAt).toBeUndefined()
    expect(failed?.error?.message).toMatch(/framework-ahps-into-action-next-chapter \(status\): Choose a status/)
    // the versions are still there to fix
    expect(await sanity.fetch('count(*[sanity::partOfRelease($releaseId)])', {releaseId}, {perspective: 'raw'})).toBe(2)
    // and publishing by hand is refused with the same reason
    await expect(sanity.releases.publish({releaseId})).rejects.toThrow(/Choose a status/)
    expect(await sanity.fetch(PUBLISHED_STATE, {}, {perspective: 'published'})).toEqual(BEFORE)
  })

  test('a release that comes due while the server is down is published once at the next start', async () => {
    const first = await start()
    const releaseId = await nextChapterRelease(first)
    const publishAt = new Date(START.getTime() + 3 * HOUR)
    await first.sanity.releases.schedule({releaseId, publishAt: publishAt.toISOString()})
    await first.server.close()

    const clock = new ManualClock(publishAt.getTime() + 6 * HOUR)
    const second = await start({clock, dataDir: first.dataDir, seed: false})
    // published by startServer itself, before it resolved
    expect(await second.sanity.fetch(PUBLISHED_STATE, {}, {perspective: 'published'})).toEqual(AFTER)
    const release = await second.sanity.releases.get({releaseId})
    expect(release).toMatchObject({state: 'published', publishedAt: clock.now().toISOString()})
    // once: one transaction published it; later sweeps and a third start change nothing
    expect(await second.server.scheduler.runDue()).toEqual([])
    const publishes = second.server.store.get('test').transactions([`_.releases.${releaseId}`]).filter((tx) => {
      const effects = JSON.stringify(tx.mutations)
      return effects.includes('"state":"published"')
    })
    expect(publishes).toHaveLength(1)
    const transactionsOfRelease = second.server.store.get('test').transactions([`_.releases.${releaseId}`]).length
    await second.server.close()
    const third = await start({clock, dataDir: first.dataDir, seed: false})
    expect(third.server.store.get('test').transactions([`_.releases.${releaseId}`])).toHaveLength(transactionsOfRelease)
  })

  test('two concurrent sweeps publish a due release once', async () => {
    const server = await start()
    const releaseId = await nextChapterRelease(server)
    const publishAt = new Date(START.getTime() + HOUR)
    await server.sanity.releases.schedule({releaseId, publishAt: publishAt.toISOString()})
    server.clock.set(publishAt.getTime() + 1)
    const [a, b] = await Promise.all([server.server.scheduler.runDue(), server.server.scheduler.runDue()])
    const outcomes = [...a, ...b]
    expect(outcomes.filter((o) => o.outcome === 'published')).toHaveLength(1)
    expect(outcomes.filter((o) => o.outcome !== 'published').every((o) => o.outcome === 'skipped')).toBe(true)
    expect(await server.sanity.fetch(PUBLISHED_STATE, {}, {perspective: 'published'})).toEqual(AFTER)
  })

  test("the scheduler's own timer publishes a due release without being asked", async () => {
    const server = await start({config: {schedulerIntervalMs: 50}})
    const releaseId = await nextChapterRelease(server)
    const publishAt = new Date(START.getTime() + HOUR)
    await server.sanity.releases.schedule({releaseId, publishAt: publishAt.toISOString()})
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await server.sanity.releases.get({releaseId})).toMatchObject({state: 'scheduled'})
    server.clock.set(publishAt)
    await expect.poll(() => server.sanity.releases.get({releaseId}).then((r) => r?.state), {timeout: 10_000}).toBe('published')
    expect(await server.sanity.fetch(PUBLISHED_STATE, {}, {perspective: 'published'})).toEqual(AFTER)
  })

  test('a schedule in the past is refused with a clear message in UK time and UTC', async () => {
    const server = await start()
    const releaseId = await nextChapterRelease(server)
    const past = new Date(START.getTime() - 24 * HOUR)
    await expect(server.sanity.releases.schedule({releaseId, publishAt: past.toISOString()})).rejects.toThrow(
      'Cannot schedule release "next-chapter" for Sun, 29 Nov 2026, 12:00 GMT (2026-11-29 12:00 UTC): that time is in the past (it is now Mon, 30 Nov 2026, 12:00 GMT (2026-11-30 12:00 UTC)). Choose a time in the future.',
    )
    expect(await server.sanity.releases.get({releaseId})).toMatchObject({state: 'active'})
  })
})

describe('release perspectives, functions and visibility', () => {
  test('perspective=<release>, stacks with drafts, sanity::partOfRelease, sanity::versionOf, releases::all()', async () => {
    const server = await start()
    const {sanity} = server
    const releaseId = await nextChapterRelease(server)
    await sanity.create({...releaseFixture('next-chapter-release').change[0], _id: `drafts.${CANCER}`, title: 'AHPs into Action on Cancer (draft)'} as SanityDocument)

    const titleOf = (perspective: 'published' | 'drafts' | 'raw' | string[]) =>
      sanity.fetch<string>(`*[_id == $id][0].title`, {id: CANCER}, {perspective: perspective as 'raw'})
    expect(await titleOf('published')).toBe('AHPs into Action on Cancer')
    expect(await titleOf('drafts')).toBe('AHPs into Action on Cancer (draft)')
    expect(await titleOf([releaseId])).toBe('AHPs into Action on Cancer')
    // a stack: the first perspective that has the document wins; the overlay keeps the published _id
    expect(await titleOf(['drafts', releaseId])).toBe('AHPs into Action on Cancer (draft)')
    const overlaid = await sanity.fetch<{_id: string; _originalId: string}>(`*[_id == $id][0]{_id, _originalId}`, {id: CANCER}, {perspective: [releaseId, 'drafts']})
    expect(overlaid).toEqual({_id: CANCER, _originalId: `versions.${releaseId}.${CANCER}`})
    // an unpublish version hides the document in its release's perspective
    expect(await sanity.fetch('defined(*[_id == $id][0])', {id: ENGAGEMENT}, {perspective: [releaseId]})).toBe(false)

    expect(await sanity.fetch('*[sanity::partOfRelease($r)]._id | order(@)', {r: releaseId}, {perspective: 'raw'})).toEqual(
      [`versions.${releaseId}.${ENGAGEMENT}`, `versions.${releaseId}.${NEXT}`, `versions.${releaseId}.${CANCER}`].sort(),
    )
    expect(await sanity.fetch('*[sanity::versionOf($id)]._id | order(@)', {id: CANCER}, {perspective: 'raw'})).toEqual(
      [`drafts.${CANCER}`, CANCER, `versions.${releaseId}.${CANCER}`].sort(),
    )
    expect(await sanity.fetch('releases::all()[].name', {}, {perspective: 'raw'})).toEqual([releaseId])
    expect(await sanity.releases.fetchDocuments({releaseId})).toMatchObject({result: []}) // published perspective: versions hidden
  })

  test('version documents are invisible to API versions before v2025-02-19', async () => {
    const server = await start()
    const releaseId = await nextChapterRelease(server)
    const old = server.client({apiVersion: '2021-06-07'})
    expect(await old.fetch('count(*[_id in path("versions.**")])')).toBe(0)
    expect(await old.getDocument(`versions.${releaseId}.${NEXT}`)).toBeUndefined()
    const current = server.client({apiVersion: '2025-02-19'})
    expect(await current.fetch('count(*[_id in path("versions.**")])', {}, {perspective: 'raw'})).toBe(3)
    expect(await current.getDocument(`versions.${releaseId}.${NEXT}`)).toMatchObject({title: 'AHPs into Action: Next Chapter'})
  })

  test('listeners see version documents only with includeAllVersions', async () => {
    const server = await start()
    await server.sanity.releases.create({releaseId: 'listen', metadata: {title: 'Listen'}})
    const seen = {all: [] as string[], plain: [] as string[]}
    const all = server.sanity.listen('*[_type == "framework"]', {}, {includeAllVersions: true, events: ['mutation']}).subscribe((e) => {
      if (e.type === 'mutation') seen.all.push(e.documentId)
    })
    const plain = server.sanity.listen('*[_type == "framework"]', {}, {events: ['mutation']}).subscribe((e) => {
      if (e.type === 'mutation') seen.plain.push(e.documentId)
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    await server.sanity.createVersion({baseId: ENGAGEMENT, publishedId: ENGAGEMENT, releaseId: 'listen'})
    await server.sanity.patch(ENGAGEMENT).set({title: 'Engagement (closed)'}).commit()
    await expect.poll(() => seen.all.length).toBe(2)
    await expect.poll(() => seen.plain.length).toBe(1)
    all.unsubscribe()
    plain.unsubscribe()
    expect(seen.all).toEqual([`versions.listen.${ENGAGEMENT}`, ENGAGEMENT])
    expect(seen.plain).toEqual([ENGAGEMENT])
  })
})

describe('release and version actions', () => {
  test('all-or-nothing per request, and dryRun commits nothing', async () => {
    const server = await start()
    const {sanity} = server
    await expect(
      sanity.action([
        {actionType: 'sanity.action.release.create', releaseId: 'atomic', metadata: {title: 'Atomic', releaseType: 'asap'}},
        {actionType: 'sanity.action.release.schedule', releaseId: 'missing', publishAt: '2030-01-01T00:00:00Z'},
      ]),
    ).rejects.toThrow(/Release "missing" does not exist/)
    expect(await sanity.releases.get({releaseId: 'atomic'})).toBeUndefined()
    await sanity.action({actionType: 'sanity.action.release.create', releaseId: 'probe', metadata: {title: 'Probe'}}, {dryRun: true})
    expect(await sanity.releases.get({releaseId: 'probe'})).toBeUndefined()
    const created = await sanity.releases.create({releaseId: 'probe'})
    expect(created.metadata.releaseType).toBe('undecided')
    await expect(sanity.releases.create({releaseId: 'probe'})).rejects.toThrow(/already exists/)
    // the Studio probes permissions with dry runs and remembers a refusal: an empty release passes a dry-run publish
    await expect(sanity.releases.publish({releaseId: 'probe'}, {dryRun: true})).resolves.toMatchObject({transactionId: expect.any(String)})
    await expect(sanity.releases.publish({releaseId: 'probe'})).rejects.toThrow(/it has no documents/)
    // and its schedule probe sends publishAt = now
    await expect(sanity.releases.schedule({releaseId: 'probe', publishAt: server.clock.now().toISOString()}, {dryRun: true})).resolves.toBeDefined()
    await expect(sanity.releases.schedule({releaseId: 'probe', publishAt: server.clock.now().toISOString()})).rejects.toThrow(/in the past/)
    expect(await sanity.releases.get({releaseId: 'probe'})).toMatchObject({state: 'active'})
  })

  test('edit, schedule, unschedule, archive, unarchive and delete follow the release states', async () => {
    const server = await start()
    const {sanity} = server
    const releaseId = await nextChapterRelease(server)
    await sanity.releases.edit({releaseId, patch: {set: {'metadata.description': 'Goes live at the conference'}}})
    expect((await sanity.releases.get({releaseId}))?.metadata.description).toBe('Goes live at the conference')
    await expect(sanity.releases.edit({releaseId, patch: {set: {state: 'published'}}})).rejects.toThrow(/metadata only/)

    await sanity.releases.schedule({releaseId, publishAt: '2026-12-01T09:00:00Z'})
    // a scheduled release is locked
    await expect(sanity.discardVersion({releaseId, publishedId: NEXT})).rejects.toThrow(/unschedule it/)
    await expect(sanity.releases.archive({releaseId})).rejects.toThrow(/scheduled; unschedule it first/)
    await expect(
      sanity.action({actionType: 'sanity.action.document.edit', draftId: `versions.${releaseId}.${NEXT}`, publishedId: NEXT, patch: {set: {title: 'Too late'}}}),
    ).rejects.toThrow(/unschedule it to change its documents/)
    await sanity.releases.unschedule({releaseId})
    expect(await sanity.releases.get({releaseId})).toMatchObject({state: 'active'})
    expect((await sanity.releases.get({releaseId}))?.publishAt).toBeUndefined()

    await sanity.discardVersion({releaseId, publishedId: CANCER})
    await sanity.releases.archive({releaseId})
    expect(await sanity.fetch('count(*[sanity::partOfRelease($releaseId)])', {releaseId}, {perspective: 'raw'})).toBe(0)
    expect((await sanity.releases.get({releaseId}))?.finalDocumentStates).toHaveLength(2)
    await expect(sanity.releases.publish({releaseId})).rejects.toThrow(/it is archived/)
    await sanity.releases.unarchive({releaseId})
    expect(await sanity.fetch('*[sanity::partOfRelease($releaseId)]{_id, title, _system}', {releaseId}, {perspective: 'raw'})).toEqual(
      expect.arrayContaining([
        expect.objectContaining({_id: `versions.${releaseId}.${NEXT}`, title: 'AHPs into Action: Next Chapter'}),
        expect.objectContaining({_id: `versions.${releaseId}.${ENGAGEMENT}`, _system: {delete: true}}),
      ]),
    )
    await expect(sanity.releases.delete({releaseId})).rejects.toThrow(/archive it first/)
    await sanity.releases.publish({releaseId})
    expect(await sanity.fetch(PUBLISHED_STATE, {}, {perspective: 'published'})).toMatchObject({next: AFTER.next, engagement: false})
    await sanity.releases.delete({releaseId})
    expect(await sanity.releases.get({releaseId})).toBeUndefined()
  })

  test('document.version.create from a base, replace, and unpublish of a document that is not published', async () => {
    const server = await start()
    const {sanity} = server
    await sanity.releases.create({releaseId: 'r1', metadata: {title: 'R1'}})
    const base = await sanity.getDocument(CANCER)
    await sanity.createVersion({baseId: CANCER, publishedId: CANCER, releaseId: 'r1', ifBaseRevisionId: base?._rev})
    const version = await sanity.getDocument(`versions.r1.${CANCER}`)
    expect(version).toMatchObject({title: 'AHPs into Action on Cancer', _system: {base: {id: CANCER, rev: base?._rev}}})
    await sanity.replaceVersion({document: {...(version as SanityDocument), title: 'Replaced'}, releaseId: 'r1', publishedId: CANCER})
    expect((await sanity.getDocument(`versions.r1.${CANCER}`))?.title).toBe('Replaced')
    await expect(sanity.unpublishVersion({releaseId: 'r1', publishedId: 'framework-that-never-was'})).rejects.toThrow(/not published/)
    await expect(sanity.createVersion({baseId: CANCER, publishedId: CANCER, releaseId: 'nope'})).rejects.toThrow(/Release "nope" does not exist/)
  })
})
