import {accessSync, constants} from 'node:fs'
import {json, type RequestContext, type Route} from '../http/router.js'
import type {ServerMetrics} from '../metrics.js'
import type {ReleaseScheduler} from '../scheduler.js'
import type {ServerDeps} from './deps.js'

/**
 * Health and metrics (SECURITY.md, "Operations"):
 * - `GET /health`: 200 when every database can start a write and the release scheduler runs;
 *   503 with the reasons otherwise. For load balancers and systemd watchers; no token needed.
 * - `GET /metrics`: Prometheus text (server/metrics.ts), for a metrics token or an administrator.
 */

export interface HealthOptions {
  metrics: ServerMetrics
  dataDir: string
  /** the release scheduler, once started */
  scheduler(): ReleaseScheduler | undefined
}

export interface HealthReport {
  status: 'ok' | 'unavailable'
  checks: {store: string; scheduler: string}
  reasons: string[]
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err))

export function checkHealth(deps: Pick<ServerDeps, 'store'>, options: Pick<HealthOptions, 'dataDir' | 'scheduler'>): HealthReport {
  const reasons: string[] = []
  let store = 'writable'
  try {
    accessSync(options.dataDir, constants.W_OK)
    for (const dataset of deps.store.list()) {
      try {
        dataset.checkWritable()
      } catch (err) {
        throw new Error(`dataset "${dataset.name}" cannot be written: ${reason(err)}`)
      }
    }
  } catch (err) {
    store = 'not writable'
    reasons.push(reason(err).startsWith('dataset') ? reason(err) : `the data folder cannot be written: ${reason(err)}`)
  }
  const scheduler = options.scheduler()
  const running = scheduler?.isRunning ?? false
  if (!running) reasons.push(scheduler ? 'the release scheduler has stopped' : 'the release scheduler has not started yet')
  return {status: reasons.length === 0 ? 'ok' : 'unavailable', checks: {store, scheduler: running ? 'running' : 'stopped'}, reasons}
}

export function healthRoutes(deps: ServerDeps, options: HealthOptions): Route[] {
  function health(ctx: RequestContext): Response {
    const report = checkHealth(deps, options)
    ctx.headers.set('cache-control', 'no-store')
    return json(ctx, report, report.status === 'ok' ? 200 : 503)
  }

  async function metrics(ctx: RequestContext): Promise<Response> {
    ctx.headers.set('content-type', options.metrics.contentType)
    ctx.headers.set('cache-control', 'no-store')
    return new Response(await options.metrics.render(), {status: 200, headers: ctx.headers})
  }

  return [
    {method: 'GET', path: '/health', access: 'anyone', handle: health},
    {method: 'GET', path: '/metrics', access: 'metrics', handle: metrics},
  ]
}
