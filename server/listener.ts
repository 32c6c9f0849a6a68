import {randomBytes} from 'node:crypto'
import type {ExprNode} from 'groq-js'
import {evaluateOver} from './query.js'
import type {Dataset} from './store.js'
import type {CommittedChange, CommittedTransaction, SanityDocument} from './types.js'

/**
 * The listener (`GET /data/listen/<ds>`): server-sent events. `welcome` first, then one `mutation`
 * event per changed document that matches the query's filter before or after the change.
 */

export interface ListenOptions {
  filter: ExprNode
  params: Record<string, unknown>
  includeResult: boolean
  includeMutations: boolean
  includeAllVersions: boolean
  effects: boolean
  publicOnly: boolean
  keepAliveMs: number
  signal: AbortSignal
}

const encoder = new TextEncoder()

const sse = (event: string, data: unknown, id?: string) =>
  encoder.encode(`event: ${event}\n${id ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`)

async function matches(doc: SanityDocument | null, options: ListenOptions): Promise<boolean> {
  if (!doc) return false
  if (options.publicOnly && doc._id.includes('.')) return false
  if (!options.includeAllVersions && doc._id.startsWith('versions.')) return false
  const result = await evaluateOver(options.filter, [doc], options.params, {signal: options.signal})
  return Array.isArray(result) ? result.length > 0 : result !== null && result !== undefined && result !== false
}

function mutationEvent(tx: CommittedTransaction, change: CommittedChange, index: number, transition: string, options: ListenOptions) {
  const event: Record<string, unknown> = {
    eventId: `${tx.id}#${change.id}`,
    documentId: change.id,
    transactionId: tx.id,
    transition,
    identity: tx.author,
  }
  if (options.includeMutations) event.mutations = change.mutations
  if (change.before?._rev) event.previousRev = change.before._rev
  event.resultRev = tx.id
  if (options.includeResult && transition !== 'disappear' && change.after) event.result = change.after
  event.timestamp = tx.timestamp
  event.visibility = 'query'
  event.transactionTotalEvents = tx.changes.length
  event.transactionCurrentEvent = index + 1
  if (options.effects) event.effects = change.effects
  return event
}

export function listenResponse(dataset: Dataset, options: ListenOptions, headers: Headers): Response {
  let cleanup = () => {}
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false
      let queue = Promise.resolve()
      const send = (chunk: Uint8Array) => {
        if (!closed) controller.enqueue(chunk)
      }
      const onTransaction = (tx: CommittedTransaction) => {
        queue = queue.then(async () => {
          for (const [index, change] of tx.changes.entries()) {
            const before = await matches(change.before, options)
            const after = await matches(change.after, options)
            if (!before && !after) continue
            const transition = before && after ? 'update' : after ? 'appear' : 'disappear'
            const event = mutationEvent(tx, change, index, transition, options)
            send(sse('mutation', event, String(event.eventId)))
          }
        }).catch((err: unknown) => {
          send(sse('channelError', {message: err instanceof Error ? err.message : String(err)}))
        })
      }
      const keepAlive = setInterval(() => send(encoder.encode(': keep-alive\n\n')), options.keepAliveMs)
      keepAlive.unref()
      cleanup = () => {
        if (closed) return
        closed = true
        clearInterval(keepAlive)
        dataset.events.off('transaction', onTransaction)
        dataset.events.off('close', onAbort)
        options.signal.removeEventListener('abort', onAbort)
        try {
          controller.close()
        } catch {
          // already closed by the consumer
        }
      }
      const onAbort = () => cleanup()
      options.signal.addEventListener('abort', onAbort)
      dataset.events.on('transaction', onTransaction)
      dataset.events.on('close', onAbort)
      send(sse('welcome', {listenerName: `L${randomBytes(8).toString('hex')}`}))
    },
    cancel() {
      cleanup()
    },
  })
  headers.set('content-type', 'text/event-stream; charset=utf-8')
  headers.set('cache-control', 'no-cache, no-transform')
  headers.set('x-accel-buffering', 'no')
  return new Response(stream, {status: 200, headers})
}
