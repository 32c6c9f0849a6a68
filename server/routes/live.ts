import {ApiError, unauthorized} from '../errors.js'
import {flag, type RequestContext, type Route} from '../http/router.js'
import {liveHub, type LiveEvent} from '../live/events.js'
import type {ServerDeps} from './deps.js'

/**
 * The Live Content API (`GET /data/live/events/<dataset>`), as @sanity/client's `live.events()`
 * and next-sanity's `defineLive` read it: server-sent events `welcome` (with the stream's
 * position as its id), `message` (`{tags}`: sync tags whose query results may have changed,
 * matched against the `syncTags` of query responses), `restart` (a `Last-Event-ID` that is no
 * longer a position: refetch everything) and `goaway` (this caller holds too many streams: poll
 * instead). Published changes for anyone; `includeDrafts=true` (or `includeAllDocuments=true`)
 * adds drafts, versions and system documents, for signed-in callers only. A stream takes a place
 * under the per-caller listener cap (AHP_MAX_LISTENERS) until it closes.
 */

const encoder = new TextEncoder()

const sse = (event: string, data: unknown, id?: string) =>
  encoder.encode(`event: ${event}\n${id ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`)

/** How long a client told to go away waits before it tries again (the SSE `retry` field). */
const GOAWAY_RETRY_MS = 60_000

export function liveRoutes(deps: ServerDeps): Route[] {
  const {limits} = deps

  function events(ctx: RequestContext): Response {
    const dataset = ctx.dataset()
    const includeDrafts = flag(ctx.url, 'includeDrafts') || flag(ctx.url, 'includeAllDocuments')
    if (includeDrafts && ctx.caller.role === null) {
      throw unauthorized('Unauthorized - includeDrafts needs a token with read access to drafts (a viewer token is enough)')
    }
    const hub = liveHub(dataset)
    ctx.headers.set('content-type', 'text/event-stream; charset=utf-8')
    ctx.headers.set('cache-control', 'no-cache, no-transform')
    ctx.headers.set('x-accel-buffering', 'no')

    let release: () => void
    try {
      release = limits.listeners.acquire(ctx.callerKey)
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 429) throw error
      // hosted Sanity's answer to a client past its connection limit: go away, poll instead
      const body = encoder.encode(`retry: ${GOAWAY_RETRY_MS}\n\n`)
      const goaway = sse('goaway', {reason: error.description})
      return new Response(new Blob([body, goaway]).stream(), {status: 200, headers: ctx.headers})
    }
    ctx.signal.addEventListener('abort', release, {once: true})
    if (ctx.signal.aborted) release()

    const lastEventId = ctx.request.headers.get('last-event-id')
    const tagsOf = (event: LiveEvent) => (includeDrafts ? event.allTags : event.tags)
    let cleanup = () => {}
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let closed = false
        const send = (chunk: Uint8Array) => {
          if (!closed) controller.enqueue(chunk)
        }
        const onEvent = (event: LiveEvent) => {
          const tags = tagsOf(event)
          if (tags.length > 0) send(sse('message', {tags}, event.id))
        }
        const keepAlive = setInterval(() => send(encoder.encode(': keep-alive\n\n')), limits.keepAliveMs)
        keepAlive.unref()
        const onAbort = () => cleanup()
        cleanup = () => {
          if (closed) return
          closed = true
          clearInterval(keepAlive)
          hub.emitter.off('event', onEvent)
          dataset.events.off('close', onAbort)
          ctx.signal.removeEventListener('abort', onAbort)
          release()
          try {
            controller.close()
          } catch {
            // already closed by the consumer
          }
        }
        ctx.signal.addEventListener('abort', onAbort)
        dataset.events.on('close', onAbort)
        const missed = lastEventId ? hub.since(lastEventId) : []
        if (missed === undefined) send(sse('restart', {}, hub.position()))
        else {
          // a resumed stream keeps its position: the events it missed carry theirs
          send(sse('welcome', {}, lastEventId ? undefined : hub.position()))
          for (const event of missed) onEvent(event)
        }
        hub.emitter.on('event', onEvent)
      },
      cancel() {
        cleanup()
      },
    })
    return new Response(stream, {status: 200, headers: ctx.headers})
  }

  return [{method: 'GET', path: '/data/live/events/:dataset', access: 'anyone', handle: events}]
}
