import https from 'node:https'

import type {LiveEvent, SanityClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {startTestServer, type TestServer} from '../server/helpers'

/**
 * The Live Content API with the real @sanity/client: query responses carry syncTags, and
 * `client.live.events()` tells of a publish that changes a query's result with one of them.
 */

let t: TestServer
let client: SanityClient

const PROFESSIONS = '*[_type == "profession"] | order(_id) {_id, title}'

interface RawStream {
  events: {event: string; id?: string; data: unknown}[]
  status: number
  waitFor(predicate: (event: {event: string; id?: string; data: unknown}) => boolean): Promise<{event: string; id?: string; data: unknown}>
  close(): void
}

/** Reads a server-sent event stream with node:https, so tests can send Last-Event-ID and see every event. */
function openStream(path: string, headers: Record<string, string> = {}): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const events: RawStream['events'] = []
    const waiters: {predicate: Parameters<RawStream['waitFor']>[0]; resolve: (e: RawStream['events'][number]) => void}[] = []
    let buffer = ''
    const req = https.request(`${t.server.url}${path}`, {headers: {accept: 'text/event-stream', ...headers}, ca: t.server.tls.ca}, (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':') && line.includes(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]))
          if (!fields.event) continue
          const event = {event: fields.event, id: fields.id, data: fields.data ? JSON.parse(fields.data) : undefined}
          events.push(event)
          for (const waiter of [...waiters]) {
            if (waiter.predicate(event)) {
              waiters.splice(waiters.indexOf(waiter), 1)
              waiter.resolve(event)
            }
          }
        }
      })
      resolve({
        events,
        status: res.statusCode ?? 0,
        waitFor: (predicate) => {
          const found = events.find(predicate)
          return found ? Promise.resolve(found) : new Promise((done) => waiters.push({predicate, resolve: done}))
        },
        close: () => req.destroy(),
      })
    })
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error)
    })
    req.end()
  })
}

beforeAll(async () => {
  t = await startTestServer({maxListenersPerCaller: 3})
  t.server.store.create('test')
  client = t.client()
  await client
    .transaction()
    .createOrReplace({_id: 'profession-physio', _type: 'profession', title: 'Physiotherapists'})
    .createOrReplace({_id: 'organisation-hcpc', _type: 'organisation', title: 'HCPC'})
    .commit()
})

afterAll(async () => {
  await t.close()
})

describe('syncTags', () => {
  test('a query response carries syncTags; a query that pins no type gets the dataset tag; one that reads no document gets none', async () => {
    const {syncTags} = await client.fetch(PROFESSIONS, {}, {filterResponse: false})
    expect(syncTags).toEqual([expect.stringMatching(/^s1:/)])
    const byParam = await client.fetch('*[_type == $type]', {type: 'profession'}, {filterResponse: false})
    expect(byParam.syncTags).toEqual(syncTags)
    const organisations = await client.fetch('*[_type == "organisation"]', {}, {filterResponse: false})
    expect(organisations.syncTags).not.toEqual(syncTags)
    const withReference = await client.fetch('*[_type == "profession"]{regulator->}', {}, {filterResponse: false})
    expect(withReference.syncTags).toHaveLength(1)
    expect(withReference.syncTags).not.toEqual(syncTags)
    expect((await client.fetch('1 + 1', {}, {filterResponse: false})).syncTags).toEqual([])
  })
})

