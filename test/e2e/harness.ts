import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {chromium, type Browser, type BrowserContext, type Page} from 'playwright-core'
import {createLocalClient} from '../../server/client.js'
import {startServer, type RunningServer, type ServerConfig} from '../../server/node-server.js'
import type {Role} from '../../server/types.js'
import {importNdjson} from '../../scripts/content-import.js'
import {ensureStudioBuilt} from '../../scripts/studio-build.js'
import {createUserCommand} from '../../scripts/user.js'
import {runCommand} from '../../scripts/lib/cli.js'
import {sessionTokenFor} from '../helpers/signin.js'

/**
 * One Studio build, one server and one headless Chromium for the browser tests. The browser
 * trusts the server's local CA through its own NSS database (`$HOME/.pki/nssdb` of a throwaway
 * HOME), as an editor's browser would after the README's one-time step: certificate errors are
 * never ignored.
 */

export const CHROMIUM = process.env.AHP_CHROMIUM ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/**
 * How long a fresh browser context may take to show the Studio's first form: it downloads and
 * runs the whole Studio (8.7 MiB) with an empty cache, which on a loaded 2-core CI machine has
 * taken over 30 s when two contexts load at once. Later steps keep their shorter timeout.
 */
export const COLD_LOAD = 120_000

export const OUTPUT_DIR = join(ROOT, 'test-output', 'e2e')
const SEED = join(ROOT, 'content', 'dataset.ndjson')

export interface Account {
  email: string
  password: string
  name: string
  role: Role
}

export const ACCOUNTS = {
  editor: {email: 'alex.editor@example.nhs.uk', password: 'editor-password-1', name: 'Alex Editor', role: 'editor'},
  editor2: {email: 'sam.editor@example.nhs.uk', password: 'editor-password-2', name: 'Sam Editor', role: 'editor'},
  viewer: {email: 'vic.viewer@example.nhs.uk', password: 'viewer-password-1', name: 'Vic Viewer', role: 'viewer'},
} satisfies Record<string, Account>

export interface StudioEnv {
  server: RunningServer
  url: string
  dataDir: string
  browser: Browser
  /** signs in through the server's sign-in flow over HTTP and returns the session token */
  sessionToken(account: Account): Promise<string>
  /** a fresh browser context (its own localStorage) already signed in as `account` */
  signedInContext(account: Account): Promise<BrowserContext>
  /** a fresh browser context holding a session token, as the Studio keeps it after a sign-in */
  contextWithToken(token: string): Promise<BrowserContext>
  screenshot(page: Page, name: string): Promise<string>
  close(): Promise<void>
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM)
}

/** Makes a browser HOME whose NSS database trusts the local CA (what `certutil` does for an editor once). */
export function trustingHome(caCertPath: string): string {
  const home = mkdtempSync(join(tmpdir(), 'ahp-e2e-home-'))
  const nssdb = join(home, '.pki', 'nssdb')
  mkdirSync(nssdb, {recursive: true})
  execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password'])
  execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'ahp-local-ca', '-i', caCertPath])
  return home
}

/** `config`: more server settings, such as a `clock` (server/clock.ts) for tests that move time. */
export async function startStudioEnv(config: Partial<ServerConfig> = {}): Promise<StudioEnv> {
  // AHP_E2E_STUDIO_DIR: an existing build, for iterating on the tests without rebuilding
  const build = process.env.AHP_E2E_STUDIO_DIR
    ? {outDir: process.env.AHP_E2E_STUDIO_DIR}
    : await ensureStudioBuilt({log: (line) => process.stderr.write(`[e2e] studio: ${line}\n`)})
  const dataDir = mkdtempSync(join(tmpdir(), 'ahp-e2e-data-'))
  const server = await startServer({port: 0, host: '127.0.0.1', dataDir, projectId: 'local', synchronous: 'normal', studioDir: build.outDir, ...config})
  const url = server.url
  const ca = readFileSync(server.tls.caCertPath, 'utf8')
  server.store.create('production')
  const client = createLocalClient({url, dataset: 'production', token: server.tokens.getAdminToken(), dataDir})
  await importNdjson({client, ndjson: readFileSync(SEED, 'utf8'), mode: 'createOrReplace'})
  // accounts through the same command an administrator runs
  for (const account of Object.values(ACCOUNTS)) {
    const quiet = {stdout: () => {}, stderr: (text: string) => void process.stderr.write(`[e2e] user: ${text}`), env: {AHP_DATA_DIR: dataDir}}
    const command = createUserCommand({readPassword: async () => account.password})
    const code = await runCommand(command, ['create', '--email', account.email, '--role', account.role, '--name', account.name], quiet)
    if (code !== 0) throw new Error(`could not create the ${account.role} account`)
  }
  const home = trustingHome(server.tls.caCertPath)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: {...process.env, HOME: home},
  })
  mkdirSync(OUTPUT_DIR, {recursive: true})

  // the sign-in form as a browser fills it in (form token, sign-in cookie, own Origin)
  const sessionToken = (account: Account): Promise<string> => sessionTokenFor(url, ca, account)

  const studioEnv: StudioEnv = {
    server,
    url,
    dataDir,
    browser,
    sessionToken,
    async signedInContext(account) {
      return studioEnv.contextWithToken(await sessionToken(account))
    },
    async contextWithToken(token) {
      const context = await browser.newContext({viewport: {width: 1400, height: 900}, locale: 'en-GB', timezoneId: 'Europe/London'})
      await context.addInitScript(
        ([key, value]) => {
          if (!window.localStorage.getItem(key)) window.localStorage.setItem(key, value)
        },
        ['__studio_auth_token_local', JSON.stringify({token})] as const,
      )
      return context
    },
    async screenshot(page, name) {
      const path = join(OUTPUT_DIR, `${name}.png`)
      await page.screenshot({path, fullPage: false})
      return path
    },
    async close() {
      await browser.close().catch(() => {})
      await server.close()
      rmSync(home, {recursive: true, force: true})
      rmSync(dataDir, {recursive: true, force: true})
    },
  }
  return studioEnv
}
