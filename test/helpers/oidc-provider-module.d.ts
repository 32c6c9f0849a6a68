/**
 * The part of oidc-provider 9 (a test dependency without bundled types) that
 * test/helpers/oidc-provider.ts uses.
 */
declare module 'oidc-provider' {
  import type {IncomingMessage, ServerResponse} from 'node:http'

  interface Account {
    accountId: string
    claims(): Promise<Record<string, unknown>>
  }

  interface GrantInstance {
    addOIDCScope(scope: string): void
    save(): Promise<string>
  }

  interface OidcContext {
    oidc: {
      session?: {accountId?: string}
      client?: {clientId: string}
      provider: {Grant: new (init: {clientId: string; accountId: string}) => GrantInstance}
    }
  }

  interface Configuration {
    clients: Record<string, unknown>[]
    findAccount(ctx: unknown, id: string): Promise<Account | undefined>
    claims: Record<string, string[]>
    conformIdTokenClaims: boolean
    pkce: {required: () => boolean}
    features: Record<string, {enabled: boolean}>
    loadExistingGrant(ctx: OidcContext): Promise<GrantInstance | undefined>
    cookies: {keys: string[]}
    ttl: Record<string, number>
  }

  export default class Provider {
    constructor(issuer: string, configuration: Configuration)
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>
    on(event: 'server_error', listener: (ctx: unknown, err: Error) => void): this
  }
}
