import type {SanityClient} from '@sanity/client'
import {afterEach, describe, expect, test} from 'vitest'
import {START, startReleaseServer, type ReleaseServer} from './helpers.js'

/**
 * References as the Content Lake keeps them, through @sanity/client against the real server: a
 * document that published documents refer to strongly cannot be deleted or unpublished, by a
 * mutation, an action or a release (409 naming the referrers, nothing changed).
 */

const NHS_ENGLAND = 'organisation-nhs-england'
/** the base fixture's two frameworks that name NHS England as their publisher */
const REFERRERS = ['framework-ahps-into-action', 'framework-ahps-into-action-next-chapter-engagement']

let running: ReleaseServer[] = []
async function start(): Promise<ReleaseServer> {
  const server = await startReleaseServer()
  running.push(server)
  return server
}
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()))
  running = []
})

interface RefusedBody {
  error: {type: string; description: string; items: {error: {type: string; id: string; referencingIDs: string[]}}[]}
}

/** The refusal a call ends in: its status and Sanity's error body. */
async function refusal(promise: Promise<unknown>): Promise<{status: number; body: RefusedBody}> {
  try {
    await promise
  } catch (err) {
    const e = err as {statusCode: number; response: {body: RefusedBody}}
    return {status: e.statusCode, body: e.response.body}
  }
  throw new Error('expected the server to refuse, but it accepted')
}

function expectReferencesError(refused: {status: number; body: RefusedBody}, id = NHS_ENGLAND, referrers = REFERRERS): void {
  expect(refused.status).toBe(409)
  expect(refused.body.error.type).toBe('mutationError')
  expect(refused.body.error.description).toContain(`Document "${id}" cannot be deleted as there are references to it from "${referrers[0]}"`)
  expect(refused.body.error.items).toEqual([
    expect.objectContaining({error: expect.objectContaining({type: 'documentHasExistingReferencesError', id, referencingIDs: referrers})}),
  ])
}

/** Every document id of the dataset, drafts and versions included, with its revision. */
const snapshot = (sanity: SanityClient) => sanity.fetch<{_id: string; _rev: string}[]>('*{_id, _rev} | order(_id)', {}, {perspective: 'raw'})

const weaken = (sanity: SanityClient) =>
  REFERRERS.reduce((tx, id) => tx.patch(id, {set: {publisher: {_type: 'reference', _ref: NHS_ENGLAND, _weak: true}}}), sanity.transaction()).commit()

