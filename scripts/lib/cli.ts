import {parseArgs, type ParseArgsConfig} from 'node:util'
import {pathToFileURL} from 'node:url'

import {CliError, UsageError} from './errors'

/** Where a command writes: data and results to `stdout`, progress and problems to `stderr`. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
}

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>

export type ParsedValues = Record<string, string | boolean | (string | boolean)[] | undefined>

/**
 * A command is data: its name, its usage text, its options for `node:util` `parseArgs`, and a
 * `run` that returns an exit code (0 ok, 1 content or runtime error, 2 usage error) or throws a
 * `CliError`. Only `runMain` exits the process.
 */
export interface Command {
  name: string
  usage: string
  options: OptionsConfig
  run(values: ParsedValues, io: CliIo, positionals: string[]): Promise<number | void>
}

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
  }
}

/** Parse `argv` against `options`; unknown or malformed options become a `UsageError`. */
export function parseCommandArgs(command: Pick<Command, 'name' | 'options'>, argv: string[]): {values: ParsedValues; positionals: string[]} {
  try {
    const {values, positionals} = parseArgs({args: argv, options: command.options, strict: true, allowPositionals: true})
    return {values: values as ParsedValues, positionals}
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** A string option's value, or `undefined`; an option given without a value is a usage error. */
export function stringOption(values: ParsedValues, name: string): string | undefined {
  const value = values[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new UsageError(`--${name} needs a value`)
  return value
}

/** Run a command with `argv` and return its exit code. `--help` prints usage and returns 0. */
export async function runCommand(command: Command, argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    const {values, positionals} = parseCommandArgs({name: command.name, options: {...command.options, help: {type: 'boolean', short: 'h'}}}, argv)
    if (values.help === true) {
      io.stdout(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`)
      return 0
    }
    return (await command.run(values, io, positionals)) ?? 0
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`${command.name}: ${error.message}\n`)
      if (error.exitCode === 2) io.stderr(`Run "npm run ${command.name} -- --help" for usage.\n`)
      return error.exitCode
    }
    const network = networkErrorCode(error)
    if (network) {
      io.stderr(`${command.name}: ${describeNetworkError(error)}\n`)
      return 1
    }
    io.stderr(`${command.name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
}

const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET'])

/** The code of a network or certificate failure (on the error or, for fetch, its `cause`), if it is one. */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; current = (current as {cause?: unknown}).cause, depth++) {
    const code = (current as {code?: unknown}).code
    if (typeof code === 'string' && (CERTIFICATE_CODES.has(code) || NETWORK_CODES.has(code))) return code
  }
  return undefined
}

/** ` 127.0.0.1:3333` from a Node network error (or its fetch `cause`), when it says. */
function addressOf(error: unknown): string {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; current = (current as {cause?: unknown}).cause, depth++) {
    const {address, port, hostname, request} = current as {address?: unknown; port?: unknown; hostname?: unknown; request?: {protocol?: unknown; getHeader?: (name: string) => unknown}}
    // @sanity/client's requester (get-it) keeps the request (a ClientRequest) it failed to send
    const host = typeof request?.getHeader === 'function' ? request.getHeader('host') : undefined
    if (typeof host === 'string') return ` ${typeof request?.protocol === 'string' ? request.protocol : 'https:'}//${host}`
    if (typeof address === 'string') return ` ${address}${typeof port === 'number' ? `:${port}` : ''}`
    if (typeof hostname === 'string') return ` ${hostname}`
  }
  return ''
}

/**
 * One line for a network or certificate failure: what happened and what to do, never a stack.
 * `address` names the server when the error does not.
 */
export function describeNetworkError(error: unknown, address?: string): string {
  const code = networkErrorCode(error)
  const where = address ? ` ${address}` : addressOf(error)
  if (code && CERTIFICATE_CODES.has(code)) {
    return `cannot trust the certificate of${where || ' the server'} (${code}): for the local server, start Node with NODE_EXTRA_CA_CERTS=data/tls/ca.pem (or set AHP_DATA_DIR to its data folder)`
  }
  if (code === 'ECONNREFUSED') return `nothing answers at${where || ' the server'} (ECONNREFUSED): start the server (npm start) or check --source`
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot find the host${where} (${code}): check --source`
  if (code) return `the connection to${where || ' the server'} failed (${code}): check the server is running and reachable`
  return error instanceof Error ? error.message : String(error)
}

/** True when `moduleUrl` (pass `import.meta.url`) is the script Node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv[1]
  return entry !== undefined && pathToFileURL(entry).href === moduleUrl
}

/** The one place that exits the process: after stdout has flushed, with the command's exit code. */
export function runMain(command: Command, argv: string[] = process.argv.slice(2)): void {
  void runCommand(command, argv).then((code) => {
    process.stdout.write('', () => process.exit(code))
  })
}
