import {existsSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {Counter, Gauge, Histogram, Registry, collectDefaultMetrics} from 'prom-client'
import {readBackupStatus} from './backup.js'
import type {RequestEvent} from './handler.js'
import type {DueOutcome} from './scheduler.js'
import type {Store} from './store.js'

/**
 * The server's Prometheus metrics (`GET /metrics`, a metrics token: `npm run token -- create
 * --role metrics`), through prom-client on a registry of its own. Request counts and latencies by
 * route template (never by raw path: ids would make a series each), query time, open event
 * streams and sockets, transactions and documents per dataset, scheduler sweeps and failures, the
 * size of every database, and the age of the last backup (server/backup.ts).
 */

export interface MetricsSources {
  store: Store
  dataDir: string
  /** open TCP/TLS connections */
  connections(): number
  /** open presence WebSockets */
  presenceSockets(): number
  /** open listener and live event streams */
  eventStreams(): number
  /** queries running now */
  queriesInFlight?(): number
}

const QUERY_ROUTES = new Set(['/data/query/:dataset'])

const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0)

export class ServerMetrics {
  readonly registry = new Registry()
  private readonly requests: Counter<'method' | 'route' | 'status'>
  private readonly latency: Histogram<'method' | 'route'>
  private readonly queries: Histogram<'route'>
  private readonly sweeps: Counter<'result'>
  private readonly releases: Counter<'outcome'>
  private sources: MetricsSources | undefined

  constructor() {
    collectDefaultMetrics({register: this.registry, prefix: 'ahp_'})
    this.requests = new Counter({
      name: 'ahp_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    })
    this.latency = new Histogram({
      name: 'ahp_http_request_duration_seconds',
      help: 'Time to answer an HTTP request (until the response starts; streams count until they open)',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    })
    this.queries = new Histogram({
      name: 'ahp_query_duration_seconds',
      help: 'Time to answer a GROQ query',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    })
    this.sweeps = new Counter({
      name: 'ahp_scheduler_runs_total',
      help: 'Sweeps of the release scheduler, by result (ok, error)',
      labelNames: ['result'],
      registers: [this.registry],
    })
    this.releases = new Counter({
      name: 'ahp_scheduler_releases_total',
      help: 'Scheduled releases the scheduler handled, by outcome (published, failed, skipped)',
      labelNames: ['outcome'],
      registers: [this.registry],
    })
    const metrics = this
    const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        collect() {
          if (metrics.sources) collect(this)
        },
      })
    gauge('ahp_open_connections', 'Open client connections (TCP or TLS)', [], (g) => g.set(this.sources?.connections() ?? 0))
    gauge('ahp_presence_sockets', 'Open presence WebSockets', [], (g) => g.set(this.sources?.presenceSockets() ?? 0))
    gauge('ahp_event_streams', 'Open listener and live event streams (SSE)', [], (g) => g.set(this.sources?.eventStreams() ?? 0))
    gauge('ahp_queries_in_flight', 'GROQ queries running now', [], (g) => g.set(this.sources?.queriesInFlight?.() ?? 0))
    gauge('ahp_dataset_transactions', 'Transactions committed to a dataset, ever', ['dataset'], (g) => {
      g.reset()
      for (const dataset of this.sources?.store.list() ?? []) g.set({dataset: dataset.name}, dataset.transactionCount())
    })
    gauge('ahp_dataset_documents', 'Documents in a dataset now (drafts and versions included)', ['dataset'], (g) => {
      g.reset()
      for (const dataset of this.sources?.store.list() ?? []) g.set({dataset: dataset.name}, dataset.docs.size)
    })
    gauge('ahp_database_bytes', 'Size on disk of each SQLite database with its write-ahead log', ['database'], (g) => {
      g.reset()
      const sources = this.sources
      if (!sources) return
      for (const dataset of sources.store.list()) {
        const file = join(dataset.dir, 'dataset.sqlite')
        g.set({database: `dataset:${dataset.name}`}, fileSize(file) + fileSize(`${file}-wal`))
      }
      const users = join(sources.dataDir, 'users.sqlite')
      g.set({database: 'users'}, fileSize(users) + fileSize(`${users}-wal`))
    })
    gauge('ahp_backup_age_seconds', 'Seconds since the cut of the last backup (npm run backup); +Inf before the first', [], (g) => {
      const status = this.sources ? readBackupStatus(this.sources.dataDir) : undefined
      g.set(status ? (Date.now() - Date.parse(status.at)) / 1000 : Number.POSITIVE_INFINITY)
    })
    gauge('ahp_backup_last_timestamp_seconds', 'When the cut of the last backup was taken (Unix time); 0 before the first', [], (g) => {
      g.set(0)
      const status = this.sources ? readBackupStatus(this.sources.dataDir) : undefined
      if (status) g.set(Date.parse(status.at) / 1000)
    })
  }

  /** What the gauges read when scraped. */
  attach(sources: MetricsSources): void {
    this.sources = sources
  }

  /** `options.observe` of createHandler: every answered request. */
  observeRequest(event: RequestEvent): void {
    const route = event.route ?? 'unmatched'
    this.requests.inc({method: event.method, route, status: String(event.status)})
    this.latency.observe({method: event.method, route}, event.durationMs / 1000)
    if (QUERY_ROUTES.has(route) && event.status < 500) this.queries.observe({route}, event.durationMs / 1000)
  }

  /** `onSweep` of the release scheduler. */
  observeSweep(outcomes: DueOutcome[] | undefined, error?: unknown): void {
    this.sweeps.inc({result: error === undefined ? 'ok' : 'error'})
    for (const outcome of outcomes ?? []) this.releases.inc({outcome: outcome.outcome})
  }

  render(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
