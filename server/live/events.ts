import {randomBytes} from 'node:crypto'
import {EventEmitter} from 'node:events'

import type {Dataset} from '../store.js'
import type {CommittedTransaction} from '../types.js'
import {tagsForChange} from './tags.js'

/**
 * The Live Content API's events for one dataset: each transaction becomes one event with the
 * tags it invalidates, numbered by the transaction's sequence. The last `BUFFERED` events are
 * kept, so a client that reconnects with `Last-Event-ID` gets what it missed; an id from before
 * that, or from before the server started, gets `restart` (hosted Sanity does the same).
 */

export interface LiveEvent {
  id: string
  seq: number
  /** tags of published documents' changes, for everyone */
  tags: string[]
  /** tags of every change (drafts, versions, system documents too), for `includeDrafts` */
  allTags: string[]
}

export const BUFFERED = 1000

/** Changes the server started after: ids from another run are not positions in this stream. */
const BOOT = randomBytes(4).toString('hex')

export function encodeEventId(seq: number): string {
  return Buffer.from(`${BOOT}:${seq}`).toString('base64url')
}

/** The sequence an event id stands for, or undefined when it is not one of this run's ids. */
export function decodeEventId(id: string): number | undefined {
  const [boot, seq] = Buffer.from(id, 'base64url').toString('utf8').split(':')
  const value = Number(seq)
  return boot === BOOT && Number.isSafeInteger(value) && value >= 0 ? value : undefined
}

const isPublishedId = (id: string) => !id.includes('.')

export class LiveHub {
  readonly emitter = new EventEmitter()
  private readonly buffer: LiveEvent[] = []
  /** the sequence of the last transaction seen: the stream's position when nothing happened yet */
  private last: number

  constructor(readonly dataset: Dataset) {
    this.emitter.setMaxListeners(0)
    this.last = 0
    dataset.events.on('transaction', (tx: CommittedTransaction) => this.onTransaction(tx))
  }

  private onTransaction(tx: CommittedTransaction): void {
    const tags = new Set<string>()
    const allTags = new Set<string>()
    for (const change of tx.changes) {
      const changeTags = tagsForChange(change)
      for (const t of changeTags) allTags.add(t)
      if (isPublishedId(change.id)) for (const t of changeTags) tags.add(t)
    }
    this.last = tx.seq
    const event: LiveEvent = {id: encodeEventId(tx.seq), seq: tx.seq, tags: [...tags].sort(), allTags: [...allTags].sort()}
    this.buffer.push(event)
    if (this.buffer.length > BUFFERED) this.buffer.shift()
    this.emitter.emit('event', event)
  }

  /** The current position, for `welcome`. */
  position(): string {
    return encodeEventId(this.last)
  }

  /** Events after `lastEventId`, or undefined when it is not a usable position (the client gets `restart`). */
  since(lastEventId: string): LiveEvent[] | undefined {
    const seq = decodeEventId(lastEventId)
    if (seq === undefined || seq > this.last) return undefined
    const oldest = this.buffer[0]
    if (oldest && seq < oldest.seq - 1) return undefined
    if (!oldest && seq !== this.last) return undefined
    return this.buffer.filter((event) => event.seq > seq)
  }
}

const hubs = new WeakMap<Dataset, LiveHub>()

export function liveHub(dataset: Dataset): LiveHub {
  let hub = hubs.get(dataset)
  if (!hub) {
    hub = new LiveHub(dataset)
    hubs.set(dataset, hub)
  }
  return hub
}
