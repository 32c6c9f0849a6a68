import {randomBytes} from 'node:crypto'
import * as client from 'openid-client'
import type {RequestContext, Route} from '../http/router.js'
import {messagePage} from '../login-page.js'
import {html, type SignInContext} from '../routes/auth.js'
import type {User} from '../users.js'
import {cookieValue, setCookie} from './form-token.js'
import type {OidcSettings} from './settings.js'
import {BoundedMap} from './throttle.js'

/**
 * Sign in with the organisation's accounts (issue #12): OpenID Connect's authorization code flow
 * with PKCE, `state` and `nonce` (openid-client), against AHP_OIDC_ISSUER (NHSmail is Microsoft
 * Entra ID). The role comes from the ID token's groups (or app roles) claim at every sign-in,
 * through AHP_OIDC_ROLES; a person in no mapped group is refused with a page that says why.
 * Errors an operator can act on are one line in the log; the person gets a plain page. No token,
 * code or secret is logged or answered.
 *
 * GET /auth/oidc/start?origin=   → the provider, with a single-use state bound to this browser
 * GET /auth/oidc/callback        → the Studio page with `#sid=` (server/routes/auth.ts)
 * GET /auth/oidc/logout          → the provider's end_session_endpoint (RP-initiated logout)
 * GET /auth/oidc/signed-out      → where the provider sends the person back
 */

type Role = User['role']

/** a sign-in started: good for 10 minutes, once */
const PENDING_TTL_MS = 10 * 60_000
const MAX_PENDING = 10_000
const BROWSER_COOKIE = 'ahp_oidc'
/** after a failed discovery, wait this long before asking the provider again */
const DISCOVERY_RETRY_MS = 30_000
const RANK: Record<Role, number> = {viewer: 1, editor: 2, administrator: 3}

interface Pending {
  verifier: string
  nonce: string
  origin: string
  browser: string
  expires: number
}

/** What went wrong, in words an operator can act on (one log line) and words for the person (a page). */
class SignInProblem extends Error {
  constructor(
    readonly logLine: string,
    readonly title: string,
    readonly personMessage: string,
    readonly status = 502,
  ) {
    super(logLine)
  }
}

const clip = (text: unknown) => String(text ?? '').replace(/[\r\n]+/g, ' ').slice(0, 200)

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
}

/** The operator's line and the person's page for an error of openid-client (or of the network). */
export function explain(err: unknown, oidc: OidcSettings): SignInProblem {
  const tryAgain = 'Go back to the content hub and sign in again. If it keeps happening, tell the person who looks after the content hub.'
  const broken = (line: string) =>
    new SignInProblem(line, `Sign-in with ${oidc.name} is not working`, `The content hub could not complete your sign-in with ${oidc.name}. Tell the person who looks after the content hub; this is not something you can fix.`)
  if (err instanceof client.ResponseBodyError) {
    const described = `${err.error}${err.error_description ? `: ${clip(err.error_description)}` : ''}`
    if (err.error === 'invalid_client' || err.error === 'unauthorized_client') {
      return broken(`the provider refused this application (${described}): check AHP_OIDC_CLIENT_ID and AHP_OIDC_CLIENT_SECRET (has the secret expired?)`)
    }
    if (err.error === 'invalid_grant') {
      return new SignInProblem(`the provider refused the sign-in code (${described}): used already, expired, or not from this sign-in`, 'Your sign-in has expired', tryAgain, 400)
    }
    return broken(`the provider's token endpoint answered ${err.status} (${described})`)
  }
  if (err instanceof client.AuthorizationResponseError) {
    const described = `${clip(err.error)}${err.error_description ? `: ${clip(err.error_description)}` : ''}`
    if (err.error === 'access_denied') return new SignInProblem(`the person did not complete the sign-in at the provider (${described})`, 'You did not finish signing in', tryAgain, 400)
    return broken(`the provider refused the sign-in request (${described}): check the redirect URI registered for AHP_OIDC_CLIENT_ID`)
  }
  const code = (err as {code?: unknown})?.code
  // openid-client wraps oauth4webapi's error: the claim and the precise message are on the inner one
  const inner = (err as {cause?: unknown})?.cause
  const cause = (inner instanceof Error ? (inner as {cause?: unknown}).cause : inner) as {claim?: unknown} | undefined
  const message = inner instanceof Error ? inner.message : err instanceof Error ? err.message : String(err)
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
    return broken(`the ID token's times are out of step with this server's clock (${clip(message)}): check both clocks (NTP); 30 s of skew is tolerated`)
  }
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
    const claim = typeof cause?.claim === 'string' ? cause.claim : /"(\w+)"/.exec(message)?.[1]
    if (claim === 'nonce') return new SignInProblem('refused an ID token whose nonce is not this sign-in\'s (replayed or tampered response)', 'Sign-in refused', tryAgain, 400)
    if (claim === 'aud') return broken(`the ID token is for another application: check AHP_OIDC_CLIENT_ID`)
    if (claim === 'iss') return broken(`the ID token's issuer is not AHP_OIDC_ISSUER (${oidc.issuer}): check AHP_OIDC_ISSUER`)
    return broken(`the ID token's "${clip(claim)}" claim is not what this sign-in expects`)
  }
  if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' || /issuer/i.test(message)) {
    return broken(`the provider's discovery document names another issuer than AHP_OIDC_ISSUER (${oidc.issuer}): set AHP_OIDC_ISSUER to the issuer it names`)
  }
  if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON' || code === 'OAUTH_INVALID_RESPONSE') {
    return broken(`the provider at AHP_OIDC_ISSUER (${oidc.issuer}) did not answer as an OpenID provider (${clip(message)}): check AHP_OIDC_ISSUER`)
  }
  if (err instanceof TypeError || code === 'ECONNREFUSED' || code === 'ENOTFOUND' || (err as {name?: string})?.name === 'TimeoutError') {
    const reason = clip((err as {cause?: {code?: string; message?: string}})?.cause?.code ?? (err as {cause?: {message?: string}})?.cause?.message ?? message)
    return broken(`the provider at AHP_OIDC_ISSUER (${oidc.issuer}) could not be reached (${reason}): check the address and this server's network`)
  }
  return broken(`the sign-in failed (${typeof code === 'string' ? `${code}: ` : ''}${clip(message)})`)
}

