import {randomBytes} from 'node:crypto'
import {notFound, unauthorized} from '../errors.js'
import {json as jsonResponse, type RequestContext, type Route} from '../http/router.js'
import {serverLog} from '../log.js'
import {loginPage, messagePage} from '../login-page.js'
import {cookieValue, FORM_COOKIE, FORM_TOKEN_TTL_MS, FormTokens, setCookie} from '../signin/form-token.js'
import {oidcRoutes} from '../signin/oidc.js'
import {defaultSignInSettings, type SignInSettings} from '../signin/settings.js'
import {studioReturnUrl} from '../signin/return-url.js'
import {BoundedMap, SignInThrottle} from '../signin/throttle.js'
import {HashingBusyError, type User, type UserStore} from '../users.js'
import type {ServerDeps} from './deps.js'

type Role = User['role']

/**
 * Sign-in and sessions (studio/AUTH.md, SECURITY.md "Sign-in and sessions"): the providers the
 * Studio offers, the local accounts' form, the one-time `#sid=` and its exchange for a session
 * token, sign-out. The `#sid=` only ever goes to a page of the Studio (server/signin/return-url.ts);
 * the form is refused from other sites (Origin/Referer and a form token); wrong passwords slow
 * further tries progressively (server/signin/throttle.ts); sessions end when idle or old.
 */

const SID_TTL_MS = 60_000
/**
 * After a sign-in, the Studio swaps `#sid=` for a token while its sign-in screen, shown for the
 * first `/users/me` (sent before the swap, so 401), fetches `/auth/providers`. Should that answer
 * arrive after the swap but before the Studio has read `/users/me` with the new token, sanity
 * 5.31's `redirectOnSingle` sends the editor back to the sign-in page. So for a few seconds
 * after a swap, `/auth/providers` answers late: the Studio is signed in by then and ignores it.
 * On a busy 2-core machine the Studio took longer than 2.5 s to read `/users/me` after the swap
 * (the nginx browser test landed back on the form), so the hold is 6 s within 10 s of a swap.
 */
const PROVIDERS_HOLD_WINDOW_MS = 10_000
const PROVIDERS_HOLD_MS = 6_000
const SESSION_LABEL = 'studio session'
const MAX_PENDING_SIDS = 10_000

export interface SidEntry {
  userId: string
  role: Role
  expires: number
}

export function html(body: string, status = 200, headers = new Headers()): Response {
  headers.set('content-type', 'text/html; charset=utf-8')
  headers.set('cache-control', 'no-store')
  headers.set('x-frame-options', 'DENY')
  headers.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
  // same-origin: the form's POST carries this page's Origin; no address leaves for another site
  if (!headers.has('referrer-policy')) headers.set('referrer-policy', 'same-origin')
  return new Response(body, {status, headers})
}

function bearer(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')
  return match?.[1]
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000))
const wording = (s: number) => (s < 120 ? `${s} second${s === 1 ? '' : 's'}` : `${Math.ceil(s / 60)} minutes`)

/** Sign-in routes, shared state and helpers for the OpenID Connect routes (server/signin/oidc.ts). */
export interface SignInContext {
  deps: ServerDeps & {users: UserStore}
  settings: SignInSettings
  /** the origins a sign-in may return to: the server's own and the configured ones */
  allowedOrigins(ctx: RequestContext): string[]
  /** the Studio page to return to, or a 400 page */
  returnUrl(ctx: RequestContext, value: string | null): string | Response
  /** a single-use `#sid=` for a user with a role, and the redirect that hands it to the Studio */
  issueSid(origin: string, userId: string, role: Role): Response
  secureCookies(ctx: RequestContext): boolean
  log(line: string): void
}

