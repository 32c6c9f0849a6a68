import {spawn} from 'node:child_process'
import path from 'node:path'

import {isMainModule, runMain, stringOption, type Command} from './lib/cli'
import {UsageError} from './lib/errors'
import {PROJECT_ROOT} from './studio-build'

/**
 * `npm run studio:dev`: `sanity dev` with hot reload on http://localhost:3334, talking to the
 * local server (started apart with `npm start`, which must allow this page's origin by CORS).
 */

export const DEV_PORT = 3334

/** The environment `sanity dev` runs with: the local server's API host baked in, no telemetry. */
export function devEnv(env: NodeJS.ProcessEnv, apiPort: string): NodeJS.ProcessEnv {
  return {
    ...env,
    SANITY_STUDIO_API_HOST: env.SANITY_STUDIO_API_HOST || `https://localhost:${apiPort}`,
    DO_NOT_TRACK: '1',
    NO_UPDATE_NOTIFIER: '1',
  }
}

export const studioDevCommand: Command = {
  name: 'studio:dev',
  usage: `Usage: npm run studio:dev [-- --port ${DEV_PORT}]

Runs the Studio with hot reload ("sanity dev") on http://localhost:${DEV_PORT}, against the local
server on https://localhost:$AHP_PORT (3333). Start the server in another terminal, allowing
this page's origin:

  AHP_CORS_ORIGINS=http://localhost:${DEV_PORT} npm start

Options:
  --port PORT   port of the dev server (default ${DEV_PORT})
  -h, --help    show this help

Environment:
  AHP_PORT                 the local server's port (default 3333)
  SANITY_STUDIO_API_HOST   the API host to use instead (default https://localhost:$AHP_PORT)
`,
  options: {port: {type: 'string'}},
  async run(values, io, positionals) {
    if (positionals.length > 0) throw new UsageError('studio:dev takes no arguments')
    const port = stringOption(values, 'port') ?? String(DEV_PORT)
    if (!/^\d+$/.test(port)) throw new UsageError('--port must be a number')
    const env = devEnv(io.env, io.env.AHP_PORT || '3333')
    io.stderr(
      `studio: Studio with hot reload on http://localhost:${port}, API ${env.SANITY_STUDIO_API_HOST}\n` +
        `studio: the server must allow this origin: AHP_CORS_ORIGINS=http://localhost:${port} npm start\n`,
    )
    const cli = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'sanity')
    const child = spawn(process.execPath, [cli, 'dev', '--port', port], {cwd: PROJECT_ROOT, env, stdio: 'inherit'})
    const forward = (signal: NodeJS.Signals) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    return new Promise<number>((resolve) => {
      child.on('close', (code) => {
        process.off('SIGINT', forward)
        process.off('SIGTERM', forward)
        resolve(code ?? 1)
      })
    })
  },
}

if (isMainModule(import.meta.url)) runMain(studioDevCommand)
