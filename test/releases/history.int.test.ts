import {applyPatch} from 'mendoza'
import {afterEach, describe, expect, test} from 'vitest'
import {fillRelease, releaseFixture, START, startReleaseServer, type ReleaseServer} from './helpers.js'

/**
 * The release page's activity walks a release's transactions newest first, applying each mendoza
 * `revert` to the release it holds, without its `_rev` (sanity's buildReleaseEditEvents and
 * applyMendozaPatch): every earlier state must be a release with its metadata, or the page fails
 * reading `metadata.releaseType`.
 */

let running: ReleaseServer[] = []
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()))
  running = []
})

interface HistoryLine {
  id: string
  effects: Record<string, {apply: unknown[]; revert: unknown[]}>
}

describe('a release published by the scheduler', () => {
  test('its history walks back to its creation through states that all have metadata', async () => {
    const server = await startReleaseServer()
    running.push(server)
    const {sanity, clock} = server
    const releaseId = 'next-chapter'
    await sanity.releases.create({releaseId, metadata: {title: 'AHPs into Action: Next Chapter', releaseType: 'scheduled'}})
    await fillRelease(sanity, releaseId, releaseFixture('next-chapter-release'))
    await sanity.releases.edit({releaseId, patch: {set: {'metadata.description': 'The new strategy goes live'}}})
    const publishAt = new Date(START.getTime() + 60 * 60_000)
    await sanity.releases.schedule({releaseId, publishAt: publishAt.toISOString()})
    // the release page was open before: it holds the transactions up to the scheduling
    const history = async (query: string) => {
      const res = await server.request(`/v2025-02-19/data/history/test/transactions/_.releases.${releaseId}?excludeContent=true&limit=100&includeIdentifiedDocumentsOnly=true&reverse=true&effectFormat=mendoza${query}`, {
        headers: {Authorization: `Bearer ${server.adminToken}`},
      })
      return res.body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as HistoryLine)
    }
    const scheduledRev = (await sanity.getDocument(`_.releases.${releaseId}`))?._rev
    const cached = await history(`&toTransaction=${scheduledRev}`)
    expect(cached[0]?.id).toBe(scheduledRev)
    clock.set(publishAt)
    expect(await server.server.scheduler.runDue()).toEqual([expect.objectContaining({outcome: 'published'})])
    const publishedRev = (await sanity.getDocument(`_.releases.${releaseId}`))?._rev
    const fresh = await history(`&fromTransaction=${scheduledRev}&toTransaction=${publishedRev}`)
    const seen = new Set<string>()
    const merged = [...fresh, ...cached].filter((line) => (seen.has(line.id) ? false : (seen.add(line.id), true)))
    expect(merged.map((l) => l.id)).toEqual([publishedRev, ...cached.map((l) => l.id)])

    const release = await sanity.getDocument(`_.releases.${releaseId}`)
    expect(release).toMatchObject({state: 'published', metadata: {title: 'AHPs into Action: Next Chapter', releaseType: 'scheduled'}})
    const res = await server.request(`/v2025-02-19/data/history/test/transactions/_.releases.${releaseId}?reverse=true&effectFormat=mendoza&excludeContent=true`, {
      headers: {Authorization: `Bearer ${server.adminToken}`},
    })
    const lines = res.body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as HistoryLine)
    expect(lines[0]?.id).toBe(release?._rev)
    // as the Studio applies effects: applyPatch(omitRev(document), patch)
    const {_rev: _omitted, ...withoutRev} = release ?? {}
    let current: unknown = withoutRev
    const states: unknown[] = []
    for (const line of lines) {
      const effect = line.effects[`_.releases.${releaseId}`]
      if (!effect) continue
      current = applyPatch(current, effect.revert)
      states.push(current)
    }
    // published ← scheduled ← edited ← created ← nothing
    expect(states.at(-1)).toBeNull()
    for (const state of states.slice(0, -1)) {
      expect(state).toMatchObject({_type: 'system.release', metadata: {title: 'AHPs into Action: Next Chapter', releaseType: 'scheduled'}})
    }
    expect(states.slice(0, -1).map((s) => (s as {state: string}).state)).toEqual(['scheduled', 'active', 'active'])
  })
})
