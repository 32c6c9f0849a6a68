import {ApiError} from '../errors.js'

/**
 * A query's budget: a time limit and the request's abort signal, enforced by the cooperative
 * sources that stand in for `*` and for large candidate lists (see `cooperativeSource`).
 *
 * groq-js's async `evaluate` only ever awaits microtasks, so on its own it never gives the event
 * loop back. Each cooperative source is an async generator that, once the turn's few milliseconds
 * of query work are used up, waits for a later turn (`setImmediate`, one query resumed a turn): I/O
 * and timers run, and a stopped budget ends every source at its next item. Sources end quietly rather than throw (a throw inside a groq-js StreamValue that no
 * one awaits any more would be an unhandled rejection); `runQuery` then answers the budget's error.
 *
 * Residual risk, stated plainly: work groq-js does between two items of a source has no yield
 * point. Nested iteration over one huge array inside a single document, `order()` sorting a large
 * array, or a small array literal expanded many times run to completion before the next check.
 */

export const DEFAULT_QUERY_TIMEOUT_MS = 10_000
export const DEFAULT_MAX_RESULT_BYTES = 64 * 1024 * 1024

/** Wall time query work may run in one turn of the event loop, across all queries (1 ms: a lookup beside four runaways p50 48 -> 29 ms in bench:server; each turn costs some 20-50 µs) */
const SLICE_MS = 1

/**
 * One slice per turn of the event loop, shared by every running query: a source whose slice is used
 * up waits in line, and each turn resumes only the first in line. Four runaway queries then take
 * one slice a turn between them, not four, and the I/O of other requests runs in every turn.
 */
const waiting: (() => void)[] = []
let scheduled = false
let sliceStart = 0
/** whether this turn's slice was given out; closed at the turn's end, so an idle server never makes a query wait */
let sliceOpen = false

function openSlice(): void {
  sliceStart = performance.now()
  if (sliceOpen) return
  sliceOpen = true
  setImmediate(() => (sliceOpen = false))
}

function resumeNext(): void {
  scheduled = false
  openSlice()
  waiting.shift()?.()
  if (waiting.length > 0) schedule()
}

function schedule(): void {
  if (scheduled) return
  scheduled = true
  setImmediate(resumeNext)
}

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`)
  return value
}

export const defaultQueryTimeoutMs = () => envNumber('AHP_QUERY_TIMEOUT_MS', DEFAULT_QUERY_TIMEOUT_MS)
export const defaultMaxResultBytes = () => envNumber('AHP_QUERY_MAX_RESULT_BYTES', DEFAULT_MAX_RESULT_BYTES)

export function timeoutError(timeoutMs: number): ApiError {
  return new ApiError(
    408,
    'queryTimeout',
    `Query exceeded the time limit of ${timeoutMs} ms (AHP_QUERY_TIMEOUT_MS) and was stopped: narrow its filters, or paginate with slices`,
    {timeoutMs},
  )
}

export function abortedError(): ApiError {
  // 499: the client went away; nobody reads this answer, but logs do
  return new ApiError(499, 'queryAborted', 'Query stopped: the request was aborted')
}

/** Items yielded by every cooperative source since the process started: tests watch it to see evaluation stop. */
let itemsYielded = 0
export const cooperativeItems = () => itemsYielded

export class QueryBudget {
  /** set once the query must stop; every source ends at its next item */
  stopped: ApiError | undefined
  private readonly timer: NodeJS.Timeout
  private readonly onAbort = () => this.stop(abortedError())
  private readonly listeners: ((err: ApiError) => void)[] = []

  constructor(
    readonly timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.stop(timeoutError(timeoutMs)), timeoutMs)
    this.timer.unref()
    if (signal?.aborted) this.stop(abortedError())
    else signal?.addEventListener('abort', this.onAbort, {once: true})
  }

  stop(err: ApiError): void {
    if (this.stopped) return
    this.stopped = err
    for (const listener of this.listeners.splice(0)) listener(err)
  }

  /** Resolves with the budget's error when it stops (never rejects). */
  whenStopped(): Promise<ApiError> {
    return new Promise((resolve) => (this.stopped ? resolve(this.stopped) : this.listeners.push(resolve)))
  }

  /** At each item: true once this turn's slice is used up and the source should `pause()`. */
  due(): boolean {
    if (!sliceOpen && waiting.length === 0) {
      openSlice()
      return false
    }
    return performance.now() - sliceStart >= SLICE_MS
  }

  /** Waits in line for a later turn of the event loop (I/O, timers and other requests run first). */
  pause(): Promise<void> {
    return new Promise((resolve) => {
      waiting.push(resolve)
      schedule()
    })
  }

  /** Runs `evaluation`, answering the budget's error as soon as it stops; a late rejection is absorbed. */
  async run<T>(evaluation: Promise<T>): Promise<T> {
    evaluation.catch(() => {})
    try {
      const outcome = await Promise.race([evaluation.then((value) => ({value})), this.whenStopped().then((error) => ({error}))])
      if ('error' in outcome) throw outcome.error
      // a source that ended early leaves a partial result: never answer it
      if (this.stopped) throw this.stopped
      return outcome.value
    } finally {
      this.dispose()
    }
  }

  dispose(): void {
    clearTimeout(this.timer)
    this.signal?.removeEventListener('abort', this.onAbort)
    // sources still running see `stopped` at their next item and end
    if (!this.stopped) this.stopped = abortedError()
    this.listeners.length = 0
  }
}

/**
 * An object groq-js `fromJS` turns into a fresh StreamValue each time a Parameter node is
 * evaluated: it has `next` (what `fromJS` tests for) and a new cooperative generator per
 * `for await`. `scopeFromOptions` copies params with `{...params}`, which keeps this object as is.
 */
export function cooperativeSource<T>(items: readonly T[], budget: QueryBudget): AsyncIterable<T> & {next(): never} {
  return {
    next(): never {
      throw new Error('cooperativeSource is iterated with for await only')
    },
    async *[Symbol.asyncIterator]() {
      for (const item of items) {
        if (budget.due()) await budget.pause()
        if (budget.stopped) return
        itemsYielded++
        yield item
      }
    },
  }
}
