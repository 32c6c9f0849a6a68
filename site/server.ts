import {randomBytes} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {createClient, type ClientConfig, type SanityClient} from '@sanity/client'
import {validatePreviewUrl} from '@sanity/preview-url-secret'

import {clientReader, type SitePerspective} from './content'
import {apiImageUrls} from './images'
import {loadPage, loadSiteMap, NotFound, PAGE_TYPES} from './pages'
import {previewClientScript} from './preview'
import {SiteRenderer, type RenderMode} from './render'

export interface SiteServerOptions {
  /** The Content API, such as `https://localhost:3333`. */
  apiHost: string
  projectId: string
  dataset: string
  /**
   * A token that can read drafts, for preview only (a viewer token). The public mode never sends
   * it: it reads as an anonymous caller, who sees published documents only.
   */
  previewToken?: string
  port?: number
  host?: string
  /** More client settings, such as a requester that trusts a local CA (tests). */
  clientConfig?: Partial<ClientConfig>
  log?: (line: string) => void
}

export interface RunningSite {
  url: string
  server: Server
  close(): Promise<void>
}

/** Where Presentation enables preview: it adds the secret, the page to show and the perspective. */
export const PREVIEW_ENABLE_PATH = '/api/preview/enable'
export const PREVIEW_DISABLE_PATH = '/api/preview/disable'
export const PREVIEW_PERSPECTIVE_PATH = '/api/preview/perspective'
const COOKIE = 'ahp_preview'
/** How long a preview session lasts without a new secret: Sanity's secrets live an hour too. */
const SESSION_MS = 60 * 60 * 1000

interface PreviewSession {
  perspective: SitePerspective
  studioOrigin?: string
  expires: number
}

/** A perspective as Presentation writes it (`drafts`, `published`, or `r123,drafts`), checked. */
export function parsePerspective(value: string | null | undefined): SitePerspective {
  if (!value || value === 'drafts' || value === 'previewDrafts') return 'drafts'
  if (value === 'published') return 'published'
  const stack = value.split(',').map((item) => item.trim()).filter(Boolean)
  if (stack.length === 0 || !stack.every((item) => /^[A-Za-z0-9_-]+$/.test(item))) return 'drafts'
  return stack
}

function describe(perspective: SitePerspective): string {
  return Array.isArray(perspective) ? perspective.filter((item) => item !== 'drafts').join(', ') || 'drafts' : perspective
}

function cookies(req: IncomingMessage): Map<string, string> {
  const jar = new Map<string, string>()
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name) jar.set(name, rest.join('='))
  }
  return jar
}

/**
 * The site served live from the Content API. Public pages read the published perspective with no
 * token. An editor's preview starts at `PREVIEW_ENABLE_PATH` with a secret the Studio's
 * Presentation tool creates for its signed-in user (checked with @sanity/preview-url-secret
 * against the dataset); the session then reads drafts or a release with `previewToken`, and its
 * pages follow edits as they are made. Without a valid secret a request is public, whatever it
 * asks for.
 */