describe('a document that published documents refer to', () => {
  test('cannot be deleted by a mutation: 409 naming the referrers, nothing changed; once the references are weak it can', async () => {
    const {sanity} = await start()
    const before = await snapshot(sanity)
    expectReferencesError(await refusal(sanity.delete(NHS_ENGLAND)))
    // all or nothing: the other delete of the same transaction is not applied either
    expectReferencesError(await refusal(sanity.transaction().delete('quick-guide-ahps-into-action-on-cancer').delete(NHS_ENGLAND).commit()))
    expect(await snapshot(sanity)).toEqual(before)

    // deleting the referrers in the same transaction is allowed: nothing is left broken
    const ids = ['quick-guide-ahps-into-action-on-cancer', ...REFERRERS, NHS_ENGLAND]
    const deletedTogether = await ids.reduce((tx, id) => tx.delete(id), sanity.transaction()).commit({visibility: 'sync'})
    expect(deletedTogether.results.map((r) => r.id)).toEqual(ids)
    expect(await sanity.getDocument(NHS_ENGLAND)).toBeUndefined()
  })

  test('weak references do not block deleting', async () => {
    const {sanity} = await start()
    await weaken(sanity)
    await sanity.delete(NHS_ENGLAND)
    expect(await sanity.getDocument(NHS_ENGLAND)).toBeUndefined()
  })

  test('cannot be deleted or unpublished by an action; with weak references it can be unpublished', async () => {
    const {sanity} = await start()
    const before = await snapshot(sanity)
    expectReferencesError(await refusal(sanity.action({actionType: 'sanity.action.document.delete', publishedId: NHS_ENGLAND, includeDrafts: []})))
    expectReferencesError(
      await refusal(sanity.action({actionType: 'sanity.action.document.unpublish', publishedId: NHS_ENGLAND, draftId: `drafts.${NHS_ENGLAND}`})),
    )
    expect(await snapshot(sanity)).toEqual(before)

    await weaken(sanity)
    await sanity.action({actionType: 'sanity.action.document.unpublish', publishedId: NHS_ENGLAND, draftId: `drafts.${NHS_ENGLAND}`})
    expect(await sanity.getDocument(NHS_ENGLAND)).toBeUndefined()
    expect(await sanity.getDocument(`drafts.${NHS_ENGLAND}`)).toMatchObject({title: 'NHS England'})
  })

  test('a release that unpublishes it is not published, nor published by the scheduler; with weak references it is', async () => {
    const server = await start()
    const {sanity, clock} = server
    await sanity.releases.create({releaseId: 'retire-nhse', metadata: {title: 'Retire NHS England', releaseType: 'asap'}})
    await sanity.unpublishVersion({releaseId: 'retire-nhse', publishedId: NHS_ENGLAND})
    const before = await snapshot(sanity)
    expectReferencesError(await refusal(sanity.releases.publish({releaseId: 'retire-nhse'})))
    expect(await snapshot(sanity)).toEqual(before)

    // scheduled: at its time the release goes back to active, with the reason the Releases tool shows
    const publishAt = new Date(START.getTime() + 60 * 60 * 1000)
    await sanity.releases.schedule({releaseId: 'retire-nhse', publishAt: publishAt.toISOString()})
    clock.set(publishAt)
    const [outcome] = await server.server.scheduler.runDue()
    expect(outcome).toMatchObject({releaseId: 'retire-nhse', outcome: 'failed'})
    const failed = await sanity.releases.get({releaseId: 'retire-nhse'})
    expect(failed).toMatchObject({state: 'active', metadata: {title: 'Retire NHS England', releaseType: 'asap'}})
    expect(failed?.error?.message).toContain(`Document "${NHS_ENGLAND}" cannot be deleted as there are references to it from "${REFERRERS[0]}"`)
    expect(await sanity.getDocument(NHS_ENGLAND)).toMatchObject({title: 'NHS England'})

    await weaken(sanity)
    await sanity.releases.publish({releaseId: 'retire-nhse'})
    expect(await sanity.getDocument(NHS_ENGLAND)).toBeUndefined()
  })
})

describe('references made in drafts', () => {
  test('stay weak until publishing strengthens them, and then protect their target', async () => {
    const {sanity} = await start()
    const org = 'organisation-hcpc'
    const guide = 'quick-guide-ahps-into-action-on-cancer'
    // the Studio's way: a new organisation exists as a draft only; the guide's draft refers to it weakly
    await sanity.create({_id: `drafts.${org}`, _type: 'organisation', title: 'Health and Care Professions Council'})
    const weakRef = {_type: 'reference', _ref: org, _weak: true, _strengthenOnPublish: {type: 'organisation'}}
    await sanity.action({actionType: 'sanity.action.document.edit', publishedId: guide, draftId: `drafts.${guide}`, patch: {set: {regulator: weakRef}}})

    // publishing the guide while the organisation is unpublished keeps the reference weak and marked
    await sanity.action({actionType: 'sanity.action.document.publish', publishedId: guide, draftId: `drafts.${guide}`})
    expect((await sanity.getDocument(guide))?.regulator).toEqual(weakRef)

    // once the organisation is published, publishing the guide again makes the reference strong
    await sanity.action({actionType: 'sanity.action.document.publish', publishedId: org, draftId: `drafts.${org}`})
    await sanity.action({actionType: 'sanity.action.document.edit', publishedId: guide, draftId: `drafts.${guide}`, patch: {set: {summaryNote: 'republished'}}})
    await sanity.action({actionType: 'sanity.action.document.publish', publishedId: guide, draftId: `drafts.${guide}`})
    expect((await sanity.getDocument(guide))?.regulator).toEqual({_type: 'reference', _ref: org})
    expectReferencesError(await refusal(sanity.delete(org)), org, [guide])
  })
})
