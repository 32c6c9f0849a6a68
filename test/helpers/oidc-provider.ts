import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import Provider from 'oidc-provider'
import type {Answer, HttpBrowser} from './http-browser.js'

/**
 * A real OpenID provider on loopback for the sign-in tests (oidc-provider, its development login
 * form: any password is accepted for a known login). Its issuer is `http://localhost:<port>`, the
 * only plain-http issuer the server accepts. Accounts carry the claims Entra ID gives: name, email,
 * picture and `groups` in the ID token.
 */

export const CLIENT_ID = 'ahp-content-hub'
export const CLIENT_SECRET = `test-client-secret-${Math.random().toString(36).slice(2)}`
export const GROUPS = {editors: '5e1f0d7c-edit-4e5b-9c1a-000000000001', viewers: '5e1f0d7c-view-4e5b-9c1a-000000000002', other: '5e1f0d7c-othr-4e5b-9c1a-000000000003'}

export interface TestAccount {
  login: string
  name: string
  email: string
  groups?: string[]
}

export const OIDC_ACCOUNTS = {
  editor: {login: 'edna', name: 'Edna Editor', email: 'edna.editor@nhs.net', groups: [GROUPS.other, GROUPS.editors]},
  viewer: {login: 'vince', name: 'Vince Viewer', email: 'vince.viewer@nhs.net', groups: [GROUPS.viewers]},
  outsider: {login: 'olly', name: 'Olly Outsider', email: 'olly.outsider@nhs.net', groups: [GROUPS.other]},
  noGroups: {login: 'nora', name: 'Nora Nogroups', email: 'nora.nogroups@nhs.net'},
} satisfies Record<string, TestAccount>

/** AHP_OIDC_ROLES for these groups */
export const ROLE_MAP = `${GROUPS.editors}=editor,${GROUPS.viewers}=viewer`

/** a 1×1 PNG, served as every account's picture */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

export interface TestProvider {
  issuer: string
  /** the provider, once `configure` has run */
  provider(): Provider
  /** registers the content hub at its addresses (known once the hubs have started) */
  configure(...hubUrls: string[]): void
  pictureUrl(account: TestAccount): string
  close(): Promise<void>
}

/** Binds the port first (the hub needs the issuer to start), then takes the hub's address. */
export async function startTestProvider(): Promise<TestProvider> {
  let provider: Provider | undefined
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/pictures/')) {
      res.writeHead(200, {'content-type': 'image/png', 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin'})
      res.end(PNG)
      return
    }
    if (!provider) {
      res.writeHead(503).end()
      return
    }
    void provider.callback()(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const issuer = `http://localhost:${port}`
  const accounts = new Map<string, TestAccount>(Object.values(OIDC_ACCOUNTS).map((a) => [a.login, a]))
  const pictureUrl = (account: TestAccount) => `${issuer}/pictures/${account.login}.png`
  return {
    issuer,
    provider: () => {
      if (!provider) throw new Error('configure the provider first')
      return provider
    },
    pictureUrl,
    configure(...hubUrls) {
      provider = new Provider(issuer, {
        clients: [
          {
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            redirect_uris: hubUrls.map((hub) => `${hub}/auth/oidc/callback`),
            post_logout_redirect_uris: hubUrls.map((hub) => `${hub}/auth/oidc/signed-out`),
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_post',
          },
        ],
        async findAccount(_ctx, id) {
          const account = accounts.get(id)
          if (!account) return undefined
          return {
            accountId: id,
            async claims() {
              return {sub: `sub-${id}`, name: account.name, email: account.email, email_verified: true, picture: pictureUrl(account), ...(account.groups ? {groups: account.groups} : {})}
            },
          }
        },
        // Entra ID puts groups in the ID token whatever the scopes
        claims: {openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name', 'picture']},
        conformIdTokenClaims: false,
        pkce: {required: () => true},
        features: {devInteractions: {enabled: true}, rpInitiatedLogout: {enabled: true}},
        // consent is taken as given (an organisation's application is consented by its administrator)
        async loadExistingGrant(ctx) {
          const accountId = ctx.oidc.session?.accountId
          const clientId = ctx.oidc.client?.clientId
          if (!accountId || !clientId) return undefined
          const grant = new ctx.oidc.provider.Grant({clientId, accountId})
          grant.addOIDCScope('openid profile email')
          await grant.save()
          return grant
        },
        cookies: {keys: ['test-cookie-key']},
        ttl: {Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600},
      })
      // oidc-provider logs its development-only warnings once; the tests know
      provider.on('server_error', (_ctx, err) => process.stderr.write(`[oidc-provider] ${err.message}\n`))
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export interface ProviderWalk {
  /** the hub's answer to the start of the sign-in */
  start: Answer
  /** the authorization request as sent (after `tamper`) */
  authUrl: URL
  /** the provider's redirect back to the hub's callback, not yet followed */
  callback: string
}

/**
 * Starts a sign-in at the hub in `browser`, signs in at the provider's form as `account` (unless
 * the browser has a provider session already) and stops before the hub's callback.
 */
export async function walkProvider(browser: HttpBrowser, hubUrl: string, account: TestAccount, tamper?: (authUrl: URL) => void): Promise<ProviderWalk> {
  const start = await browser.request(`${hubUrl}/auth/oidc/start?${new URLSearchParams({origin: `${hubUrl}/local`})}`)
  if (start.status !== 303 || !start.location) throw new Error(`the sign-in did not start: ${start.status} ${start.body.slice(0, 200)}`)
  const authUrl = new URL(start.location)
  tamper?.(authUrl)
  const isHub = (url: string) => url.startsWith(hubUrl)
  let answer = await browser.follow(authUrl.href, isHub)
  if (!answer.location || !isHub(answer.location)) {
    const action = /action="([^"]+)"/.exec(answer.body)?.[1]
    if (!action) throw new Error(`no sign-in form at the provider: ${answer.status} ${answer.body.slice(0, 200)}`)
    const posted = await browser.request(new URL(action, answer.url).href, {
      method: 'POST',
      body: new URLSearchParams({prompt: 'login', login: account.login, password: 'any password'}).toString(),
      headers: {'content-type': 'application/x-www-form-urlencoded'},
    })
    answer = posted.location && !isHub(posted.location) ? await browser.follow(posted.location, isHub) : posted
  }
  if (!answer.location?.startsWith(`${hubUrl}/auth/oidc/callback?`)) throw new Error(`the provider did not send the browser back: ${answer.status} ${answer.body.slice(0, 200)}`)
  return {start, authUrl, callback: answer.location}
}