export function authRoutes(deps: ServerDeps & {users: UserStore}): Route[] {
  const {tokens, users, projectId} = deps
  const settings: SignInSettings = deps.signIn ?? defaultSignInSettings
  /** single-use sign-in ids waiting for `/auth/fetch` */
  const sids = new BoundedMap<string, SidEntry>(MAX_PENDING_SIDS)
  let lastExchange = 0
  const throttle = new SignInThrottle()
  const forms = new FormTokens()

  function allowedOrigins(ctx: RequestContext): string[] {
    const port = ctx.url.port ? `:${ctx.url.port}` : ''
    const origins = [
      ctx.url.origin,
      `${ctx.url.protocol}//localhost${port}`,
      `${ctx.url.protocol}//127.0.0.1${port}`,
      `${ctx.url.protocol}//${projectId}.localhost${port}`,
      ...(deps.corsOrigins ?? []),
    ]
    try {
      origins.push(new URL(deps.publicUrl()).origin)
    } catch {
      // a bad public address is refused at start-up
    }
    return origins
  }

  const notRecognised = () =>
    html(messagePage('Sign-in link not recognised', 'Open the content hub from its usual address and sign in from there.'), 400)

  function returnUrl(ctx: RequestContext, value: string | null): string | Response {
    return studioReturnUrl(value, allowedOrigins(ctx)) ?? notRecognised()
  }

  function secureCookies(ctx: RequestContext): boolean {
    return ctx.url.protocol === 'https:' || deps.publicUrl().startsWith('https:')
  }

  function issueSid(origin: string, userId: string, role: Role): Response {
    const sid = randomBytes(32).toString('base64url')
    const at = Date.now()
    for (const [key, value] of sids.entries()) {
      if (value.expires >= at) break
      sids.delete(key)
    }
    sids.set(sid, {userId, role, expires: at + SID_TTL_MS})
    const headers = new Headers({location: `${origin}#sid=${sid}`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer'})
    return new Response(null, {status: 303, headers})
  }

  const signIn: SignInContext = {
    deps,
    settings,
    allowedOrigins,
    returnUrl,
    issueSid,
    secureCookies,
    log: (line) => serverLog().warn({component: 'sign-in'}, line),
  }

  function organisationLink(origin: string): {name: string; href: string} | undefined {
    return settings.oidc ? {name: settings.oidc.name, href: `/auth/oidc/start?${new URLSearchParams({origin})}`} : undefined
  }

  /** The form, with a fresh token bound to this browser's sign-in cookie and to the page to return to. */
  function form(ctx: RequestContext, origin: string, status: number, extra: {email?: string; error?: string} = {}, retryAfter?: number): Response {
    const headers = new Headers()
    let browser = cookieValue(ctx.request, FORM_COOKIE)
    if (!browser || !/^[\w-]{20,64}$/.test(browser)) {
      browser = forms.newBrowserId()
      headers.append('set-cookie', setCookie(FORM_COOKIE, browser, {path: '/auth', maxAgeSeconds: FORM_TOKEN_TTL_MS / 1000, secure: secureCookies(ctx), sameSite: 'Strict'}))
    }
    if (retryAfter !== undefined) headers.set('retry-after', String(retryAfter))
    const formToken = forms.issue(browser, origin, Date.now())
    return html(loginPage({origin, projectId, formToken, organisation: organisationLink(origin), ...extra}), status, headers)
  }

  /** A POST from a page of this server: its Origin, or failing that its Referer, is one of ours. */
  function fromOwnPage(ctx: RequestContext): boolean {
    const own = allowedOrigins(ctx).filter((o) => !(deps.corsOrigins ?? []).includes(o))
    const origin = ctx.request.headers.get('origin')
    if (origin && origin !== 'null') return own.includes(origin)
    const referer = ctx.request.headers.get('referer')
    if (!referer) return false
    try {
      return own.includes(new URL(referer).origin)
    } catch {
      return false
    }
  }

  async function providers(ctx: RequestContext): Promise<Response> {
    if (Date.now() - lastExchange < PROVIDERS_HOLD_WINDOW_MS) await new Promise((resolve) => setTimeout(resolve, PROVIDERS_HOLD_MS))
    const base = deps.publicUrl()
    const list: {name: string; title: string; url: string}[] = []
    if (settings.oidc) list.push({name: 'oidc', title: settings.oidc.name, url: `${base}/auth/oidc/start`})
    // beside the organisation's button the Studio shows both titles side by side: keep this one short
    const localTitle = settings.oidc ? 'AHP Content Hub account' : 'Sign in with your AHP Content Hub account'
    if (settings.localAccounts) list.push({name: 'local', title: localTitle, url: `${base}/auth/login`})
    ctx.headers.set('cache-control', 'no-store')
    return jsonResponse(ctx, {providers: list})
  }

  function loginForm(ctx: RequestContext): Response {
    if (!settings.localAccounts) throw notFound('Not found')
    const origin = returnUrl(ctx, ctx.url.searchParams.get('origin'))
    if (origin instanceof Response) return origin
    return form(ctx, origin, 200)
  }

  async function loginSubmit(ctx: RequestContext): Promise<Response> {
    if (!settings.localAccounts) throw notFound('Not found')
    if (!fromOwnPage(ctx)) {
      return html(messagePage('Sign-in refused', 'This sign-in did not come from the content hub’s own sign-in page. Open the content hub from its usual address and sign in there.'), 403)
    }
    const body = new URLSearchParams(await ctx.readText(64 * 1024))
    const origin = returnUrl(ctx, body.get('origin'))
    if (origin instanceof Response) return origin
    const email = (body.get('email') ?? '').trim()
    const password = body.get('password') ?? ''
    if (!forms.consume(body.get('formToken') ?? '', cookieValue(ctx.request, FORM_COOKIE), origin, Date.now())) {
      return form(ctx, origin, 403, {email, error: 'The sign-in page had expired. Enter your email address and password again.'})
    }
    if (!email || !password) {
      return form(ctx, origin, 400, {email, error: !email ? 'Enter your email address.' : 'Enter your password.'})
    }
    const attempt = {account: email, address: ctx.clientAddress}
    const at = Date.now()
    const wait = throttle.wait(attempt, at)
    if (wait > 0) {
      const s = seconds(wait)
      return form(ctx, origin, 429, {email, error: `There have been too many attempts to sign in. Wait ${wording(s)}, then try again.`}, s)
    }
    throttle.begin(attempt, at)
    let user
    try {
      user = await users.authenticate(email, password)
    } catch (err) {
      if (!(err instanceof HashingBusyError)) throw err
      return form(ctx, origin, 503, {email, error: 'Too many people are signing in at once. Try again in a moment.'}, 5)
    }
    if (!user) {
      throttle.failed(attempt, Date.now())
      return form(ctx, origin, 401, {email, error: 'The email address or password is not right. Check them and try again.'})
    }
    throttle.succeeded(attempt, Date.now())
    return issueSid(origin, user.id, user.role)
  }

  function fetchToken(ctx: RequestContext): Response {
    ctx.headers.set('cache-control', 'no-store')
    const sid = ctx.url.searchParams.get('sid') ?? ''
    const entry = sids.get(sid)
    sids.delete(sid)
    if (!entry || entry.expires < Date.now()) throw unauthorized('Unauthorized - the sign-in has expired; sign in again')
    const user = users.get(entry.userId)
    if (!user) throw unauthorized('Unauthorized - the account no longer exists')
    // a local account's role as it is now; an organisation account's as its claims said at sign-in
    const role = user.external ? entry.role : user.role
    const {token} = tokens.createSession(role, `${SESSION_LABEL} ${user.email}`, user.id, {idleMs: settings.sessionIdleMs, maxMs: settings.sessionMaxMs})
    lastExchange = Date.now()
    return jsonResponse(ctx, {token})
  }

  function logout(ctx: RequestContext): Response {
    const token = bearer(ctx.request)
    if (token) tokens.revokeSession(token)
    ctx.headers.set('cache-control', 'no-store')
    return jsonResponse(ctx, {})
  }

  // `/auth/*` is answered before the caller is authenticated (access `session`): a stale token
  // must not stop a sign-out or a new sign-in.
  return [
    {method: 'GET', path: '/auth/providers', access: 'session', handle: providers},
    {method: 'GET', path: '/auth/login', access: 'session', handle: loginForm},
    {method: 'POST', path: '/auth/login', access: 'session', handle: loginSubmit},
    {method: 'GET', path: '/auth/fetch', access: 'session', handle: fetchToken},
    {method: 'POST', path: '/auth/logout', access: 'session', handle: logout},
    ...oidcRoutes(signIn),
  ]
}
