import {existsSync, readFileSync} from 'node:fs'
import https from 'node:https'
import {join} from 'node:path'

import {isMainModule, runCommand, runMain, stringOption, type CliIo, type Command} from './lib/cli'
import {CliError, UsageError} from './lib/errors'

const USAGE = `Usage: npm run site -- [--api URL] [--dataset NAME] [--project-id ID] [--port N] [--host HOST]

Serve the public website live from the Content API. Everyone sees published content. Editors
preview drafts and releases from the Studio's Presentation tool, which signs each preview with a
secret only a signed-in Studio user can create; preview pages follow edits as they are typed.

Options:
  --api URL          The Content API (default: https://localhost:3333, the local server).
  --dataset NAME     Dataset to read (default: production).
  --project-id ID    Project id (default: local, or SANITY_PROJECT_ID).
  --port N           Port to listen on (default: 3000; 0 picks a free one).
  --host HOST        Address to listen on (default: 127.0.0.1).
  -h, --help         Show this help.

Environment:
  SANITY_API_READ_TOKEN  A token that can read drafts (npm run token -- create --role viewer).
                         Needed for preview only; public pages are read without any token.
  AHP_DATA_DIR           The local server's data folder, whose tls/ca.pem is trusted (./data).

Exit codes: 0 stopped, 1 runtime error, 2 usage error.
`

export const siteCommand: Command = {
  name: 'site',
  usage: USAGE,
  options: {
    api: {type: 'string'},
    dataset: {type: 'string'},
    'project-id': {type: 'string'},
    port: {type: 'string'},
    host: {type: 'string'},
  },
  async run(values, io, positionals) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
    const apiHost = stringOption(values, 'api') ?? 'https://localhost:3333'
    try {
      new URL(apiHost)
    } catch {
      throw new UsageError(`--api must be a web address such as https://localhost:3333, not "${apiHost}"`)
    }
    const portText = stringOption(values, 'port') ?? '3000'
    const port = Number(portText)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${portText}"`)
    const dataset = stringOption(values, 'dataset') ?? 'production'
    const projectId = stringOption(values, 'project-id') ?? io.env.SANITY_PROJECT_ID ?? 'local'
    const caPath = join(io.env.AHP_DATA_DIR ?? 'data', 'tls', 'ca.pem')
    const ca = existsSync(caPath) ? readFileSync(caPath, 'utf8') : undefined
    const {requester: baseRequester} = await import('@sanity/client')
    if (ca) https.globalAgent.options.ca = ca // listeners use the global agent
    const requester = ca ? baseRequester.clone().use({finalizeOptions: <T extends object>(options: T): T => ({...options, ca})}) : undefined
    const {startSite} = await import('../site/server')
    let site
    try {
      site = await startSite({
        apiHost,
        dataset,
        projectId,
        previewToken: io.env.SANITY_API_READ_TOKEN || undefined,
        port,
        host: stringOption(values, 'host') ?? '127.0.0.1',
        clientConfig: requester ? {requester} : {},
        log: (line) => io.stderr(`site: ${line}\n`),
      })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new CliError(code === 'EADDRINUSE' ? `port ${port} is in use: choose another with --port` : (error as Error).message)
    }
    io.stdout(`Site on ${site.url} reading ${apiHost} (${dataset})${io.env.SANITY_API_READ_TOKEN ? '; preview on' : '; preview off: set SANITY_API_READ_TOKEN'}\n`)
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await site.close()
    return 0
  },
}

/** Run `site` with `argv` and return its exit code once it stops. */
export function site(argv: string[], io?: CliIo): Promise<number> {
  return runCommand(siteCommand, argv, io)
}

if (isMainModule(import.meta.url)) runMain(siteCommand)
