import {randomBytes} from 'node:crypto'
import {ApiError, badRequest, notFound, unauthorized} from '../errors.js'
import {documentEvents} from '../history-events.js'
import {parseClientJson} from '../http/body.js'
import {json as jsonResponse, splitIds, type RequestContext, type Route} from '../http/router.js'
import {loginPage, messagePage} from '../login-page.js'
import type {Caller, Role} from '../types.js'
import type {User, UserStore} from '../users.js'
import type {ServerDeps} from './deps.js'

/**
 * What the Studio needs beyond the content API (DESIGN.md, studio/AUTH.md): who is signed in,
 * the sign-in flow with local accounts, the project and its datasets' grants derived from the
 * caller's role, features, release limits, per-user settings and the History timeline's events.
 */

type StudioContext = RequestContext

const ROLE_TITLES: Record<Role, string> = {administrator: 'Administrator', editor: 'Editor', viewer: 'Viewer'}
const ROLE_DESCRIPTIONS: Record<Role, string> = {
  administrator: 'Reads and writes everything, manages datasets and tokens',
  editor: 'Reads and writes content',
  viewer: 'Reads content, drafts and history; cannot change anything',
}

/** Grants per role, as `/projects/<id>/datasets/<ds>/acl` answers them; the Studio checks every action against these. */
export const PERMISSIONS: Record<Role, string[]> = {
  administrator: ['read', 'create', 'update', 'history', 'editHistory', 'manage'],
  editor: ['read', 'create', 'update', 'history', 'editHistory'],
  viewer: ['read', 'history'],
}

const SID_TTL_MS = 60_000
/**
 * After a sign-in, the Studio swaps `#sid=` for a token while its sign-in screen, shown for the
 * first `/users/me` (sent before the swap, so 401), fetches `/auth/providers`. Should that answer
 * arrive after the swap but before the Studio has read `/users/me` with the new token, sanity
 * 5.31's `redirectOnSingle` sends the editor back to the sign-in page. So for a few seconds
 * after a swap, `/auth/providers` answers late: the Studio is signed in by then and ignores it.
 */
const PROVIDERS_HOLD_WINDOW_MS = 5_000
/** Wrong passwords allowed per email address in a window before sign-in pauses for it. */
const MAX_FAILED_SIGN_INS = 5
const FAILED_SIGN_IN_WINDOW_MS = 15 * 60_000
const PROVIDERS_HOLD_MS = 2_500
const SESSION_LABEL = 'studio session'

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function json(ctx: StudioContext, body: unknown, status = 200): Response {
  ctx.headers.set('cache-control', 'no-store')
  return jsonResponse(ctx, body, status)
}

function html(body: string, status = 200, headers = new Headers()): Response {
  headers.set('content-type', 'text/html; charset=utf-8')
  headers.set('cache-control', 'no-store')
  headers.set('x-frame-options', 'DENY')
  headers.set('referrer-policy', 'no-referrer')
  return new Response(body, {status, headers})
}

function bearer(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')
  return match?.[1]
}

