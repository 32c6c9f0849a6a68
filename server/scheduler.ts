import type {Clock} from './clock.js'
import {ApiError} from './errors.js'
import {newTransactionId} from './ids.js'
import {TransactionBuilder} from './mutations.js'
import {
  failedRelease,
  isReleaseDocument,
  publishRelease,
  RELEASE_PREFIX,
  ReleaseValidationError,
  type ReleaseDocument,
  type ReleaseValidator,
} from './releases.js'
import type {Dataset, Store} from './store.js'
import {withWriteLock} from './writeLock.js'

/**
 * Publishes scheduled releases when their `publishAt` comes, each in one SQLite transaction.
 * Before publishing it validates the release (the schema's rules); when anything fails nothing is
 * published and the release goes back to `active` with `error.message` (what the Studio shows).
 *
 * At start it runs once, so a release that came due while the server was down is published then.
 * Publishing twice is impossible: the release's state is re-read under the dataset's write lock,
 * and the commit checks inside its SQLite transaction that the release still has the revision it
 * was read at.
 */

export const SCHEDULER_AUTHOR = 'system:scheduler'

export interface SchedulerOptions {
  clock: Clock
  validate: ReleaseValidator | null
  /** how often to look for due releases; 0 turns the timer off (tests call `runDue()`); default 1000 ms */
  intervalMs?: number
  log?: (message: string) => void
  /** told after every sweep of the timer and the one at start (metrics): its outcomes, or the error that stopped it */
  onSweep?: (outcomes: DueOutcome[] | undefined, error?: unknown) => void
}

export interface DueOutcome {
  dataset: string
  releaseId: string
  outcome: 'published' | 'failed' | 'skipped'
  message?: string
  transactionId?: string
}

interface ScheduledEntry {
  id: string
  publishAt: number
}

export class ReleaseScheduler {
  private timer: NodeJS.Timeout | undefined
  private started = false
  private running: Promise<DueOutcome[]> | undefined
  private readonly cache = new WeakMap<Dataset, {version: number; scheduled: ScheduledEntry[]}>()

  constructor(
    private readonly store: Store,
    private readonly options: SchedulerOptions,
  ) {}

  /** Runs once now (catch-up after downtime), then on the timer. */
  async start(): Promise<DueOutcome[]> {
    this.started = true
    const first = await this.runDue().catch((err: unknown) => {
      this.options.onSweep?.(undefined, err)
      throw err
    })
    this.options.onSweep?.(first)
    const interval = this.options.intervalMs ?? 1000
    if (interval > 0 && !this.timer) {
      this.timer = setInterval(() => {
        // one sweep at a time from the timer; explicit runDue() calls may overlap and are safe
        this.running ??= this.runDue()
          .then((outcomes) => {
            this.options.onSweep?.(outcomes)
            return outcomes
          })
          .catch((err: unknown) => {
            this.options.log?.(`release scheduler sweep failed: ${err instanceof Error ? err.message : String(err)}`)
            this.options.onSweep?.(undefined, err)
            return []
          })
          .finally(() => {
            this.running = undefined
          })
      }, interval)
      this.timer.unref()
    }
    return first
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.started = false
  }

  /** Started and not stopped (with `intervalMs: 0` it runs only when asked, which counts as running). */
  get isRunning(): boolean {
    return this.started && (this.timer !== undefined || (this.options.intervalMs ?? 1000) <= 0)
  }

  /** Scheduled releases of a dataset, rebuilt only when the dataset changed. */
  private scheduled(dataset: Dataset): ScheduledEntry[] {
    const cached = this.cache.get(dataset)
    if (cached && cached.version === dataset.version) return cached.scheduled
    const scheduled: ScheduledEntry[] = []
    for (const [id, doc] of dataset.docs) {
      if (!id.startsWith(RELEASE_PREFIX) || !isReleaseDocument(doc) || doc.state !== 'scheduled' || !doc.publishAt) continue
      const at = Date.parse(doc.publishAt)
      if (!Number.isNaN(at)) scheduled.push({id, publishAt: at})
    }
    scheduled.sort((a, b) => a.publishAt - b.publishAt)
    this.cache.set(dataset, {version: dataset.version, scheduled})
    return scheduled
  }

  /** Publishes every release whose time has come, oldest first. */
  async runDue(): Promise<DueOutcome[]> {
    const outcomes: DueOutcome[] = []
    for (const dataset of this.store.list()) {
      const now = this.options.clock.now().getTime()
      const due = this.scheduled(dataset).filter((entry) => entry.publishAt <= now)
      for (const entry of due) {
        try {
          outcomes.push(await this.publishDue(dataset, entry.id))
        } catch (err) {
          // one release's trouble (a conflict while recording its failure) does not stop the others
          const message = err instanceof Error ? err.message : String(err)
          outcomes.push({dataset: dataset.name, releaseId: entry.id.slice(RELEASE_PREFIX.length), outcome: 'skipped', message})
        }
      }
    }
    return outcomes
  }

  private publishDue(dataset: Dataset, releaseDocId: string): Promise<DueOutcome> {
    const releaseId = releaseDocId.slice(RELEASE_PREFIX.length)
    return withWriteLock(dataset, async (): Promise<DueOutcome> => {
      const now = this.options.clock.now()
      const current = dataset.docs.get(releaseDocId)
      if (!isReleaseDocument(current) || current.state !== 'scheduled' || !current.publishAt || Date.parse(current.publishAt) > now.getTime()) {
        return {dataset: dataset.name, releaseId, outcome: 'skipped', message: 'no longer scheduled and due'}
      }
      const expect = [{id: releaseDocId, rev: current._rev ?? null}]
      const transactionId = newTransactionId()
      const tx = new TransactionBuilder(dataset, transactionId, now.toISOString())
      try {
        await publishRelease(tx, releaseId, 0, {now, validate: this.options.validate})
        dataset.commit({id: transactionId, timestamp: tx.timestamp, author: SCHEDULER_AUTHOR, changes: tx.changes(), expect})
        this.options.log?.(`published release "${releaseId}" (dataset ${dataset.name}) scheduled for ${current.publishAt}`)
        return {dataset: dataset.name, releaseId, outcome: 'published', transactionId}
      } catch (err) {
        if (err instanceof ApiError && err.type === 'conflict' && !(err instanceof ReleaseValidationError)) {
          return {dataset: dataset.name, releaseId, outcome: 'skipped', message: err.description}
        }
        const message =
          err instanceof ReleaseValidationError
            ? err.description
            : `Scheduled publishing of release "${releaseId}" failed: ${err instanceof ApiError ? err.description : err instanceof Error ? err.message : String(err)}`
        const failTx = new TransactionBuilder(dataset, newTransactionId(), now.toISOString())
        failTx.create(failedRelease(current as ReleaseDocument, message, err instanceof ReleaseValidationError ? err.problems : undefined), 0, 'createOrReplace')
        dataset.commit({id: failTx.transactionId, timestamp: failTx.timestamp, author: SCHEDULER_AUTHOR, changes: failTx.changes(), expect})
        this.options.log?.(`release "${releaseId}" (dataset ${dataset.name}) was not published: ${message}`)
        return {dataset: dataset.name, releaseId, outcome: 'failed', message}
      }
    })
  }
}
