import {json, type RequestContext, type Route} from '../http/router.js'
import type {ServerDeps} from './deps.js'

/**
 * Sanity's cloud-only endpoints that the Studio calls on every load, answered with what the Studio
 * expects when the feature is absent, so nothing is left to a 404 the browser logs as an error:
 *
 * - `/journey/*`: upsell and trial content for paid features. `null` means "no upsell": the Studio
 *   shows nothing (features this server has are listed by `/features` and never upsold).
 * - `/help`: the help menu's resources and the newest Sanity version. `{}`: no extra resources and
 *   no version news (the build has auto-updates off; upgrading is a dependency change).
 * - `/descriptors/claim`: schema upload for Sanity's cloud tools. `complete`: nothing to upload.
 * - `/subscriptions/project/:project`: the plan. Unlimited history retention: the transaction log
 *   keeps every revision.
 * - `/intake/telemetry-status`: `denied`, so the Studio sends no telemetry; `/intake/batch` is
 *   accepted and dropped should an older Studio send it anyway.
 * - `/schedules/:project/:dataset`: the deprecated Scheduled Publishing plugin's schedules: none
 *   (scheduling is Content Releases, server/releases.ts).
 *
 * None of them reads or stores content; each answers the same to anyone.
 */

const nothing = (value: unknown) => (ctx: RequestContext) => json(ctx, value)

/** The plan as the Studio reads it: only history retention matters offline. */
const LOCAL_PLAN = {
  id: 'local',
  plan: {id: 'local', name: 'Local server', variantId: null},
  featureTypes: {retention: {features: [{attributes: {maxRetentionDays: 36500}}]}},
}

export function cloudRoutes(_deps: ServerDeps): Route[] {
  return [
    {method: 'GET', path: '/journey/*rest', access: 'anyone', handle: nothing(null)},
    {method: 'GET', path: '/help', access: 'anyone', handle: nothing({})},
    {method: 'POST', path: '/descriptors/claim', access: 'signedIn', handle: nothing({synchronization: {type: 'complete'}})},
    {method: 'POST', path: '/descriptors/synchronize', access: 'signedIn', handle: nothing({type: 'complete'})},
    {method: 'GET', path: '/subscriptions/project/:project', access: 'signedIn', handle: nothing(LOCAL_PLAN)},
    {method: 'GET', path: '/intake/telemetry-status', access: 'anyone', handle: nothing({status: 'denied'})},
    {method: 'POST', path: '/intake/batch', access: 'anyone', handle: nothing({})},
    {method: 'GET', path: '/schedules/:project/:dataset', access: 'signedIn', handle: nothing({schedules: []})},
  ]
}
