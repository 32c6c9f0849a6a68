import {TOKEN_ROLES} from '../auth.js'
import {badRequest, notFound} from '../errors.js'
import {isRecord, json, type RequestContext, type Route} from '../http/router.js'
import type {Role} from '../types.js'
import type {ServerDeps} from './deps.js'

/** Operating the server: datasets and API tokens (administrators only, except listing datasets). */
export function operationsRoutes(deps: ServerDeps): Route[] {
  const {store, tokens, projectId} = deps

  function listDatasets(ctx: RequestContext): Response {
    return json(
      ctx,
      store.list().map((d) => ({name: d.name, aclMode: d.getMeta('aclMode') ?? 'public', createdAt: d.getMeta('createdAt') ?? null})),
    )
  }

  async function createDataset(ctx: RequestContext): Promise<Response> {
    const name = ctx.params.name as string
    const body = await ctx.readJson()
    const aclMode = isRecord(body) && body.aclMode === 'private' ? 'private' : 'public'
    const dataset = store.create(name, aclMode)
    dataset.setMeta('createdAt', new Date().toISOString())
    return json(ctx, {datasetName: name, aclMode})
  }

  function deleteDataset(ctx: RequestContext): Response {
    store.delete(ctx.params.name as string)
    return json(ctx, {deleted: true})
  }

  function listTokens(ctx: RequestContext): Response {
    return json(
      ctx,
      tokens.list().map(({hash: _hash, ...rest}) => rest),
    )
  }

  async function createToken(ctx: RequestContext): Promise<Response> {
    const body = await ctx.readJson()
    const role = isRecord(body) ? body.role : undefined
    if (typeof role !== 'string' || !(TOKEN_ROLES as readonly string[]).includes(role)) throw badRequest(`"role" must be one of ${TOKEN_ROLES.join(', ')}`)
    const label = isRecord(body) && typeof body.label === 'string' ? body.label.slice(0, 200) : role
    const {token, record} = tokens.create(role as Role, label)
    return json(ctx, {id: record.id, label: record.label, role: record.role, key: token})
  }

  function deleteToken(ctx: RequestContext): Response {
    const id = ctx.params.id as string
    if (!tokens.remove(id)) throw notFound(`Token "${id}" not found`)
    return json(ctx, {deleted: true})
  }

  const project = (handle: (ctx: RequestContext) => Response | Promise<Response>) => (ctx: RequestContext) => {
    if (ctx.params.project !== projectId) throw notFound(`Project "${ctx.params.project}" not found`)
    return handle(ctx)
  }

  return [
    {method: 'GET', path: '/datasets', access: 'signedIn', handle: listDatasets},
    {method: 'PUT', path: '/datasets/:name', access: 'admin', handle: createDataset},
    {method: 'DELETE', path: '/datasets/:name', access: 'admin', handle: deleteDataset},
    {method: 'GET', path: '/projects/:project/datasets', access: 'signedIn', handle: project(listDatasets)},
    {method: 'PUT', path: '/projects/:project/datasets/:name', access: 'admin', handle: project(createDataset)},
    {method: 'DELETE', path: '/projects/:project/datasets/:name', access: 'admin', handle: project(deleteDataset)},
    {method: 'GET', path: '/projects/:project/tokens', access: 'admin', handle: project(listTokens)},
    {method: 'POST', path: '/projects/:project/tokens', access: 'admin', handle: project(createToken)},
    {method: 'DELETE', path: '/projects/:project/tokens/:id', access: 'admin', handle: project(deleteToken)},
  ]
}
