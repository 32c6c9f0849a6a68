import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {configFromEnv, startServer, type StudioState} from '../server/node-server'
import {seedDataset} from '../server/seed'
import {trustInstructions} from '../server/tls'
import {isMainModule, runMain, type Command} from './lib/cli'
import {DEFAULT_OUT_DIR, ensureStudioBuilt, PROJECT_ROOT} from './studio-build'
import {CliError, UsageError} from './lib/errors'

/** Starts the local Content Lake; seeds `production` from content/dataset.ndjson on an empty data folder. */

const SEED = fileURLToPath(new URL('../content/dataset.ndjson', import.meta.url))
const SEED_DATASET = 'production'

export const serveCommand: Command = {
  name: 'server',
  usage: `Usage: npm run server   (npm start)

Starts the embedded Content Lake: Sanity's HTTP API over SQLite, on HTTPS with HTTP/2.
On an empty data folder it creates dataset "production" and imports content/dataset.ndjson.
Ctrl-C (SIGINT) or SIGTERM closes it cleanly; SIGHUP re-reads the TLS certificate and key.

Environment (all of them: README, "Settings"):
  AHP_PORT          port (default 3333)
  AHP_HOST          address to listen on (default 127.0.0.1)
  AHP_DATA_DIR      data folder (default ./data): datasets, assets, tokens, tls/ca.pem
  AHP_PUBLIC_URL    the address users type (https://content.example.nhs.uk)
  AHP_TLS_CERT, AHP_TLS_KEY   the organisation's certificate and key (PEM files)
  AHP_TLS           "off": plain HTTP behind a reverse proxy that terminates TLS
  AHP_TRUSTED_PROXIES  addresses/CIDRs whose X-Forwarded-* headers are believed (with AHP_TLS=off)
  AHP_LOG_LEVEL     fatal, error, warn, info (default), debug, trace, silent
  AHP_ADMIN_TOKEN   administrator token (default: generated into <data>/admin-token, mode 0600)
  AHP_CORS_ORIGINS  comma-separated origins allowed by CORS (default: the server's own origins)
  AHP_STUDIO        "off": the API only; "prebuilt": serve dist-studio/ as built by
                    npm run studio:build, never build (deployments); default: build in the
                    background when the Studio's sources changed

The API answers within seconds. The Studio (dist-studio/) is built in the background when its
sources changed since the last build (a few minutes the first time); until it is ready its
address shows a "being built" page that reloads itself. Editors sign in with local accounts:
npm run user -- create --email EMAIL --role editor

Exit codes: 0 closed cleanly, 1 runtime error, 2 usage error.
`,
  options: {},
  async run(_values, io, positionals) {
    if (positionals.length > 0) throw new UsageError('takes no arguments; configure it with AHP_* variables')
    let config
    try {
      config = configFromEnv(io.env)
    } catch (err) {
      throw new UsageError((err as Error).message)
    }
    const studioSetting = (io.env.AHP_STUDIO ?? '').toLowerCase()
    if (studioSetting !== '' && !['off', 'prebuilt', 'build'].includes(studioSetting)) throw new UsageError(`AHP_STUDIO must be "off", "prebuilt" or "build", got "${io.env.AHP_STUDIO}"`)
    const studioDir = join(PROJECT_ROOT, DEFAULT_OUT_DIR)
    const hasBuild = () => existsSync(join(studioDir, 'index.html'))
    let studioState: StudioState = hasBuild() ? 'ready' : 'building'
    if (studioSetting !== 'off') {
      config = {...config, studioDir, studioState: () => studioState}
      if (studioSetting === 'prebuilt' && !hasBuild()) studioState = 'failed'
    }
    let server
    try {
      server = await startServer(config)
    } catch (err) {
      throw new CliError(`cannot start on ${config.host}:${config.port}: ${(err as Error).message}`)
    }
    const log = server.log
    if (studioSetting === 'prebuilt' && studioState === 'failed') log.error({studioDir}, 'AHP_STUDIO=prebuilt but there is no built Studio: run npm run studio:build')
    if (studioSetting !== 'off' && studioSetting !== 'prebuilt') {
      // the build never holds the API back: it runs beside it, the old build served meanwhile
      void ensureStudioBuilt({env: io.env, log: (line) => log.info({component: 'studio'}, line)}).then(
        (built) => {
          studioState = 'ready'
          log.info({component: 'studio', built: built.built, ms: built.ms}, built.built ? 'Studio built: serving it' : 'the Studio build is up to date')
        },
        (err: unknown) => {
          studioState = hasBuild() ? 'ready' : 'failed'
          log.error({component: 'studio', err: err instanceof Error ? err.message : String(err)}, hasBuild() ? 'the Studio could not be built: serving the previous build' : 'the Studio could not be built: serving the API only')
        },
      )
    }
    const port = server.port
    if (server.tlsMode === 'local' && server.tls.caCreated) io.stderr(`${trustInstructions(server.tls.caCertPath)}\n\n`)
    if (server.store.list().length === 0) {
      if (existsSync(SEED)) {
        const count = seedDataset(server.store, SEED_DATASET, readFileSync(SEED, 'utf8'))
        log.info({dataset: SEED_DATASET, documents: count}, 'seeded the dataset from content/dataset.ndjson')
      } else {
        server.store.create(SEED_DATASET)
        log.info({dataset: SEED_DATASET}, 'created an empty dataset (no content/dataset.ndjson to seed from)')
      }
    }
    const address = config.publicUrl ?? server.url
    io.stdout(
      [
        ...(config.studioDir ? [`Studio: ${address}/  (${studioState === 'ready' ? 'ready' : 'being built'}; sign in with an account from: npm run user -- create --email EMAIL --role editor)`] : []),
        `AHP Content Hub API: ${address}${server.tlsMode === 'local' ? `  (also https://${config.projectId}.localhost:${port}, HTTP/2)` : server.tlsMode === 'off' ? '  (plain HTTP on the proxy side)' : ''}`,
        `Health: ${server.url}/health`,
        `Datasets: ${server.store.list().map((d) => d.name).join(', ')}`,
        `Admin token: ${server.tokens.adminTokenSource}`,
        ...(server.tlsMode === 'local' ? [`CA certificate: ${server.tls.caCertPath}`] : []),
        `Client: createClient({projectId: '${config.projectId}', dataset: '${SEED_DATASET}', apiHost: '${address}', useProjectHostname: false, apiVersion: '2025-02-19'})`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    )
    await new Promise<void>((resolve) => {
      const onHup = () => {
        void server.reloadTls().then(
          (result) => log.info({signal: 'SIGHUP', notAfter: result?.notAfter.toISOString()}, result ? 'TLS certificate re-read' : 'SIGHUP: nothing to re-read (AHP_TLS=off)'),
          (err: unknown) => log.error({signal: 'SIGHUP', err: err instanceof Error ? err.message : String(err)}, 'SIGHUP: the certificate could not be re-read; still serving the previous one'),
        )
      }
      const stop = (signal: string) => {
        log.info({signal}, 'closing the server and its databases')
        process.off('SIGINT', onInt)
        process.off('SIGTERM', onTerm)
        process.off('SIGHUP', onHup)
        void server.close().then(resolve)
      }
      const onInt = () => stop('SIGINT')
      const onTerm = () => stop('SIGTERM')
      process.on('SIGINT', onInt)
      process.on('SIGTERM', onTerm)
      process.on('SIGHUP', onHup)
    })
    io.stderr('Closed.\n')
    return 0
  },
}

if (isMainModule(import.meta.url)) runMain(serveCommand)
