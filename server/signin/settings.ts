import type {User} from '../users.js'

/** the roles of accounts (administrator, editor, viewer) */
type AccountRole = User['role']

/**
 * Sign-in settings (README, "Settings"): session lifetimes, local accounts on or off, and the
 * organisation's OpenID Connect provider. Read by configFromEnv (server/node-server.ts); a bad
 * value stops start-up with the setting's name.
 */

export const DEFAULT_SESSION_IDLE_MS = 8 * 60 * 60_000
export const DEFAULT_SESSION_MAX_MS = 7 * 24 * 60 * 60_000

export interface OidcSettings {
  /** the provider's issuer address (its discovery document is `<issuer>/.well-known/openid-configuration`) */
  issuer: string
  clientId: string
  clientSecret?: string | undefined
  /** the button's label, e.g. "NHSmail" */
  name: string
  /** the ID token claim holding groups or app roles; default `groups` */
  rolesClaim: string
  /** claim value → role */
  roles: ReadonlyMap<string, AccountRole>
}

export interface SignInSettings {
  /** a session ends when unused this long (AHP_SESSION_IDLE) */
  sessionIdleMs: number
  /** a session ends this long after sign-in, used or not (AHP_SESSION_MAX) */
  sessionMaxMs: number
  /** the email and password form (AHP_LOCAL_ACCOUNTS, default on) */
  localAccounts: boolean
  oidc?: OidcSettings | undefined
}

export const defaultSignInSettings: SignInSettings = {sessionIdleMs: DEFAULT_SESSION_IDLE_MS, sessionMaxMs: DEFAULT_SESSION_MAX_MS, localAccounts: true}

const UNITS: Record<string, number> = {s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000}

/** `90s`, `30m`, `8h`, `7d`, or a number of seconds. */
export function parseDuration(name: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(value.trim())
  const ms = match ? Number(match[1]) * (UNITS[match[2] || 's'] as number) : NaN
  if (!Number.isFinite(ms) || ms < 1_000) throw new Error(`${name} must be a duration such as 30m, 8h or 7d (at least 1s), got "${value}"`)
  return ms
}

const ROLE_NAMES: readonly AccountRole[] = ['administrator', 'editor', 'viewer']

/** `<claim value>=<role>,...` */
export function parseRoleMap(value: string): Map<string, AccountRole> {
  const roles = new Map<string, AccountRole>()
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.lastIndexOf('=')
    const claim = item.slice(0, eq).trim()
    const role = item.slice(eq + 1).trim()
    if (eq <= 0 || !claim || !(ROLE_NAMES as readonly string[]).includes(role)) {
      throw new Error(`AHP_OIDC_ROLES must be <group or role id>=<${ROLE_NAMES.join('|')}>,..., got "${item}"`)
    }
    roles.set(claim, role as AccountRole)
  }
  if (roles.size === 0) throw new Error('AHP_OIDC_ROLES must map at least one group or app role to a role, e.g. <group-id>=editor')
  return roles
}

export function signInSettingsFromEnv(env: NodeJS.ProcessEnv): SignInSettings {
  const set = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : (env[name] as string))
  const idle = set('AHP_SESSION_IDLE')
  const max = set('AHP_SESSION_MAX')
  const local = (set('AHP_LOCAL_ACCOUNTS') ?? 'on').toLowerCase()
  if (!['on', 'off'].includes(local)) throw new Error(`AHP_LOCAL_ACCOUNTS must be on or off, got "${env.AHP_LOCAL_ACCOUNTS}"`)
  const settings: SignInSettings = {
    sessionIdleMs: idle ? parseDuration('AHP_SESSION_IDLE', idle) : DEFAULT_SESSION_IDLE_MS,
    sessionMaxMs: max ? parseDuration('AHP_SESSION_MAX', max) : DEFAULT_SESSION_MAX_MS,
    localAccounts: local === 'on',
  }
  const issuer = set('AHP_OIDC_ISSUER')
  if (issuer) {
    let url: URL | undefined
    try {
      url = new URL(issuer)
    } catch {
      url = undefined
    }
    const loopback = url && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
    if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
      throw new Error(`AHP_OIDC_ISSUER must be an https:// address (http:// only on localhost), got "${issuer}"`)
    }
    const clientId = set('AHP_OIDC_CLIENT_ID')
    if (!clientId) throw new Error('AHP_OIDC_CLIENT_ID must be set with AHP_OIDC_ISSUER (the application (client) id)')
    const roles = set('AHP_OIDC_ROLES')
    if (!roles) throw new Error('AHP_OIDC_ROLES must be set with AHP_OIDC_ISSUER: <group-id>=editor,<group-id>=viewer,...')
    settings.oidc = {
      issuer,
      clientId,
      clientSecret: set('AHP_OIDC_CLIENT_SECRET'),
      name: set('AHP_OIDC_NAME') ?? 'your organisation',
      rolesClaim: set('AHP_OIDC_ROLES_CLAIM') ?? 'groups',
      roles: parseRoleMap(roles),
    }
  } else {
    for (const name of ['AHP_OIDC_CLIENT_ID', 'AHP_OIDC_CLIENT_SECRET', 'AHP_OIDC_ROLES']) {
      if (set(name)) throw new Error(`${name} is set but AHP_OIDC_ISSUER is not: set the provider's issuer address too`)
    }
  }
  if (!settings.localAccounts && !settings.oidc) throw new Error('AHP_LOCAL_ACCOUNTS=off needs an OpenID provider (AHP_OIDC_ISSUER): nobody could sign in')
  if (settings.sessionIdleMs > settings.sessionMaxMs) settings.sessionIdleMs = settings.sessionMaxMs
  return settings
}
