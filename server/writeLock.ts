import type {Dataset} from './store.js'

/**
 * Serialises writes per dataset: one transaction is built and committed at a time. Shared by the
 * HTTP handler and the release scheduler, so a scheduled publish never interleaves with a request.
 */
const writeLocks = new WeakMap<Dataset, Promise<unknown>>()

export function withWriteLock<T>(dataset: Dataset, fn: () => Promise<T>): Promise<T> {
  const previous = writeLocks.get(dataset) ?? Promise.resolve()
  const next = previous.then(fn, fn)
  writeLocks.set(
    dataset,
    next.catch(() => {}),
  )
  return next
}
