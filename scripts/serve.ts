import {existsSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {createLocalClient} from '../server/client'
import {configFromEnv, startServer} from '../server/node-server'
import {trustInstructions} from '../server/tls'
import {importNdjson} from './content-import'
import {isMainModule, runMain, type Command} from './lib/cli'
import {ensureStudioBuilt} from './studio-build'
import {CliError, UsageError} from './lib/errors'

/** Starts the local Content Lake; seeds `production` from content/dataset.ndjson on an empty data folder. */

const SEED = fileURLToPath(new URL('../content/dataset.ndjson', import.meta.url))
const SEED_DATASET = 'production'

export const serveCommand: Command = {
  name: 'server',
  usage: `Usage: npm run server   (npm start)

Starts the embedded Content Lake: Sanity's HTTP API over SQLite, on HTTPS with HTTP/2.
On an empty data folder it creates dataset "production" and imports content/dataset.ndjson.
Ctrl-C (SIGINT) or SIGTERM closes it cleanly.

Environment:
  AHP_PORT          port (default 3333)
  AHP_HOST          address to listen on (default 127.0.0.1)
  AHP_DATA_DIR      data folder (default ./data): datasets, assets, tokens, tls/ca.pem
  AHP_ADMIN_TOKEN   administrator token (default: generated into <data>/admin-token, mode 0600)
  AHP_CORS_ORIGINS  comma-separated origins allowed by CORS (default: the server's own origins)
  AHP_STUDIO        "off" serves the API only, without building or serving the Studio

The Studio (dist-studio/) is built first when its sources changed since the last build (a few
minutes the first time), then served at https://localhost:<port>/. Editors sign in with local
accounts: npm run user -- create --email EMAIL --role editor

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
    const withStudio = (io.env.AHP_STUDIO ?? '').toLowerCase() !== 'off'
    if (withStudio) {
      try {
        const built = await ensureStudioBuilt({env: io.env, log: (line) => io.stderr(`studio: ${line}\n`)})
        if (!built.built) io.stderr('studio: the Studio build is up to date\n')
        config = {...config, studioDir: built.outDir}
      } catch (err) {
        const previous = fileURLToPath(new URL('../dist-studio', import.meta.url))
        io.stderr(`studio: the Studio could not be built: ${(err as Error).message}\n`)
        if (existsSync(`${previous}/index.html`)) {
          io.stderr('studio: serving the previous build\n')
          config = {...config, studioDir: previous}
        } else {
          io.stderr('studio: serving the API only\n')
        }
      }
    }
    let server
    try {
      server = await startServer(config)
    } catch (err) {
      throw new CliError(`cannot start on ${config.host}:${config.port}: ${(err as Error).message}`)
    }
    const port = server.port
    if (server.tls.created) io.stderr(`${trustInstructions(server.tls.caCertPath)}\n\n`)
    if (server.store.list().length === 0) {
      server.store.create(SEED_DATASET)
      if (existsSync(SEED)) {
        const client = createLocalClient({url: server.url, dataset: SEED_DATASET, token: server.tokens.getAdminToken(), dataDir: config.dataDir})
        const count = await importNdjson({
          client,
          ndjson: readFileSync(SEED, 'utf8'),
          mode: 'createOrReplace',
          onProgress: (done, total) => io.stderr(`Seeding "${SEED_DATASET}": ${done}/${total} documents\n`),
        })
        io.stderr(`Seeded dataset "${SEED_DATASET}" with ${count} documents from content/dataset.ndjson\n`)
      } else {
        io.stderr(`Created empty dataset "${SEED_DATASET}" (no content/dataset.ndjson to seed from)\n`)
      }
    }
    io.stdout(
      [
        ...(config.studioDir ? [`Studio: ${server.url}/  (sign in with an account from: npm run user -- create --email EMAIL --role editor)`] : []),
        `AHP Content Hub API: ${server.url}  (also https://${config.projectId}.localhost:${port}, HTTP/2)`,
        `Datasets: ${server.store.list().map((d) => d.name).join(', ')}`,
        `Admin token: ${server.tokens.adminTokenSource}`,
        `CA certificate: ${server.tls.caCertPath}`,
        `Client: createClient({projectId: '${config.projectId}', dataset: '${SEED_DATASET}', apiHost: '${server.url}', useProjectHostname: false, apiVersion: '2025-02-19'})`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    )
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        io.stderr(`\n${signal}: closing the server and its databases...\n`)
        process.off('SIGINT', onInt)
        process.off('SIGTERM', onTerm)
        void server.close().then(resolve)
      }
      const onInt = () => stop('SIGINT')
      const onTerm = () => stop('SIGTERM')
      process.on('SIGINT', onInt)
      process.on('SIGTERM', onTerm)
    })
    io.stderr('Closed.\n')
    return 0
  },
}

if (isMainModule(import.meta.url)) runMain(serveCommand)
