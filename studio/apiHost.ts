/** The parts of `window.location` the local API host is worked out from. */
export interface PageLocation {
  port: string
  /** the page's host name; absent or a local name (localhost, 127.0.0.1, [::1]): the local server */
  hostname?: string
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** Where the local server listens when nothing says otherwise (`npm start`). */
export const DEFAULT_LOCAL_API_HOST = 'https://localhost:3333'

/**
 * The local server's API host, as the Studio's clients need it (`apiHost`; the client puts the
 * project id in front: `https://local.localhost:<port>`).
 *
 * The Studio is built once and served by the local server on whatever port it listens on, so the
 * host comes from the page's own address at run time: `https://localhost:<port>`. Always
 * `localhost`, never the page's host name: `local.127.0.0.1` is no host name, while Chromium
 * resolves `*.localhost` to the loopback address. An explicit setting wins (`sanity dev` serves
 * the page from another port than the API's: `SANITY_STUDIO_API_HOST=https://localhost:3333`).
 * A page served at the organisation's address (AHP_PUBLIC_URL, `https://content.example.nhs.uk`)
 * uses that address: the client then calls `https://local.content.example.nhs.uk`, a name the
 * deployment gives the server too (deploy/README.md).
 */
export function localApiHost(location: PageLocation | undefined, override?: string): string {
  if (override) return override.replace(/\/+$/, '')
  if (!location) return DEFAULT_LOCAL_API_HOST
  const host = location.hostname && !LOCAL_NAMES.has(location.hostname) && !location.hostname.endsWith('.localhost') ? location.hostname : 'localhost'
  return location.port ? `https://${host}:${location.port}` : `https://${host}`
}

/** The page's location in a browser; undefined in Node (the CLI, tests). */
export function pageLocation(): PageLocation | undefined {
  if (typeof window === 'undefined' || typeof window.location !== 'object') return undefined
  return {port: window.location.port, hostname: window.location.hostname}
}