describe('client.live.events()', () => {
  test('a publish that changes a query result arrives as a message with one of its syncTags; the query refetched with lastLiveEventId shows it', async () => {
    const {syncTags} = await client.fetch(PROFESSIONS, {}, {filterResponse: false})
    const received: LiveEvent[] = []
    let notify = () => {}
    const subscription = client.live.events().subscribe((event) => {
      received.push(event)
      notify()
    })
    const next = (predicate: (event: LiveEvent) => boolean) =>
      new Promise<LiveEvent>((resolve) => {
        const check = () => {
          const found = received.find(predicate)
          if (found) resolve(found)
        }
        notify = check
        check()
      })
    try {
      await next((event) => event.type === 'welcome')
      const latencies: number[] = []
      for (let round = 1; round <= 10; round++) {
        const started = performance.now()
        const before = received.length
        await client.patch('profession-physio').set({title: `Physiotherapists ${round}`}).commit()
        const message = await next((event) => received.indexOf(event) >= before && event.type === 'message' && event.tags.some((tag) => syncTags?.includes(tag)))
        latencies.push(performance.now() - started)
        if (round === 10) {
          const refetched = await client.fetch<{title: string}[]>(PROFESSIONS, {}, {lastLiveEventId: message.type === 'message' ? message.id : undefined})
          expect(refetched[0]!.title).toBe('Physiotherapists 10')
        }
      }
      latencies.sort((a, b) => a - b)
      console.log(`live: publish to message p50 ${latencies[5]!.toFixed(1)} ms, max ${latencies[9]!.toFixed(1)} ms (publish round trip included)`)

      // a change to another type is told with its own tag, not this query's
      const before = received.length
      await client.patch('organisation-hcpc').set({title: 'Health and Care Professions Council'}).commit()
      const other = await next((event) => received.indexOf(event) >= before && event.type === 'message')
      expect(other.type === 'message' && other.tags.some((tag) => syncTags?.includes(tag))).toBe(false)
    } finally {
      subscription.unsubscribe()
    }
  })
})

describe('the live events stream', () => {
  test('drafts are told only to signed-in callers that ask for them', async () => {
    const anonymous = await t.request('/v2025-02-19/data/live/events/test?includeDrafts=true', {headers: {accept: 'text/event-stream'}})
    expect(anonymous.status).toBe(401)
    const published = await openStream('/v2025-02-19/data/live/events/test')
    const drafts = await openStream('/v2025-02-19/data/live/events/test?includeDrafts=true', {authorization: `Bearer ${t.adminToken}`})
    try {
      await published.waitFor((e) => e.event === 'welcome')
      await drafts.waitFor((e) => e.event === 'welcome')
      await client.createOrReplace({_id: 'drafts.profession-physio', _type: 'profession', title: 'Draft'})
      await drafts.waitFor((e) => e.event === 'message')
      await client.patch('organisation-hcpc').set({title: 'HCPC'}).commit()
      // the published stream's first message is the organisation's, not the draft's
      const first = await published.waitFor((e) => e.event === 'message')
      const orgTags = (await client.fetch('*[_type == "organisation"]', {}, {filterResponse: false})).syncTags
      expect((first.data as {tags: string[]}).tags).toEqual(expect.arrayContaining(orgTags ?? []))
      expect(published.events.filter((e) => e.event === 'message')).toHaveLength(1)
    } finally {
      published.close()
      drafts.close()
    }
  })

  test('Last-Event-ID resumes after what the client saw; an unknown position gets restart', async () => {
    const first = await openStream('/v2025-02-19/data/live/events/test')
    await first.waitFor((e) => e.event === 'welcome')
    await client.patch('profession-physio').set({title: 'A'}).commit()
    const seen = await first.waitFor((e) => e.event === 'message')
    first.close()
    await client.patch('profession-physio').set({title: 'B'}).commit()
    const resumed = await openStream('/v2025-02-19/data/live/events/test', {'last-event-id': seen.id!})
    try {
      const missed = await resumed.waitFor((e) => e.event === 'message')
      expect(missed.id).not.toBe(seen.id)
    } finally {
      resumed.close()
    }
    const stale = await openStream('/v2025-02-19/data/live/events/test', {'last-event-id': 'bm90LWEtcG9zaXRpb24'})
    try {
      expect((await stale.waitFor(() => true)).event).toBe('restart')
    } finally {
      stale.close()
    }
  })

  test('streams count against the per-caller listener cap: past it, goaway', async () => {
    const open = await Promise.all([1, 2, 3].map(() => openStream('/v2025-02-19/data/live/events/test')))
    try {
      await Promise.all(open.map((stream) => stream.waitFor((e) => e.event === 'welcome')))
      const extra = await openStream('/v2025-02-19/data/live/events/test')
      const event = await extra.waitFor(() => true)
      extra.close()
      expect(event.event).toBe('goaway')
    } finally {
      for (const stream of open) stream.close()
    }
    // closed streams give their places back
    await expect
      .poll(async () => {
        const again = await openStream('/v2025-02-19/data/live/events/test')
        const event = await again.waitFor(() => true)
        again.close()
        return event.event
      })
      .toBe('welcome')
  })
})
