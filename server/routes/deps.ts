import type {TokenStore} from '../auth.js'
import type {Clock} from '../clock.js'
import type {PerCallerCap} from '../http/limits.js'
import type {ReleaseValidator} from '../releases.js'
import type {Store} from '../store.js'
import type {SignInSettings} from '../signin/settings.js'
import type {UserStore} from '../users.js'

/** What every route module is built from (server/handler.ts makes one of these). */
export interface ServerDeps {
  store: Store
  tokens: TokenStore
  users?: UserStore | undefined
  projectId: string
  clock: Clock
  /** validates a release before it is published; `null` skips it */
  validateRelease: ReleaseValidator | null
  /** the address users type (AHP_PUBLIC_URL, or the local address): asset URLs are built from it, never from a request header */
  publicUrl(): string
  corsOrigins?: string[] | undefined
  /** sign-in: session lifetimes, local accounts on or off, the organisation's OpenID provider (server/routes/auth.ts) */
  signIn?: SignInSettings | undefined
  limits: {
    maxBodyBytes: number
    maxAssetBytes: number
    keepAliveMs: number
    /** per-query time limit (AHP_QUERY_TIMEOUT_MS) */
    queryTimeoutMs: number
    queriesInFlight: PerCallerCap
    listeners: PerCallerCap
  }
}

const FIRST_PUBLISHED_DEFAULT_VERSION = '2025-02-19'

/** With no `perspective`, API versions from v2025-02-19 on read `published`, older ones `raw`. */
export function defaultPerspective(apiVersion: string): 'raw' | 'published' {
  if (apiVersion === 'X') return 'published'
  return /^\d{4}-\d{2}-\d{2}$/.test(apiVersion) && apiVersion >= FIRST_PUBLISHED_DEFAULT_VERSION ? 'published' : 'raw'
}

/** `versions.**` documents are invisible to API versions before v2025-02-19, as on hosted Sanity. */
export const hideVersions = (apiVersion: string) => defaultPerspective(apiVersion) === 'raw'