export function studioRoutes(deps: ServerDeps & {users: UserStore}): Route[] {
  const {store, tokens, users, projectId} = deps
  const options = {corsOrigins: deps.corsOrigins}
  /** single-use sign-in ids waiting for `/auth/fetch` */
  const sids = new Map<string, {userId: string; role: Role; expires: number}>()
  let lastExchange = 0
  /** wrong passwords per email address: guessing is slowed to a few tries per quarter hour */
  const failures = new Map<string, {count: number; since: number}>()

  function ownOrigins(url: URL): string[] {
    const port = url.port ? `:${url.port}` : ''
    return [
      `${url.protocol}//localhost${port}`,
      `${url.protocol}//127.0.0.1${port}`,
      `${url.protocol}//${projectId}.localhost${port}`,
      ...(options.corsOrigins ?? []),
    ]
  }

  /** The page to send the editor back to, when its origin is one of ours; undefined otherwise. */
  function safeReturnUrl(url: URL, origin: string | null): string | undefined {
    if (!origin) return undefined
    let target: URL
    try {
      target = new URL(origin)
    } catch {
      return undefined
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return undefined
    if (!ownOrigins(url).includes(target.origin)) return undefined
    target.hash = ''
    return target.href
  }

  function userOf(caller: Caller): {id: string; name: string; email: string; role: Role} {
    if (caller.role === null) throw unauthorized('Unauthorized - Session not found')
    const user = users.get(caller.userId)
    if (user) return {id: user.id, name: user.name, email: user.email, role: caller.role}
    return {id: caller.userId, name: `${ROLE_TITLES[caller.role]} (API token)`, email: '', role: caller.role}
  }

  function me(ctx: StudioContext): Response {
    const user = userOf(ctx.caller)
    return json(ctx, {
      id: user.id,
      name: user.name,
      email: user.email,
      profileImage: null,
      role: user.role,
      roles: [{name: user.role, title: ROLE_TITLES[user.role], description: ROLE_DESCRIPTIONS[user.role]}],
      provider: 'local',
    })
  }

  function publicUser(id: string): {id: string; displayName: string; imageUrl: null; email?: string} | null {
    const user: User | undefined = users.get(id)
    if (user) return {id: user.id, displayName: user.name, imageUrl: null}
    if (id === 'p-admin') return {id, displayName: 'Administrator (API token)', imageUrl: null}
    if (/^p-t[0-9a-f]+$/.test(id)) return {id, displayName: 'API token', imageUrl: null}
    return null
  }

  /** `GET /users/<id,id>`: the names the Studio shows beside presence, history and changes. */
  function usersById(ctx: StudioContext, segment: string): Response {
    if (ctx.caller.role === null) throw unauthorized()
    const ids = splitIds(segment)
    const found = ids.map(publicUser).filter((u) => u !== null)
    return json(ctx, ids.length === 1 ? (found[0] ?? null) : found)
  }

  async function keyValue(ctx: StudioContext, keysSegment: string | undefined): Promise<Response> {
    const user = userOf(ctx.caller)
    if (ctx.request.method === 'GET' && keysSegment) {
      const keys = splitIds(keysSegment)
      return json(ctx, users.getValues(user.id, keys))
    }
    if (ctx.request.method === 'PUT' && !keysSegment) {
      const body = parseClientJson(await ctx.readText())
      const list = Array.isArray(body) ? body : [body]
      const pairs = list.map((item) => {
        if (!isRecord(item) || typeof item.key !== 'string' || item.key === '' || item.key.length > 200) {
          throw badRequest('Body must be [{"key": "...", "value": ...}]')
        }
        return {key: item.key, value: item.value}
      })
      return json(ctx, users.setValues(user.id, pairs))
    }
    throw new ApiError(405, 'httpMethodNotAllowed', 'Method not allowed')
  }

  function project(ctx: StudioContext): Response {
    if (ctx.caller.role === null) throw unauthorized()
    const user = userOf(ctx.caller)
    const createdAt = '2026-01-01T00:00:00Z'
    return json(ctx, {
      id: projectId,
      displayName: 'AHP Content Hub',
      studioHost: null,
      isBlocked: false,
      isDisabled: false,
      isDisabledByUser: false,
      metadata: {color: '#005eb8', externalStudioHost: `${ctx.url.protocol}//localhost${ctx.url.port ? `:${ctx.url.port}` : ''}`},
      maxRetentionDays: 3650,
      activityFeedEnabled: false,
      organizationId: null,
      createdAt,
      updatedAt: createdAt,
      members: [
        {
          id: user.id,
          createdAt,
          updatedAt: createdAt,
          isCurrentUser: true,
          isRobot: false,
          role: user.role,
          roles: [{name: user.role, title: ROLE_TITLES[user.role]}],
        },
      ],
      features: [],
      pendingInvites: 0,
    })
  }

  function acl(ctx: StudioContext, datasetName: string): Response {
    if (ctx.caller.role === null) throw unauthorized()
    store.get(datasetName)
    return json(ctx, [{filter: '_id in path("**")', permissions: PERMISSIONS[ctx.caller.role]}])
  }

  function events(ctx: StudioContext, datasetName: string, id: string): Response {
    if (ctx.caller.role === null) throw unauthorized()
    const limitParam = Number(ctx.url.searchParams.get('limit') ?? '100')
    const limit = Number.isInteger(limitParam) && limitParam > 0 ? Math.min(limitParam, 1000) : 100
    return json(ctx, {events: {[id]: documentEvents(ctx.dataset(), id, limit)}, nextCursor: ''})
  }

  // ---- sign-in (studio/AUTH.md) ----

  async function providers(ctx: StudioContext): Promise<Response> {
    if (Date.now() - lastExchange < PROVIDERS_HOLD_WINDOW_MS) await new Promise((resolve) => setTimeout(resolve, PROVIDERS_HOLD_MS))
    const port = ctx.url.port ? `:${ctx.url.port}` : ''
    return json(ctx, {
      providers: [{name: 'local', title: 'Sign in with your AHP Content Hub account', url: `${ctx.url.protocol}//localhost${port}/auth/login`}],
    })
  }

  function loginForm(ctx: StudioContext): Response {
    const origin = safeReturnUrl(ctx.url, ctx.url.searchParams.get('origin'))
    if (!origin) return html(messagePage('Sign-in link not recognised', 'Open the content hub from its usual address and sign in from there.'), 400)
    return html(loginPage({origin, projectId}))
  }

  async function loginSubmit(ctx: StudioContext): Promise<Response> {
    const form = new URLSearchParams(await ctx.readText(64 * 1024))
    const origin = safeReturnUrl(ctx.url, form.get('origin'))
    if (!origin) return html(messagePage('Sign-in link not recognised', 'Open the content hub from its usual address and sign in from there.'), 400)
    const email = (form.get('email') ?? '').trim()
    const password = form.get('password') ?? ''
    if (!email || !password) {
      return html(loginPage({origin, projectId, email, error: !email ? 'Enter your email address.' : 'Enter your password.'}), 400)
    }
    const key = email.toLowerCase()
    const now = Date.now()
    const failed = failures.get(key)
    if (failed && now - failed.since > FAILED_SIGN_IN_WINDOW_MS) failures.delete(key)
    if ((failures.get(key)?.count ?? 0) >= MAX_FAILED_SIGN_INS) {
      return html(loginPage({origin, projectId, email, error: 'There have been too many attempts to sign in with this email address. Wait 15 minutes, then try again.'}), 429)
    }
    const user = await users.authenticate(email, password)
    if (!user) {
      const entry = failures.get(key) ?? {count: 0, since: now}
      entry.count += 1
      failures.set(key, entry)
      return html(loginPage({origin, projectId, email, error: 'The email address or password is not right. Check them and try again.'}), 401)
    }
    failures.delete(key)
    for (const [key, value] of sids) if (value.expires < now) sids.delete(key)
    const sid = randomBytes(32).toString('base64url')
    sids.set(sid, {userId: user.id, role: user.role, expires: now + SID_TTL_MS})
    const headers = new Headers({location: `${origin}#sid=${sid}`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer'})
    return new Response(null, {status: 303, headers})
  }

  function fetchToken(ctx: StudioContext): Response {
    const sid = ctx.url.searchParams.get('sid') ?? ''
    const entry = sids.get(sid)
    sids.delete(sid)
    if (!entry || entry.expires < Date.now()) throw unauthorized('Unauthorized - the sign-in has expired; sign in again')
    const user = users.get(entry.userId)
    if (!user) throw unauthorized('Unauthorized - the account no longer exists')
    const {token} = tokens.create(user.role, `${SESSION_LABEL} ${user.email}`, user.id)
    lastExchange = Date.now()
    return json(ctx, {token})
  }

  function logout(ctx: StudioContext): Response {
    const token = bearer(ctx.request)
    if (token) tokens.revokeSession(token)
    return json(ctx, {})
  }

  function authId(ctx: StudioContext): Response {
    return json(ctx, {id: userOf(ctx.caller).id})
  }

  const inProject = (handle: (ctx: StudioContext) => Response | Promise<Response>) => (ctx: StudioContext) => {
    if (ctx.params.project !== projectId) throw notFound(`Project "${ctx.params.project}" not found`)
    return handle(ctx)
  }
  const ids = (ctx: StudioContext) => ctx.rawParams.ids ?? ''

  // `/auth/*` is answered before the caller is authenticated (access `session`): a stale token
  // must not stop a sign-out or a new sign-in.
  return [
    {method: 'GET', path: '/auth/providers', access: 'session', handle: providers},
    {method: 'GET', path: '/auth/login', access: 'session', handle: loginForm},
    {method: 'POST', path: '/auth/login', access: 'session', handle: loginSubmit},
    {method: 'GET', path: '/auth/fetch', access: 'session', handle: fetchToken},
    {method: 'POST', path: '/auth/logout', access: 'session', handle: logout},
    {method: 'GET', path: '/auth/id', access: 'signedIn', handle: authId},
    {method: 'GET', path: '/users/me', access: 'signedIn', handle: me},
    {method: ['GET', 'PUT'], path: '/users/me/keyvalue', access: 'signedIn', handle: (ctx) => keyValue(ctx, undefined)},
    {method: 'GET', path: '/users/me/keyvalue/:keys', access: 'signedIn', handle: (ctx) => keyValue(ctx, ctx.rawParams.keys)},
    {method: 'GET', path: '/users/:ids', access: 'signedIn', handle: (ctx) => usersById(ctx, ids(ctx))},
    {method: 'GET', path: '/features', access: 'signedIn', handle: (ctx) => json(ctx, ['contentReleases'])},
    {method: 'GET', path: '/projects/:project', access: 'signedIn', handle: inProject(project)},
    {method: 'GET', path: '/projects/:project/user-applications', access: 'signedIn', handle: inProject((ctx) => json(ctx, []))},
    {
      method: 'GET',
      path: '/projects/:project/new-content-release-allowed',
      access: 'signedIn',
      handle: inProject((ctx) =>
        json(ctx, {data: {datasetReleaseLimit: 100, orgActiveReleaseLimit: 100, orgActiveReleaseCount: 0, meteredActiveReleaseCount: 0}}),
      ),
    },
    {method: 'GET', path: '/projects/:project/datasets/:dataset/acl', access: 'signedIn', handle: inProject((ctx) => acl(ctx, ctx.params.dataset as string))},
    {method: 'GET', path: '/projects/:project/users/:ids', access: 'signedIn', handle: inProject((ctx) => usersById(ctx, ids(ctx)))},
    {
      method: 'GET',
      path: '/data/history/:dataset/events/documents/:id',
      access: 'signedIn',
      handle: (ctx) => events(ctx, ctx.params.dataset as string, ctx.params.id as string),
    },
  ]
}