export async function startSite(options: SiteServerOptions): Promise<RunningSite> {
  const log = options.log ?? (() => {})
  const base: ClientConfig = {
    projectId: options.projectId,
    dataset: options.dataset,
    apiHost: options.apiHost,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    ...options.clientConfig,
  }
  const publicClient = createClient({...base, token: undefined, perspective: 'published'})
  const previewClient: SanityClient | undefined = options.previewToken ? createClient({...base, token: options.previewToken}) : undefined
  const renderer = new SiteRenderer()
  const images = apiImageUrls({projectId: options.projectId, dataset: options.dataset, apiHost: options.apiHost})
  const sessions = new Map<string, PreviewSession>()

  const sessionOf = (req: IncomingMessage): PreviewSession | undefined => {
    const id = cookies(req).get(COOKIE)
    const session = id ? sessions.get(id) : undefined
    if (!session || !id) return undefined
    if (session.expires < Date.now()) {
      sessions.delete(id)
      return undefined
    }
    return session
  }

  async function renderPath(path: string, session: PreviewSession | undefined): Promise<{status: number; html: string}> {
    const reader = session && previewClient ? clientReader(previewClient, session.perspective) : clientReader(publicClient, 'published')
    const mode: RenderMode = session
      ? {preview: {perspective: describe(session.perspective), studioOrigin: session.studioOrigin, dataset: options.dataset, projectId: options.projectId}}
      : {}
    const siteMap = await loadSiteMap(reader)
    try {
      const page = await loadPage(reader, path, siteMap, images)
      return {status: 200, html: renderer.render(page, mode)}
    } catch (error) {
      if (error instanceof NotFound) return {status: 404, html: renderer.renderNotFound(mode)}
      throw error
    }
  }

  async function enablePreview(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (!previewClient) {
      send(res, 403, 'text/plain', 'Preview is not set up on this site: start it with a preview token.\n')
      return
    }
    // `true`: no `cache: 'no-store'` option, with which @sanity/client switches to the global
    // fetch, which does not use the requester (nor its trust of a local server's CA).
    const result = await validatePreviewUrl(previewClient, url.toString(), true)
    if (!result.isValid) {
      log(`preview refused: no valid secret`)
      send(res, 401, 'text/plain', 'This preview link is not valid: open the page from the Studio.\n')
      return
    }
    const id = randomBytes(24).toString('base64url')
    const perspective = parsePerspective(result.studioPreviewPerspective ?? url.searchParams.get('sanity-preview-perspective'))
    sessions.set(id, {perspective, studioOrigin: result.studioOrigin, expires: Date.now() + SESSION_MS})
    // Only a path on this site: never `//host` or `/\host`, which browsers take as another site.
    const target = result.redirectTo && /^\/(?![\/\\])/.test(result.redirectTo) ? result.redirectTo : '/'
    const now = Date.now()
    for (const [key, old] of sessions) if (old.expires < now) sessions.delete(key)
    res.writeHead(307, {
      location: target,
      // SameSite=None and Partitioned: the page is shown in the Studio's frame, on another site.
      'set-cookie': `${COOKIE}=${id}; Path=/; HttpOnly; Secure; SameSite=None; Partitioned; Max-Age=${SESSION_MS / 1000}`,
      'cache-control': 'no-store',
    })
    res.end()
  }

  /** Presentation's perspective switcher, relayed by the preview page: the session shows that now. */
  async function switchPerspective(req: IncomingMessage, res: ServerResponse) {
    const session = sessionOf(req)
    if (req.method !== 'POST' || !session) return send(res, 404, 'text/plain', 'Not found\n')
    let body = ''
    for await (const chunk of req) {
      body += String(chunk)
      if (body.length > 1000) return send(res, 413, 'text/plain', 'Too long\n')
    }
    session.perspective = parsePerspective(body.trim())
    send(res, 204, 'text/plain', '')
  }

  /** Server-sent events: a `change` whenever a document the preview can see changes. */
  function previewEvents(req: IncomingMessage, res: ServerResponse, session: PreviewSession) {
    res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive'})
    res.write(': preview events\n\n')
    // `ready` once the Content API's listener is in place: changes from then on are sent.
    const subscription = previewClient!
      .listen('*[_type in $types]', {types: PAGE_TYPES}, {includeResult: false, visibility: 'transaction', includeAllVersions: true, events: ['welcome', 'mutation']} as never)
      .subscribe({
        next: (event) => {
          if ((event as {type?: string}).type === 'welcome') {
            res.write('event: ready\ndata: {}\n\n')
            return
          }
          const documentId = (event as {documentId?: string}).documentId ?? ''
          res.write(`event: change\ndata: ${JSON.stringify({documentId})}\n\n`)
        },
        error: (error: unknown) => {
          log(`preview events stopped: ${(error as Error).message}`)
          res.end()
        },
      })
    req.on('close', () => subscription.unsubscribe())
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`)
    const handle = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD' && !(req.method === 'POST' && url.pathname === PREVIEW_PERSPECTIVE_PATH)) {
        send(res, 405, 'text/plain', 'Method not allowed\n')
        return
      }
      if (url.pathname === PREVIEW_ENABLE_PATH) return enablePreview(req, res, url)
      if (url.pathname === PREVIEW_DISABLE_PATH) {
        const id = cookies(req).get(COOKIE)
        if (id) sessions.delete(id)
        res.writeHead(307, {location: '/', 'set-cookie': `${COOKIE}=; Path=/; HttpOnly; Secure; SameSite=None; Partitioned; Max-Age=0`})
        res.end()
        return
      }
      if (url.pathname === PREVIEW_PERSPECTIVE_PATH) return switchPerspective(req, res)
      if (url.pathname === '/assets/site.css') return send(res, 200, 'text/css; charset=utf-8', renderer.css)
      if (url.pathname.startsWith('/assets/')) return sendAsset(res, url.pathname)
      const session = sessionOf(req)
      if (url.pathname === '/__preview/client.js') {
        return session ? send(res, 200, 'text/javascript; charset=utf-8', await previewClientScript()) : send(res, 404, 'text/plain', 'Not found\n')
      }
      if (url.pathname === '/__preview/events') {
        return session && previewClient ? previewEvents(req, res, session) : send(res, 404, 'text/plain', 'Not found\n')
      }
      const {status, html} = await renderPath(url.pathname, session)
      res.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        // A preview is one editor's: never cached, never shared.
        'cache-control': session ? 'private, no-store' : 'public, max-age=60',
        vary: 'Cookie',
      })
      res.end(req.method === 'HEAD' ? undefined : html)
    }
    handle().catch((error: unknown) => {
      log(`error on ${url.pathname}: ${(error as Error).message}`)
      if (!res.headersSent) send(res, 502, 'text/plain', 'The content service did not answer: try again shortly.\n')
      else res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const {port} = server.address() as AddressInfo
  const host = options.host && options.host !== '127.0.0.1' && options.host !== '0.0.0.0' ? options.host : 'localhost'
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, {'content-type': type, 'cache-control': 'no-store'})
  res.end(body)
}

async function sendAsset(res: ServerResponse, pathname: string) {
  const {readFile} = await import('node:fs/promises')
  const {join, normalize, sep, extname} = await import('node:path')
  const {NHSUK_DIR} = await import('./css')
  const root = join(NHSUK_DIR, 'assets')
  const file = normalize(join(root, pathname.slice('/assets/'.length)))
  if (!file.startsWith(root + sep)) return send(res, 404, 'text/plain', 'Not found\n')
  const body = await readFile(file).catch(() => undefined)
  if (!body) return send(res, 404, 'text/plain', 'Not found\n')
  const types: Record<string, string> = {'.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json'}
  res.writeHead(200, {'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'public, max-age=3600'})
  res.end(body)
}