export function oidcRoutes(signIn: SignInContext): Route[] {
  const oidc = signIn.settings.oidc
  if (!oidc) return []
  const settings: OidcSettings = oidc
  const {deps} = signIn
  const pending = new BoundedMap<string, Pending>(MAX_PENDING)
  let discovered: {config: Promise<client.Configuration>; failedAt?: number} | undefined

  const redirectUri = () => `${deps.publicUrl()}/auth/oidc/callback`
  const signedOutUri = () => `${deps.publicUrl()}/auth/oidc/signed-out`

  function configuration(): Promise<client.Configuration> {
    if (discovered && (discovered.failedAt === undefined || Date.now() - discovered.failedAt < DISCOVERY_RETRY_MS)) return discovered.config
    const issuer = new URL(settings.issuer)
    const entry: {config: Promise<client.Configuration>; failedAt?: number} = {
      config: client.discovery(
        issuer,
        settings.clientId,
        settings.clientSecret ? {client_secret: settings.clientSecret} : undefined,
        settings.clientSecret ? client.ClientSecretPost(settings.clientSecret) : client.None(),
        {execute: issuer.protocol === 'http:' && isLoopback(issuer) ? [client.allowInsecureRequests] : [], timeout: 10},
      ),
    }
    entry.config.catch(() => {
      entry.failedAt = Date.now()
    })
    discovered = entry
    return entry.config
  }

  function problemPage(problem: SignInProblem, origin?: string): Response {
    signIn.log(problem.logLine)
    return html(messagePage(problem.title, problem.personMessage, {text: 'Back to the content hub', href: origin ?? '/'}), problem.status)
  }

  async function start(ctx: RequestContext): Promise<Response> {
    const origin = signIn.returnUrl(ctx, ctx.url.searchParams.get('origin'))
    if (origin instanceof Response) return origin
    let config: client.Configuration
    try {
      config = await configuration()
    } catch (err) {
      return problemPage(explain(err, settings), origin)
    }
    const headers = new Headers({'cache-control': 'no-store', 'referrer-policy': 'no-referrer'})
    let browser = cookieValue(ctx.request, BROWSER_COOKIE)
    if (!browser || !/^[\w-]{20,64}$/.test(browser)) {
      browser = randomBytes(24).toString('base64url')
      // Lax: the provider sends the browser back with a top-level GET from another site
      headers.append('set-cookie', setCookie(BROWSER_COOKIE, browser, {path: '/auth/oidc', maxAgeSeconds: PENDING_TTL_MS / 1000, secure: signIn.secureCookies(ctx), sameSite: 'Lax'}))
    }
    const verifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const nonce = client.randomNonce()
    const now = Date.now()
    for (const [key, value] of pending.entries()) {
      if (value.expires >= now) break
      pending.delete(key)
    }
    pending.set(state, {verifier, nonce, origin, browser, expires: now + PENDING_TTL_MS})
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(),
      scope: 'openid profile email',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
    headers.set('location', url.href)
    return new Response(null, {status: 303, headers})
  }

  /** the role the claims give, the highest of the mapped values; a problem when there is none */
  function roleFrom(claims: client.IDToken, email: string): Role | SignInProblem {
    const value = claims[settings.rolesClaim]
    const contact = `Ask the person who looks after the AHP Content Hub to add you to its editors' or viewers' group in ${settings.name}.`
    if (value === undefined) {
      const overage = typeof claims._claim_names === 'object' && claims._claim_names !== null && settings.rolesClaim in claims._claim_names
      return new SignInProblem(
        overage
          ? `the ID token of ${email} has too many groups for the provider to list (groups overage): in Entra ID, emit "Groups assigned to the application", or use app roles (AHP_OIDC_ROLES_CLAIM=roles)`
          : `the ID token of ${email} has no "${settings.rolesClaim}" claim: add it to the application's tokens at the provider (Entra ID: Token configuration > Add groups claim, or app roles with AHP_OIDC_ROLES_CLAIM=roles)`,
        'You cannot use the AHP Content Hub yet',
        `You signed in with ${settings.name} as ${email}, but the content hub could not tell which groups you are in, so it cannot give you access. ${contact}`,
        403,
      )
    }
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string')
    let role: Role | undefined
    for (const v of values) {
      const mapped = settings.roles.get(v)
      if (mapped && (!role || RANK[mapped] > RANK[role])) role = mapped
    }
    if (role) return role
    return new SignInProblem(
      `refused ${email}: none of their ${values.length} "${settings.rolesClaim}" values is in AHP_OIDC_ROLES`,
      'You do not have access to the AHP Content Hub',
      `You signed in with ${settings.name} as ${email}, but you are not in any of the groups that give access to the content hub. ${contact}`,
      403,
    )
  }

  async function callback(ctx: RequestContext): Promise<Response> {
    const state = ctx.url.searchParams.get('state') ?? ''
    const entry = pending.get(state)
    pending.delete(state)
    const browser = cookieValue(ctx.request, BROWSER_COOKIE)
    if (!entry || entry.expires < Date.now()) {
      signIn.log('refused a sign-in callback whose state is unknown, used or expired')
      return html(messagePage('This sign-in link has expired', 'Sign-in links work once and for 10 minutes. Go back to the content hub and sign in again.', {text: 'Back to the content hub', href: '/'}), 400)
    }
    if (!browser || browser !== entry.browser) {
      signIn.log('refused a sign-in callback from another browser than the one that started it')
      return html(messagePage('Sign-in refused', 'This sign-in was started in another browser. Go back to the content hub and sign in again from this one.', {text: 'Back to the content hub', href: entry.origin}), 400)
    }
    let claims: client.IDToken | undefined
    try {
      const config = await configuration()
      const currentUrl = new URL(`${redirectUri()}${ctx.url.search}`)
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {pkceCodeVerifier: entry.verifier, expectedState: state, expectedNonce: entry.nonce, idTokenExpected: true})
      claims = tokens.claims()
    } catch (err) {
      return problemPage(explain(err, settings), entry.origin)
    }
    if (!claims) return problemPage(new SignInProblem('the provider answered without an ID token', `Sign-in with ${settings.name} is not working`, 'Tell the person who looks after the content hub.'), entry.origin)
    const email = [claims.email, claims.preferred_username, claims.upn].find((v): v is string => typeof v === 'string' && v !== '') ?? ''
    if (!email) {
      return problemPage(
        new SignInProblem(
          'the ID token has no email, preferred_username or upn claim: add the email claim (scope "email") at the provider',
          `Sign-in with ${settings.name} is not working`,
          'The content hub could not read your email address from your sign-in. Tell the person who looks after the content hub.',
        ),
        entry.origin,
      )
    }
    const role = roleFrom(claims, email)
    if (role instanceof SignInProblem) {
      signIn.log(role.logLine)
      return html(messagePage(role.title, role.personMessage, {text: `Sign out of ${settings.name} to use another account`, href: '/auth/oidc/logout'}), role.status)
    }
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : email
    const picture = typeof claims.picture === 'string' && /^https?:\/\//.test(claims.picture) && claims.picture.length <= 2048 ? claims.picture : null
    const user = deps.users.upsertExternal({issuer: claims.iss, subject: claims.sub, email, name: name.slice(0, 200), picture, role})
    return signIn.issueSid(entry.origin, user.id, role)
  }

  async function logout(): Promise<Response> {
    const headers = new Headers({'cache-control': 'no-store', 'referrer-policy': 'no-referrer'})
    let target = signedOutUri()
    try {
      const config = await configuration()
      if (config.serverMetadata().end_session_endpoint) {
        target = client.buildEndSessionUrl(config, {client_id: settings.clientId, post_logout_redirect_uri: signedOutUri()}).href
      }
    } catch (err) {
      signIn.log(explain(err, settings).logLine)
    }
    headers.set('location', target)
    return new Response(null, {status: 303, headers})
  }

  function signedOut(): Response {
    return html(messagePage('You have signed out', `You have signed out of the AHP Content Hub and of ${settings.name} in this browser.`, {text: 'Sign in again', href: '/'}))
  }

  return [
    {method: 'GET', path: '/auth/oidc/start', access: 'session', handle: start},
    {method: 'GET', path: '/auth/oidc/callback', access: 'session', handle: callback},
    {method: 'GET', path: '/auth/oidc/logout', access: 'session', handle: logout},
    {method: 'GET', path: '/auth/oidc/signed-out', access: 'session', handle: signedOut},
  ]
}
