import {ApiError, badRequest, notFound, unauthorized} from '../errors.js'
import {documentEvents} from '../history-events.js'
import {parseClientJson} from '../http/body.js'
import {json as jsonResponse, splitIds, type RequestContext, type Route} from '../http/router.js'
import type {Caller, Role} from '../types.js'
import type {User, UserStore} from '../users.js'
import {SEED_AUTHOR} from '../seed.js'
import type {ServerDeps} from './deps.js'

/**
 * What the Studio needs beyond the content API (DESIGN.md, studio/AUTH.md): who is signed in
 * (signing in itself: server/routes/auth.ts), the project and its datasets' grants derived from the
 * caller's role, features, release limits, per-user settings and the History timeline's events.
 */

type StudioContext = RequestContext

const ROLE_TITLES: Record<Role, string> = {administrator: 'Administrator', editor: 'Editor', viewer: 'Viewer', metrics: 'Metrics'}
const ROLE_DESCRIPTIONS: Record<Role, string> = {
  administrator: 'Reads and writes everything, manages datasets and tokens',
  editor: 'Reads and writes content',
  viewer: 'Reads content, drafts and history; cannot change anything',
  metrics: 'Reads /metrics only',
}

/** Grants per role, as `/projects/<id>/datasets/<ds>/acl` answers them; the Studio checks every action against these. */
export const PERMISSIONS: Record<Role, string[]> = {
  administrator: ['read', 'create', 'update', 'history', 'editHistory', 'manage'],
  editor: ['read', 'create', 'update', 'history', 'editHistory'],
  viewer: ['read', 'history'],
  // never asked: a metrics token is refused on every route but /metrics (server/handler.ts)
  metrics: [],
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function json(ctx: StudioContext, body: unknown, status = 200): Response {
  ctx.headers.set('cache-control', 'no-store')
  return jsonResponse(ctx, body, status)
}

export function studioRoutes(deps: ServerDeps & {users: UserStore}): Route[] {
  const {store, users, projectId, tokens} = deps

  function userOf(caller: Caller): {id: string; name: string; email: string; role: Role; picture: string | null; provider: string} {
    if (caller.role === null) throw unauthorized('Unauthorized - Session not found')
    const user = users.get(caller.userId)
    // an organisation account (OpenID Connect) has the picture its ID token named at sign-in
    if (user) return {id: user.id, name: user.name, email: user.email, role: caller.role, picture: user.external?.picture ?? null, provider: user.external ? 'oidc' : 'local'}
    return {id: caller.userId, name: `${ROLE_TITLES[caller.role]} (API token)`, email: '', role: caller.role, picture: null, provider: 'local'}
  }

  function me(ctx: StudioContext): Response {
    const user = userOf(ctx.caller)
    return json(ctx, {
      id: user.id,
      name: user.name,
      email: user.email,
      profileImage: user.picture,
      role: user.role,
      roles: [{name: user.role, title: ROLE_TITLES[user.role], description: ROLE_DESCRIPTIONS[user.role]}],
      provider: user.provider,
    })
  }

  function publicUser(id: string): {id: string; displayName: string; imageUrl: string | null; email?: string} | null {
    const user: User | undefined = users.get(id)
    if (user) return {id: user.id, displayName: user.name, imageUrl: user.external?.picture ?? null}
    if (id === 'p-admin') return {id, displayName: 'Administrator (API token)', imageUrl: null}
    if (id === SEED_AUTHOR) return {id, displayName: 'Seed content import', imageUrl: null}
    if (/^p-t[0-9a-f]+$/.test(id)) {
      // a token's label says what uses it ("content import", "site preview")
      const record = tokens.list().find((t) => `p-${t.id}` === id)
      return {id, displayName: record ? `${record.label} (API token)` : 'API token', imageUrl: null}
    }
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

  function authId(ctx: StudioContext): Response {
    return json(ctx, {id: userOf(ctx.caller).id})
  }

  const inProject = (handle: (ctx: StudioContext) => Response | Promise<Response>) => (ctx: StudioContext) => {
    if (ctx.params.project !== projectId) throw notFound(`Project "${ctx.params.project}" not found`)
    return handle(ctx)
  }
  const ids = (ctx: StudioContext) => ctx.rawParams.ids ?? ''

  // sign-in and sign-out: server/routes/auth.ts
  return [
    {method: 'GET', path: '/auth/id', access: 'signedIn', handle: authId},
    {method: 'GET', path: '/users/me', access: 'signedIn', handle: me},
    {method: ['GET', 'PUT'], path: '/users/me/keyvalue', access: 'signedIn', handle: (ctx) => keyValue(ctx, undefined)},
    {method: 'GET', path: '/users/me/keyvalue/:keys', access: 'signedIn', handle: (ctx) => keyValue(ctx, ctx.rawParams.keys)},
    {method: 'GET', path: '/users/:ids', access: 'signedIn', handle: (ctx) => usersById(ctx, ids(ctx))},
    {method: 'GET', path: '/features', access: 'signedIn', handle: (ctx) => json(ctx, ['contentReleases', 'singleDocRelease'])},
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
